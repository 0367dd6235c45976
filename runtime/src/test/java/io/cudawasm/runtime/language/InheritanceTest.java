package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * Non-virtual inheritance, single and multiple: base data members and member functions used in
 * and through the derived class, base constructors in the initializer list (of a class template
 * base too), a base's default member initializer, {@code Base::f()} from a derived member
 * function hiding it, {@code using Base::f;}, {@code protected}/{@code private}, derived-to-base
 * references, pointers and copies (slicing), {@code this->} into a dependent base; on the
 * WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class InheritanceTest {

    static final String SOURCE = """
            struct Shape {
                int id;
                __device__ Shape(int i) : id(i) {}
                __device__ int ident() const { return id * 10; }
                __device__ int scaled(int k) const { return id * k; }
            };
            struct Named {
                float w = 0.5f;
                __device__ float weight() const { return w; }
            };
            class Circle : public Shape, protected Named {
            public:
                __device__ Circle(int i, float r) : Shape(i), r(r) { w = 2.0f; }
                __device__ float area() const { return 3.0f * r * r * weight() + ident(); }
                __device__ int scaled(int k) const { return Shape::scaled(k) + 1; }
                __device__ float baseWeight() const { return Named().weight(); }
                using Shape::ident;
            private:
                float r;
            };
            template <class T> struct Box {
                T v;
                __device__ Box(T x) : v(x) {}
                __device__ T get() const { return v; }
            };
            template <class T> struct Crate : Box<T> {
                T extra;
                __device__ Crate(T a, T b) : Box<T>(a), extra(b) {}
                __device__ T sum() const { return this->get() + extra; }
            };
            struct Plain { int a; };
            struct Derived2 : Plain { int b; };
            struct Third : Derived2 { int c; };
            __device__ int readId(const Shape &s) { return s.id; }
            __device__ int readPtr(const Shape *s) { return s->ident(); }
            __device__ int firstOf(Plain p) { return p.a; }
            __global__ void inherit(const int *in, float *fo, int *io)
            {
                int t = threadIdx.x;
                Circle c(in[t], 1.0f + t);
                fo[t * 2] = c.area();
                fo[t * 2 + 1] = c.baseWeight();
                io[t * 7] = c.ident() + c.id;
                io[t * 7 + 1] = readId(c) + readPtr(&c);
                io[t * 7 + 2] = c.scaled(3);
                Shape &s = c;
                io[t * 7 + 3] = s.scaled(2);
                Crate<int> cr(in[t], 7);
                io[t * 7 + 4] = cr.sum() + cr.v;
                Derived2 d;
                d.a = 5 + t;
                d.b = 1;
                io[t * 7 + 5] = firstOf(d) + d.b;
                Third th;
                th.a = t;
                th.b = 2;
                th.c = 3;
                Plain *p = &th;
                p->a += 100;
                io[t * 7 + 6] = th.a + th.b + th.c;
            }
            """;

    @Test
    void baseMembersConstructorsAndConversions() {
        int threads = 4;
        int[] in = new int[threads];
        float[] fo = new float[threads * 2];
        int[] io = new int[threads * 7];
        for (int t = 0; t < threads; t++) {
            in[t] = 3 + t;
            float r = 1.0f + t;
            fo[t * 2] = 3.0f * r * r * 2.0f + in[t] * 10;
            fo[t * 2 + 1] = 0.5f;
            io[t * 7] = in[t] * 10 + in[t];
            io[t * 7 + 1] = in[t] + in[t] * 10;
            io[t * 7 + 2] = in[t] * 3 + 1;
            io[t * 7 + 3] = in[t] * 2;
            io[t * 7 + 4] = in[t] + 7 + in[t];
            io[t * 7 + 5] = 5 + t + 1;
            io[t * 7 + 6] = t + 100 + 2 + 3;
        }
        AllPaths.check(CaseBuilder.of("inheritance", "inherit.cu", SOURCE).kernel("inherit")
                .launch(Dim3.of(1), Dim3.of(threads)).in("in", in).out("fo", new float[threads * 2], fo)
                .out("io", new int[threads * 7], io).build());
    }
}
