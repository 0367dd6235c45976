package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.data.BufferSpec;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Set;

/**
 * The contents of a buffer (or a {@code __constant__} variable) as a request gives them, before
 * the element type is known. Forms:
 *
 * <ul>
 *   <li>{@code [1, 2.5, "NaN"]}: the elements;
 *   <li>{@code "random:1M:7"}: a generator, as on the command line ({@code zeros:N},
 *       {@code iota:N[:START[:STEP]]}, {@code const:N:V}, {@code random:N[:SEED[:MIN:MAX]]});
 *   <li>{@code {"type": "float", "data" | "base64" | "generate" | "count": ...}}: the same with an
 *       explicit element type; {@code base64} is little-endian bytes, {@code count} gives zeros.
 * </ul>
 */
sealed interface BufferInput {
    Set<String> FIELDS = Set.of("type", "data", "base64", "generate", "count");

    /** JSON numbers, encoded once the type is known. */
    record Values(JsonNode array) implements BufferInput {}

    /** Raw little-endian bytes. */
    record Raw(byte[] bytes) implements BufferInput {}

    /** A generator, run on the job's thread. */
    record Generated(BufferSpec spec) implements BufferInput {}

    /** An input and the element type the request named (null: inferred from the parameter). */
    record Parsed(ElementType type, BufferInput input) {}

    static Parsed parse(String field, JsonNode node) {
        if (node == null || node.isNull()) {
            throw JsonNumbers.invalid(field, "a buffer needs contents: an array, a generator or an object");
        }
        if (node.isArray()) {
            return new Parsed(null, new Values(node));
        }
        if (node.isTextual()) {
            return new Parsed(null, new Generated(generator(field, node.textValue())));
        }
        if (!node.isObject()) {
            throw JsonNumbers.invalid(field, "expected an array, a generator string or an object");
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                throw JsonNumbers.invalid(field + "." + name, "unknown field (expected one of " + FIELDS + ")");
            }
        }
        ElementType type = null;
        if (node.hasNonNull("type")) {
            try {
                type = ElementType.parse(node.get("type").asText());
            } catch (IllegalArgumentException e) {
                throw JsonNumbers.invalid(field + ".type", e.getMessage());
            }
        }
        int given = (node.has("data") ? 1 : 0) + (node.has("base64") ? 1 : 0) + (node.has("generate") ? 1 : 0)
                + (node.has("count") ? 1 : 0);
        if (given != 1) {
            throw JsonNumbers.invalid(field, "give exactly one of data, base64, generate or count");
        }
        if (node.has("data")) {
            if (!node.get("data").isArray()) {
                throw JsonNumbers.invalid(field + ".data", "expected an array of numbers");
            }
            return new Parsed(type, new Values(node.get("data")));
        }
        if (node.has("base64")) {
            try {
                return new Parsed(type, new Raw(Base64.getDecoder().decode(node.get("base64").asText())));
            } catch (IllegalArgumentException e) {
                throw JsonNumbers.invalid(field + ".base64", "not valid base64: " + e.getMessage());
            }
        }
        if (node.has("generate")) {
            return new Parsed(type, new Generated(generator(field + ".generate", node.get("generate").asText())));
        }
        long count = JsonNumbers.integer(node.get("count"), field + ".count");
        if (count < 0) {
            throw JsonNumbers.invalid(field + ".count", "must not be negative");
        }
        return new Parsed(type, new Generated(new BufferSpec.Zeros(count)));
    }

    /** True for strings that are generators rather than buffer names. */
    static boolean isGenerator(String text) {
        return BufferSpecs.looksLikeSpec(text);
    }

    private static BufferSpec generator(String field, String text) {
        if (text.toLowerCase(Locale.ROOT).startsWith("file:")) {
            throw JsonNumbers.invalid(field, "file: inputs are read on the worker's disk and are not accepted over "
                    + "HTTP; send the bytes as base64");
        }
        try {
            return BufferSpecs.parse(text);
        } catch (IllegalArgumentException e) {
            throw JsonNumbers.invalid(field, e.getMessage());
        }
    }

    /**
     * The size in bytes once the type is known; {@code structSize > 1} counts generator elements in
     * structs (a pointer to a struct gets {@code N * sizeof} bytes, as on the command line).
     */
    static long bytes(String field, BufferInput input, ElementType type, int structSize) {
        try {
            if (input instanceof Values v) {
                return Math.multiplyExact((long) v.array().size(), type.size());
            }
            if (input instanceof Raw r) {
                if (r.bytes().length % type.size() != 0) {
                    throw JsonNumbers.invalid(field, r.bytes().length + " bytes are not a whole number of "
                            + type.name().toLowerCase(Locale.ROOT) + " elements");
                }
                return r.bytes().length;
            }
            BufferSpec spec = ((Generated) input).spec();
            return Math.multiplyExact(Math.multiplyExact(spec.count(type), (long) type.size()), (long) structSize);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    /** What fills the device buffer; call only after the size was checked against the limits. */
    static BufferSpec fill(String field, BufferInput input, ElementType type, int structSize) {
        if (input instanceof Values v) {
            ByteBuffer b = ByteBuffer.allocate(v.array().size() * type.size()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < v.array().size(); i++) {
                JsonNumbers.put(type, b, i * type.size(), v.array().get(i), field + "[" + i + "]");
            }
            return new BufferSpec.Data(b.array());
        }
        if (input instanceof Raw r) {
            return new BufferSpec.Data(r.bytes());
        }
        BufferSpec spec = ((Generated) input).spec();
        if (structSize <= 1) {
            return spec;
        }
        if (spec instanceof BufferSpec.Zeros z) {
            return new BufferSpec.Zeros(z.count() * structSize);
        }
        if (spec instanceof BufferSpec.Random r) {
            return new BufferSpec.Random(r.count() * structSize, r.seed(), 0, 255);
        }
        throw JsonNumbers.invalid(field, "a buffer of structs can be zeros:N, random:N[:SEED], a count or base64");
    }
}
