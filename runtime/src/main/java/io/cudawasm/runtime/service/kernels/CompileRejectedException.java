package io.cudawasm.runtime.service.kernels;

import java.util.Map;

/**
 * A compile that was not started: the compile pool and its queue are full ({@link #BUSY}), or
 * the compile could never fit the heap the worker gives compiles ({@link #TOO_LARGE}).
 */
public final class CompileRejectedException extends RuntimeException {
    public static final String BUSY = "busy";
    public static final String TOO_LARGE = "too_large";

    private static final long serialVersionUID = 1L;
    private final String reason;
    private final long retryAfterSeconds;
    private final transient Map<String, Object> details;

    CompileRejectedException(String reason, String message, long retryAfterSeconds, Map<String, Object> details) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = Map.copyOf(details);
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }

    public Map<String, Object> details() {
        return details;
    }
}
