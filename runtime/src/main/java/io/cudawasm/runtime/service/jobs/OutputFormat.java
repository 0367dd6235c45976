package io.cudawasm.runtime.service.jobs;

import java.util.Locale;

/** How a result buffer comes back: every element as JSON, the raw bytes in base64, or a summary. */
public enum OutputFormat {
    ARRAY, BASE64, SUMMARY;

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static OutputFormat parse(String text) {
        for (OutputFormat f : values()) {
            if (f.label().equalsIgnoreCase(text.trim())) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown output format '" + text + "' (use array, base64 or summary)");
    }
}
