package io.cudawasm.kernels.abi;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The bytes of a {@code CUtensorMap} here: the contract between the host that makes a tensor map
 * (the launch's tensor-map argument, which CUDA's host code makes with {@code cuTensorMapEncodeTiled})
 * and the device code of sm_90's bulk tensor copies ({@code cp.async.bulk.tensor},
 * {@code cde::cp_async_bulk_tensor_*}), which reads it (preprocess/TensorMapHeader). CUDA's layout
 * is opaque; this one is the project's own, 128 bytes like CUDA's, little-endian:
 *
 * <pre>
 *   0 u64 global address of element (0, ..., 0)
 *   8 u32 MAGIC (a map the worker made; anything else stops the copy)
 *  12 u32 element size in bytes (1, 2, 4 or 8)
 *  16 u32 rank (1..5)
 *  20 u32 flags: 0 (tiled, no interleave, no swizzle, out-of-bounds elements read as zero)
 *  24 u32 dims[5]            elements per dimension, 1 past the rank
 *  44 u32 reserved
 *  48 u64 strides[5]         bytes between neighbours of each dimension (strides[0] = element size)
 *  88 u32 box[5]             elements of the box per dimension, 1 past the rank
 * 108 u32 elementStrides[5]  1 (other traversal strides are not supported)
 * </pre>
 *
 * A copy moves the box at signed coordinates {@code c0..c4}: element {@code (c0 + i0, ...)} of the
 * tensor to shared-memory offset {@code ((i4 * box3 + i3) * box2 + i2) * box1 + i1) * box0 + i0}
 * elements; elements outside the tensor read as zero and are not written by a store.
 */
public final class TensorMapAbi {
    private TensorMapAbi() {}

    public static final int BYTES = 128;
    /** "TMAP" little-endian. */
    public static final int MAGIC = 0x50414D54;
    public static final int MAX_RANK = 5;
    /** The largest box edge, as {@code cuTensorMapEncodeTiled} allows. */
    public static final int MAX_BOX = 256;

    public static final int ADDRESS = 0;
    public static final int MAGIC_AT = 8;
    public static final int ELEMENT_SIZE = 12;
    public static final int RANK = 16;
    public static final int FLAGS = 20;
    public static final int DIMS = 24;
    public static final int STRIDES = 48;
    public static final int BOX = 88;
    public static final int ELEMENT_STRIDES = 108;

    /** What the copy function answers: done, or why it stopped (the caller traps with the message). */
    public static final int STATUS_OK = 0;
    public static final int STATUS_MISALIGNED = 1;
    public static final int STATUS_NOT_A_MAP = 2;
    public static final int STATUS_WRONG_RANK = 3;
    public static final int STATUS_UNSUPPORTED = 4;

    public static final String MISALIGNED = "a bulk tensor copy (sm_90) needs a 128-byte aligned shared-memory address";
    public static final String NOT_A_MAP = "a bulk tensor copy's CUtensorMap was not made by the launch: pass the"
            + " argument as a tensor map (a {\"tensorMap\": {...}} argument in the job API, tensormap:... with run)"
            + " or point to such an argument";
    public static final String WRONG_RANK = "a bulk tensor copy's dimension count differs from its tensor map's rank";
    public static final String UNSUPPORTED = "a tensor map with element strides other than 1, interleave, swizzle or"
            + " NaN fill is not supported";

    /** The reason a status other than {@link #STATUS_OK} stops the kernel with. */
    public static String reason(int status) {
        return switch (status) {
            case STATUS_MISALIGNED -> MISALIGNED;
            case STATUS_NOT_A_MAP -> NOT_A_MAP;
            case STATUS_WRONG_RANK -> WRONG_RANK;
            case STATUS_UNSUPPORTED -> UNSUPPORTED;
            default -> throw new IllegalArgumentException("no tensor copy status " + status);
        };
    }

    /**
     * The map's bytes. The caller has checked the shape (rank 1..5, positive sizes, strides that keep
     * the tensor inside its buffer); {@code strides} are those of dimensions 1..rank-1 in bytes.
     */
    public static byte[] encode(long address, int elementSize, long[] dims, long[] strides, int[] box) {
        int rank = dims.length;
        if (rank < 1 || rank > MAX_RANK || strides.length != rank - 1 || box.length != rank) {
            throw new IllegalArgumentException("a tensor map has 1.." + MAX_RANK + " dimensions, each with a size"
                    + " and a box edge, and a stride for each but the first");
        }
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ADDRESS, address);
        b.putInt(MAGIC_AT, MAGIC);
        b.putInt(ELEMENT_SIZE, elementSize);
        b.putInt(RANK, rank);
        b.putInt(FLAGS, 0);
        for (int d = 0; d < MAX_RANK; d++) {
            b.putInt(DIMS + 4 * d, d < rank ? (int) dims[d] : 1);
            b.putLong(STRIDES + 8 * d, d == 0 ? elementSize : d < rank ? strides[d - 1] : 0);
            b.putInt(BOX + 4 * d, d < rank ? box[d] : 1);
            b.putInt(ELEMENT_STRIDES + 4 * d, 1);
        }
        return b.array();
    }
}
