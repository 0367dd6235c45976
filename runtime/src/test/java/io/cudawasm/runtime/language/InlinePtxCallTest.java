package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code call} in inline PTX of a {@code __device__ extern "C"} function of the module (the name
 * nvcc keeps in its PTX), with the ABI's call sequence ({@code .param} variables declared in the
 * snippet, {@code st.param}, {@code call (r), f, (a, b)}, {@code ld.param}) or registers as the
 * arguments; numbers and pointers. On the WebAssembly path, OpenCL (PoCL), through nvcc's PTX
 * ({@code -rdc=true}, which keeps the functions as declared) and the CUDA back end's C, against a
 * Java reference.
 */
class InlinePtxCallTest {

    @Test
    void callsOfExternCDeviceFunctionsWithNumbersAndPointers() {
        String src = """
                extern "C" __device__ __noinline__ int twice_plus(int a, int b) { return 2 * a + b; }
                extern "C" __device__ __noinline__ void add_to(int *p, int v) { *p += v; }
                extern "C" __device__ __noinline__ float scaled(float x, double s) { return (float)(x * s); }

                __global__ void calls(const int *in, int *out, float *f)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int r;
                    asm volatile("{\\n\\t.param .b32 a;\\n\\t.param .b32 b;\\n\\t.param .b32 r;\\n\\t"
                                 "st.param.b32 [a], %1;\\n\\tst.param.b32 [b], %2;\\n\\t"
                                 "call.uni (r), twice_plus, (a, b);\\n\\t"
                                 "ld.param.b32 %0, [r];\\n\\t}"
                                 : "=r"(r) : "r"(in[i]), "r"(i));
                    out[2 * i] = r + twice_plus(i, 1);
                    out[2 * i + 1] = 7;
                    asm volatile("{\\n\\t.param .b64 p;\\n\\t.param .b32 v;\\n\\t"
                                 "st.param.b64 [p], %0;\\n\\tst.param.b32 [v], %1;\\n\\t"
                                 "call.uni add_to, (p, v);\\n\\t}"
                                 :: "l"(out + 2 * i + 1), "r"(in[i]) : "memory");
                    add_to(out + 2 * i + 1, 1);
                    float y;
                    asm volatile("{\\n\\t.param .f32 x;\\n\\t.param .f64 s;\\n\\t.param .f32 y;\\n\\t"
                                 "st.param.f32 [x], %1;\\n\\tst.param.f64 [s], %2;\\n\\t"
                                 "call.uni (y), scaled, (x, s);\\n\\t"
                                 "ld.param.f32 %0, [y];\\n\\t}"
                                 : "=f"(y) : "f"((float)in[i]), "d"(0.5));
                    f[i] = y + scaled(1.0f, 2.0);
                }
                """;
        int n = 96;
        int[] in = new SplittableRandom(5).ints(n, -10_000, 10_000).toArray();
        int[] expected = new int[2 * n];
        float[] fExpected = new float[n];
        for (int i = 0; i < n; i++) {
            expected[2 * i] = 2 * in[i] + i + 2 * i + 1;
            expected[2 * i + 1] = 7 + in[i] + 1;
            fExpected[i] = (float) (in[i] * 0.5) + 2.0f;
        }
        KernelCase c = CaseBuilder.of("asm_calls", "calls.cu", src).kernel("calls").launch(Dim3.of(3), Dim3.of(32))
                .in("in", in).out("out", new int[2 * n], expected).out("f", new float[n], fExpected).build();
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
        // nvcc keeps a device function's PTX signature only with -rdc=true: in whole-program mode it may
        // specialize an internal function for its C calls (twice_plus(i, 1) lost its second parameter)
        CompileResult viaPtx = AllPaths.compile(CompileRequest.of("asm_calls.ptx",
                Nvcc.ptx(src, AllPaths.PTX_CONFIG, List.of("-rdc=true"))));
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), viaPtx, c.launch());
        assertNull(r.failure(), () -> "ptx: " + r.failure().getMessage());
        for (BufferComparison b : c.againstReference(r)) {
            assertTrue(b.passed(), () -> "ptx: " + b.format());
        }
        InlinePtxSharedTest.throughTheCudaBackEnd(c);
    }

    @Test
    void aCallOfAFunctionThatIsNotExternCOrTakesAStructIsRefusedByName() {
        CompileException e = AllPaths.refuses("""
                __device__ int plain(int a) { return a; }
                __global__ void k(int *a)
                {
                    int r;
                    asm volatile("call.uni (%0), plain, (%1);" : "=r"(r) : "r"(a[0]));
                    a[0] = r + plain(1);
                }
                """, "call of 'plain' in inline assembly: the module has no __device__ extern \"C\" function of that name");
        assertEquals(5, e.first().line(), e.getMessage());
        AllPaths.refuses("""
                struct P { int x, y; };
                extern "C" __device__ int sum(P p) { return p.x + p.y; }
                __global__ void k(int *a)
                {
                    int r;
                    asm volatile("{ .param .align 4 .b8 p[8]; .param .b32 r; call.uni (r), sum, (p); ld.param.b32 %0, [r]; }"
                                 : "=r"(r));
                    a[0] = r;
                }
                """, "passes and returns numbers and pointers only ('sum' takes or returns a struct or array)");
        AllPaths.refuses("""
                extern "C" __device__ int one(int a) { return a; }
                __global__ void k(int *a) { int r; asm volatile("call.uni (%0), one, (%1, %1);" : "=r"(r) : "r"(a[0])); a[0] = r; }
                """, "call of 'one' with 2 arguments and 1 results; it takes 1 and returns 1");
    }
}
