package io.cudawasm.runtime.service.jobs;

import java.util.Map;

/**
 * A job was not accepted: every slot and queue place is taken ({@link #BUSY}), or the worker is
 * shutting down ({@link #SHUTTING_DOWN}). Nothing of the job was started.
 */
public final class JobRejectedException extends Exception {
    public static final String BUSY = "busy";
    public static final String SHUTTING_DOWN = "shutting_down";
    /** The job could never fit the worker's memory limits. */
    public static final String TOO_LARGE = "too_large";
    /** The limits on kept asynchronous jobs are reached by jobs nobody has read yet. */
    public static final String RETENTION_FULL = "retention_full";

    private static final long serialVersionUID = 1L;
    private final String reason;
    private final long retryAfterSeconds;
    private final transient Map<String, Object> details;

    JobRejectedException(String reason, String message, long retryAfterSeconds) {
        this(reason, message, retryAfterSeconds, Map.of());
    }

    private JobRejectedException(String reason, String message, long retryAfterSeconds, Map<String, Object> details) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
        this.details = details;
    }

    static JobRejectedException tooLarge(String message, long bytes, long limit, String variable) {
        return new JobRejectedException(TOO_LARGE, message, 0, Map.of("bytes", bytes, "limit", limit, "variable",
                variable));
    }

    /** What the error body's details add: sizes and the variable that sets the limit. */
    public Map<String, Object> details() {
        return details;
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
