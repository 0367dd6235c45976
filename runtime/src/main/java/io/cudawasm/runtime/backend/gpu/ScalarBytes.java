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

    /**
     * The GPU back ends' answer to a tensor-map argument: CUDA's map is made by the driver
     * ({@code cuTensorMapEncodeTiled}, which JCuda 12.6 does not bind) and OpenCL has no tensor
     * copies, so the bulk tensor copies run on the WebAssembly path.
     */
    public static final String TENSOR_MAP_REFUSED = "argument '%s' of kernel '%s' is a tensor map (CUtensorMap):"
            + " tensor maps are made for the WebAssembly path only (the GPU back ends would need the driver's"
            + " cuTensorMapEncodeTiled): use backend 'wasm'";

    public static byte[] of(ParamInfo p, KernelArg arg, String kernel) {
        if (p.kind() == ParamKind.POINTER) {
            throw new IllegalArgumentException("pointer parameters are passed as buffers");
        }
        if (arg instanceof KernelArg.TensorMap) {
            throw new io.cudawasm.runtime.launch.LaunchException(io.cudawasm.runtime.launch.LaunchFailure.INVALID_LAUNCH,
                    kernel, TENSOR_MAP_REFUSED.formatted(p.name(), kernel));
        }
        ByteBuffer b = ByteBuffer.allocate(p.size()).order(ByteOrder.LITTLE_ENDIAN);
        ArgumentEncoder.encode(b, 0, p, arg, kernel, buf -> 0L);
        return b.array();
    }
}
