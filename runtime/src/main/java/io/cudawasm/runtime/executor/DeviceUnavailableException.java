package io.cudawasm.runtime.executor;

/**
 * The cause of a DEVICE_LOST failure when the device's executor is in a crash loop's cooldown:
 * nothing ran, and the job can be sent again after {@link #retryAfterSeconds}.
 */
public final class DeviceUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long retryAfterSeconds;

    public DeviceUnavailableException(String device, long retryAfterSeconds) {
        super(device + " is unavailable for " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
