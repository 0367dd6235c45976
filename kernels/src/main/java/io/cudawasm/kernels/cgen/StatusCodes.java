package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.abi.KernelAbi;

/**
 * Codes GPU kernels write to their status word instead of aborting (OpenCL has no trap, and a
 * CUDA trap would poison the whole context). The first fault of a launch wins; the host turns it
 * into a launch failure. Trap codes are the CPU path's ({@link KernelAbi}).
 */
public final class StatusCodes {
    private StatusCodes() {}

    public static final int TRAP = KernelAbi.TRAP_USER;
    public static final int MISSING_RETURN = KernelAbi.TRAP_MISSING_RETURN;
    /** Integer division by zero, or the minimum value divided by -1. */
    public static final int DIVIDE_BY_ZERO = 16;
}
