package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.ElementType;

/**
 * The text form of a tensor-map argument, {@code tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E]/BUFFER},
 * which {@code run --arg}, {@code submit --arg} and the job API take for a {@code CUtensorMap}
 * parameter: a tensor of {@code DIMS} elements ({@code 40x27}: x first) of {@code TYPE}, copied in
 * boxes of {@code BOX} ({@code 16x8}), with {@code STRIDES} bytes between rows, planes, ...
 * ({@code 192}; left out: packed), the box swizzled in shared memory as {@code SWIZZLE} says
 * ({@code 32B}, {@code 64B}, {@code 128B}; left out: none), traversal strides {@code E}
 * ({@code es=1x2}; left out: all 1), over a buffer of its own filled as {@code BUFFER} says (any
 * buffer spec, its count in elements: {@code random:1296:7}). An im2col map
 * ({@code cuTensorMapEncodeIm2col}) has {@code im2col=CHANNELSxPIXELS,LOWER,UPPER} in place of the box
 * ({@code im2col=8x64,-1x-1,-1x-1}: 8 channels per pixel, 64 pixels per column, the bounding box's
 * corners W first). The map is made at the launch, when the buffer's device address is known; the
 * buffer is reported like an output (stores go through the map).
 */
public record TensorMapText(ElementType type, TensorMapSpec spec, String buffer) {
    public static final String PREFIX = "tensormap:";

    public static boolean isTensorMap(String value) {
        return value != null && value.startsWith(PREFIX);
    }

    public static TensorMapText parse(String value) {
        String body = value.substring(PREFIX.length());
        int slash = body.indexOf('/');
        if (slash < 0) {
            throw usage(value, "the buffer is missing after '/'");
        }
        String[] parts = body.substring(0, slash).split(":", -1);
        int[] elementStrides = null;
        if (parts.length >= 4 && parts[parts.length - 1].startsWith("es=")) {
            elementStrides = ints(list(parts[parts.length - 1].substring(3), "es", value));
            parts = java.util.Arrays.copyOf(parts, parts.length - 1);
        }
        TensorMapAbi.Swizzle swizzle = TensorMapAbi.Swizzle.NONE;
        if (parts.length >= 4 && TensorMapAbi.Swizzle.ofLabel(parts[parts.length - 1]).isPresent()) {
            swizzle = TensorMapAbi.Swizzle.ofLabel(parts[parts.length - 1]).get();
            parts = java.util.Arrays.copyOf(parts, parts.length - 1);
        }
        if (parts.length < 3 || parts.length > 4) {
            throw usage(value, "expected TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E] before '/'");
        }
        ElementType type = ElementType.parse(parts[0]);
        long[] dims = list(parts[1], "DIMS", value);
        TensorMapAbi.Im2col im2col = parts[2].startsWith("im2col=") ? im2col(parts[2].substring(7), value) : null;
        int[] box = im2col != null ? null : ints(list(parts[2], "BOX", value));
        long[] strides = parts.length == 4 ? list(parts[3], "STRIDES", value) : null;
        String buffer = body.substring(slash + 1);
        BufferSpecs.parse(buffer); // checked now, generated with the map's type later
        return new TensorMapText(type, new TensorMapSpec(type.size(), dims, strides, box, type.tensorMapKind(),
                swizzle, elementStrides, im2col), buffer);
    }

    /** {@code CHANNELSxPIXELS,LOWER,UPPER}: the corners signed, W first. */
    private static TensorMapAbi.Im2col im2col(String text, String value) {
        String[] items = text.split(",", -1);
        if (items.length != 3) {
            throw usage(value, "im2col= takes CHANNELSxPIXELS,LOWER,UPPER (im2col=8x64,-1x-1,-1x-1)");
        }
        int[] sizes = ints(list(items[0], "im2col CHANNELSxPIXELS", value));
        if (sizes.length != 2) {
            throw usage(value, "im2col= starts with CHANNELSxPIXELS (8x64)");
        }
        return new TensorMapAbi.Im2col(corners(items[1], value), corners(items[2], value), sizes[0], sizes[1]);
    }

    private static int[] corners(String text, String value) {
        String[] items = text.split("x", -1);
        int[] out = new int[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                out[i] = Integer.parseInt(items[i]);
            } catch (NumberFormatException e) {
                throw usage(value, "an im2col corner: '" + items[i] + "' is not a whole number");
            }
        }
        return out;
    }

    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) Math.min(values[i], Integer.MAX_VALUE);
        }
        return out;
    }

    private static long[] list(String text, String what, String value) {
        String[] items = text.split("x", -1);
        if (text.isEmpty() || items.length > TensorMapAbi.MAX_RANK) {
            throw usage(value, what + " is 1 to " + TensorMapAbi.MAX_RANK + " numbers separated by 'x'");
        }
        long[] out = new long[items.length];
        for (int i = 0; i < items.length; i++) {
            try {
                out[i] = BufferSpecs.parseSize(items[i]);
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw usage(value, what + ": '" + items[i] + "' is not a number");
            }
        }
        return out;
    }

    private static IllegalArgumentException usage(String value, String problem) {
        return new IllegalArgumentException("'" + value + "': " + problem + " (tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE]"
                + "[:es=E]/BUFFER, e.g. tensormap:f32:40x27:16x8:192/random:1296, tensormap:f32:64x16:32x8:128B/random:1024"
                + " or tensormap:f32:16x9x14x2:im2col=16x64,-1x-1,-1x-1/random:4032)");
    }
}
