package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.launch.TensorMapSpec;
import java.util.Iterator;
import java.util.Set;

/**
 * A {@code CUtensorMap} argument of the job API, which the worker makes in place of the host's
 * {@code cuTensorMapEncodeTiled}:
 * {@code {"tensorMap": {"buffer": "A", "type": "float", "dims": [W, H], "strides": [rowBytes], "box": [bw, bh]}}}
 * with optional {@code offset} (bytes into the buffer), {@code elementStrides} (traversal strides
 * 1 to 8; left out: all 1), {@code interleave} ({@code "none"}), {@code swizzle} ({@code "none"},
 * {@code "32B"}, {@code "64B"}, {@code "128B"}) and {@code oobFill} ({@code "zero"}). An im2col map
 * ({@code cuTensorMapEncodeIm2col}) has {@code "im2col": {"lowerCorner": [w, h], "upperCorner": [w, h],
 * "channelsPerPixel": c, "pixelsPerColumn": p}} in place of the {@code box}; the
 * strides left out mean packed rows. Every field is checked here; that the tensor fits in its
 * buffer once the buffer's size is known ({@link TensorMapSpec#checkFits}).
 */
record TensorMapArgument(String buffer, long offset, ElementType type, TensorMapSpec spec) {
    private static final Set<String> FIELDS = Set.of("buffer", "type", "dims", "strides", "box", "offset",
            "elementStrides", "interleave", "swizzle", "oobFill", "im2col");
    private static final Set<String> IM2COL_FIELDS = Set.of("lowerCorner", "upperCorner", "channelsPerPixel",
            "pixelsPerColumn");

    /** The object form, or the text form of {@code run --arg} ({@link io.cudawasm.runtime.launch.TensorMapText}). */
    static boolean isTensorMap(JsonNode v) {
        return v != null && (v.isObject() && v.size() == 1 && v.has("tensorMap")
                || v.isTextual() && io.cudawasm.runtime.launch.TensorMapText.isTensorMap(v.textValue()));
    }

