package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import org.junit.jupiter.api.Test;

/** The C++ that kernels use: references, overloading, function templates, auto, vector types, struct templates. */
class CppFeaturesTest {

    @Test
    void referencesOverloadsTemplatesAndAuto() {
        String src = """
                __device__ void swap(int& a, int& b) { int t = a; a = b; b = t; }
                __device__ void bump(float& x, const float& by) { x += by; }
                __device__ int twice(int v) { return 2 * v; }
                __device__ float twice(float v) { return 2.5f * v; }
                template <typename T> __device__ T maxOf(T a, T b) { return a > b ? a : b; }
                template <typename T, int N> __device__ T sumN(const T* p) { T s = 0; for (int i = 0; i < N; ++i) s += p[i]; return s; }
                template <typename T> struct Pair { T first; T second; };
                __global__ void k(int* out, float* fout) {
                    int a = 3, b = 8;
                    swap(a, b);
                    out[0] = a * 10 + b;                    // 83
                    int& r = out[1];
                    r = 42;                                 // writes through the reference
                    float x = 1.0f;
                    bump(x, 0.5f);                          // a const reference to a temporary
                    fout[0] = x;
                    out[2] = twice(21);                     // int overload: 42
                    fout[1] = twice(2.0f);                  // float overload: 5
                    out[3] = maxOf(7, 9) + maxOf<int>(4, 2); // 13
                    fout[2] = maxOf(1.5f, -2.0f);
                    int vals[4] = {1, 2, 3, 4};
                    out[4] = sumN<int, 4>(vals);            // 10
                    auto y = out[0] + 1;                    // int
                    out[5] = y;
                    Pair<int> p = {5, 6};
                    Pair<float> q;
                    q.first = 0.25f; q.second = 4.0f;
                    out[6] = p.first * p.second;            // 30
                    fout[3] = q.first * q.second;           // 1
                    out[7] = sizeof(Pair<double>);          // 16
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer out = h.buffer(new int[8]);
            DeviceBuffer fout = h.buffer(new float[4]);
            h.launch("k", Dim3.of(1), Dim3.of(1), out, fout);
            assertArrayEquals(new int[] {83, 42, 42, 13, 10, 84, 30, 16}, h.ints(out));
            assertArrayEquals(new float[] {1.5f, 5f, 1.5f, 1f}, h.floats(fout));
        }
    }

    @Test
    void vectorTypesHaveCudaLayoutAndMembers() {
        String src = """
                __global__ void k(const uchar4* px, float3* f3, int2* i2, double2* d2, int* sizes) {
                    uchar4 p = px[threadIdx.x];
                    f3[threadIdx.x] = make_float3(p.x, p.y, p.z + p.w);
                    int2 v = make_int2(threadIdx.x, -(int)threadIdx.x);
                    v.y *= 3;
                    i2[threadIdx.x] = v;
                    double2 d = {0.5, 1.5};
                    d.x += threadIdx.x;
                    d2[threadIdx.x] = d;
                    if (threadIdx.x == 0) {
                        sizes[0] = sizeof(float3); sizes[1] = sizeof(float4); sizes[2] = sizeof(uchar4);
                        sizes[3] = sizeof(double2); sizes[4] = __alignof__(float4); sizes[5] = sizeof(dim3);
                    }
                }
                """;
        int n = 4;
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            byte[] px = {1, 2, 3, 4, 10, 20, 30, 40, (byte) 200, 1, 1, 1, 0, 0, 0, 5};
            DeviceBuffer dpx = h.buffer(px);
            DeviceBuffer f3 = h.buffer(new float[3 * n]);
            DeviceBuffer i2 = h.buffer(new int[2 * n]);
            DeviceBuffer d2 = h.buffer(new double[2 * n]);
            DeviceBuffer sizes = h.buffer(new int[6]);
            h.launch("k", Dim3.of(1), Dim3.of(n), dpx, f3, i2, d2, sizes);
            assertArrayEquals(new float[] {1, 2, 7, 10, 20, 70, 200, 1, 2, 0, 0, 5}, h.floats(f3));
            assertArrayEquals(new int[] {0, 0, 1, -3, 2, -6, 3, -9}, h.ints(i2));
            assertArrayEquals(new double[] {0.5, 1.5, 1.5, 1.5, 2.5, 1.5, 3.5, 1.5}, h.doubles(d2));
            assertArrayEquals(new int[] {12, 16, 4, 16, 16, 12}, h.ints(sizes));
        }
    }
}
