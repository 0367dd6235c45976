package io.cudawasm.runtime.launch;

/** A launch that failed; the worker and other launches are unaffected. */
public final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final LaunchFailure failure;
    private final String kernel;

    public LaunchException(LaunchFailure failure, String kernel, String message, Throwable cause) {
        super(message, cause);
        this.failure = failure;
        this.kernel = kernel;
    }

    public LaunchException(LaunchFailure failure, String kernel, String message) {
        this(failure, kernel, message, null);
    }

    public LaunchFailure failure() {
        return failure;
    }

    public String kernel() {
        return kernel;
    }
}