    static TensorMapArgument parse(JsonNode v, String field) {
        String f = field + ".tensorMap";
        JsonNode m = v.get("tensorMap");
        if (!m.isObject()) {
            throw JsonNumbers.invalid(f, "expected an object {buffer, type, dims, strides, box}");
        }
        for (Iterator<String> names = m.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw JsonNumbers.invalid(f + "." + name, "unknown field (expected " + String.join(", ", FIELDS.stream()
                        .sorted().toList()) + ")");
            }
        }
        if (!m.path("buffer").isTextual() || m.get("buffer").textValue().isBlank()) {
            throw JsonNumbers.invalid(f + ".buffer", "required: the name of the buffer holding the tensor");
        }
        if (!m.path("type").isTextual()) {
            throw JsonNumbers.invalid(f + ".type", "required: the element type (float, int, uint16, double, ...)");
        }
        ElementType type;
        try {
            type = ElementType.parse(m.get("type").textValue());
        } catch (IllegalArgumentException e) {
            throw JsonNumbers.invalid(f + ".type", e.getMessage());
        }
        long[] dims = longs(m.get("dims"), f + ".dims", true);
        long[] strides = m.has("strides") && !m.get("strides").isNull() ? longs(m.get("strides"), f + ".strides", false)
                : null;
        TensorMapAbi.Im2col im2col = m.has("im2col") ? im2col(m.get("im2col"), f + ".im2col") : null;
        if (im2col != null && m.has("box")) {
            throw JsonNumbers.invalid(f + ".box", "an im2col map has no box: its rows are pixelsPerColumn pixels of"
                    + " channelsPerPixel elements");
        }
        int[] edges = im2col != null ? null : ints(longs(m.get("box"), f + ".box", true));
        long offset = m.has("offset") ? JsonNumbers.integer(m.get("offset"), f + ".offset") : 0;
        int[] elementStrides = m.has("elementStrides") ? ints(longs(m.get("elementStrides"), f + ".elementStrides",
                true)) : null;
        only(m, "interleave", "none", f, "interleaved layouts are not supported (their copies' shape is not"
                + " documented)");
        TensorMapAbi.Swizzle swizzle = TensorMapAbi.Swizzle.NONE;
        if (m.has("swizzle")) {
            java.util.Optional<TensorMapAbi.Swizzle> s = m.get("swizzle").isTextual()
                    ? TensorMapAbi.Swizzle.ofLabel(m.get("swizzle").textValue()) : java.util.Optional.empty();
            swizzle = s.orElseThrow(() -> JsonNumbers.invalid(f + ".swizzle", "expected \"none\", \"32B\", \"64B\" or"
                    + " \"128B\" (CU_TENSOR_MAP_SWIZZLE_*)"));
        }
        only(m, "oobFill", "zero", f, "elements outside the tensor read as zero ('nan' fill is not supported)");
        try {
            TensorMapSpec spec = new TensorMapSpec(type.size(), dims, strides, edges, type.tensorMapKind(), swizzle,
                    elementStrides, im2col);
            spec.checkFits(Long.MAX_VALUE, offset);
            return new TensorMapArgument(m.get("buffer").textValue(), offset, type, spec);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw JsonNumbers.invalid(f, e.getMessage() == null ? "the tensor's extent overflows" : e.getMessage());
        }
    }

    /** {@code {"lowerCorner": [...], "upperCorner": [...], "channelsPerPixel": c, "pixelsPerColumn": p}}. */
    private static TensorMapAbi.Im2col im2col(JsonNode v, String field) {
        if (!v.isObject()) {
            throw JsonNumbers.invalid(field, "expected an object {lowerCorner, upperCorner, channelsPerPixel,"
                    + " pixelsPerColumn}");
        }
        for (Iterator<String> names = v.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!IM2COL_FIELDS.contains(name)) {
                throw JsonNumbers.invalid(field + "." + name, "unknown field (expected " + String.join(", ",
                        IM2COL_FIELDS.stream().sorted().toList()) + ")");
            }
        }
        for (String name : IM2COL_FIELDS) {
            if (!v.has(name)) {
                throw JsonNumbers.invalid(field + "." + name, "required");
            }
        }
        long channels = JsonNumbers.integer(v.get("channelsPerPixel"), field + ".channelsPerPixel");
        long pixels = JsonNumbers.integer(v.get("pixelsPerColumn"), field + ".pixelsPerColumn");
        return new TensorMapAbi.Im2col(ints(longs(v.get("lowerCorner"), field + ".lowerCorner", true)),
                ints(longs(v.get("upperCorner"), field + ".upperCorner", true)), clamped(channels), clamped(pixels));
    }

    /** Clamped to what an int holds (the map's checks then name the range). */
    private static int[] ints(long[] values) {
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = clamped(values[i]);
        }
        return out;
    }

    private static int clamped(long value) {
        return (int) Math.max(Integer.MIN_VALUE, Math.min(value, Integer.MAX_VALUE));
    }

    private static long[] longs(JsonNode v, String field, boolean required) {
        if (v == null || v.isNull()) {
            if (required) {
                throw JsonNumbers.invalid(field, "required: an array of 1 to " + TensorMapAbi.MAX_RANK + " integers");
            }
            return null;
        }
        if (!v.isArray() || v.size() > TensorMapAbi.MAX_RANK) {
            throw JsonNumbers.invalid(field, "expected an array of at most " + TensorMapAbi.MAX_RANK + " integers");
        }
        long[] out = new long[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = JsonNumbers.integer(v.get(i), field + "[" + i + "]");
        }
        return out;
    }

    private static void only(JsonNode m, String name, String allowed, String field, String why) {
        if (m.has(name) && !(m.get(name).isTextual() && m.get(name).textValue().equalsIgnoreCase(allowed))) {
            throw JsonNumbers.invalid(field + "." + name, "only \"" + allowed + "\": " + why);
        }
    }
}
