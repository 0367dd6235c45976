package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Reference data members: bound in a constructor's initializer list, in a base class's
 * constructor and by an aggregate initializer; naming one reads and writes the referent (from a
 * const member function too); copying the object copies the binding; sizeof is a pointer's. On the
 * WebAssembly, OpenCL and PTX paths against a Java reference; references to private or shared
 * memory (a kernel's by-value struct parameter, a local, a shared array, as NVIDIA's
 * conjugateGradientMultiDeviceCG binds them) run on WebAssembly and through PTX, and OpenCL C 1.2,
 * which keeps only pointers to global memory inside objects, refuses them by name.
 */
class ReferenceMembersTest {

    @Test
    void referencesToGlobalMemoryOnEveryPath() {
        String src = """
                struct Totals {
                    int &count;
                    float &sum;
                    __device__ Totals(int &c, float &s) : count(c), sum(s) {}
                    __device__ void add(float v) { count += 1; sum += v; }
                    __device__ float mean() const { return sum / count; }
                };
                struct Limits { const int &low; int scale; };
                struct Scaled : Totals {
                    const float &factor;
                    __device__ Scaled(int &c, float &s, const float &f) : Totals(c, s), factor(f) {}
                    __device__ void addScaled(float v) { add(v * factor); }
                };
                __device__ float report(const Totals &t) { return t.mean() + t.count; }
                __global__ void refs(const float *in, const float *factors, int *counts, float *sums, float *out)
                {
                    int t = threadIdx.x;
                    Totals a(counts[t], sums[t]);
                    a.add(in[t]);
                    Totals b = a;
                    b.add(1.0f);
                    b.count += 10;
                    Scaled s(counts[t + 8], sums[t + 8], factors[t]);
                    s.addScaled(in[t]);
                    s.addScaled(2.0f);
                    Limits lim{counts[t], 3};
                    out[t * 4] = report(a);
                    out[t * 4 + 1] = lim.low * lim.scale;
                    out[t * 4 + 2] = sizeof(Totals) + sizeof(Scaled) * 100 + sizeof(Limits) * 10000;
                    out[t * 4 + 3] = s.factor + s.count;
                }
                """;
        int n = 8;
        float[] in = new float[n];
        float[] factors = new float[n];
        int[] counts = new int[2 * n];
        float[] sums = new float[2 * n];
        int[] countsAfter = new int[2 * n];
        float[] sumsAfter = new float[2 * n];
        float[] out = new float[4 * n];
        for (int t = 0; t < n; t++) {
            in[t] = 0.75f * t - 2;
            factors[t] = 1.5f + t;
            counts[t] = t;
            counts[t + n] = 3 * t;
            sums[t] = 0.5f * t;
            sums[t + n] = -t;
        }
        for (int t = 0; t < n; t++) {
            countsAfter[t] = counts[t] + 12;
            sumsAfter[t] = sums[t] + in[t] + 1.0f;
            countsAfter[t + n] = counts[t + n] + 2;
            sumsAfter[t + n] = sums[t + n] + in[t] * factors[t] + 2.0f * factors[t];
            out[t * 4] = sumsAfter[t] / countsAfter[t] + countsAfter[t];
            out[t * 4 + 1] = countsAfter[t] * 3;
            out[t * 4 + 2] = 16 + 24 * 100 + 16 * 10000;
            out[t * 4 + 3] = factors[t] + countsAfter[t + n];
        }
        AllPaths.check(CaseBuilder.of("reference_members", "refs.cu", src).kernel("refs")
                .launch(Dim3.of(1), Dim3.of(n)).in("in", in).in("factors", factors).out("counts", counts, countsAfter)
                .out("sums", sums, sumsAfter).out("out", new float[4 * n], out).build());
    }

    static final String PRIVATE_SOURCE = """
            struct Config { int numDevices; int rank; };
            class View {
                const Config &cfg;
                int &acc;
            public:
                __device__ View(const Config &c, int &a) : cfg(c), acc(a) {}
                __device__ int rank() const { return cfg.rank * 100 + cfg.numDevices; }
                __device__ void bump(int v) const { acc += v; }
            };
            __global__ void local_refs(Config cfg, int *out)
            {
                __shared__ int tile[8];
                int t = threadIdx.x;
                tile[t] = t;
                int acc = t;
                View v(cfg, acc);
                v.bump(5);
                View w = v;
                w.bump(1);
                View sh(cfg, tile[t]);
                sh.bump(2);
                __syncthreads();
                out[t * 2] = acc + v.rank();
                out[t * 2 + 1] = tile[(t + 1) % 8];
            }
            """;

    private static KernelCase privateCase() {
        int n = 8;
        int[] out = new int[2 * n];
        for (int t = 0; t < n; t++) {
            out[t * 2] = t + 6 + 3 * 100 + 4;
            out[t * 2 + 1] = (t + 1) % 8 + 2;
        }
        byte[] cfg = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(4).putInt(3).array();
        return CaseBuilder.of("reference_members_private", "view.cu", PRIVATE_SOURCE).kernel("local_refs")
                .launch(Dim3.of(1), Dim3.of(n)).struct(cfg).out("out", new int[2 * n], out).build();
    }

    @Test
    void referencesToParametersLocalsAndSharedMemory() {
        AllPaths.check(privateCase(), EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "");
    }

    @Test
    void openClRefusesReferenceMembersToPrivateMemoryByName() {
        KernelCase c = privateCase();
        CompileException e = assertThrows(CompileException.class,
                () -> CheckedRun.run(OpenClTestDevice.backend(), AllPaths.compile(c.request()), c.launch()));
        assertTrue(e.getMessage().contains("view.cu:6:16: error: 'View::View' stores a pointer to thread-local memory "
                + "in memory; OpenCL C 1.2 only supports stored pointers to global memory"), e.getMessage());
    }

    @Test
    void bindingErrorsNameTheMember() {
        AllPaths.refuses("""
                struct S { int &r; __device__ S() {} };
                __global__ void k(int *o) { S s; o[0] = s.r; }
                """, "reference member 'r' of 'struct S' is not bound");
        AllPaths.refuses("""
                struct S { int &r; __device__ S(int a) : r(a + 1) {} };
                __global__ void k(int *o) { S s(o[0]); o[0] = s.r; }
                """, "reference member 'r' must be bound to an lvalue of type 'int'");
        AllPaths.refuses("""
                struct S { int &r; __device__ S(const int &a) : r(a) {} };
                __global__ void k(int *o) { S s(o[0]); o[0] = s.r; }
                """, "binding a const value to a non-const reference member 'r'");
        AllPaths.refuses("""
                struct S { int &r; float f; };
                __global__ void k(int *o) { S s{}; o[0] = s.r; }
                """, "reference member 'r' of 'struct S' is not bound");
    }
}
