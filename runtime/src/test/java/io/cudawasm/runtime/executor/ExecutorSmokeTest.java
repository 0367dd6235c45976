package io.cudawasm.runtime.executor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.HostArrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecutorSmokeTest {

    @Test
    void saxpyRunsInTheExecutor() {
        CompileRequest req = CompileRequest.of("saxpy.cu", """
                __global__ void saxpy(int n, float a, const float* x, float* y) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) y[i] = a * x[i] + y[i];
                }
                """);
        int n = 1000;
        float[] x = new float[n];
        float[] y = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = 1;
        }
        try (ExecutorBackend b = ExecutorTestDevice.opencl(ExecutorTestDevice.settings());
                DeviceSession s = b.open(KernelCompiler.compile(req), req)) {
            DeviceBuffer dx = s.allocate(4L * n);
            DeviceBuffer dy = s.allocate(4L * n);
            s.write(dx, 0, HostArrays.bytes(x));
            s.write(dy, 0, HostArrays.bytes(y));
            LaunchStats st = s.launch("saxpy", LaunchConfig.of(Dim3.of(4), Dim3.of(256)),
                    List.of(KernelArg.of(n), KernelArg.of(2.0f), KernelArg.of(dx), KernelArg.of(dy)), LaunchOptions.DEFAULT);
            float[] out = HostArrays.floats(s.read(dy, 0, 4 * n));
            for (int i = 0; i < n; i++) {
                assertEquals(2f * i + 1, out[i], "y[" + i + "]");
            }
            assertEquals("opencl:0", st.backend());
            long pid = b.supervisor().pid();
            assertTrue(pid > 0);
            assertNotEquals(ProcessHandle.current().pid(), pid);
        }
    }
}
