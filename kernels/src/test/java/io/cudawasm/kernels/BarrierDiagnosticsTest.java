package io.cudawasm.kernels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Barriers whose uniformity cannot be established are named at compile time; constructs the
 * CPU path cannot run are rejected with a precise error.
 */
class BarrierDiagnosticsTest {

    private static List<Diagnostic> warnings(String src) {
        return KernelCompiler.compile(CompileRequest.of("b.cu", src)).warnings();
    }

    @Test
    void barrierUnderAThreadDependentConditionIsWarned() {
        List<Diagnostic> w = warnings("""
                __global__ void k(int* d) {
                    __shared__ int s[64];
                    if (threadIdx.x < 32) {
                        s[threadIdx.x] = 1;
                        __syncthreads();
                    }
                    d[threadIdx.x] = s[0];
                }
                """);
        assertEquals(1, w.size(), w.toString());
        assertEquals(5, w.get(0).line());
        assertTrue(w.get(0).message().contains("may differ between the threads"), w.get(0).message());
    }

    @Test
    void barrierInALoopWithAThreadDependentTripCountIsWarned() {
        List<Diagnostic> w = warnings("""
                __global__ void k(int* d, int n) {
                    __shared__ int s[64];
                    for (int i = threadIdx.x; i < n; i += blockDim.x) {
                        s[threadIdx.x] = d[i];
                        __syncthreads();
                        d[i] = s[63 - threadIdx.x];
                    }
                }
                """);
        assertEquals(1, w.size(), w.toString());
        assertEquals(5, w.get(0).line());
    }

    @Test
    void uniformLoopsAndConditionsAreNotWarned() {
        List<Diagnostic> w = warnings("""
                __global__ void k(int* d, int n) {
                    extern __shared__ int s[];
                    unsigned tid = threadIdx.x;
                    s[tid] = d[tid];
                    __syncthreads();
                    for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {
                        if (tid < st) s[tid] += s[tid + st];
                        __syncthreads();
                    }
                    if (n > 4) { __syncthreads(); }
                    if (tid == 0) d[blockIdx.x] = s[0];
                }
                """);
        assertTrue(w.isEmpty(), w.toString());
    }

    @Test
    void barrierInsideASwitchIsRejected() {
        CompileException e = assertThrows(CompileException.class, () -> KernelCompiler.compile(CompileRequest.of("b.cu", """
                __global__ void k(int* d, int mode) {
                    switch (mode) {
                        case 0: __syncthreads(); break;
                        default: break;
                    }
                }
                """)));
        assertTrue(e.first().message().contains("inside a switch statement is not supported"), e.first().message());
    }

    @Test
    void recursiveFunctionWithABarrierIsRejected() {
        CompileException e = assertThrows(CompileException.class, () -> KernelCompiler.compile(CompileRequest.of("b.cu", """
                __device__ int down(int n) { __syncthreads(); return n == 0 ? 0 : down(n - 1); }
                __global__ void k(int* d) { d[0] = down(3); }
                """)));
        assertTrue(e.first().message().contains("recursive device function 'down'"), e.first().message());
    }

    @Test
    void gridSyncInDivergentCodeIsWarnedAboutAndWideShufflesAreNamedUnsupported() {
        CompileResult grid = KernelCompiler.compile(CompileRequest.of("b.cu", """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int* d) { cg::grid_group g = cg::this_grid(); if (threadIdx.x < 3) g.sync(); }
                """));
        assertTrue(grid.wasm().kernel("k").orElseThrow().gridSync(), "the kernel does not say it synchronizes its grid");
        assertTrue(grid.warnings().stream().anyMatch(w -> w.line() == 3 && w.message().contains("control flow that may "
                + "differ")), grid.warnings().toString());
        CompileException shfl = assertThrows(CompileException.class, () -> KernelCompiler.compile(CompileRequest.of("b.cu",
                "__global__ void k(int* d) { d[0] = __shfl_down_sync(0xffffffff, d[0], 1, 48); }")));
        assertTrue(shfl.first().message().contains("power of two"), shfl.first().message());
    }
}
