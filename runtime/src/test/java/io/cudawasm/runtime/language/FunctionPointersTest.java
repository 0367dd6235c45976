package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.testing.KernelHarness;
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

    private static final java.util.Set<AllPaths.Path> PATHS = java.util.EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL);

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
}
