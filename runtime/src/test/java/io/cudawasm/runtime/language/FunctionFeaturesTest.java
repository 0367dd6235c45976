package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * Functions as real samples declare them (issue 18, items 1, 3 and 5): returning pointers, default
 * arguments, explicit specializations and explicit instantiations of templates; each on the
 * WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class FunctionFeaturesTest {

    @Test
    void functionsReturningPointers() {
        String src = """
                __device__ int *next(int *p) { return p + 1; }
                static __device__ const int *at(const int *p, int i) { return p + i; }
                __host__ __device__ inline float *middle(float *a, int n) { return a + n / 2; }
                template <typename T> __device__ T *last(T *a, int n) { return &a[n - 1]; }
                __global__ void k(int *a, const int *b, float *f)
                {
                    *next(a) = 7;
                    *next(next(a)) = *at(b, 2) + 1;
                    *middle(f, 4) = 2.5f;
                    *last(a, 4) = *last(b, 3);
                    *last<float>(f, 4) += 1.0f;
                }
                """;
        AllPaths.check(CaseBuilder.of("pointer_returns", "ptr.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(1))
                .out("a", new int[4], new int[] {0, 7, 31, 30}).in("b", new int[] {10, 20, 30})
                .out("f", new float[4], new float[] {0, 0, 2.5f, 1}).build());
    }

    @Test
    void defaultArguments() {
        String src = """
                __device__ int scale(int x, int by = 3, int plus = 0) { return x * by + plus; }
                __device__ float blend(float a, float b, float t = 0.5f);
                __device__ float blend(float a, float b, float t) { return a + (b - a) * t; }
                __device__ int count(const int *p, int n, const int *skip = NULL)
                {
                    int c = 0;
                    for (int i = 0; i < n; i++) if (skip == NULL || !skip[i]) c += p[i];
                    return c;
                }
                __global__ void k(const int *in, int *out, float *f, int *b = NULL)
                {
                    out[0] = scale(in[0]);
                    out[1] = scale(in[0], 5);
                    out[2] = scale(in[0], 5, 1);
                    out[3] = count(in, 4);
                    out[4] = count(in, 4, in + 4);
                    f[0] = blend(1.0f, 3.0f);
                    f[1] = blend(1.0f, 3.0f, 0.25f);
                    if (b != NULL) b[0] = 1;
                }
                """;
        int[] in = {2, 3, 4, 5, 0, 1, 0, 1};
        AllPaths.check(CaseBuilder.of("default_arguments", "defaults.cu", src).kernel("k")
                .launch(Dim3.of(1), Dim3.of(1)).in("in", in).out("out", new int[5], new int[] {6, 10, 11, 14, 6})
                .out("f", new float[2], new float[] {2.0f, 1.5f}).out("b", new int[1], new int[] {1}).build());
    }

    @Test
    void explicitSpecializationAndInstantiation() {
        String src = """
                template <typename T> __device__ T twice(T x) { return x + x; }
                template <> __device__ int twice<int>(int x) { return 2 * x + 1000; }
                template <> __device__ float twice(float x) { return x * 4.0f; }
                template <typename T, int N> __global__ void fill(T *a)
                {
                    int i = threadIdx.x;
                    if (i < N) a[i] = twice(a[i]) + (T)N;
                }
                template __global__ void fill<int, 4>(int *a);
                template __global__ void fill<float, 2>(float *);
                template <typename T> struct Pair { T a, b; };
                template struct Pair<int>;
                """;
        // the explicit instantiations name the kernels, as the launches do: no instantiation request needed
        AllPaths.check(CaseBuilder.of("explicit_instantiation_int", "spec.cu", src).kernel("fill<int, 4>")
                .launch(Dim3.of(1), Dim3.of(8)).out("a", new int[] {1, 2, 3, 4, 5}, new int[] {1006, 1008, 1010, 1012, 5})
                .build());
        AllPaths.check(CaseBuilder.of("explicit_instantiation_float", "spec.cu", src).kernel("fill<float, 2>")
                .launch(Dim3.of(1), Dim3.of(8)).out("a", new float[] {1, 2, 3}, new float[] {6, 10, 3}).build());
    }
}
