package io.cudawasm.kernels.cuda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import org.junit.jupiter.api.Test;

/** The CUDA C++ text: C names for kernels, exact initializers, the same semantics as the other back ends. */
class CudaEmitterTest {

    private static CudaProgram emit(String source) {
        return KernelCompiler.compileForDevices(CompileRequest.of("test.cu", source)).cuda();
    }

    @Test
    void kernelsGetCNamesAndTemplateInstancesTheirMangledNames() {
        CudaProgram p = KernelCompiler.compileForDevices(CompileRequest.of("t.cu",
                "template <int N> __global__ void scale(float* x) { x[threadIdx.x] *= N; }")
                .withInstantiations(java.util.List.of("scale<4>"))).cuda();
        CudaProgram.Kernel k = p.kernel("scale<4>").orElseThrow();
        assertTrue(p.source().contains("extern \"C\" __global__ void " + k.name() + "("), p.source());
    }

    @Test
    void constantVariablesKeepTheirBytesAndNames() {
        CudaProgram p = KernelCompiler.compile(CompileRequest.of("double_poly.cu",
                KernelLibrary.source("double_poly").orElseThrow())).cuda();
        assertTrue(p.source().contains("__constant__ __align__(16) unsigned char coeffs[64] = {0x00, 0x00, 0x00, 0x00, "
                + "0x00, 0x00, 0xf0, 0x3f"), p.source());
        assertEquals(64, p.symbol("coeffs").orElseThrow().size());
    }

    @Test
    void shiftsByVariableAmountsWrapLikeTheOtherBackEnds() {
        CudaProgram p = emit("__global__ void k(int* a, int s) { a[0] = a[1] << s; }");
        assertTrue(p.source().contains("<< (s_1 & 31)"), p.source());
    }

    @Test
    void structLayoutIsCheckedAtCompileTime() {
        CudaProgram p = emit("struct P { char c; double d; }; __global__ void k(struct P* p) { p[0].d = p[0].c; }");
        assertTrue(p.source().contains("static_assert(sizeof(struct P) == 16"), p.source());
    }

    @Test
    void trapsAndDivisionFaultsGoToTheStatusWord() {
        CudaProgram p = emit("__global__ void k(int* a) { if (a[0] < 0) __trap(); a[1] = a[2] / a[3]; }");
        assertTrue(p.source().contains("__device__ int " + CudaEmitter.STATUS_SYMBOL + "[2];"), p.source());
        assertTrue(p.source().contains("cw_fault(1, 1)"), p.source());
        assertTrue(p.source().contains("cw_div_int("), p.source());
    }

    @Test
    void warpAndBlockCollectivesAreNative() {
        CudaProgram p = emit("""
                __global__ void k(int* a) {
                    int v = __shfl_xor_sync(0xffffffff, a[threadIdx.x], 1);
                    a[threadIdx.x] = v + __syncthreads_count(v > 0);
                }
                """);
        assertTrue(p.source().contains("__shfl_xor_sync("), p.source());
        assertTrue(p.source().contains("__syncthreads_count("), p.source());
    }
}
