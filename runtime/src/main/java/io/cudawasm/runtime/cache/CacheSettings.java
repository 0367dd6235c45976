package io.cudawasm.runtime.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where the cache lives and how big it may grow.
 *
 * @param directory root of the cache (created on open)
 * @param maxBytes size cap for all entries together; least recently used entries are evicted above it
 * @param tempMaxAge leftovers of crashed writers in {@code tmp/} are removed once older than this
 *     (and only when no live writer holds their lock)
 */
public record CacheSettings(Path directory, long maxBytes, Duration tempMaxAge) {

    public static final String ENV_DIRECTORY = "CUDA_WASM_KERNEL_CACHE_DIR";
    public static final String ENV_MAX_BYTES = "CUDA_WASM_CACHE_MAX_BYTES";
    public static final String ENV_TEMP_MAX_AGE = "CUDA_WASM_CACHE_TEMP_MAX_AGE";
    /** Set in every Kubernetes pod; selects {@link #KUBERNETES_DIRECTORY} as the default. */
    static final String ENV_KUBERNETES = "KUBERNETES_SERVICE_HOST";

    /** Mount point of the persistent volume in the worker image. */
    public static final Path KUBERNETES_DIRECTORY = Path.of("/cache/kernels");
    public static final long DEFAULT_MAX_BYTES = 8L << 30;
    /** Generous: a temp dir only lives while one entry is written, which takes seconds. */
    public static final Duration DEFAULT_TEMP_MAX_AGE = Duration.ofMinutes(15);

    private static final Pattern QUANTITY = Pattern.compile("(\\d+)\\s*([a-z]*)");

    public CacheSettings {
        Objects.requireNonNull(directory, "directory");
        directory = directory.toAbsolutePath().normalize();
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive: " + maxBytes);
        }
        Objects.requireNonNull(tempMaxAge, "tempMaxAge");
        if (tempMaxAge.isNegative()) {
            throw new IllegalArgumentException("tempMaxAge must not be negative: " + tempMaxAge);
        }
    }

    /** Default cap and temp age for {@code directory}. */
    public static CacheSettings of(Path directory) {
        return new CacheSettings(directory, DEFAULT_MAX_BYTES, DEFAULT_TEMP_MAX_AGE);
    }

    public CacheSettings withMaxBytes(long newMaxBytes) {
        return new CacheSettings(directory, newMaxBytes, tempMaxAge);
    }

    public CacheSettings withTempMaxAge(Duration newTempMaxAge) {
        return new CacheSettings(directory, maxBytes, newTempMaxAge);
    }

    /** {@link #fromEnvironment(Map)} applied to the process environment. */
    public static CacheSettings fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /**
     * Reads the settings from environment variables.
     *
     * <ul>
     *   <li>{@value #ENV_DIRECTORY}: the directory; default {@code /cache/kernels} inside Kubernetes
     *       (when {@code KUBERNETES_SERVICE_HOST} is set), else {@code $HOME/.cache/cuda-wasm/kernels}.
     *   <li>{@value #ENV_MAX_BYTES}: the cap, a byte count with an optional Kubernetes-style suffix
     *       ({@code Ki Mi Gi Ti} or {@code KiB MiB GiB TiB} are powers of 1024, {@code k M G T} or
     *       {@code kB MB GB TB} powers of 1000); default 8 GiB.
     *   <li>{@value #ENV_TEMP_MAX_AGE}: seconds, or an ISO-8601 duration such as {@code PT15M};
     *       default 15 minutes.
     * </ul>
     *
     * @throws IllegalArgumentException naming the variable when a value cannot be parsed
     */
    public static CacheSettings fromEnvironment(Map<String, String> env) {
        Objects.requireNonNull(env, "env");
        String dir = nonBlank(env.get(ENV_DIRECTORY));
        Path directory;
        if (dir != null) {
            directory = Path.of(dir);
        } else if (nonBlank(env.get(ENV_KUBERNETES)) != null) {
            directory = KUBERNETES_DIRECTORY;
        } else {
            String home = nonBlank(env.get("HOME"));
            String base = home != null ? home : System.getProperty("user.home");
            directory = Path.of(base, ".cache", "cuda-wasm", "kernels");
        }
        String max = nonBlank(env.get(ENV_MAX_BYTES));
        long maxBytes;
        try {
            maxBytes = max == null ? DEFAULT_MAX_BYTES : parseBytes(max);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_MAX_BYTES + ": " + e.getMessage(), e);
        }
        String age = nonBlank(env.get(ENV_TEMP_MAX_AGE));
        Duration tempMaxAge;
        try {
            tempMaxAge = age == null ? DEFAULT_TEMP_MAX_AGE : parseDuration(age);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_TEMP_MAX_AGE + ": " + e.getMessage(), e);
        }
        return new CacheSettings(directory, maxBytes, tempMaxAge);
    }

    /** Parses {@code 8589934592}, {@code 8Gi}, {@code 8GiB}, {@code 500M}, {@code 500MB}, ... */
    static long parseBytes(String text) {
        Matcher m = QUANTITY.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: \"" + text + '"');
        }
        long multiplier = switch (m.group(2)) {
            case "", "b" -> 1L;
            case "k", "kb" -> 1_000L;
            case "m", "mb" -> 1_000_000L;
            case "g", "gb" -> 1_000_000_000L;
            case "t", "tb" -> 1_000_000_000_000L;
            case "ki", "kib" -> 1L << 10;
            case "mi", "mib" -> 1L << 20;
            case "gi", "gib" -> 1L << 30;
            case "ti", "tib" -> 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit in \"" + text + '"');
        };
        try {
            long value = Math.multiplyExact(Long.parseLong(m.group(1)), multiplier);
            if (value <= 0) {
                throw new IllegalArgumentException("byte size must be positive: \"" + text + '"');
            }
            return value;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("byte size too large: \"" + text + '"', e);
        }
    }

    static Duration parseDuration(String text) {
        String trimmed = text.trim();
        try {
            Duration d = trimmed.chars().allMatch(Character::isDigit)
                    ? Duration.ofSeconds(Long.parseLong(trimmed))
                    : Duration.parse(trimmed);
            if (d.isNegative()) {
                throw new IllegalArgumentException("duration must not be negative: \"" + text + '"');
            }
            return d;
        } catch (DateTimeParseException | NumberFormatException e) {
            throw new IllegalArgumentException("not seconds or an ISO-8601 duration: \"" + text + '"', e);
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
