package io.cudawasm.runtime.cache;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Identifies one cache entry. {@code id} is the lowercase hex SHA-256 of the canonical encoding of
 * {@link KeyParts}. {@code parts} is {@code null} for keys made by {@link #ofHash(String)}, which
 * can only look entries up; writing needs the parts (they are recorded in the manifest).
 */
public record CacheKey(String id, KeyParts parts) {

    private static final Pattern ID = Pattern.compile("[0-9a-f]{64}");

    public CacheKey {
        id = requireValidId(id);
        if (parts != null && !parts.sha256Hex().equals(id)) {
            throw new IllegalArgumentException("id " + id + " is not the hash of " + parts);
        }
    }

    /** The key of a compilation of {@code source} with the given defines, options, target and compiler. */
    public static CacheKey of(
            String source,
            Map<String, String> defines,
            List<String> options,
            String target,
            String compilerVersion) {
        return of(new KeyParts(source, defines, options, target, compilerVersion));
    }

    public static CacheKey of(KeyParts parts) {
        Objects.requireNonNull(parts, "parts");
        return new CacheKey(parts.sha256Hex(), parts);
    }

    /** A lookup-only key; the id is validated so it can never name a path outside the cache. */
    public static CacheKey ofHash(String id) {
        return new CacheKey(id, null);
    }

    public boolean hasParts() {
        return parts != null;
    }

    /** True for exactly 64 hex digits (either case). */
    public static boolean isValidId(String id) {
        return id != null && ID.matcher(id.toLowerCase(Locale.ROOT)).matches();
    }

    /** Returns the id in lowercase, or throws if it is not 64 hex digits. */
    static String requireValidId(String id) {
        if (!isValidId(id)) {
            throw new IllegalArgumentException("not a cache key id (64 hex digits): " + abbreviate(id));
        }
        return id.toLowerCase(Locale.ROOT);
    }

    private static String abbreviate(String id) {
        if (id == null) {
            return "null";
        }
        return id.length() <= 80 ? '"' + id + '"' : '"' + id.substring(0, 80) + "...\"";
    }
}
