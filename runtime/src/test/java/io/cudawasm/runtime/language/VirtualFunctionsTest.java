package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Virtual functions. Through PTX they need nothing of their own: nvcc's vtables are {@code .u64}
 * tables of function addresses (the functions' indices there) and a virtual call is a
 * {@code call} through a register loaded from one, which the PTX front end dispatches as any
 * call through a function pointer.
 */
class VirtualFunctionsTest {

    @Test
    void virtualCallsThroughNvccsVtables() {
        String src = """
                struct Shape {
                    float s;
                    __device__ Shape(float x) : s(x) {}
                    __device__ virtual float area() const { return 0; }
                    __device__ virtual float scaled(float k) const { return k * area(); }
                };
                struct Square : Shape {
                    __device__ Square(float x) : Shape(x) {}
                    __device__ float area() const override { return s * s; }
                };
                struct Circle : Shape {
                    __device__ Circle(float x) : Shape(x) {}
                    __device__ float area() const override { return 3.0f * s * s; }
                    __device__ float scaled(float k) const override { return -k; }
                };
                __device__ float total(const Shape& a, const Shape* b) { return a.area() + b->area(); }
                __global__ void k(const float* in, float* out)
                {
                    int i = threadIdx.x;
                    Square sq(in[i]);
                    Circle c(in[i] + 1);
                    Shape plain(in[i]);
                    Shape* p = (i & 1) ? (Shape*) &sq : (i & 2) ? (Shape*) &c : &plain;
                    out[2 * i] = p->area() + total(sq, &c) + sizeof(Shape);
                    out[2 * i + 1] = p->scaled(2.0f);
                }
                """;
        int n = 8;
        float[] in = new float[n];
        float[] expected = new float[2 * n];
        for (int i = 0; i < n; i++) {
            in[i] = i * 0.5f + 1;
            float sq = in[i] * in[i];
            float c = 3.0f * (in[i] + 1) * (in[i] + 1);
            float area = (i & 1) != 0 ? sq : (i & 2) != 0 ? c : 0;
            expected[2 * i] = area + (sq + c) + 16;
            expected[2 * i + 1] = (i & 1) != 0 ? 2.0f * sq : (i & 2) != 0 ? -2.0f : 0;
        }
        KernelCase c = CaseBuilder.of("virtual_calls_ptx", "shapes.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(n))
                .in("in", in).out("out", new float[2 * n], expected).build();
        String ptx = Nvcc.ptx(src, AllPaths.PTX_CONFIG, List.of());
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2),
                AllPaths.compile(CompileRequest.of("shapes.ptx", ptx)), c.launch());
        assertNull(r.failure(), () -> r.failure().getMessage());
        for (BufferComparison b : c.againstReference(r)) {
            assertTrue(b.passed(), b::format);
        }
    }

    /**
     * One class with virtual functions: calls from outside and from its own members dispatch on the
     * hidden class id its constructor (or its implicit default construction) stores where CUDA
     * keeps the vtable pointer, so sizeof matches nvcc's; arrays of such objects and plain structs
     * holding them are constructed element by element.
     */
    @Test
    void aClassWithVirtualFunctions() {
        String src = """
                struct Counter {
                    int n;
                    __device__ Counter(int s) : n(s) {}
                    __device__ virtual int step() { return n += 1; }
                    __device__ int twice() { return step() + step(); }
                };
                struct Plain { __device__ virtual int v() const { return 7; } };
                struct Holder { int z; Plain p[2]; };
                __global__ void k(int* o)
                {
                    Counter c(threadIdx.x);
                    Counter* p = &c;
                    o[threadIdx.x] = p->twice() + c.step() + sizeof(Counter) * 100;
                    Plain q;
                    const Plain& r = q;
                    Plain arr[3];
                    Holder h;
                    o[threadIdx.x + 8] = r.v() + sizeof(Plain) + arr[threadIdx.x % 3].v() * 10 + h.p[1].v() * 100;
                }
                """;
        int[] expected = new int[16];
        for (int t = 0; t < 8; t++) {
            expected[t] = 3 * t + 6 + 1600;
            expected[t + 8] = 15 + 70 + 700;
        }
        AllPaths.check(CaseBuilder.of("virtual_one_class", "counter.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(8))
                .out("o", new int[16], expected).build());
    }

    /**
     * Derived classes: overriding (with and without {@code override}), a pure virtual function,
     * calls through base pointers and references dispatching on the dynamic class,
     * a base's non-virtual member calling a virtual one, multiple inheritance (the second base's
     * subobject is not at the object's address: {@code this} moves back to the derived object), and
     * sizeof as nvcc lays the classes out.
     */
    @Test
    void derivedClassesOverrideThroughBasePointersAndReferences() {
        String src = """
                struct Shape {
                    float s;
                    __device__ Shape(float x) : s(x) {}
                    __device__ virtual float area() const = 0;
                    __device__ virtual float scaled(float k) const { return k * area(); }
                };
                struct Square : Shape {
                    __device__ Square(float x) : Shape(x) {}
                    __device__ float area() const override { return s * s; }
                };
                struct Circle : public Shape {
                    __device__ Circle(float x) : Shape(x) {}
                    __device__ virtual float area() const { return 3.0f * s * s; }
                    __device__ float scaled(float k) const override { return -k; }
                };
                struct Tag { int t; __device__ virtual int tag() const { return t; } };
                struct Both : Tag, Square {
                    __device__ Both(float x) : Square(x) { t = 5; }
                    __device__ float area() const override { return 100.0f; }
                    __device__ int tag() const override { return t * 2; }
                };
                __device__ float total(const Shape& a, const Shape* b) { return a.area() + b->area(); }
                __global__ void k(const float* in, float* out)
                {
                    int i = threadIdx.x;
                    Square sq(in[i]);
                    Circle c(in[i] + 1);
                    Both b(in[i]);
                    Shape* p = i % 3 == 0 ? (Shape*) &sq : i % 3 == 1 ? (Shape*) &c : (Shape*) &b;
                    Tag* tg = &b;
                    out[3 * i] = p->area() + total(sq, &c) + sizeof(Shape) + sizeof(Both) * 1000;
                    out[3 * i + 1] = p->scaled(2.0f);
                    out[3 * i + 2] = tg->tag() + b.tag();
                }
                """;
        int n = 9;
        float[] in = new float[n];
        float[] expected = new float[3 * n];
        for (int i = 0; i < n; i++) {
            in[i] = i * 0.25f + 0.5f;
            float x = in[i];
            float sq = x * x;
            float c = 3.0f * (x + 1) * (x + 1);
            float area = i % 3 == 0 ? sq : i % 3 == 1 ? c : 100.0f;
            expected[3 * i] = area + (sq + c) + 16 + 32000;
            expected[3 * i + 1] = i % 3 == 0 ? 2.0f * sq : i % 3 == 1 ? -2.0f : 200.0f;
            expected[3 * i + 2] = 20;
        }
        AllPaths.check(CaseBuilder.of("virtual_derived", "derived.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(n))
                .in("in", in).out("out", new float[3 * n], expected).build());
    }

    /**
     * A class template deriving from a polymorphic base, a copy sliced to the base (it is a base
     * object then, as C++ copies the vtable pointer of the class copied to), virtual destructors
     * (accepted; destructors are not run) and a virtual call on an object the host wrote into
     * device memory, which has no class id and stops the kernel.
     */
    @Test
    void templatesSlicingDestructorsAndObjectsNotConstructedOnTheDevice() {
        String src = """
                struct Op {
                    __device__ Op() {}
                    __device__ virtual ~Op() {}
                    __device__ virtual int apply(int x) const { return x; }
                };
                template <int N> struct Add : Op {
                    __device__ Add() {}
                    __device__ int apply(int x) const override { return x + N; }
                };
                __device__ int run(const Op& op, int x) { return op.apply(x); }
                __global__ void k(const int* in, int* out, const Op* fromHost)
                {
                    int i = threadIdx.x;
                    Add<3> a3;
                    Add<10> a10;
                    Op sliced = a3;
                    out[3 * i] = run(a3, in[i]) + run(a10, in[i]) * 100;
                    out[3 * i + 1] = sliced.apply(in[i]) + run(sliced, 1) * 1000;
                    out[3 * i + 2] = in[i] == 99 ? fromHost->apply(1) : 0;
                }
                """;
        int n = 4;
        int[] in = {0, 5, -7, 40};
        int[] expected = new int[3 * n];
        for (int i = 0; i < n; i++) {
            expected[3 * i] = in[i] + 3 + (in[i] + 10) * 100;
            expected[3 * i + 1] = in[i] + 1000;
        }
        KernelCase ok = CaseBuilder.of("virtual_templates_slicing", "ops.cu", src).kernel("k")
                .launch(Dim3.of(1), Dim3.of(n)).in("in", in).out("out", new int[3 * n], expected)
                .in("fromHost", new long[2]).build();
        AllPaths.check(ok);
        for (Backend backend : new Backend[] {KernelHarness.backend(2), OpenClTestDevice.backend()}) {
            KernelCase bad = CaseBuilder.of("virtual_host_object", "ops.cu", src).kernel("k")
                    .launch(Dim3.of(1), Dim3.of(n)).in("in", new int[] {0, 99, 0, 0}).out("out", new int[3 * n], null)
                    .in("fromHost", new long[2]).build();
            CheckedRun.BackendRun r = CheckedRun.run(backend, AllPaths.compile(bad.request()), bad.launch());
            assertNotNull(r.failure(), "a virtual call on a host-written object ran");
            assertTrue(r.failure().getMessage().contains("a virtual call on an object that was not constructed in device "
                    + "code"), r.failure().getMessage());
        }
    }
}
