package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * Virtual base classes: a diamond shares one virtual base subobject, reached from the most
 * derived class and through pointers and references to each of its bases; the virtual base's
 * constructor runs once per complete object, from the most derived class's initializer list, and a
 * virtual call in a base's constructor reaches the shared subobject;
 * virtual functions declared in the virtual base dispatch to overriders in either side of the
 * diamond; derived-to-virtual-base pointers, copies of a whole object and of a base subobject
 * (whose virtual base is the whole object's), assignment into a base subobject, a member object, a diamond of plain structs and an
 * array of objects with a virtual base. sizeof is checked where this layout matches nvcc's (see
 * check/VirtualBases). On the WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class VirtualBaseClassesTest {

    static final String SOURCE = """
            struct Base {
                int a;
                __device__ Base(int x, int *log) : a(x) { atomicAdd(log, 1); }
                __device__ virtual int who() const { return 1; }
                __device__ virtual int scaled(int k) const { return a * k; }
                __device__ virtual int tagged() const { return a; }
                __device__ int twiceA() const { return 2 * a; }
            };
            struct Left : virtual Base {
                int b;
                int seen;
                __device__ Left(int x, int *log) : Base(x * 100, log), b(x)
                {
                    const Base *me = this;
                    seen = scaled(2) + me->tagged() * 10;
                }
                __device__ int who() const override { return 2; }
                __device__ int tagged() const override { return b * 1000 + a; }
            };
            struct Right : public virtual Base {
                int c;
                __device__ Right(int x, int *log) : Base(x * 1000, log), c(x + a) {}
                __device__ int scaled(int k) const override { return a * k + c; }
            };
            struct Join : Left, Right {
                int d;
                __device__ Join(int x, int *log) : Base(x, log), Left(x + 1, log), Right(x + 2, log), d(x + 3) {}
            };
            struct Plain { int p; };
            struct Q : virtual Plain { int q; __device__ int sum() const { return p + q; } };
            struct R : virtual Plain { int r; };
            struct S : Q, R { int s; };
            struct Holder {
                int tag;
                Join j;
                __device__ Holder(int x, int *log) : tag(x), j(x, log) {}
            };
            __device__ int viaBase(const Base &r) { return r.a * 10 + r.who(); }
            __device__ int viaLeft(Left *p) { p->a += 1; return p->a + p->b; }
            __global__ void vbases(int *out, int *log)
            {
                int t = threadIdx.x;
                Join j(t, log);
                Base *pb = &j;
                Right *pr = &j;
                out[t * 15] = j.a;
                out[t * 15 + 1] = viaLeft(&j);
                out[t * 15 + 2] = pr->a + static_cast<Base *>(pr)->a * 10;
                out[t * 15 + 3] = viaBase(j) + pb->who() * 100 + pb->scaled(3) * 1000;
                out[t * 15 + 4] = j.c + j.d * 100 + j.seen * 10000;
                Left l(t, log);
                out[t * 15 + 5] = viaBase(l) + l.twiceA() * 1000;
                out[t * 15 + 6] = pr->twiceA() + pr->who() * 1000;
                S s;
                s.p = t;
                s.q = 2;
                s.r = 3;
                s.s = 4;
                Q *pq = &s;
                R *prr = &s;
                prr->p += 5;
                out[t * 15 + 7] = pq->sum() + s.p * 100;
                Holder h(t, log);
                out[t * 15 + 8] = h.j.a + h.tag;
                Join copy = j;
                copy.a = 77;
                Left &lc = copy;
                out[t * 15 + 9] = copy.a + j.a * 1000 + lc.a * 100000;
                out[t * 15 + 10] = sizeof(Left) + sizeof(Q) * 100 + sizeof(S) * 10000;
                Base &bl = l;
                out[t * 15 + 11] = bl.scaled(2) + l.seen * 10000;
                Q qs[3];
                for (int i = 0; i < 3; i++) {
                    qs[i].p = i + t;
                    qs[i].q = 1;
                }
                out[t * 15 + 12] = qs[t % 3].sum();
                Left *pl = &j;
                Left whole = *pl;
                whole.a += 3;
                out[t * 15 + 13] = whole.a + whole.b * 100 + j.a * 10000;
                whole.b = 50 + t;
                whole.a = 60 + t;
                *pl = whole;
                out[t * 15 + 14] = j.b + j.a * 100 + pr->a * 10000;
            }
            """;

    @Test
    void aDiamondSharesOneVirtualBase() {
        int n = 8;
        int[] out = new int[15 * n];
        for (int t = 0; t < n; t++) {
            int[] o = new int[15];
            o[0] = t;
            o[1] = 2 * t + 2;
            o[2] = (t + 1) * 11;
            o[3] = 10 * t + 12 + 200 + (5 * t + 5) * 1000;
            // Left's constructor, for j's Left: Base's scaled on j's Base, and its own tagged through a Base pointer
            o[4] = (2 * t + 2) + (t + 3) * 100 + (2 * t + 10 * ((t + 1) * 1000 + t)) * 10000;
            o[5] = 201000 * t + 2;
            o[6] = 2 * (t + 1) + 2000; // Right's who() is Left's: across the diamond
            o[7] = t + 7 + 100 * (t + 5);
            o[8] = 2 * t;
            o[9] = 77 + (t + 1) * 1000 + 77 * 100000;
            o[10] = 32 + 16 * 100 + 40 * 10000;
            o[11] = 200 * t + (200 * t + 10 * 1100 * t) * 10000;
            o[12] = t % 3 + t + 1;
            o[13] = t + 4 + (t + 1) * 100 + (t + 1) * 10000; // a copy of the Left inside j: j's virtual base
            o[14] = 50 + t + (60 + t) * 100 + (60 + t) * 10000; // assigned into j's Left: its b and the shared a
            System.arraycopy(o, 0, out, 15 * t, 15);
        }
        AllPaths.check(CaseBuilder.of("virtual_bases", "diamond.cu", SOURCE).kernel("vbases")
                .launch(Dim3.of(1), Dim3.of(n)).out("out", new int[15 * n], out)
                .out("log", new int[1], new int[] {3 * n}).build());
    }

    /** Class templates: the diamond's sides name the virtual base with their own parameter, the join with another. */
    @Test
    void classTemplatesWithAVirtualBase() {
        String src = """
                template <class T> struct Box { T v; __device__ T get() const { return v; } };
                template <class T> struct Side : virtual Box<T> { T s; };
                template <class T> struct Other : virtual Box<T> { T o; };
                template <class U> struct Join : Side<U>, Other<U> { U j; };
                __global__ void k(int *out)
                {
                    Join<int> x;
                    x.v = threadIdx.x;
                    x.s = 1;
                    x.o = 2;
                    Side<int> *p = &x;
                    Other<int> &q = x;
                    q.v += 10;
                    out[threadIdx.x] = p->get() + x.s + x.o + q.get() * 100;
                }
                """;
        int n = 4;
        int[] out = new int[n];
        for (int t = 0; t < n; t++) {
            out[t] = t + 10 + 3 + (t + 10) * 100;
        }
        AllPaths.check(CaseBuilder.of("virtual_base_templates", "boxes.cu", src).kernel("k")
                .launch(Dim3.of(1), Dim3.of(n)).out("out", new int[n], out).build());
    }

    @Test
    void slicingIntoAClassWithVirtualBasesIsRefusedByName() {
        AllPaths.refuses("""
                struct A { int a; };
                struct B : virtual A { int b; };
                struct C : B { int c; };
                __global__ void k(int *o) { C c; B b = c; o[0] = b.b; }
                """, "copying a 'struct C' into its base 'struct B', which has virtual base classes, is not supported");
    }
}
