package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.abi.TensorMapAbi;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a tensor-map argument describes, as {@code cuTensorMapEncodeTiled} takes it (tiled, no
 * interleave, out-of-bounds elements read as zero): a tensor of {@code dims} elements
 * of {@code elementSize} bytes in a buffer, {@code strides[i]} bytes between neighbours of
 * dimension {@code i + 1} (null: packed), the box a copy moves, the elements' {@code kind}
 * (which bulk reductions combine by; {@code UNSPECIFIED}: the map copies but does not reduce) and
 * the {@code swizzle} of the box in shared memory (a row of the box at most its span). The map itself
 * ({@link TensorMapAbi}) holds the buffer's device address, so it is made at the launch
 * ({@link #encode}). The compact constructor checks the shape; {@link #checkFits} that the tensor
 * stays inside its buffer.
 */
public record TensorMapSpec(int elementSize, long[] dims, long[] strides, int[] box, TensorMapAbi.Kind kind,
        TensorMapAbi.Swizzle swizzle) {
    /** The most bytes one box may hold: the shared memory of the largest GPU block (227 KiB on sm_90). */
    public static final long MAX_BOX_BYTES = 227 * 1024;

    /** A map without a data type (it copies, but does not reduce) or a swizzle. */
    public TensorMapSpec(int elementSize, long[] dims, long[] strides, int[] box) {
        this(elementSize, dims, strides, box, TensorMapAbi.Kind.UNSPECIFIED, TensorMapAbi.Swizzle.NONE);
    }

    public TensorMapSpec {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(swizzle, "swizzle");
        if (kind == TensorMapAbi.Kind.FLOAT && elementSize == 1) {
            throw new IllegalArgumentException("a tensor map of floating-point elements has 2, 4 or 8 bytes each");
        }
        if (elementSize != 1 && elementSize != 2 && elementSize != 4 && elementSize != 8) {
            throw new IllegalArgumentException("a tensor map's elements are 1, 2, 4 or 8 bytes, not " + elementSize);
        }
        if (dims == null || dims.length < 1 || dims.length > TensorMapAbi.MAX_RANK) {
            throw new IllegalArgumentException("a tensor map has 1 to " + TensorMapAbi.MAX_RANK + " dimensions");
        }
        int rank = dims.length;
        dims = dims.clone();
        for (int d = 0; d < rank; d++) {
            if (dims[d] < 1 || dims[d] > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("dimension " + d + " of a tensor map has 1 to 2^32 - 1 elements, not "
                        + dims[d]);
            }
        }
        if (box == null || box.length != rank) {
            throw new IllegalArgumentException("a tensor map's box has an edge for each of its " + rank + " dimensions");
        }
        box = box.clone();
        long boxBytes = elementSize;
        for (int d = 0; d < rank; d++) {
            if (box[d] < 1 || box[d] > TensorMapAbi.MAX_BOX) {
                throw new IllegalArgumentException("edge " + d + " of a tensor map's box is 1 to " + TensorMapAbi.MAX_BOX
                        + " elements, not " + box[d]);
            }
            boxBytes *= box[d];
        }
        if (box[0] * (long) elementSize % 16 != 0) {
            throw new IllegalArgumentException("a tensor map box's rows (" + box[0] + " elements of " + elementSize
                    + " bytes) must be a multiple of 16 bytes, as cuTensorMapEncodeTiled requires");
        }
        if (swizzle != TensorMapAbi.Swizzle.NONE && box[0] * (long) elementSize > swizzle.span()) {
            throw new IllegalArgumentException("a box row of " + box[0] * (long) elementSize + " bytes does not fit the "
                    + swizzle.label() + " swizzle: its inner edge is at most " + swizzle.span() + " bytes, as"
                    + " cuTensorMapEncodeTiled requires");
        }
        if (boxBytes > MAX_BOX_BYTES) {
            throw new IllegalArgumentException("a tensor map's box holds " + boxBytes + " bytes; a block's shared memory"
                    + " holds at most " + MAX_BOX_BYTES);
        }
        if (strides == null) {
            strides = new long[rank - 1];
            long extent = elementSize;
            for (int d = 1; d < rank; d++) {
                extent *= dims[d - 1];
                strides[d - 1] = extent;
            }
        } else {
            strides = strides.clone();
        }
        if (strides.length != rank - 1) {
            throw new IllegalArgumentException("a tensor map of " + rank + " dimensions has " + (rank - 1)
                    + " strides (in bytes, for every dimension but the first), not " + strides.length);
        }
        for (int d = 0; d < strides.length; d++) {
            if (strides[d] < 16 || strides[d] % 16 != 0 || strides[d] >= 1L << 40) {
                throw new IllegalArgumentException("stride " + (d + 1) + " of a tensor map (" + strides[d] + " bytes)"
                        + " must be a multiple of 16 below 2^40, as cuTensorMapEncodeTiled requires"
                        + (d == 0 ? ": pad the rows" : ""));
            }
        }
    }

    public int rank() {
        return dims.length;
    }

    /** The bytes from the tensor's first element to the end of its last. */
    public long extentBytes() {
        long last = 0;
        for (int d = 0; d < dims.length; d++) {
            long stride = d == 0 ? elementSize : strides[d - 1];
            last = Math.addExact(last, Math.multiplyExact(dims[d] - 1, stride));
        }
        return last + elementSize;
    }

    /** Throws unless the tensor lies inside {@code bufferBytes} bytes from {@code offset} on, 16-byte aligned. */
    public void checkFits(long bufferBytes, long offset) {
        if (offset < 0 || offset % 16 != 0) {
            throw new IllegalArgumentException("a tensor map's offset (" + offset + ") must be a multiple of 16 bytes,"
                    + " as cuTensorMapEncodeTiled requires of its global address");
        }
        long extent = extentBytes();
        if (offset > bufferBytes || extent > bufferBytes - offset) {
            throw new IllegalArgumentException("the tensor map reads " + extent + " bytes from offset " + offset
                    + " of a buffer of " + bufferBytes + " bytes: its dimensions and strides go past the buffer's end");
        }
    }

    /** This map with elements of {@code kind}. */
    public TensorMapSpec withKind(TensorMapAbi.Kind kind) {
        return new TensorMapSpec(elementSize, dims, strides, box, kind, swizzle);
    }

    /** This map with the box swizzled in shared memory. */
    public TensorMapSpec withSwizzle(TensorMapAbi.Swizzle swizzle) {
        return new TensorMapSpec(elementSize, dims, strides, box, kind, swizzle);
    }

    /** The map's bytes for a tensor at {@code address}. */
    public byte[] encode(long address) {
        return TensorMapAbi.encode(address, elementSize, kind, swizzle, dims, strides, box);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorMapSpec t && t.elementSize == elementSize && Arrays.equals(t.dims, dims)
                && Arrays.equals(t.strides, strides) && Arrays.equals(t.box, box) && t.kind == kind
                && t.swizzle == swizzle;
    }

    @Override
    public int hashCode() {
        return Objects.hash(elementSize, Arrays.hashCode(dims), Arrays.hashCode(strides), Arrays.hashCode(box), kind,
                swizzle);
    }

    @Override
    public String toString() {
        return "tensor map of " + elementSize + "-byte elements, dims " + Arrays.toString(dims) + ", strides "
                + Arrays.toString(strides) + ", box " + Arrays.toString(box)
                + (kind == TensorMapAbi.Kind.UNSPECIFIED ? "" : ", " + kind.name().toLowerCase(java.util.Locale.ROOT))
                + (swizzle == TensorMapAbi.Swizzle.NONE ? "" : ", swizzle " + swizzle.label());
    }

    @Override
    public long[] dims() {
        return dims.clone();
    }

    @Override
    public long[] strides() {
        return strides.clone();
    }

    @Override
    public int[] box() {
        return box.clone();
    }
}
