package io.cudawasm.runtime.backend.opencl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.HostArrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * CUDA kernels named like OpenCL C built-in functions ({@code rotate}, {@code dot}, {@code max}): PoCL
 * cannot create a kernel of such a name ("no kernel named rotate"), so the OpenCL C names them
 * otherwise and users still launch them by their CUDA names.
 */
class OpenClKernelNamesTest {
    private static final String SOURCE = """
            __global__ void rotate(int *a) { a[threadIdx.x] = (a[threadIdx.x] << 3) | ((unsigned)a[threadIdx.x] >> 29); }
            __global__ void dot(const int *a, int *out) { atomicAdd(out, a[threadIdx.x] * a[threadIdx.x]); }
            __global__ void max(int *a) { a[threadIdx.x] = a[threadIdx.x] > 5 ? a[threadIdx.x] : 5; }
            """;

    @Test
    void kernelsNamedLikeOpenClBuiltinsRunByTheirCudaNames() {
        try (DeviceSession s = OpenClTestDevice.backend().open(KernelCompiler.compileForDevices(
                CompileRequest.of("builtins.cu", SOURCE)))) {
            int[] in = {1, 2, 3, 4, 7, 9, -1, 0x40000000};
            DeviceBuffer a = s.allocate(4L * in.length);
            s.write(a, 0, HostArrays.bytes(in));
            DeviceBuffer out = s.allocate(4);
            s.write(out, 0, new byte[4]);
            LaunchConfig config = LaunchConfig.of(Dim3.of(1), Dim3.of(in.length));
            s.launch("dot", config, List.of(KernelArg.of(a), KernelArg.of(out)), LaunchOptions.DEFAULT);
            int sum = 0;
            for (int v : in) {
                sum += v * v;
            }
            assertArrayEquals(new int[] {sum}, HostArrays.ints(s.read(out, 0, 4)));
            s.launch("rotate", config, List.of(KernelArg.of(a)), LaunchOptions.DEFAULT);
            s.launch("max", config, List.of(KernelArg.of(a)), LaunchOptions.DEFAULT);
            int[] expected = new int[in.length];
            for (int i = 0; i < in.length; i++) {
                expected[i] = Math.max((in[i] << 3) | (in[i] >>> 29), 5);
            }
            assertArrayEquals(expected, HostArrays.ints(s.read(a, 0, 4 * in.length)));
        }
    }
}
