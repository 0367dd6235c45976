package io.cudawasm.runtime.backend.gpu;

import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.runtime.backend.wasm.ArgumentEncoder;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.function.ToLongFunction;

/** The bytes of a scalar or struct argument as the kernel's parameter type lays them out. */
public final class ScalarBytes {
    private ScalarBytes() {}

    /**
     * OpenCL's answer to a tensor-map argument: it has no bulk tensor copies. (The CUDA back end
     * compiles the copies to C that reads this project's map, {@link #of(ParamInfo, KernelArg, String,
     * ToLongFunction)}, as the WebAssembly path does.)
     */
    public static final String TENSOR_MAP_REFUSED = "argument '%s' of kernel '%s' is a tensor map (CUtensorMap):"
            + " tensor maps are made for the WebAssembly path and the CUDA back end (OpenCL has no bulk tensor"
            + " copies): use backend 'wasm'";

    public static byte[] of(ParamInfo p, KernelArg arg, String kernel) {
        if (arg instanceof KernelArg.TensorMap) {
            throw new io.cudawasm.runtime.launch.LaunchException(io.cudawasm.runtime.launch.LaunchFailure.INVALID_LAUNCH,
                    kernel, TENSOR_MAP_REFUSED.formatted(p.name(), kernel));
        }
        return of(p, arg, kernel, buf -> 0L);
    }

    /**
     * The bytes of a scalar, struct or tensor-map argument; a tensor map ({@link
     * io.cudawasm.kernels.abi.TensorMapAbi}) holds its buffer's device address, {@code address}, plus its
     * offset, once the tensor is checked to lie inside the buffer.
     */
    public static byte[] of(ParamInfo p, KernelArg arg, String kernel, ToLongFunction<DeviceBuffer> address) {
        if (p.kind() == ParamKind.POINTER) {
            throw new IllegalArgumentException("pointer parameters are passed as buffers");
        }
        ByteBuffer b = ByteBuffer.allocate(p.size()).order(ByteOrder.LITTLE_ENDIAN);
        ArgumentEncoder.encode(b, 0, p, arg, kernel, address);
        return b.array();
    }
}
