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
    DEVICE_ERROR,
    /** The kernel crashed the executor process it ran in (a wild memory access, a driver fault). */
    CRASH,
    /** The executor process went away (killed, restarted for another job's fault, shut down, in a crash loop). */
    DEVICE_LOST
}
