package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * PTX {@code exit} inside a device function (an inline snippet of a {@code __device__} function, or
 * nvcc's {@code .func} of a {@code __noinline__} one) ends the calling thread, as on a GPU, wherever
 * the call sits in the kernel: on the WebAssembly path, on OpenCL and through nvcc's PTX, against a
 * Java reference. {@code ret} in such a snippet stays refused (where it returns to depends on
 * nvcc's inlining).
 */
class DeviceExitTest {
    @Test
    void exitInADeviceFunctionEndsTheThreadOnEveryPath() {
        AllPaths.check(io.cudawasm.runtime.backend.check.DeviceExitCases.survivors());
    }

    /** The CUDA back end's C of that kernel (the exits taken into it as returns), through nvcc and back. */
    @Test
    void theCudaBackEndsCReturnsWhereTheDeviceFunctionsExit() {
        CudaCPath.check(io.cudawasm.runtime.backend.check.DeviceExitCases.survivors());
    }

    /** Calls inside expressions end the thread too (the front end evaluates calls into temporaries first). */
    @Test
    void anExitingCallInsideAnExpressionEndsTheThread() {
        String src = """
                __device__ int checked(int i, int n)
                {
                    if (i >= n) { asm volatile("exit;"); }
                    return i;
                }
                __global__ void k(int *out, int n)
                {
                    int i = threadIdx.x;
                    out[i] = i < 2 ? 0 : checked(i, n) * 2 + checked(i + 1, n);
                }
                """;
        int[] expected = new int[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = i < 2 ? 0 : i + 1 >= 16 ? -7 : i * 2 + i + 1;
        }
        int[] initial = new int[32];
        java.util.Arrays.fill(initial, -7);
        AllPaths.check(CaseBuilder.of("device_exit_expression", "k.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(32))
                .out("out", initial, expected).scalar(16).build());
    }

    /** Through a function pointer too: the dispatch over the pointer's targets is taken into the kernel. */
    @Test
    void anExitThroughAFunctionPointerEndsTheThread() {
        String src = """
                __device__ int checked(int i, int n)
                {
                    if (i >= n) { asm volatile("exit;"); }
                    return i;
                }
                __device__ int (*pick)(int, int) = checked;
                __global__ void k(int *out, int n)
                {
                    int i = threadIdx.x;
                    out[i] = pick(i, n);
                }
                """;
        int[] expected = new int[32];
        for (int i = 0; i < 32; i++) {
            expected[i] = i >= 16 ? -7 : i;
        }
        int[] initial = new int[32];
        java.util.Arrays.fill(initial, -7);
        AllPaths.check(CaseBuilder.of("device_exit_pointer", "k.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(32))
                .out("out", initial, expected).scalar(16).build());
    }

    /** A recursive function is not taken into the kernel: its exit stops the kernel, naming why. */
    @Test
    void anExitInARecursiveFunctionStopsTheKernelByName() {
        String src = """
                __device__ int depth(int i, int n)
                {
                    if (i >= n) { asm volatile("exit;"); }
                    return i <= 0 ? 0 : 1 + depth(i - 1, n);
                }
                __global__ void k(int *out, int n)
                {
                    out[threadIdx.x] = depth(threadIdx.x, n);
                }
                """;
        io.cudawasm.runtime.backend.check.KernelCase c = CaseBuilder.of("device_exit_recursive", "k.cu", src)
                .kernel("k").launch(Dim3.of(1), Dim3.of(32)).out("out", new int[32], null).scalar(16).build();
        io.cudawasm.runtime.backend.check.CheckedRun.BackendRun r = io.cudawasm.runtime.backend.check.CheckedRun.run(
                io.cudawasm.runtime.testing.KernelHarness.backend(2), AllPaths.compile(c.request()), c.launch());
        org.junit.jupiter.api.Assertions.assertNotNull(r.failure(), "the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains(io.cudawasm.kernels.abi.KernelAbi.DEVICE_EXIT),
                r.failure().getMessage());
    }

    @Test
    void retInADeviceFunctionsSnippetIsStillRefused() {
        CompileException e = assertThrows(CompileException.class, () -> KernelCompiler.compile(CompileRequest.of("r.cu",
                """
                __device__ void leave() { asm volatile("ret;"); }
                __global__ void k(int *out) { leave(); out[threadIdx.x] = 1; }
                """)));
        assertTrue(e.getMessage().contains("'ret' in inline assembly of a device function"), e.getMessage());
        assertTrue(e.getMessage().contains("r.cu:1"), e.getMessage());
    }
}
