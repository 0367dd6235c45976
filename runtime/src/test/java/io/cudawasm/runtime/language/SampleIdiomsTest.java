package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Small kernels of our own for what running NVIDIA's samples unmodified showed missing (issue 18,
 * "turn every failure you fix into a test"): each idiom as the samples write it, on the
 * WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class SampleIdiomsTest {

    @Test
    void templateKernelsLaunchedFromHostCodeAreInstantiated() {
        String src = """
                #include <cuda_runtime.h>
                #include <sys/stat.h>
                #include <GL/gl.h>
                #if CUDART_VERSION >= 2020
                template <unsigned int blockSize, bool twice> __global__ void scale(float *a)
                {
                    a[threadIdx.x] *= twice ? 2.0f * blockSize : blockSize;
                }
                #endif
                template <class T> void runTest(T *d) { scale<4, true><<<1, 4>>>((float *)d); }
                template void runTest<float>(float *d);
                extern "C" void launch(float *d, int threads)
                {
                    switch (threads) {
                    case 8: scale<8, false><<<1, 8>>>(d); break;
                    }
                }
                """;
        CompileResult compiled = AllPaths.compile(CompileRequest.of("launches.cu", src));
        assertTrue(compiled.kernels().stream().anyMatch(k -> k.sourceName().equals("scale<4, true>")),
                compiled.kernels().toString());
        assertTrue(compiled.warnings().stream().anyMatch(w -> w.message().contains("system header <sys/stat.h> is not "
                + "available: skipped")), compiled.warnings().toString());
        AllPaths.check(CaseBuilder.of("host_launches", "launches.cu", src.replace("#include <sys/stat.h>\n", "")
                .replace("#include <GL/gl.h>\n", "")).kernel("scale<8, false>").launch(Dim3.of(1), Dim3.of(8))
                .out("a", new float[] {1, 2, 3, 4, 5, 6, 7, 8}, new float[] {8, 16, 24, 32, 40, 48, 56, 64}).build());
    }

    @Test
    void castsBracesPrototypesAndConstantTables() {
        String src = """
                typedef unsigned int uint;
                static __constant__ unsigned int c_Table[2][4] = {{1, 2, 3, 4}, {10, 20, 30, 40}};
                struct Pair { int a, b; };
                template <class T> struct Holder {
                    __device__ T *pointer() { extern __device__ void error(void); error(); return 0; }
                };
                __device__ Pair none() { return {}; }
                __device__ Pair both(int v) { return {v, -v}; }
                __device__ uint pack(float4 rgba)
                {
                    return (uint(rgba.w * 255.0f) << 24) | (uint(rgba.z * 255.0f) << 16) | (uint(rgba.y * 255.0f) << 8)
                        | uint(rgba.x * 255.0f);
                }
                __global__ void idioms(const float4 *px, uint *out, int *pairs)
                {
                    out[threadIdx.x] = pack(px[threadIdx.x]);
                    unsigned int *row = &c_Table[threadIdx.x & 1][0];
                    out[4 + threadIdx.x] = row[threadIdx.x] + (int(row[0]) << 1);
                    Pair p = threadIdx.x == 0 ? none() : both(threadIdx.x);
                    pairs[2 * threadIdx.x] = p.a;
                    pairs[2 * threadIdx.x + 1] = p.b;
                }
                """;
        float[] px = new float[16];
        int[] packed = new int[8];
        for (int t = 0; t < 4; t++) {
            for (int c = 0; c < 4; c++) {
                px[4 * t + c] = (t + 1) * 0.1f + c * 0.2f;
            }
            int v = 0;
            for (int c = 3; c >= 0; c--) {
                v = v << 8 | ((int) (px[4 * t + c] * 255.0f) & 0xFF);
            }
            packed[t] = v;
            int[] row = (t & 1) == 0 ? new int[] {1, 2, 3, 4} : new int[] {10, 20, 30, 40};
            packed[4 + t] = row[t] + (row[0] << 1);
        }
        int[] pairs = {0, 0, 1, -1, 2, -2, 3, -3};
        AllPaths.check(CaseBuilder.of("sample_idioms", "idioms.cu", src).kernel("idioms").launch(Dim3.of(1), Dim3.of(4))
                .in("px", px).out("out", new int[8], packed).out("pairs", new int[8], pairs).build());
    }

    @Test
    void vectorTypePointersKeepTheirLayoutThroughPtx() {
        String src = """
                __global__ void halves(const float2 *in, float2 *out, const uint4 *words, unsigned *sums)
                {
                    int i = threadIdx.x;
                    out[i] = make_float2(in[i].y * 0.5f, in[i].x * 0.5f);
                    uint4 w = words[i];
                    sums[i] = w.x + w.y + w.z + w.w;
                }
                """;
        float[] in = {1, 2, 3, 4, 5, 6, 7, 8};
        int[] words = new int[16];
        int[] sums = new int[4];
        for (int i = 0; i < 16; i++) {
            words[i] = i * 1000;
            sums[i / 4] += i * 1000;
        }
        AllPaths.check(CaseBuilder.of("vector_pointers", "halves.cu", src).kernel("halves").launch(Dim3.of(1), Dim3.of(4))
                .in("in", in).out("out", new float[8], new float[] {1, 0.5f, 2, 1.5f, 3, 2.5f, 4, 3.5f})
                .in("words", words).out("sums", new int[4], sums).build());
    }

    @Test
    void hostStructsAndTexturesAreNamedWhereDeviceCodeUsesThem() {
        AllPaths.refuses("""
                struct Timer { cudaEvent_t start; float ms; };
                __global__ void k(Timer *t) { t->ms = 1.0f; }
                """, "'struct Timer' is host code and cannot be used in device code: its member type 'cudaEvent_t' is "
                + "declared only for the host");
        AllPaths.refuses("""
                __global__ void k(cudaTextureObject_t tex, float *out) { out[0] = tex2D<float>(tex, 0.5f, 0.5f); }
                """, "texture and surface accesses ('tex2D') are not supported");
        // the scratch CUDA's tiles of more than 32 threads need before sm_80 is accepted (LargeTilesTest runs them)
        AllPaths.compile(CompileRequest.of("tiles.cu", """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                template <int N> __global__ void k(int *a) { __shared__ cg::block_tile_memory<N> scratch; a[0] = 1; }
                template __global__ void k<64>(int *a);
                """));
        AllPaths.refuses("""
                struct Shape { float s; virtual __device__ float area() const { return s; } };
                __global__ void k(float *a) { Shape sh = {2.0f}; a[0] = sh.area(); }
                """, "'struct Shape' has virtual functions, so it is no aggregate: give it a constructor");
        AllPaths.refuses("""
                __global__ void child(int *a) { a[0] = 1; }
                __global__ void parent(int *a) { child<<<1, 1>>>(a); cudaDeviceSynchronize(); }
                """, "'cudaDeviceSynchronize' in device code was removed in CUDA 12");
        // the same host struct is fine while only host code uses it
        CompileResult ok = AllPaths.compile(new CompileRequest("host.cu", """
                struct Timer { cudaEvent_t start; float ms; };
                typedef Timer TimerAlias;
                void stop(Timer *t) { cudaEventRecord(t->start); }
                __global__ void k(float *a) { a[0] = 1.0f; }
                """, Map.of(), Map.of(), List.of()));
        assertTrue(ok.kernels().size() == 1);
        AllPaths.check(CaseBuilder.of("host_struct_unused", "host.cu", """
                struct Timer { cudaEvent_t start; float ms; };
                __global__ void k(float *a) { a[0] = 1.0f; }
                """).kernel("k").launch(Dim3.of(1), Dim3.of(1)).out("a", new float[1], new float[] {1}).build(),
                EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
    }
}
