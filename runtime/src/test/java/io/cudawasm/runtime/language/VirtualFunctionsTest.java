package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
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
}
