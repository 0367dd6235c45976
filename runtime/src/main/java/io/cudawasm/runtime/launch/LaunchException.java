package io.cudawasm.runtime.launch;

import java.util.List;

/**
 * A launch that failed; the worker and other launches are unaffected. A fault in the kernel may
 * say where it happened ({@link #location()}); a memcheck launch lists what it found
 * ({@link #violations()}).
 */
public final class LaunchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final LaunchFailure failure;
    private final String kernel;
    private final transient FaultLocation location;
    private final transient List<MemoryViolation> violations;

    public LaunchException(LaunchFailure failure, String kernel, String message, Throwable cause,
            FaultLocation location, List<MemoryViolation> violations) {
        super(message, cause);
        this.failure = failure;
        this.kernel = kernel;
        this.location = location;
        this.violations = List.copyOf(violations);
    }

    public LaunchException(LaunchFailure failure, String kernel, String message, Throwable cause) {
        this(failure, kernel, message, cause, null, List.of());
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

    /** Where the kernel faulted, as far as known; null for failures that are not faults in the kernel. */
    public FaultLocation location() {
        return location;
    }

    /** The out-of-bounds accesses a memcheck launch found, in block and thread order (empty otherwise). */
    public List<MemoryViolation> violations() {
        return violations;
    }
}
