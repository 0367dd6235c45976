package io.cudawasm.runtime.executor;

/**
 * The cause of a DEVICE_LOST launch failure when the job did nothing wrong: its session lived in
 * an executor that died of another job's launch (or was killed from outside). The job runner
 * retries such a job once, on the fresh executor.
 */
public final class SessionLostException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SessionLostException(String device) {
        super("session lost with " + device + "'s executor");
    }
}
