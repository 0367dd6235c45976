package io.cudawasm.runtime.launch;

import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.ElementType;

/**
 * The text form of a tensor-map argument, {@code tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE]/BUFFER}, which
 * {@code run --arg}, {@code submit --arg} and the job API take for a {@code CUtensorMap} parameter: a
 * tensor of {@code DIMS} elements ({@code 40x27}: x first) of {@code TYPE}, copied in boxes of
 * {@code BOX} ({@code 16x8}), with {@code STRIDES} bytes between rows, planes, ... ({@code 192};
 * left out: packed), the box swizzled in shared memory as {@code SWIZZLE} says ({@code 32B},
 * {@code 64B}, {@code 128B}; left out: none), over a buffer of its own filled as {@code BUFFER} says (any buffer spec, its
 * count in elements: {@code random:1296:7}). The map is made at the launch, when the buffer's
 * device address is known; the buffer is reported like an output (stores go through the map).
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
        TensorMapAbi.Swizzle swizzle = TensorMapAbi.Swizzle.NONE;
        if (parts.length >= 4 && TensorMapAbi.Swizzle.ofLabel(parts[parts.length - 1]).isPresent()) {
            swizzle = TensorMapAbi.Swizzle.ofLabel(parts[parts.length - 1]).get();
            parts = java.util.Arrays.copyOf(parts, parts.length - 1);
        }
        if (parts.length < 3 || parts.length > 4) {
            throw usage(value, "expected TYPE:DIMS:BOX[:STRIDES][:SWIZZLE] before '/'");
        }
        ElementType type = ElementType.parse(parts[0]);
        long[] dims = list(parts[1], "DIMS", value);
        long[] box = list(parts[2], "BOX", value);
        long[] strides = parts.length == 4 ? list(parts[3], "STRIDES", value) : null;
        int[] edges = new int[box.length];
        for (int i = 0; i < box.length; i++) {
            edges[i] = (int) Math.min(box[i], Integer.MAX_VALUE);
        }
        String buffer = body.substring(slash + 1);
        BufferSpecs.parse(buffer); // checked now, generated with the map's type later
        return new TensorMapText(type, new TensorMapSpec(type.size(), dims, strides, edges, type.tensorMapKind(),
                swizzle), buffer);
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
                + "/BUFFER, e.g. tensormap:f32:40x27:16x8:192/random:1296 or tensormap:f32:64x16:32x8:128B/random:1024)");
    }
}
