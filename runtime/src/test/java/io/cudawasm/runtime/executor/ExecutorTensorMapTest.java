package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A tensor map crosses to the executor, whose back end makes it with the buffer's address: the CUDA
 * back end takes it (checked by scripts/gpu-check.sh), OpenCL refuses it by name, naming the parameter.
 */
class ExecutorTensorMapTest {
    @Test
    void aTensorMapReachesTheExecutorsBackEndWhichNamesTheParameter() {
        CompileRequest req = CompileRequest.of("map.cu", """
                #include <cuda.h>
                __global__ void k(const __grid_constant__ CUtensorMap map, float *out) { out[threadIdx.x] = 1.0f; }
                """);
        try (ExecutorBackend b = ExecutorTestDevice.opencl(ExecutorTestDevice.settings());
                DeviceSession s = b.open(KernelCompiler.compile(req), req)) {
            DeviceBuffer tensor = s.allocate(4L * 64);
            DeviceBuffer out = s.allocate(4L * 16);
            LaunchException e = assertThrows(LaunchException.class, () -> s.launch("k", LaunchConfig.of(Dim3.of(1),
                    Dim3.of(16)), List.of(new KernelArg.TensorMap(tensor, 0, new TensorMapSpec(4, new long[] {64}, null,
                    new int[] {16})), KernelArg.of(out)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("argument 'map' of kernel 'k' is a tensor map"), e.getMessage());
            assertTrue(e.getMessage().contains("OpenCL has no bulk tensor copies"), e.getMessage());
            // the session still works
            s.launch("k", LaunchConfig.of(Dim3.of(1), Dim3.of(16)), List.of(new KernelArg.Bytes(new byte[128]),
                    KernelArg.of(out)), LaunchOptions.DEFAULT);
        }
    }
}
