package io.cudawasm.runtime.service.config;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads typed values from {@code CUDA_WASM_*} variables. Every parse error names the variable,
 * so a misconfigured pod says exactly what to fix.
 */
final class EnvValues {
    private static final Pattern QUANTITY = Pattern.compile("(\\d+)\\s*([a-z]*)");

    private final Map<String, String> env;

    EnvValues(Map<String, String> env) {
        this.env = env;
    }

    /** The trimmed value, or null when unset or blank. */
    String text(String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Set to an empty or whitespace-only value (often a template or Secret that expanded to nothing). */
    boolean isSetButBlank(String name) {
        String v = env.get(name);
        return v != null && v.isBlank();
    }

    String text(String name, String fallback) {
        String v = text(name);
        return v == null ? fallback : v;
    }

    int integer(String name, int fallback, int min) {
        String v = text(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v);
            if (n < min) {
                throw new IllegalArgumentException(name + ": must be at least " + min + ", got " + v);
            }
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": not an integer: \"" + v + '"', e);
        }
    }

    boolean bool(String name, boolean fallback) {
        String v = text(name);
        if (v == null) {
            return fallback;
        }
        switch (v.toLowerCase(Locale.ROOT)) {
            case "true", "yes", "1", "on":
                return true;
            case "false", "no", "0", "off":
                return false;
            default:
                throw new IllegalArgumentException(name + ": expected true or false, got \"" + v + '"');
        }
    }

    long bytes(String name, long fallback) {
        String v = text(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parseBytes(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    /** Seconds, decimals allowed ({@code 0.5}); zero is allowed only when {@code allowZero}. */
    Duration seconds(String name, Duration fallback, boolean allowZero) {
        String v = text(name);
        if (v == null) {
            return fallback;
        }
        try {
            return parseSeconds(v, allowZero);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
        }
    }

    static Duration parseSeconds(String text, boolean allowZero) {
        double s;
        try {
            s = Double.parseDouble(text.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not a number of seconds: \"" + text + '"', e);
        }
        if (Double.isNaN(s) || s < 0 || (!allowZero && s == 0) || s > 365 * 24 * 3600.0) {
            throw new IllegalArgumentException("seconds out of range: \"" + text + '"');
        }
        return Duration.ofNanos(Math.round(s * 1e9));
    }

    /**
     * A byte count with an optional unit, as the kernel cache reads it: {@code Ki Mi Gi Ti} (or
     * {@code KiB ...}) are powers of 1024, {@code k M G T} (or {@code kB ...}) powers of 1000.
     */
    static long parseBytes(String text) {
        Matcher m = QUANTITY.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("not a byte size: \"" + text + '"');
        }
        long unit;
        switch (m.group(2)) {
            case "", "b" -> unit = 1L;
            case "k", "kb" -> unit = 1_000L;
            case "m", "mb" -> unit = 1_000_000L;
            case "g", "gb" -> unit = 1_000_000_000L;
            case "t", "tb" -> unit = 1_000_000_000_000L;
            case "ki", "kib" -> unit = 1L << 10;
            case "mi", "mib" -> unit = 1L << 20;
            case "gi", "gib" -> unit = 1L << 30;
            case "ti", "tib" -> unit = 1L << 40;
            default -> throw new IllegalArgumentException("unknown size unit in \"" + text + '"');
        }
        try {
            long value = Math.multiplyExact(Long.parseLong(m.group(1)), unit);
            if (value <= 0) {
                throw new IllegalArgumentException("byte size must be positive: \"" + text + '"');
            }
            return value;
        } catch (ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("byte size too large: \"" + text + '"', e);
        }
    }
}
