package io.cudawasm.runtime.cache;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * Everything a kernel compilation depends on. The canonical encoding of these parts is hashed
 * into a {@link CacheKey} id, so two compilations share an entry exactly when all parts are equal.
 *
 * <p>{@code defines} holds the {@code -D} macros (name to value; use {@code ""} for an empty
 * value); its iteration order is always sorted by name, so the order a caller supplies them in
 * does not matter. {@code options} keeps its order, since compiler options can be order-sensitive.
 */
public record KeyParts(
        String source,
        Map<String, String> defines,
        List<String> options,
        String target,
        String compilerVersion) {

    /** Version tag hashed first; changing the encoding must change this tag. */
    static final String ENCODING_TAG = "cuda-wasm/kernel-cache-key/v1";

    public KeyParts {
        requireWellFormed("source", source);
        Objects.requireNonNull(defines, "defines");
        Objects.requireNonNull(options, "options");
        requireWellFormed("target", target);
        requireWellFormed("compilerVersion", compilerVersion);
        if (target.isBlank()) {
            throw new IllegalArgumentException("target must not be blank");
        }
        if (compilerVersion.isBlank()) {
            throw new IllegalArgumentException("compilerVersion must not be blank");
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        defines.forEach((name, value) -> {
            requireWellFormed("define name", name);
            requireWellFormed("value of define " + name, value);
            sorted.put(name, value);
        });
        defines = Collections.unmodifiableMap(sorted);
        options.forEach(option -> requireWellFormed("option", option));
        options = List.copyOf(options);
    }

    /** Lowercase hex SHA-256 of the canonical encoding. */
    public String sha256Hex() {
        MessageDigest digest = Hashing.newSha256();
        putString(digest, ENCODING_TAG);
        putString(digest, source);
        putCount(digest, defines.size());
        defines.forEach((name, value) -> {
            putString(digest, name);
            putString(digest, value);
        });
        putCount(digest, options.size());
        options.forEach(option -> putString(digest, option));
        putString(digest, target);
        putString(digest, compilerVersion);
        return Hashing.hex(digest.digest());
    }

    /** Keeps log lines short: the source can be many kilobytes. */
    @Override
    public String toString() {
        return "KeyParts[source=" + source.length() + " chars, sha256 "
                + Hashing.sha256Hex(source.getBytes(StandardCharsets.UTF_8)).substring(0, 12)
                + ", defines=" + defines + ", options=" + options + ", target=" + target
                + ", compilerVersion=" + compilerVersion + "]";
    }

    // Every string is length-prefixed and every collection count-prefixed, which makes the
    // encoding prefix-free: ("ab","c") and ("a","bc") cannot produce the same bytes.
    private static void putString(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(bytes.length).array());
        digest.update(bytes);
    }

    private static void putCount(MessageDigest digest, int count) {
        digest.update(ByteBuffer.allocate(Long.BYTES).putLong(count).array());
    }

    // A lone surrogate would be encoded as '?', making two different strings hash alike.
    private static void requireWellFormed(String what, String value) {
        Objects.requireNonNull(value, what);
        try {
            StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException(what + " is not well-formed Unicode", e);
        }
    }
}
