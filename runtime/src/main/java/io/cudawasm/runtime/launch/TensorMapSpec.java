package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.abi.TensorMapAbi;
import java.util.Arrays;
import java.util.Objects;

/**
 * What a tensor-map argument describes, as {@code cuTensorMapEncodeTiled} or
 * {@code cuTensorMapEncodeIm2col} take it (no interleave, out-of-bounds elements read as zero): a
 * tensor of {@code dims} elements of {@code elementSize} bytes in a buffer, {@code strides[i]} bytes
 * between neighbours of dimension {@code i + 1} (null: packed), the box a tiled copy moves (null for
 * an {@code im2col} map, whose rows are its pixels), the elements' {@code kind} (which bulk
 * reductions combine by; {@code UNSPECIFIED}: the map copies but does not reduce), the
 * {@code swizzle} of the box in shared memory (a row of the box at most its span) and the traversal
 * stride of each dimension ({@code elementStrides}, 1 to 8; null: all 1; dimension 0's is ignored, as
 * CUDA ignores it). The map itself ({@link TensorMapAbi}) holds the buffer's device address, so it
 * is made at the launch ({@link #encode}). The compact constructor checks the shape as CUDA's
 * encoders do; {@link #checkFits} that the tensor stays inside its buffer.
 */
public record TensorMapSpec(int elementSize, long[] dims, long[] strides, int[] box, TensorMapAbi.Kind kind,
        TensorMapAbi.Swizzle swizzle, int[] elementStrides, TensorMapAbi.Im2col im2col) {
    /** The most bytes one box may hold: the shared memory of the largest GPU block (227 KiB on sm_90). */
    public static final long MAX_BOX_BYTES = 227 * 1024;

    /** A map without a data type (it copies, but does not reduce) or a swizzle. */
    public TensorMapSpec(int elementSize, long[] dims, long[] strides, int[] box) {
        this(elementSize, dims, strides, box, TensorMapAbi.Kind.UNSPECIFIED, TensorMapAbi.Swizzle.NONE);
    }

    /** A tiled map whose element strides are all 1. */
    public TensorMapSpec(int elementSize, long[] dims, long[] strides, int[] box, TensorMapAbi.Kind kind,
            TensorMapAbi.Swizzle swizzle) {
        this(elementSize, dims, strides, box, kind, swizzle, null, null);
    }

    /** The largest corner of an im2col map's bounding box per rank (3, 4, 5), as PTX bounds them: 2^15, 2^7, 2^4. */
    private static int cornerLimit(int rank) {
        return rank == 3 ? 1 << 15 : rank == 4 ? 1 << 7 : 1 << 4;
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
        if (elementStrides == null) {
            elementStrides = new int[rank];
            java.util.Arrays.fill(elementStrides, 1);
        } else {
            elementStrides = elementStrides.clone();
        }
        if (elementStrides.length != rank) {
            throw new IllegalArgumentException("a tensor map has an element stride for each of its " + rank
                    + " dimensions, not " + elementStrides.length);
        }
        for (int d = 0; d < rank; d++) {
            if (elementStrides[d] < 1 || elementStrides[d] > TensorMapAbi.MAX_ELEMENT_STRIDE) {
                throw new IllegalArgumentException("element stride " + d + " of a tensor map is 1 to "
                        + TensorMapAbi.MAX_ELEMENT_STRIDE + ", not " + elementStrides[d]);
            }
        }
        elementStrides[0] = 1; // CUDA ignores dimension 0's traversal stride outside interleaved layouts
        long rowElements;
        long boxBytes;
        if (im2col != null) {
            if (box != null) {
                throw new IllegalArgumentException("an im2col tensor map has no box: its rows are pixelsPerColumn pixels"
                        + " of channelsPerPixel elements");
            }
            checkIm2col(im2col, dims);
            rowElements = im2col.channelsPerPixel();
            boxBytes = (long) elementSize * im2col.channelsPerPixel() * im2col.pixelsPerColumn();
        } else {
            if (box == null || box.length != rank) {
                throw new IllegalArgumentException("a tensor map's box has an edge for each of its " + rank
                        + " dimensions");
            }
            box = box.clone();
            boxBytes = elementSize;
            for (int d = 0; d < rank; d++) {
                if (box[d] < 1 || box[d] > TensorMapAbi.MAX_BOX) {
                    throw new IllegalArgumentException("edge " + d + " of a tensor map's box is 1 to "
                            + TensorMapAbi.MAX_BOX + " elements, not " + box[d]);
                }
                if (box[d] % elementStrides[d] != 0) {
                    throw new IllegalArgumentException("edge " + d + " of a tensor map's box (" + box[d] + ") must be a"
                            + " multiple of its element stride (" + elementStrides[d] + "): a copy takes edge / stride"
                            + " elements of that dimension, as CUDA documents for N elements (box = N x stride)");
                }
                boxBytes *= box[d] / elementStrides[d];
            }
            rowElements = box[0];
        }
        String row = im2col != null ? "an im2col map's pixel (" + rowElements + " channels"
                : "a tensor map box's row (" + rowElements + " elements";
        if (rowElements * elementSize % 16 != 0) {
            throw new IllegalArgumentException(row + " of " + elementSize + " bytes) must be a multiple of 16 bytes,"
                    + " as CUDA's tensor map encoders require");
        }
        if (swizzle != TensorMapAbi.Swizzle.NONE && rowElements * elementSize > swizzle.span()) {
            throw new IllegalArgumentException(row + " of " + elementSize + " bytes) does not fit the " + swizzle.label()
                    + " swizzle: its inner edge is at most " + swizzle.span() + " bytes, as CUDA's tensor map encoders"
                    + " require");
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

    /** CUDA's bounds of an im2col map (cuTensorMapEncodeIm2col, PTX ISA "im2col mode"). */
    private static void checkIm2col(TensorMapAbi.Im2col m, long[] dims) {
        int rank = dims.length;
        if (rank < 3) {
            throw new IllegalArgumentException("an im2col tensor map has 3 to 5 dimensions (NWC, NHWC, NDHWC: channels"
                    + " first, images last), not " + rank);
        }
        if (m.lowerCorner().length != rank - 2 || m.upperCorner().length != rank - 2) {
            throw new IllegalArgumentException("an im2col tensor map of " + rank + " dimensions has " + (rank - 2)
                    + " lower and upper corners (W" + (rank > 3 ? ", H" : "") + (rank > 4 ? ", D" : "") + ")");
        }
        int limit = cornerLimit(rank);
        for (int s = 0; s < rank - 2; s++) {
            int lower = m.lowerCorner()[s];
            int upper = m.upperCorner()[s];
            if (lower < -limit || lower >= limit || upper < -limit || upper >= limit) {
                throw new IllegalArgumentException("an im2col tensor map of " + rank + " dimensions has corners from "
                        + -limit + " to " + (limit - 1) + ", not " + lower + " and " + upper);
            }
            if (dims[s + 1] - 1 + upper < lower) {
                throw new IllegalArgumentException("the bounding box of an im2col tensor map is empty in dimension "
                        + (s + 1) + ": from " + lower + " to " + (dims[s + 1] - 1 + upper));
            }
        }
        if (m.channelsPerPixel() < 1 || m.channelsPerPixel() > TensorMapAbi.MAX_CHANNELS_PER_PIXEL) {
            throw new IllegalArgumentException("an im2col tensor map takes 1 to " + TensorMapAbi.MAX_CHANNELS_PER_PIXEL
                    + " channels per pixel, not " + m.channelsPerPixel());
        }
        if (m.pixelsPerColumn() < 1 || m.pixelsPerColumn() > TensorMapAbi.MAX_PIXELS_PER_COLUMN) {
            throw new IllegalArgumentException("an im2col tensor map takes 1 to " + TensorMapAbi.MAX_PIXELS_PER_COLUMN
                    + " pixels per column, not " + m.pixelsPerColumn());
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

    /** An im2col map ({@code cuTensorMapEncodeIm2col}) over the tensor, without a data type or a swizzle. */
    public static TensorMapSpec im2col(int elementSize, long[] dims, long[] strides, TensorMapAbi.Im2col im2col) {
        return new TensorMapSpec(elementSize, dims, strides, null, TensorMapAbi.Kind.UNSPECIFIED,
                TensorMapAbi.Swizzle.NONE, null, im2col);
    }

    /** This map with elements of {@code kind}. */
    public TensorMapSpec withKind(TensorMapAbi.Kind kind) {
        return new TensorMapSpec(elementSize, dims, strides, box, kind, swizzle, elementStrides, im2col);
    }

    /** This map with the box swizzled in shared memory. */
    public TensorMapSpec withSwizzle(TensorMapAbi.Swizzle swizzle) {
        return new TensorMapSpec(elementSize, dims, strides, box, kind, swizzle, elementStrides, im2col);
    }

    /** This map with traversal strides ({@code cuTensorMapEncode*}'s {@code elementStrides}). */
    public TensorMapSpec withElementStrides(int... elementStrides) {
        return new TensorMapSpec(elementSize, dims, strides, box, kind, swizzle, elementStrides, im2col);
    }

    /** The map's bytes for a tensor at {@code address}. */
    public byte[] encode(long address) {
        return TensorMapAbi.encode(address, elementSize, kind, swizzle, dims, strides, box, elementStrides, im2col);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorMapSpec t && t.elementSize == elementSize && Arrays.equals(t.dims, dims)
                && Arrays.equals(t.strides, strides) && Arrays.equals(t.box, box) && t.kind == kind
                && t.swizzle == swizzle && Arrays.equals(t.elementStrides, elementStrides)
                && Objects.equals(t.im2col, im2col);
    }

    @Override
    public int hashCode() {
        return Objects.hash(elementSize, Arrays.hashCode(dims), Arrays.hashCode(strides), Arrays.hashCode(box), kind,
                swizzle, Arrays.hashCode(elementStrides), im2col);
    }

    @Override
    public String toString() {
        return "tensor map of " + elementSize + "-byte elements, dims " + Arrays.toString(dims) + ", strides "
                + Arrays.toString(strides) + (im2col != null ? ", " + im2col : ", box " + Arrays.toString(box))
                + (Arrays.stream(elementStrides).allMatch(e -> e == 1) ? ""
                        : ", element strides " + Arrays.toString(elementStrides))
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

    /** The box's edges; null for an im2col map. */
    @Override
    public int[] box() {
        return box == null ? null : box.clone();
    }

    @Override
    public int[] elementStrides() {
        return elementStrides.clone();
    }
}
