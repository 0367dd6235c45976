package io.cudawasm.runtime.backend.gpu;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.cgen.StatusCodes;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The two ints a GPU kernel writes instead of aborting: the first fault's code and CUDA line.
 * Other threads run on after a fault, so the outputs of a failed launch are unspecified, as on
 * CUDA after a trap.
 */
public final class StatusWord {
    private StatusWord() {}

    public static final int BYTES = 8;

    /** Throws the launch failure the status describes, if any. */
    public static void check(byte[] status, String kernel, String fileName) {
        ByteBuffer b = ByteBuffer.wrap(status).order(ByteOrder.LITTLE_ENDIAN);
        int code = b.getInt(0);
        int line = b.getInt(4);
        if (code == 0) {
            return;
        }
        String where = line > 0 ? " (" + fileName + ":" + line + ")" : "";
        if (code == StatusCodes.DIVIDE_BY_ZERO) {
            throw new LaunchException(LaunchFailure.DIVIDE_BY_ZERO, kernel, "kernel '" + kernel
                    + "' performed an integer division by zero (or INT_MIN / -1)" + where);
        }
        throw new LaunchException(LaunchFailure.TRAP, kernel, "kernel '" + kernel + "' stopped: "
                + KernelAbi.trapMessage(code) + where);
    }
}
