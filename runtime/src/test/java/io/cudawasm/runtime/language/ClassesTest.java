package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * C++ classes in device code (issue 18, item 2): member functions (const too), constructors with
 * member initializer lists and default member initializers, {@code this}, overloaded operators as
 * members and free functions, {@code operator[]} returning a reference, conversion operators,
 * static member functions and constants, explicit specializations of class templates, and the
 * {@code SharedMemory<T>} idiom of NVIDIA's samples; each on the WebAssembly, OpenCL and PTX paths
 * against a Java reference.
 */
class ClassesTest {

    static final String SHARED_MEMORY = """
            template <class T> struct SharedMemory {
                __device__ inline operator T *() { extern __shared__ int __smem[]; return (T *)__smem; }
                __device__ inline operator const T *() const { extern __shared__ int __smem[]; return (T *)__smem; }
            };
            template <> struct SharedMemory<double> {
                __device__ inline operator double *() { extern __shared__ double __smem_d[]; return (double *)__smem_d; }
                __device__ inline operator const double *() const { extern __shared__ double __smem_d[]; return (double *)__smem_d; }
            };
            template <class T> __global__ void blockSum(const T *in, T *out, unsigned n)
            {
                T *sdata = SharedMemory<T>();
                unsigned tid = threadIdx.x;
                unsigned i = blockIdx.x * blockDim.x + threadIdx.x;
                sdata[tid] = i < n ? in[i] : 0;
                __syncthreads();
                for (unsigned s = blockDim.x / 2; s > 0; s >>= 1) {
                    if (tid < s) sdata[tid] += sdata[tid + s];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = sdata[0];
            }
            template __global__ void blockSum<float>(const float *, float *, unsigned);
            template __global__ void blockSum<double>(const double *, double *, unsigned);
            """;

    @Test
    void sharedMemoryIdiomWithItsDoubleSpecialization() {
        int n = 1000;
        int block = 128;
        int blocks = (n + block - 1) / block;
        float[] in = new float[n];
        double[] ind = new double[n];
        float[] out = new float[blocks];
        double[] outd = new double[blocks];
        for (int i = 0; i < n; i++) {
            in[i] = (i % 17) * 0.25f;
            ind[i] = (i % 13) * 0.5;
        }
        for (int b = 0; b < blocks; b++) {
            // the tree reduction's order, so float sums match bit for bit
            float[] s = new float[block];
            double[] sd = new double[block];
            for (int t = 0; t < block; t++) {
                int i = b * block + t;
                s[t] = i < n ? in[i] : 0;
                sd[t] = i < n ? ind[i] : 0;
            }
            for (int stride = block / 2; stride > 0; stride >>= 1) {
                for (int t = 0; t < stride; t++) {
                    s[t] += s[t + stride];
                    sd[t] += sd[t + stride];
                }
            }
            out[b] = s[0];
            outd[b] = sd[0];
        }
        AllPaths.check(CaseBuilder.of("shared_memory_float", "shared.cu", SHARED_MEMORY).kernel("blockSum<float>")
                .launch(Dim3.of(blocks), Dim3.of(block)).sharedBytes(block * 4).in("in", in)
                .out("out", new float[blocks], out).scalar(n).build());
        AllPaths.check(CaseBuilder.of("shared_memory_double", "shared.cu", SHARED_MEMORY).kernel("blockSum<double>")
                .launch(Dim3.of(blocks), Dim3.of(block)).sharedBytes(block * 8).in("in", ind)
                .out("out", new double[blocks], outd).scalar(n).build());
    }

    @Test
    void memberFunctionsConstructorsAndOperators() {
        String src = """
                struct Vec3 {
                    float x, y, z;
                    __device__ Vec3() : x(0), y(0), z(0) {}
                    __device__ Vec3(float a, float b, float c) : x(a), y(b), z(c) {}
                    __device__ explicit Vec3(float s) : Vec3Helper(s) {}
                    __device__ Vec3 operator+(const Vec3 &o) const { return Vec3(x + o.x, y + o.y, z + o.z); }
                    __device__ Vec3 operator-() const { return Vec3(-x, -y, -z); }
                    __device__ Vec3 &operator+=(const Vec3 &o) { x += o.x; y += o.y; z += o.z; return *this; }
                    __device__ float dot(const Vec3 &o) const { return x * o.x + y * o.y + z * o.z; }
                    __device__ float &operator[](int i) { return i == 0 ? x : i == 1 ? y : z; }
                    __device__ bool operator<(const Vec3 &o) const { return dot(*this) < o.dot(o); }
                    __device__ float length2() const { return this->dot(*this); }
                    static __device__ Vec3 unit(int axis) { Vec3 v; v[axis] = 1.0f; return v; }
                    static const int DIMS = 3;
                };
                __device__ Vec3 operator*(float s, const Vec3 &v) { return Vec3(s * v.x, s * v.y, s * v.z); }
                __device__ bool operator==(const Vec3 &a, const Vec3 &b) { return a.x == b.x && a.y == b.y && a.z == b.z; }
                struct Counter {
                    int n = 5;
                    int step{2};
                    __device__ void bump() { n += step; }
                    __device__ int value() const { return n; }
                };
                class Accumulator {
                public:
                    __device__ Accumulator(int start) : total(start), count(0) {}
                    __device__ void add(int v) { total += v; ++count; }
                    __device__ operator int() const { return total; }
                    __device__ int mean() const { return count ? total / count : 0; }
                private:
                    int total;
                    int count;
                };
                __global__ void objects(const float *in, float *out, int *iout)
                {
                    Vec3 a(in[0], in[1], in[2]), b = Vec3(in[3], in[4], in[5]);
                    Vec3 c = a + b;
                    c += Vec3::unit(1);
                    Vec3 d = 2.0f * -c;
                    out[0] = d.x; out[1] = d.y; out[2] = d.z;
                    out[3] = a.dot(b);
                    out[4] = a < b;
                    d[2] = 7.5f;
                    out[5] = d[2];
                    out[6] = a.length2();
                    out[7] = (a + b == c) ? 1.0f : 0.0f;
                    Counter k;
                    k.bump();
                    k.bump();
                    iout[0] = k.value();
                    Accumulator acc(100);
                    for (int i = 1; i <= 4; i++) acc.add(i * 10);
                    iout[1] = acc;          // the conversion operator
                    iout[2] = acc.mean();
                    iout[3] = Vec3::DIMS;
                }
                """.replace("__device__ explicit Vec3(float s) : Vec3Helper(s) {}\n", "");
        float[] in = {1, 2, 3, 4, 5, 6};
        float cx = 5;
        float cy = 7 + 1;
        float cz = 9;
        float[] out = {-2 * cx, -2 * cy, -2 * cz, 32, 1, 7.5f, 14, 0};
        AllPaths.check(CaseBuilder.of("classes", "classes.cu", src).kernel("objects").launch(Dim3.of(1), Dim3.of(1))
                .in("in", in).out("out", new float[8], out).out("iout", new int[4], new int[] {9, 200, 50, 3}).build());
    }
}
