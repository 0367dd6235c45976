package io.cudawasm.runtime.backend.gpu;

import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.runtime.backend.wasm.ArgumentEncoder;
import io.cudawasm.runtime.launch.KernelArg;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** The bytes of a scalar or struct argument as the kernel's parameter type lays them out. */
public final class ScalarBytes {
    private ScalarBytes() {}

    public static byte[] of(ParamInfo p, KernelArg arg, String kernel) {
        if (p.kind() == ParamKind.POINTER) {
            throw new IllegalArgumentException("pointer parameters are passed as buffers");
        }
        ByteBuffer b = ByteBuffer.allocate(p.size()).order(ByteOrder.LITTLE_ENDIAN);
        ArgumentEncoder.encode(b, 0, p, arg, kernel, buf -> 0L);
        return b.array();
    }
}
