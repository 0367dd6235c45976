package io.cudawasm.runtime.logging;

import java.util.Locale;

/**
 * How the worker writes its log: {@code text} (slf4j-simple's lines, the default) or {@code json} (one
 * JSON object per line, for log collectors such as Fluent Bit, Loki or Elasticsearch). Chosen with
 * {@code serve --log-format} or {@code CUDA_WASM_LOG_FORMAT}; switching applies to every logger at once.
 */
public enum LogFormat {
    TEXT,
    JSON;

    /** The variable that chooses the format. */
    public static final String ENV = "CUDA_WASM_LOG_FORMAT";

    private static volatile LogFormat current = TEXT;

    public static LogFormat current() {
        return current;
    }

    public static void use(LogFormat format) {
        current = format;
    }

    /** {@code text} or {@code json}, case-insensitively; null or blank means text. */
    public static LogFormat parse(String text) {
        if (text == null || text.isBlank()) {
            return TEXT;
        }
        return switch (text.strip().toLowerCase(Locale.ROOT)) {
            case "text" -> TEXT;
            case "json" -> JSON;
            default -> throw new IllegalArgumentException(ENV + " / --log-format: expected text or json, got '" + text + "'");
        };
    }
}
