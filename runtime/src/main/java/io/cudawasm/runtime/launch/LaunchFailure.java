package io.cudawasm.runtime.launch;

/** Why a launch did not complete. */
public enum LaunchFailure {
    /** {@code __trap()}, a failed assert, unreachable code. */
    TRAP,
    OUT_OF_BOUNDS,
    DIVIDE_BY_ZERO,
    STACK_OVERFLOW,
    TIMEOUT,
    CANCELLED,
    /** Arguments that do not match the kernel's parameters, a bad configuration. */
    INVALID_LAUNCH,
    OUT_OF_MEMORY,
    /** An error the device or driver reported. */
    DEVICE_ERROR
}
