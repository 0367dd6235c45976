package io.cudawasm.runtime.service;

import java.util.Map;

/** Kernel sources the service tests share (one compile per worker). */
final class TestKernels {
    private TestKernels() {}

    static final String SOURCE = """
            struct Params { float g; int steps; };
            __constant__ float coeff[4];

            __global__ void scale(float *x, float a, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) x[i] = x[i] * a;
            }
            __global__ void add(const float *a, const float *b, float *c, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) c[i] = a[i] + b[i];
            }
            __global__ void spin(int *flag) { while (flag[0] == 0) { } }
            __global__ void oob(float *a, int offset) { a[threadIdx.x + offset] = 1.0f; }
            __global__ void apply(float *x, Params p) { x[threadIdx.x] = p.g * p.steps; }
            __global__ void poly(float *x) { x[threadIdx.x] = coeff[0] + coeff[1] * threadIdx.x; }
            __global__ void iota64(unsigned long long *x) { x[threadIdx.x] = 18446744073709551615ull - threadIdx.x; }
            """;

    /** {@code {"source": SOURCE, "fileName": "tests.cu"}}. */
    static Map<String, Object> kernel() {
        return Map.of("source", SOURCE, "fileName", "tests.cu");
    }

    static final String TINY = """
            __global__ void tiny(int *out) { out[threadIdx.x] = threadIdx.x; }
            """;
}
