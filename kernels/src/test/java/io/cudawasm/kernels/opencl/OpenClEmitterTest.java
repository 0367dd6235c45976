package io.cudawasm.kernels.opencl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The OpenCL C text: what must be in it for the program to build and behave as the CUDA source does. */
class OpenClEmitterTest {

    private static OpenClProgram emit(String source, OpenClOptions options) {
        return KernelCompiler.compileForDevices(CompileRequest.of("test.cu", source)).opencl(options);
    }

    private static OpenClProgram emit(String source) {
        return emit(source, OpenClOptions.DEFAULT);
    }

    private static CompileException failure(String source, OpenClOptions options) {
        return assertThrows(CompileException.class, () -> emit(source, options));
    }

    @Test
    void contractionIsOffAndDoublesEnableFp64OnlyWhenUsed() {
        OpenClProgram f = emit("__global__ void k(float* a) { a[0] = a[1] * a[2] + a[3]; }");
        assertTrue(f.source().contains("#pragma OPENCL FP_CONTRACT OFF"));
        assertFalse(f.source().contains("cl_khr_fp64"));
        assertTrue(f.extensions().isEmpty());
        OpenClProgram d = emit("__global__ void k(double* a) { a[0] = a[1] * 2.0; }");
        assertTrue(d.source().contains("#pragma OPENCL EXTENSION cl_khr_fp64 : enable"));
        assertEquals(List.of("cl_khr_fp64"), List.copyOf(d.extensions()));
    }

    @Test
    void deviceFunctionsAreInstantiatedPerPointerAddressSpace() {
        OpenClProgram p = emit("""
                __device__ float first(const float* p) { return p[0]; }
                __global__ void k(const float* g, float* out) {
                    __shared__ float s[32];
                    float local[2] = {1.0f, 2.0f};
                    s[threadIdx.x] = g[threadIdx.x];
                    __syncthreads();
                    out[threadIdx.x] = first(g) + first(s) + first(local);
                }
                """);
        String src = p.source();
        assertTrue(src.contains("static float cw_first(__global const float *p_0"), src);
        assertTrue(src.contains("static float cw_first_s(__local const float *p_0"), src);
        assertTrue(src.contains("static float cw_first_p(__private const float *p_0"), src);
        assertTrue(src.contains("__local float sh_k_s_mem[32];"), src);
    }

    @Test
    void sharedVariablesOfDeviceFunctionsArePassedDown() {
        OpenClProgram p = emit("""
                __device__ int bump() { __shared__ int counter; atomicAdd(&counter, 1); __syncthreads(); return counter; }
                __global__ void k(int* out) { out[threadIdx.x] = bump(); }
                """);
        String src = p.source();
        assertTrue(src.contains("static int cw_bump(__local int *sh_bump_counter)"), src);
        assertTrue(src.contains("cw_bump(sh_bump_counter)"), src);
        assertTrue(src.contains("__local int sh_bump_counter_mem;"), src);
    }

    @Test
    void aPointerIntoTwoAddressSpacesIsAnError() {
        CompileException e = failure("""
                __global__ void k(float* g, int which) {
                    __shared__ float s[4];
                    float* p = g;
                    if (which) p = s;
                    p[0] = 1.0f;
                }
                """, OpenClOptions.DEFAULT);
        Diagnostic d = e.first();
        assertEquals(3, d.line(), d.format());
        assertTrue(d.message().contains("may point to global or to shared memory"), d.message());
    }

    @Test
    void recursionIsReportedAsUnsupported() {
        CompileException e = failure("""
                __device__ int fact(int n) { return n <= 1 ? 1 : n * fact(n - 1); }
                __global__ void k(int* out) { out[0] = fact(5); }
                """, OpenClOptions.DEFAULT);
        assertTrue(e.first().message().contains("recursion"), e.first().message());
    }

    @Test
    void cudaVectorTypesKeepCudaLayout() {
        OpenClProgram p = emit("""
                __global__ void k(float3* a, float4* b) { b[0] = make_float4(a[1].x, a[1].y, a[1].z, 1.0f); }
                """);
        String src = p.source();
        assertTrue(src.contains("struct cw_float3 {"), src);
        assertTrue(src.contains("(sizeof(struct cw_float3) == 12)"), src);
        assertTrue(src.contains("struct __attribute__((aligned(16))) cw_float4 {"), src);
    }

    @Test
    void hiddenArgumentsFollowTheCudaParameters() {
        OpenClProgram p = emit("""
                __constant__ float scale[4] = {1, 2, 3, 4};
                __device__ int hits;
                extern __shared__ float dyn[];
                __global__ void k(float* a, int n) {
                    dyn[threadIdx.x] = a[threadIdx.x] * scale[threadIdx.x & 3];
                    __syncthreads();
                    if (n == 0) __trap();
                    atomicAdd(&hits, 1);
                    a[blockIdx.x] = dyn[0] / (float)(n / (int)threadIdx.x);
                }
                """);
        OpenClKernel k = p.kernel("k").orElseThrow();
        assertEquals(List.of(new ArgSlot.Param(0), new ArgSlot.Param(1), new ArgSlot.Constants(),
                new ArgSlot.DeviceVariables(), new ArgSlot.DynamicShared(), new ArgSlot.Status(), new ArgSlot.Grid()),
                k.args());
        SymbolSlot scale = p.symbol("scale").orElseThrow();
        assertTrue(scale.constant());
        assertEquals(16, scale.size());
        assertEquals(16, p.constantBytes());
        assertFalse(p.symbol("hits").orElseThrow().constant());
        assertTrue(p.source().contains("cw_div_int("), "integer division is guarded");
        assertTrue(p.source().contains("cw_fault(cw_status, 1, 7)"), "the trap records its CUDA line");
    }

