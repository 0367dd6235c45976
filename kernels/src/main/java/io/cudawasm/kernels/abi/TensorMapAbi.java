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
 *  20 u32 flags: bits 0-1 the swizzle ({@link Swizzle}), bit 2 {@link #IM2COL}, all others 0
 *                            (no interleave, out-of-bounds elements read as zero)
 *  24 u32 dims[5]            elements per dimension, 1 past the rank
 *  44 u32 data type          {@link Kind}: how a bulk reduction combines elements (0 in maps made
 *                            before it existed: such maps copy, but do not reduce)
 *  48 u64 strides[5]         bytes between neighbours of each dimension (strides[0] = element size)
 *  88 u32 box[5]             tiled: elements of the box per dimension, 1 past the rank;
 *                            im2col: box[0] channels per pixel, box[1] pixels per column, box[2..4]
 *                            the bounding box's corners in dimensions 1..3 (W, H, D): the lower
 *                            corner in the low 16 bits, the upper in the high 16, both signed
 * 108 u32 elementStrides[5]  the traversal stride per dimension, 1 to 8 (dimension 0's is 1)
 * </pre>
 *
 * A tiled copy moves the box at signed coordinates {@code c0..c4}: element
 * {@code (c0 + i0, c1 + i1 * e1, ...)} of the tensor ({@code e} the element strides) to shared-memory
 * offset {@code ((i4 * n3 + i3) * n2 + i2) * n1 + i1) * box0 + i0} elements, {@code n} the box's edges
 * divided by the element strides; elements outside the tensor read as zero and are not written by
 * a store. An im2col copy ({@code .im2col}, {@link #IM2COL}) moves {@code pixels} rows of
 * {@code channels} elements: the tensor is a batch of images (dimension 0 the channels, the last the
 * image, those between the image's W, H, D); the filter's base starts at {@code (c1, ...)} of image
 * {@code c(last)} and steps by the element strides through the bounding box (from the lower corner
 * to the dimension's size - 1 plus the upper corner) W first, then H, D and the next image; each
 * row is the channels {@code c0..} of the pixel at base plus the instruction's offsets, zeros where
 * that lies outside the tensor or past the last image (PTX ISA "im2col mode"). A swizzled map
 * moves each 16-byte chunk of that layout to byte offset {@link #swizzle}: CUDA's
 * {@code CU_TENSOR_MAP_SWIZZLE_32B/64B/128B}, which XOR the chunk's index within a 32/64/128-byte
 * span with the index of the 128-byte line it lies in (bits 4.. with bits 7..), repeating every
 * 256/512/1024 bytes; the box's rows are at most one span, the shared address a multiple of the repeat.
 * A bulk reduction ({@code cp.reduce.async.bulk.tensor}) combines each element of the box inside the
 * tensor into it with an atomic operation ({@link #REDUCTIONS}) of the map's data type.
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
    public static final int DATA_TYPE = 44;
    public static final int STRIDES = 48;
    public static final int BOX = 88;
    public static final int ELEMENT_STRIDES = 108;
    /** The im2col fields, in place of the box's: channels per pixel, pixels per column, corners. */
    public static final int CHANNELS_PER_PIXEL = BOX;
    public static final int PIXELS_PER_COLUMN = BOX + 4;
    public static final int CORNERS = BOX + 8;
    /** The flag of a map made for im2col copies ({@code cuTensorMapEncodeIm2col}). */
    public static final int IM2COL = 4;
    /** The largest traversal stride, as {@code cuTensorMapEncodeTiled} allows. */
    public static final int MAX_ELEMENT_STRIDE = 8;
    /** The most channels per pixel and pixels per column of an im2col map, as {@code cuTensorMapEncodeIm2col} allows. */
    public static final int MAX_CHANNELS_PER_PIXEL = 256;
    public static final int MAX_PIXELS_PER_COLUMN = 1024;

    /** What the copy function answers: done, or why it stopped (the caller traps with the message). */
    public static final int STATUS_OK = 0;
    public static final int STATUS_MISALIGNED = 1;
    public static final int STATUS_NOT_A_MAP = 2;
    public static final int STATUS_WRONG_RANK = 3;
    public static final int STATUS_UNSUPPORTED = 4;
    public static final int STATUS_UNTYPED = 5;
    public static final int STATUS_NO_REDUCTION = 6;
    public static final int STATUS_SWIZZLE = 7;
    public static final int STATUS_MODE = 8;
    /** The highest status (trap codes are reserved for each, abi/KernelAbi). */
    public static final int STATUS_LAST = STATUS_MODE;

    /** The bits of {@link #FLAGS} that hold the swizzle. */
    public static final int SWIZZLE_MASK = 3;

    /** A map's element kind, stored at {@link #DATA_TYPE} as its ordinal (the width is the element size). */
    public enum Kind {
        /** A map made before maps had a data type: it copies but cannot reduce. */
        UNSPECIFIED, UNSIGNED, SIGNED, FLOAT
    }

    /** CUDA's {@code CUtensorMapSwizzle}: its ordinal is CUDA's value and is stored in the flags' low bits. */
    public enum Swizzle {
        NONE(0), B32(32), B64(64), B128(128);

        private final int span;

        Swizzle(int span) {
            this.span = span;
        }

        /** The bytes a box's row may hold at most (0: no limit). */
        public int span() {
            return span;
        }

        /** The bytes after which the pattern repeats: the shared address's alignment (128 without a swizzle). */
        public int repeat() {
            return this == NONE ? 128 : span * 8;
        }

        /** "none", "32B", "64B", "128B": the names the API and the text form take. */
        public String label() {
            return this == NONE ? "none" : span + "B";
        }

        public static java.util.Optional<Swizzle> ofLabel(String label) {
            for (Swizzle s : values()) {
                if (s.label().equalsIgnoreCase(label)) {
                    return java.util.Optional.of(s);
                }
            }
            return java.util.Optional.empty();
        }
    }

    /** The reductions of {@code cp.reduce.async.bulk.tensor}, their index the code the device copy takes. */
    public static final java.util.List<String> REDUCTIONS = java.util.List.of("add", "min", "max", "inc", "dec", "and",
            "or", "xor");

    /** Where a box's byte at {@code offset} (from the box's start, in the unswizzled layout) lies in shared memory. */
    public static long swizzle(long offset, Swizzle s) {
        int bits = s.ordinal();
        return offset ^ (((offset >> 7) & ((1L << bits) - 1)) << 4);
    }

    public static final String MISALIGNED = "a bulk tensor copy (sm_90) needs a 128-byte aligned shared-memory address";
    public static final String NOT_A_MAP = "a bulk tensor copy's CUtensorMap was not made by the launch: pass the"
            + " argument as a tensor map (a {\"tensorMap\": {...}} argument in the job API, tensormap:... with run)"
            + " or point to such an argument";
    public static final String WRONG_RANK = "a bulk tensor copy's dimension count differs from its tensor map's rank";
    public static final String UNSUPPORTED = "a tensor map with interleave, NaN fill or element strides above "
            + MAX_ELEMENT_STRIDE + " is not supported";
    public static final String UNTYPED = "a bulk reduction of a tensor needs its tensor map's data type: this map has"
            + " none";
    public static final String NO_REDUCTION = "a bulk reduction of a tensor reduces its map's data type as PTX allows:"
            + " .add of u32, s32, u64 or f32, .min and .max of 32- and 64-bit integers, .inc and .dec of u32, .and, .or"
            + " and .xor of 32- and 64-bit integers";
    public static final String SWIZZLE = "a swizzled tensor map's box rows must fit in the swizzle's span (32, 64 or"
            + " 128 bytes) and the shared-memory address must be a multiple of its repeat (256, 512 or 1024 bytes)";

    public static final String MODE = "a bulk tensor copy's mode (.tile, or .im2col/.im2col_no_offs) differs from its"
            + " tensor map's (a tiled map, or one made with an \"im2col\" description)";

    /** The reason a status other than {@link #STATUS_OK} stops the kernel with. */
    public static String reason(int status) {
        return switch (status) {
            case STATUS_MISALIGNED -> MISALIGNED;
            case STATUS_NOT_A_MAP -> NOT_A_MAP;
            case STATUS_WRONG_RANK -> WRONG_RANK;
            case STATUS_UNSUPPORTED -> UNSUPPORTED;
            case STATUS_UNTYPED -> UNTYPED;
            case STATUS_NO_REDUCTION -> NO_REDUCTION;
            case STATUS_SWIZZLE -> SWIZZLE;
            case STATUS_MODE -> MODE;
            default -> throw new IllegalArgumentException("no tensor copy status " + status);
        };
    }

    /**
     * The map's bytes. The caller has checked the shape (rank 1..5, positive sizes, strides that keep
     * the tensor inside its buffer); {@code strides} are those of dimensions 1..rank-1 in bytes.
     */
    public static byte[] encode(long address, int elementSize, long[] dims, long[] strides, int[] box) {
        return encode(address, elementSize, Kind.UNSPECIFIED, Swizzle.NONE, dims, strides, box);
    }

    /** The map's bytes with a data type and a swizzle. */
    public static byte[] encode(long address, int elementSize, Kind kind, Swizzle swizzle, long[] dims, long[] strides,
            int[] box) {
        int[] ones = new int[dims.length];
        java.util.Arrays.fill(ones, 1);
        return encode(address, elementSize, kind, swizzle, dims, strides, box, ones, null);
    }

    /**
     * The corners and sizes of an im2col map ({@code cuTensorMapEncodeIm2col}): per dimension 1 up to
     * the last but one (W, H, D), the bounding box's lower and upper corners, and the rows
     * ({@code pixelsPerColumn}) of {@code channelsPerPixel} elements one copy moves.
     */
    public record Im2col(int[] lowerCorner, int[] upperCorner, int channelsPerPixel, int pixelsPerColumn) {
        public Im2col {
            lowerCorner = lowerCorner.clone();
            upperCorner = upperCorner.clone();
        }

        @Override
        public int[] lowerCorner() {
            return lowerCorner.clone();
        }

        @Override
        public int[] upperCorner() {
            return upperCorner.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Im2col i && java.util.Arrays.equals(i.lowerCorner, lowerCorner)
                    && java.util.Arrays.equals(i.upperCorner, upperCorner) && i.channelsPerPixel == channelsPerPixel
                    && i.pixelsPerColumn == pixelsPerColumn;
        }

        @Override
        public int hashCode() {
            return java.util.Objects.hash(java.util.Arrays.hashCode(lowerCorner), java.util.Arrays.hashCode(upperCorner),
                    channelsPerPixel, pixelsPerColumn);
        }

        @Override
        public String toString() {
            return "im2col " + channelsPerPixel + " channels x " + pixelsPerColumn + " pixels, corners "
                    + java.util.Arrays.toString(lowerCorner) + ".." + java.util.Arrays.toString(upperCorner);
        }
    }

    /**
     * The map's bytes, tiled ({@code im2col} null: {@code box} has an edge per dimension) or im2col
     * ({@code box} ignored); {@code elementStrides} has one per dimension.
     */
    public static byte[] encode(long address, int elementSize, Kind kind, Swizzle swizzle, long[] dims, long[] strides,
            int[] box, int[] elementStrides, Im2col im2col) {
        int rank = dims.length;
        if (rank < 1 || rank > MAX_RANK || strides.length != rank - 1 || elementStrides.length != rank
                || im2col == null && box.length != rank
                || im2col != null && (rank < 3 || im2col.lowerCorner.length != rank - 2
                        || im2col.upperCorner.length != rank - 2)) {
            throw new IllegalArgumentException("a tensor map has 1.." + MAX_RANK + " dimensions, each with a size,"
                    + " an element stride and a box edge (im2col: 3.." + MAX_RANK + " dimensions and corners for all"
                    + " but the first and last), and a stride for each but the first");
        }
        ByteBuffer b = ByteBuffer.allocate(BYTES).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(ADDRESS, address);
        b.putInt(MAGIC_AT, MAGIC);
        b.putInt(ELEMENT_SIZE, elementSize);
        b.putInt(RANK, rank);
        b.putInt(FLAGS, swizzle.ordinal() | (im2col != null ? IM2COL : 0));
        b.putInt(DATA_TYPE, kind.ordinal());
        for (int d = 0; d < MAX_RANK; d++) {
            b.putInt(DIMS + 4 * d, d < rank ? (int) dims[d] : 1);
            b.putLong(STRIDES + 8 * d, d == 0 ? elementSize : d < rank ? strides[d - 1] : 0);
            b.putInt(BOX + 4 * d, im2col == null && d < rank ? box[d] : 1);
            b.putInt(ELEMENT_STRIDES + 4 * d, d > 0 && d < rank ? elementStrides[d] : 1);
        }
        if (im2col != null) {
            b.putInt(CHANNELS_PER_PIXEL, im2col.channelsPerPixel);
            b.putInt(PIXELS_PER_COLUMN, im2col.pixelsPerColumn);
            for (int s = 0; s < 3; s++) {
                int lower = s < rank - 2 ? im2col.lowerCorner[s] : 0;
                int upper = s < rank - 2 ? im2col.upperCorner[s] : 0;
                b.putInt(CORNERS + 4 * s, (lower & 0xFFFF) | (upper << 16));
            }
        }
        return b.array();
    }
}
