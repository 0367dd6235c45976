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
 * with optional {@code offset} (bytes into the buffer), {@code elementStrides} (all 1),
 * {@code interleave} ({@code "none"}), {@code swizzle} ({@code "none"}, {@code "32B"}, {@code "64B"},
 * {@code "128B"}) and {@code oobFill} ({@code "zero"}); the
 * strides left out mean packed rows. Every field is checked here; that the tensor fits in its
 * buffer once the buffer's size is known ({@link TensorMapSpec#checkFits}).
 */
record TensorMapArgument(String buffer, long offset, ElementType type, TensorMapSpec spec) {
    private static final Set<String> FIELDS = Set.of("buffer", "type", "dims", "strides", "box", "offset",
            "elementStrides", "interleave", "swizzle", "oobFill");

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
        long[] box = longs(m.get("box"), f + ".box", true);
        long offset = m.has("offset") ? JsonNumbers.integer(m.get("offset"), f + ".offset") : 0;
        if (m.has("elementStrides")) {
            for (long s : longs(m.get("elementStrides"), f + ".elementStrides", true)) {
                if (s != 1) {
                    throw JsonNumbers.invalid(f + ".elementStrides", "element strides other than 1 are not supported");
                }
            }
        }
        only(m, "interleave", "none", f, "interleaved layouts are not supported");
        TensorMapAbi.Swizzle swizzle = TensorMapAbi.Swizzle.NONE;
        if (m.has("swizzle")) {
            java.util.Optional<TensorMapAbi.Swizzle> s = m.get("swizzle").isTextual()
                    ? TensorMapAbi.Swizzle.ofLabel(m.get("swizzle").textValue()) : java.util.Optional.empty();
            swizzle = s.orElseThrow(() -> JsonNumbers.invalid(f + ".swizzle", "expected \"none\", \"32B\", \"64B\" or"
                    + " \"128B\" (CU_TENSOR_MAP_SWIZZLE_*)"));
        }
        only(m, "oobFill", "zero", f, "elements outside the tensor read as zero ('nan' fill is not supported)");
        int[] edges = new int[box.length];
        for (int i = 0; i < box.length; i++) {
            edges[i] = (int) Math.min(box[i], Integer.MAX_VALUE);
        }
        try {
            TensorMapSpec spec = new TensorMapSpec(type.size(), dims, strides, edges, type.tensorMapKind(), swizzle);
            spec.checkFits(Long.MAX_VALUE, offset);
            return new TensorMapArgument(m.get("buffer").textValue(), offset, type, spec);
        } catch (IllegalArgumentException | ArithmeticException e) {
            throw JsonNumbers.invalid(f, e.getMessage() == null ? "the tensor's extent overflows" : e.getMessage());
        }
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
