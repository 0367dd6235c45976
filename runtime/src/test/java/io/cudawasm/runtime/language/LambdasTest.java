package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * Lambdas in device code (issue 18, item 4): without captures, capturing by value and by reference
 * (explicitly and by default), generic, mutable, passed to template functions and functors; each on
 * the WebAssembly, OpenCL and PTX paths against a Java reference. (nvcc needs
 * {@code --extended-lambda} only for lambdas passed from host code to kernels, not for these.)
 */
class LambdasTest {

    @Test
    void lambdasCapturesAndTemplates() {
        String src = """
                template <class F> __device__ int apply(F f, int x) { return f(x); }
                template <typename T, typename Op> __device__ T fold(const T *p, int n, T init, Op op)
                {
                    T acc = init;
                    for (int i = 0; i < n; i++) acc = op(acc, p[i]);
                    return acc;
                }
                struct Scale { int by; __device__ int operator()(int x) const { return x * by; } };
                __global__ void lambdas(const int *in, int *out, float *fout)
                {
                    auto twice = [](int x) { return 2 * x; };
                    out[0] = twice(in[0]);                         // 14
                    int base = in[1];                              // 100
                    auto addBase = [base](int x) { return x + base; };
                    base = 0;                                      // the copy keeps 100
                    out[1] = addBase(1);                           // 101
                    int hits = 0;
                    auto count = [&hits](int x) { if (x > 3) hits++; };
                    for (int i = 0; i < 4; i++) count(in[i]);
                    out[2] = hits;                                 // 7, 100, 2, 9: 3
                    int k = 3;
                    auto byDefault = [=](int x) { return x * k + in[0]; };
                    out[3] = byDefault(2);                         // 13
                    auto byRef = [&](int x) { k += x; return k; };
                    byRef(4);
                    out[4] = k;                                    // 7
                    out[5] = apply(twice, 21);                     // 42
                    out[6] = apply([k](int x) { return x - k; }, 10);  // 3
                    out[7] = fold(in, 4, 0, [](int a, int b) { return a > b ? a : b; });  // 100
                    fout[0] = fold((const float *)0, 0, 1.5f, [](float a, float b) { return a + b; });
                    auto generic = [](auto a, auto b) { return a * b; };
                    out[8] = generic(6, 7);                        // 42
                    fout[1] = generic(1.5f, 3.0f);                 // 4.5
                    int calls = 0;
                    auto counter = [calls]() mutable { return ++calls; };
                    counter();
                    out[9] = counter() * 10 + calls;               // 20: the copy counted, calls did not
                    out[10] = apply(Scale{5}, 9);                  // 45
                    auto sq = [](float v) -> double { return (double)v * v; };
                    fout[2] = (float)sq(1.5f);                     // 2.25
                    int arr[3] = {1, 2, 3};
                    auto sum = [arr]() { return arr[0] + arr[1] + arr[2]; };
                    arr[0] = 100;
                    out[11] = sum();                               // 6
                }
                """;
        AllPaths.check(CaseBuilder.of("lambdas", "lambdas.cu", src).kernel("lambdas").launch(Dim3.of(1), Dim3.of(1))
                .in("in", new int[] {7, 100, 2, 9}).out("out", new int[12], new int[] {14, 101, 3, 13, 7, 42, 3, 100, 42, 20,
                    45, 6}).out("fout", new float[3], new float[] {1.5f, 4.5f, 2.25f}).build());
    }
}
