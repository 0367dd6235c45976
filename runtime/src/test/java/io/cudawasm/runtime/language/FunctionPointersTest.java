package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.testing.KernelHarness;
import io.cudawasm.runtime.ptx.Nvcc;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.IntBinaryOperator;
import java.util.function.IntUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * Device function pointers: declarators, typedefs and aliases, tables in {@code __device__} and
 * {@code __constant__} memory, {@code &f} and decay, calls through {@code f(x)} and {@code (*f)(x)},
 * comparisons, pointers passed to functions and templates, in structs, to template instances;
 * each on the WebAssembly, OpenCL and PTX paths against a Java reference. A call through a null
 * or foreign value stops the kernel with a message saying so.
 */
class FunctionPointersTest {

    private static final Set<AllPaths.Path> PATHS = EnumSet.allOf(AllPaths.Path.class);
    private static final Set<AllPaths.Path> SOURCE_PATHS = EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL);

    private static final IntBinaryOperator[] OPS = {Integer::sum, (a, b) -> a * b, (a, b) -> a - b, Math::max};

    @Test
    void tablesOfFunctionPointersInDeviceAndConstantMemory() {
        String src = """
                typedef int (*op_t)(int, int);
                using unary_t = int (*)(int);
                __device__ int add(int a, int b) { return a + b; }
                __device__ int mul(int a, int b) { return a * b; }
                __device__ int sub(int a, int b) { return a - b; }
                __device__ int maxi(int a, int b) { return a > b ? a : b; }
                __device__ int neg(int a) { return -a; }
                __device__ int twice(int a) { return 2 * a; }
                __device__ op_t ops[] = {add, mul, &sub, maxi};
                __constant__ int (*unary[2])(int) = {neg, twice};
                __global__ void apply(const int* sel, const int* x, const int* y, int* out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    op_t f = ops[sel[i] & 3];
                    int (*g)(int, int) = sel[i] > 5 ? &add : mul;
                    unary_t u = unary[i & 1];
                    out[4 * i] = f(x[i], y[i]);
                    out[4 * i + 1] = (*g)(x[i], y[i]);
                    out[4 * i + 2] = u(x[i]) + (f == g) + 10 * (g == add) + 100 * (f != nullptr);
                    out[4 * i + 3] = sizeof(op_t) + sizeof(ops) + sizeof(unary_t[3]);
                }
                """;
        int n = 64;
        int[] sel = new int[n];
        int[] x = new int[n];
        int[] y = new int[n];
        int[] expected = new int[4 * n];
        for (int i = 0; i < n; i++) {
            sel[i] = (i * 7) % 11;
            x[i] = i * 3 - 40;
            y[i] = 17 - i;
            int f = sel[i] & 3;
            int g = sel[i] > 5 ? 0 : 1;
            expected[4 * i] = OPS[f].applyAsInt(x[i], y[i]);
            expected[4 * i + 1] = OPS[g].applyAsInt(x[i], y[i]);
            IntUnaryOperator u = (i & 1) == 0 ? a -> -a : a -> 2 * a;
            expected[4 * i + 2] = u.applyAsInt(x[i]) + (f == g ? 1 : 0) + (g == 0 ? 10 : 0) + 100;
            expected[4 * i + 3] = 8 + 32 + 24;
        }
        AllPaths.check(CaseBuilder.of("function_pointer_tables", "tables.cu", src).kernel("apply")
                .launch(Dim3.of(2), Dim3.of(n / 2)).in("sel", sel).in("x", x).in("y", y)
                .out("out", new int[4 * n], expected).build(), PATHS, "");
    }

    @Test
    void pointersPassedToFunctionsTemplatesAndStructs() {
        String src = """
                typedef float (*scale_t)(float);
                __device__ float halve(float v) { return v * 0.5f; }
                __device__ float square(float v) { return v * v; }
                template <typename T> __device__ T twice(T v) { return v + v; }
                struct Stage { scale_t fn; float bias; };
                __device__ float run(scale_t f, float v) { return f(v) + 1.0f; }
                template <typename F> __device__ float apply(F f, float v) { return f(f(v)); }
                template <typename T> __device__ T viaSignature(T (*f)(T), T v) { return (*f)(v); }
                template <typename R, typename A> __device__ R first(R (*f)(A)) { return f(A(2)); }
                __device__ void bump(int &counter, int by) { counter += by; }
                __device__ int pick(int i, int (**out)(int)) { *out = i & 1 ? twice<int> : nullptr; return i; }
                __global__ void pipeline(const float* in, float* out, int* counts)
                {
                    int i = threadIdx.x;
                    Stage stages[3] = {{halve, 1.0f}, {&square, 0.0f}, {twice<float>, -2.0f}};
                    float v = in[i];
                    for (int s = 0; s < 3; s++) {
                        v = stages[s].fn(v) + stages[s].bias;
                    }
                    Stage *p = &stages[i % 3];
                    out[4 * i] = v;
                    out[4 * i + 1] = run(p->fn, in[i]);
                    out[4 * i + 2] = apply(square, in[i]) + apply(&twice<float>, in[i]);
                    out[4 * i + 3] = viaSignature(halve, in[i]) + first(square) + first(&twice<int>);
                    void (*b)(int &, int) = bump;
                    int c = 0;
                    b(c, i);
                    b(c, 3);
                    int (*t)(int);
                    pick(i, &t);
                    counts[i] = c + (t ? t(i) * 100 : -1);
                }
                """;
        int n = 32;
        float[] in = new float[n];
        float[] expected = new float[4 * n];
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = i * 0.25f - 3.0f;
            float v = in[i];
            v = v * 0.5f + 1.0f;
            v = v * v + 0.0f;
            v = (v + v) - 2.0f;
            expected[4 * i] = v;
            float x = in[i];
            float first = switch (i % 3) {
                case 0 -> x * 0.5f;
                case 1 -> x * x;
                default -> x + x;
            };
            expected[4 * i + 1] = first + 1.0f;
            float sq = x * x;
            float tw = x + x;
            expected[4 * i + 2] = sq * sq + (tw + tw);
            expected[4 * i + 3] = x * 0.5f + 4.0f + 4;
            counts[i] = i + 3 + ((i & 1) != 0 ? 2 * i * 100 : -1);
        }
        AllPaths.check(CaseBuilder.of("function_pointer_arguments", "pipeline.cu", src).kernel("pipeline")
                .launch(Dim3.of(1), Dim3.of(n)).in("in", in).out("out", new float[4 * n], expected)
                .out("counts", new int[n], counts).build(), PATHS, "");
    }

    /**
     * Function types in typedefs, functions returning function pointers (through a typedef and in
     * the declarator), a pointer member called from a member function, a kernel parameter compared
     * with NULL, pointer-to-array declarators and casts, and a function with barriers called
     * through a pointer by every thread of the block.
     */
    @Test
    void declaratorsReturnedPointersMembersAndBarriers() {
        String src = """
                typedef int fn_t(int);
                typedef int (*op_t)(int);
                __device__ int inc(int a) { return a + 1; }
                __device__ int dec(int a) { return a - 1; }
                __device__ op_t choose(int i) { return i ? inc : dec; }
                __device__ int (*choose2(int i))(int) { return i ? &dec : &inc; }
                struct Ops { op_t f; __device__ int run(int x) { return f(x) * 2; } };
                __device__ int blockSum(int v)
                {
                    __shared__ int s[64];
                    s[threadIdx.x] = v;
                    __syncthreads();
                    int t = s[0] + s[63];
                    __syncthreads();
                    return t;
                }
                __global__ void k(int* o, op_t param)
                {
                    fn_t *p = inc;
                    auto q = dec;
                    if (threadIdx.x == 0) {
                        o[0] = p(1) + q(1) + choose(0)(5) + choose2(1)(7);
                        Ops ops = {inc};
                        o[1] = ops.run(3);
                        o[2] = (param == NULL) + !param + (param != p);
                        int (*row)[4] = (int (*)[4]) o;
                        row[1][2] = 5;
                    }
                    int (*bs)(int) = blockSum;
                    o[threadIdx.x + 8] = bs(threadIdx.x * 2);
                }
                """;
        int[] expected = new int[72];
        expected[0] = 2 + 0 + 4 + 6;
        expected[1] = 8;
        expected[2] = 3;
        expected[6] = 5;
        for (int t = 0; t < 64; t++) {
            expected[8 + t] = 126;
        }
        AllPaths.check(CaseBuilder.of("function_pointer_declarators", "declarators.cu", src).kernel("k")
                .launch(Dim3.of(1), Dim3.of(64)).out("o", new int[72], expected).scalar(0L).build());
    }

    /** Recursion through a pointer: as direct recursion, on the WebAssembly path (OpenCL C refuses both by name). */
    @Test
    void recursionThroughAPointer() {
        String src = """
                typedef int (*f_t)(int);
                __device__ int fact(int n);
                __device__ f_t self = fact;
                __device__ int fact(int n) { return n <= 1 ? 1 : n * self(n - 1); }
                __global__ void k(int* o) { o[threadIdx.x] = fact(threadIdx.x); }
                """;
        int[] expected = new int[10];
        for (int i = 0; i < 10; i++) {
            expected[i] = i == 0 ? 1 : i * expected[i - 1];
        }
        AllPaths.check(CaseBuilder.of("function_pointer_recursion", "rec.cu", src).kernel("k")
                .launch(Dim3.of(1), Dim3.of(10)).out("o", new int[10], expected).build(),
                EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "");
        CompileException e = org.junit.jupiter.api.Assertions.assertThrows(CompileException.class,
                () -> AllPaths.compile(CompileRequest.of("rec.cu", src)).opencl(OpenClOptions.DEFAULT));
        assertTrue(e.getMessage().contains("recursion ('fact' calls itself) is not supported by OpenCL C"), e.getMessage());
    }

    /**
     * A pointer the host passes in: what a {@code __device__} variable initialized with a function
     * holds (on the source path, functions are numbered from 1 in the order their addresses are
     * first taken: here finc, then inc), or garbage, which must stop the kernel.
     */
    @Test
    void callsThroughNullOrForeignValuesStopTheKernel() {
        String src = """
                typedef int (*op_t)(int);
                typedef float (*fop_t)(float);
                __device__ int inc(int a) { return a + 1; }
                __device__ float finc(float a) { return a + 1.0f; }
                __device__ fop_t table[1] = {finc};
                __global__ void call(const long long* raw, int* out)
                {
                    op_t f = (op_t) raw[threadIdx.x];
                    out[threadIdx.x] = f ? f(threadIdx.x) : -7;
                    op_t g = inc;
                    out[threadIdx.x] += g(0);
                    if (raw[threadIdx.x] == 99) {
                        op_t h = reinterpret_cast<op_t>(table[0]);
                        out[threadIdx.x] = h(1);
                    }
                }
                """;
        AllPaths.check(CaseBuilder.of("function_pointer_null", "raw.cu", src).kernel("call")
                .launch(Dim3.of(1), Dim3.of(4)).in("raw", new long[4])
                .out("out", new int[4], new int[] {-6, -6, -6, -6}).build());
        AllPaths.check(CaseBuilder.of("function_pointer_raw", "raw.cu", src).kernel("call")
                .launch(Dim3.of(1), Dim3.of(4)).in("raw", new long[] {0, 2, 0, 2})
                .out("out", new int[4], new int[] {-6, 3, -6, 5}).build(), SOURCE_PATHS, "");
        String ptx = Nvcc.ptx(src, AllPaths.PTX_CONFIG, List.of());
        for (long bad : new long[] {1, 3, -1, 1L << 40, 99}) {
            // through PTX, 1 and 2 are inc and finc (both take a 32-bit parameter there): 3 and up are no function
            boolean viaPtx = bad != 1 && bad != 99;
            for (String path : viaPtx ? List.of("wasm", "opencl", "ptx") : List.of("wasm", "opencl")) {
                KernelCase c = CaseBuilder.of("function_pointer_bad", "raw.cu", src).kernel("call")
                        .launch(Dim3.of(1), Dim3.of(4)).in("raw", new long[] {0, 2, bad, 0})
                        .out("out", new int[4], null).build();
                Backend backend = path.equals("opencl") ? OpenClTestDevice.backend() : KernelHarness.backend(2);
                CheckedRun.BackendRun r = CheckedRun.run(backend, AllPaths.compile(path.equals("ptx")
                        ? CompileRequest.of("raw.ptx", ptx) : c.request()), c.launch());
                assertNotNull(r.failure(), path + ": a call through " + bad + " ran");
                assertTrue(r.failure().getMessage().contains("function pointer that is null or does not point to a "
                        + "device function of its type"), r.failure().getMessage());
            }
        }
    }

    @Test
    void whatStaysUnsupportedIsRefusedByName() {
        String head = "__device__ int f(int a) { return a; }\n__device__ int f(float a) { return 1; }\n"
                + "template <typename T> __device__ T g(T a) { return a; }\n";
        refused(head + "__global__ void k(int *o) { int (*p)(int) = f; o[0] = p(1); }\n", 4, 45,
                "taking the address of overloaded function 'f' is not supported");
        refused(head + "__global__ void k(int *o) { int (*p)(int) = g; o[0] = p(1); }\n", 4, 45,
                "'g' is a function template: name its template arguments");
        refused("__global__ void k(float *o) { float (*p)(float) = sinf; o[0] = p(1); }\n", 1, 51,
                "taking the address of built-in function 'sinf' is not supported");
        refused("__global__ void j(int *o) {}\n__global__ void k(int *o) { void (*p)(int*) = j; }\n", 2, 47,
                "taking the address of __global__ function 'j'");
        refused("__device__ int h(int a) { return a; }\n__global__ void k(int *o) { int (*p)(int) = h; o[0] = p + 1; }\n",
                2, 57, "function pointers can only be called and compared for equality");
        refused("__device__ int h(int a) { return a; }\n__global__ void k(int *o) { float (*p)(float) = h; }\n",
                2, 49, "cannot convert 'int (*)(int)' to 'float (*)(float)'");
        refused("__device__ int h(int a) { return a; }\n__global__ void k(int *o) { int (*p)(int) = h; o[0] = p(1, 2); }\n",
                2, 56, "too many arguments in a call through a function pointer of type 'int (*)(int)' (1 expected, 2 given)");
        refused("__device__ int h(int a) { return a; }\n__global__ void k(int *o) { long v = (long) h; int (*p)(int) = v; }\n",
                2, 64, "cannot convert 'long' to 'int (*)(int)' without a cast");
    }

    private static void refused(String source, int line, int column, String message) {
        CompileException e = AllPaths.refuses(source, message);
        assertEquals(line, e.first().line(), e.getMessage() + "\n" + source);
        assertEquals(column, e.first().column(), e.getMessage() + "\n" + source);
    }
}