    @Test
    void tornadoAbiHasFourLeadingParametersAndArrayHeaders() {
        OpenClProgram p = emit(KernelLibrary.source("saxpy").orElseThrow(),
                OpenClOptions.DEFAULT.withAbi(OpenClOptions.Abi.TORNADOVM));
        String src = p.source();
        assertTrue(src.contains("__kernel void saxpy(__global long* _kernel_context, __constant uchar* _constant_region, "
                + "__local uchar* _local_region, __global int* _atomics, int n_0, float a_1, __global uchar* x_2_raw, "
                + "__global uchar* y_3_raw)"), src);
        assertTrue(src.contains("__global const float *x_2 = (__global const float *)(x_2_raw + 16);"), src);
        assertFalse(src.contains("cw_grid"), "TornadoVM launches whole grids: blockIdx is get_group_id");
        assertEquals(TornadoAbi.HIDDEN_LEADING_PARAMS, p.kernel("saxpy").orElseThrow().args().stream()
                .filter(a -> !(a instanceof ArgSlot.Param)).count());
    }

    @Test
    void tornadoAbiRejectsStructParameters() {
        CompileException e = failure(KernelLibrary.source("particles").orElseThrow(),
                OpenClOptions.DEFAULT.withAbi(OpenClOptions.Abi.TORNADOVM));
        assertTrue(e.first().message().contains("TornadoVM"), e.first().message());
    }

    @Test
    void warpOperationsUseSubgroupsWhenTheDeviceHasThem() {
        String src = """
                __global__ void k(int* a) {
                    int v = a[threadIdx.x];
                    v += __shfl_down_sync(0xffffffff, v, 1);
                    a[threadIdx.x] = v + (int)__ballot_sync(0xffffffff, v > 0);
                }
                """;
        OpenClProgram emulated = emit(src);
        assertTrue(emulated.source().contains("cw_shfl_bits("), emulated.source());
        assertTrue(emulated.kernel("k").orElseThrow().takes(ArgSlot.WarpScratch.class));
        OpenClProgram native32 = emit(src, OpenClOptions.DEFAULT.withSubgroups(true));
        assertTrue(native32.source().contains("sub_group_shuffle("), native32.source());
        assertTrue(native32.source().contains("sub_group_ballot("), native32.source());
        assertTrue(native32.source().contains("intel_reqd_sub_group_size(32)"), native32.source());
        assertTrue(native32.extensions().contains("cl_khr_subgroup_ballot"));
        assertFalse(native32.kernel("k").orElseThrow().takes(ArgSlot.WarpScratch.class));
    }

    @Test
    void wideAtomicsNeedTheInt64Extensions() {
        String src = "__global__ void k(unsigned long long* a) { atomicAdd(a, 1ULL); }";
        assertTrue(emit(src).extensions().contains("cl_khr_int64_base_atomics"));
        CompileException e = failure(src, OpenClOptions.DEFAULT.withInt64Atomics(false));
        assertTrue(e.first().message().contains("cl_khr_int64_base_atomics"), e.first().message());
    }

    @Test
    void pointerToPointerKernelParametersAreRejected() {
        CompileException e = failure("__global__ void k(float** rows) { rows[0][0] = 1.0f; }", OpenClOptions.DEFAULT);
        assertEquals(1, e.first().line());
        assertTrue(e.first().message().contains("pointer to a pointer"), e.first().message());
    }

    @Test
    void reservedOpenClWordsAreRenamed() {
        OpenClProgram p = emit("""
                struct S { float local; int kernel; };
                __global__ void k(struct S* s) { s[0].local = (float)s[0].kernel; }
                """);
        assertTrue(p.source().contains("float local_;"), p.source());
        assertTrue(p.source().contains("->local_"), p.source());
    }

    @Test
    void buildLogLinesMapBackToCudaLines() {
        OpenClProgram p = emit("""
                __global__ void k(float* a) {
                    int i = threadIdx.x;
                    float v = a[i] * 2.0f;
                    a[i] = v;
                }
                """, OpenClOptions.DEFAULT.withInjection("v", "undefined_call();"));
        String[] lines = p.source().split("\n");
        int at = -1;
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].contains("undefined_call();")) {
                at = i + 1;
            }
        }
        SourcePos origin = p.lineMap().origin(at);
        assertEquals(3, origin.line());
        List<Diagnostic> d = p.diagnostics("error: /tmp/pocl/tempfile.cl:" + at
                + ":5: implicit declaration of function 'undefined_call' is invalid in OpenCL\n1 error generated.");
        assertEquals(1, d.size());
        assertEquals(3, d.get(0).line());
        assertTrue(d.get(0).message().contains("undefined_call"), d.get(0).message());
        assertTrue(d.get(0).message().contains("line " + at), d.get(0).message());
    }

    @Test
    void everyBundledKernelTranslates() {
        for (String name : KernelLibrary.names()) {
            OpenClProgram p = KernelCompiler.compile(CompileRequest.of(name + ".cu",
                    KernelLibrary.source(name).orElseThrow())).opencl(OpenClOptions.DEFAULT);
            assertFalse(p.kernels().isEmpty(), name);
        }
    }
}
