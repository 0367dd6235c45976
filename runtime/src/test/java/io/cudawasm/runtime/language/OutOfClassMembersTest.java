package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * Members defined outside their classes (as the samples' {@code interval_gpu<T>} and headers do):
 * constructors with initializer lists, member functions (const too), operators, conversion
 * operators, static member functions, static constants given their value outside, members of a
 * class template ({@code template <class T, int N> T Ring<T, N>::sum() const}) and of an explicit
 * specialization, the injected class name, nested types named from outside ({@code Acc::Range},
 * {@code typename vec<T>::Type}), template arguments deduced from a class template instance, and
 * a const reference bound to a converted argument; on the WebAssembly, OpenCL and PTX paths
 * against a Java reference.
 */
class OutOfClassMembersTest {

    static final String SOURCE = """
            struct Acc {
                int total;
                int count;
                static const int SCALE;
                static const int BIAS = 2;
                __device__ Acc(int start);
                __device__ void add(int v);
                __device__ int mean() const;
                __device__ Acc operator+(const Acc &o) const;
                __device__ operator int() const;
                static __device__ int twice(int x);
                typedef int value_type;
                struct Range { int lo, hi; };
                __device__ Range range() const;
            };
            const int Acc::SCALE = 3;
            const int Acc::BIAS;
            __device__ Acc::Acc(int start) : total(start), count(0) {}
            __device__ void Acc::add(int v) { total += v * SCALE; ++count; }
            __device__ int Acc::mean() const { value_type m = count ? total / count : 0; return m + BIAS; }
            __device__ Acc Acc::operator+(const Acc &o) const { Acc r(total + o.total); r.count = count + o.count; return r; }
            __device__ Acc::operator int() const { return total; }
            __device__ int Acc::twice(int x) { return 2 * x; }
            __device__ Acc::Range Acc::range() const { Range r; r.lo = total - count; r.hi = total + count; return r; }

            template <class T, int N> class Ring {
            public:
                __device__ Ring();
                __device__ void push(T const &v);
                __device__ T sum() const;
                __device__ T const &at(int i) const;
                static __device__ Ring filled(T v);
                typedef T elem;
            private:
                T buf[N];
                int n;
            };
            template <class T, int N> __device__ Ring<T, N>::Ring() : n(0) {}
            template <class T, int N> __device__ void Ring<T, N>::push(T const &v) { buf[n % N] = v; n++; }
            template <class T, int N> __device__ T Ring<T, N>::sum() const
            {
                elem s = 0;
                for (int i = 0; i < (n < N ? n : N); i++) s += buf[i];
                return s;
            }
            template <class T, int N> __device__ T const &Ring<T, N>::at(int i) const { return buf[i]; }
            template <class T, int N> __device__ Ring<T, N> Ring<T, N>::filled(T v)
            {
                Ring r;
                for (int i = 0; i < N; i++) r.push(v + i);
                return r;
            }
            template <class T, int N> __device__ int capacity(const Ring<T, N> &) { return N; }

            template <class T> struct Round { __device__ T down(T x); };
            template <> struct Round<float> { __device__ float down(float x); };
            __device__ float Round<float>::down(float x) { return floorf(x); }
            template <class T> __device__ T Round<T>::down(T x) { return x; }

            template <typename T> struct vec { typedef T Type; };
            template <> struct vec<int> { typedef int2 Type; };
            template <> struct vec<float> { typedef float2 Type; };
            template <typename T> __device__ typename vec<T>::Type make(T a)
            {
                typename vec<T>::Type r;
                r.x = a;
                r.y = a * 2;
                return r;
            }

            __global__ void members(const int *in, int *out, float *fout)
            {
                int t = threadIdx.x;
                Acc a(in[t]);
                a.add(t);
                a.add(1);
                Acc b = a + Acc(10);
                out[t * 8 + 0] = b.mean() + Acc::twice(Acc::SCALE);
                out[t * 8 + 1] = b;
                Acc::Range r = b.range();
                out[t * 8 + 2] = r.hi - r.lo;
                Ring<int, 4> ring;
                for (int i = 0; i <= t; i++) ring.push(in[t] + i);
                out[t * 8 + 3] = ring.sum();
                out[t * 8 + 4] = ring.at(0) + capacity(ring);
                Ring<float, 3> f = Ring<float, 3>::filled(0.5f);
                fout[t * 3 + 0] = f.sum();
                Round<float> rf;
                Round<double> rd;
                fout[t * 3 + 1] = rf.down(in[t] + 0.75f) + (float)rd.down(0.25);
                typename vec<int>::Type v = make<int>(in[t]);
                vec<float>::Type w = make(1.5f);
                out[t * 8 + 5] = v.x + v.y;
                fout[t * 3 + 2] = w.y;
                out[t * 8 + 6] = Acc::BIAS;
                out[t * 8 + 7] = sizeof(typename vec<float>::Type);
            }
            """;

    @Test
    void definitionsUnderOtherParameterNamesAndMemberAliasesOfATemplateParameter() {
        String src = """
                template <class T> struct Box {
                    using value_type = T;
                    T v;
                    __device__ Box(T x);
                    __device__ T get() const;
                };
                template <class U> __device__ Box<U>::Box(U x) : v(x) {}
                template <class U> __device__ U Box<U>::get() const { value_type r = v; return r * 2; }
                template <class B> __device__ typename B::value_type twiceGet(const B &b)
                {
                    typename B::value_type t = b.get();
                    return t + 1;
                }
                __global__ void boxes(int *o, float *f)
                {
                    Box<int> b(threadIdx.x);
                    o[threadIdx.x] = twiceGet(b);
                    Box<float>::value_type x = Box<float>(1.5f).get();
                    f[threadIdx.x] = x;
                }
                """;
        AllPaths.check(CaseBuilder.of("renamed_parameters", "boxes.cu", src).kernel("boxes")
                .launch(Dim3.of(1), Dim3.of(4)).out("o", new int[4], new int[] {1, 3, 5, 7})
                .out("f", new float[4], new float[] {3, 3, 3, 3}).build());
    }

    @Test
    void templateKernelWhoseParameterIsANestedTypeOfAClassTemplate() {
        // through PTX, nvcc's mangled name holds vec<T_>::Type (N3vecIT_E4TypeE), which the PTX front end demangles
        String src = SOURCE + """
                template <typename T> __global__ void scaleVec(typename vec<T>::Type *v, T k)
                {
                    int t = threadIdx.x;
                    v[t].x *= k;
                    v[t].y += k;
                }
                template __global__ void scaleVec<float>(vec<float>::Type *, float);
                """;
        float[] v = new float[64];
        float[] expected = new float[64];
        for (int i = 0; i < 32; i++) {
            v[2 * i] = i * 0.25f;
            v[2 * i + 1] = -i;
            expected[2 * i] = v[2 * i] * 1.5f;
            expected[2 * i + 1] = v[2 * i + 1] + 1.5f;
        }
        AllPaths.check(CaseBuilder.of("nested_type_parameter", "scale.cu", src).kernel("scaleVec<float>")
                .launch(Dim3.of(1), Dim3.of(32)).out("v", v, expected).scalar(1.5f).build());
    }

    @Test
    void membersDefinedOutsideTheirClassesAndNestedTypes() {
        int threads = 8;
        int[] in = new int[threads];
        int[] out = new int[threads * 8];
        float[] fout = new float[threads * 3];
        for (int t = 0; t < threads; t++) {
            in[t] = 3 + 5 * t;
            int total = in[t] + 3 * t + 3 + 10;
            out[t * 8] = total / 2 + 2 + 6;
            out[t * 8 + 1] = total;
            out[t * 8 + 2] = 4;
            int[] buf = new int[4];
            int n = 0;
            for (int i = 0; i <= t; i++) {
                buf[n % 4] = in[t] + i;
                n++;
            }
            int sum = 0;
            for (int i = 0; i < Math.min(n, 4); i++) {
                sum += buf[i];
            }
            out[t * 8 + 3] = sum;
            out[t * 8 + 4] = buf[0] + 4;
            fout[t * 3] = 0.5f + 1.5f + 2.5f;
            fout[t * 3 + 1] = (float) Math.floor(in[t] + 0.75f) + 0.25f;
            out[t * 8 + 5] = 3 * in[t];
            fout[t * 3 + 2] = 3.0f;
            out[t * 8 + 6] = 2;
            out[t * 8 + 7] = 8;
        }
        AllPaths.check(CaseBuilder.of("out_of_class_members", "members.cu", SOURCE).kernel("members")
                .launch(Dim3.of(1), Dim3.of(threads)).in("in", in).out("out", new int[threads * 8], out)
                .out("fout", new float[threads * 3], fout).build());
    }
}
