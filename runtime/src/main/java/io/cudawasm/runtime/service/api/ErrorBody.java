package io.cudawasm.runtime.service.api;

import java.util.Map;

/**
 * The body of every error response: a stable machine-readable {@code error} code, a sentence for
 * people, and structured {@code details} (compile diagnostics, limits, the failed job).
 */
public record ErrorBody(String error, String message, Map<String, Object> details) {
    public ErrorBody {
        details = details == null ? Map.of() : details;
    }
}
