package io.cudawasm.runtime.service.jobs;

/**
 * A job was not accepted: every slot and queue place is taken ({@link #BUSY}), or the worker is
 * shutting down ({@link #SHUTTING_DOWN}). Nothing of the job was started.
 */
public final class JobRejectedException extends Exception {
    public static final String BUSY = "busy";
    public static final String SHUTTING_DOWN = "shutting_down";

    private static final long serialVersionUID = 1L;
    private final String reason;
    private final long retryAfterSeconds;

    JobRejectedException(String reason, String message, long retryAfterSeconds) {
        super(message, null, false, false);
        this.reason = reason;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public String reason() {
        return reason;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
