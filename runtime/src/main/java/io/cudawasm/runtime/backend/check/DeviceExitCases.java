package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.launch.Dim3;
import java.util.List;

/**
 * PTX {@code exit} inside device functions ending the calling thread (an inline snippet of a
 * {@code __device__} function, a predicated one, and one two calls deep through a
 * {@code __noinline__} function), for the tests and the GPU check: on CUDA nvcc compiles the C,
 * whose kernel returns where the compiler took the exit in.
 */
public final class DeviceExitCases {
    private DeviceExitCases() {}

    /** Thread i stores i * 3 + 1 and counts itself unless a device function ended it (i % 5 == 2, or i >= n). */
    static final String SOURCE = """
            __device__ void stopIf(bool stop)
            {
                if (stop) { asm volatile("exit;"); }
            }
            __device__ __noinline__ int checked(int i, int n)
            {
                // a predicated exit in the snippet itself
                asm volatile("{ .reg .pred p; setp.ge.s32 p, %0, %1; @p exit; }" :: "r"(i), "r"(n));
                return i * 3;
            }
            __device__ int twice(int i, int n)
            {
                int v = checked(i, n);  // exits through two calls
                return v + 1;
            }
            __global__ void survivors(int *out, int *count, int n)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                stopIf(i % 5 == 2);
                int v = twice(i, n);
                out[i] = v;
                atomicAdd(count, 1);
            }
            """;

    public static List<KernelCase> all() {
        return List.of(survivors());
    }

    public static KernelCase survivors() {
        int n = 100;
        int threads = 128;
        int[] expected = new int[threads];
        int alive = 0;
        for (int i = 0; i < threads; i++) {
            boolean ended = i % 5 == 2 || i >= n;
            expected[i] = ended ? -1 : i * 3 + 1;
            alive += ended ? 0 : 1;
        }
        int[] initial = new int[threads];
        java.util.Arrays.fill(initial, -1);
        return CaseBuilder.of("device_exit", "survivors.cu", SOURCE).kernel("survivors").launch(Dim3.of(4), Dim3.of(32))
                .out("out", initial, expected).out("count", new int[1], new int[] {alive}).scalar(n).build();
    }
}
