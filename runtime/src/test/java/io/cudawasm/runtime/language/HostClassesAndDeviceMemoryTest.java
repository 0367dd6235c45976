package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import org.junit.jupiter.api.Test;

/**
 * What the samples simpleCallback, simpleVulkan and shfl_scan needed: host classes whose members
 * name host-only types (a {@code cudaStream_t} parameter, a {@code std::string} result, a
 * {@code pthread_mutex_t} member, a host constructor defined outside the class) and typedefs of
 * host types and function pointers, skipped like other host code; device {@code memcpy} and
 * {@code memset} at any count and alignment (their result is the destination); and a tile's
 * shuffles of vector types ({@code uint4}, {@code float2}); on the WebAssembly, OpenCL and PTX
 * paths against a Java reference.
 */
class HostClassesAndDeviceMemoryTest {

    static final String HOST_CODE = """
            #include <pthread.h>
            #include <string>
            typedef pthread_t Worker;
            typedef void *(*Routine)(void *);
            struct Barrier { pthread_mutex_t mutex; int count; };
            Barrier barrier;
            class Simulation {
            public:
                Simulation(size_t n);
                void step(float time, cudaStream_t stream = 0);
                std::string name() const { return "sim"; }
            private:
                size_t n_;
                cudaStream_t stream_;
            };
            Simulation::Simulation(size_t n) : n_(n), stream_(0) {}
            """;

    @Test
    void memcpyAndMemsetNextToHostClasses() {
        String src = HOST_CODE + """
                struct P { int a; short b; char c[5]; };
                __global__ void memory(const unsigned char *in, unsigned char *out, int *o2, int n)
                {
                    int t = threadIdx.x;
                    memcpy(out + t * 13 + 1, in + t * 7 + 3, n - t);
                    P p;
                    memset(&p, 0, sizeof(p));
                    memset(p.c, 0x41 + t, 3);
                    int words[4] = {1, 2, 3, 4};
                    float f = 1.5f * t;
                    unsigned bits;
                    memcpy(&bits, &f, sizeof bits);
                    uint4 v;
                    memcpy(&v, words, sizeof(v));
                    o2[t * 4] = p.c[0] + p.c[3] + p.b;
                    o2[t * 4 + 1] = (int)bits;
                    o2[t * 4 + 2] = v.z + v.w;
                    o2[t * 4 + 3] = *(int *)memset(&p.a, 0xff, 2);
                }
                """;
        int threads = 4;
        int n = 12;
        byte[] in = new byte[64];
        for (int i = 0; i < in.length; i++) {
            in[i] = (byte) (i * 7 + 1);
        }
        byte[] out = new byte[64];
        int[] o2 = new int[threads * 4];
        for (int t = 0; t < threads; t++) {
            System.arraycopy(in, t * 7 + 3, out, t * 13 + 1, n - t);
            o2[t * 4] = 0x41 + t;
            o2[t * 4 + 1] = Float.floatToIntBits(1.5f * t);
            o2[t * 4 + 2] = 7;
            o2[t * 4 + 3] = 0xffff;
        }
        AllPaths.check(CaseBuilder.of("memcpy_memset", "memory.cu", src).kernel("memory")
                .launch(Dim3.of(1), Dim3.of(threads)).in("in", in).out("out", new byte[64], out)
                .out("o2", new int[threads * 4], o2).scalar(n).build());
    }

    @Test
    void tileShufflesOfVectorTypes() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void shuffles(const uint4 *in, uint4 *out, float2 *fo)
                {
                    auto tile = cg::tiled_partition<32>(cg::this_thread_block());
                    uint4 v = in[threadIdx.x];
                    uint4 x = tile.shfl_xor(v, 1);
                    uint4 d = tile.shfl_down(x, 3);
                    out[threadIdx.x * 2] = x;
                    out[threadIdx.x * 2 + 1] = d;
                    float2 f = make_float2(threadIdx.x * 0.5f, -1.0f * threadIdx.x);
                    fo[threadIdx.x] = tile.shfl(f, (threadIdx.x + 5) % 32);
                }
                """;
        int threads = 64;
        int[] in = new int[threads * 4];
        for (int i = 0; i < in.length; i++) {
            in[i] = i * 2654435761L > 0 ? (int) (i * 2654435761L) : i;
        }
        int[] out = new int[threads * 8];
        float[] fo = new float[threads * 2];
        for (int t = 0; t < threads; t++) {
            int warp = t & ~31;
            int lane = t & 31;
            int xorLane = warp + (lane ^ 1);
            int downLane = lane + 3 < 32 ? t + 3 : t;
            int downXor = warp + ((downLane & 31) ^ 1);
            for (int k = 0; k < 4; k++) {
                out[t * 8 + k] = in[xorLane * 4 + k];
                out[t * 8 + 4 + k] = in[downXor * 4 + k];
            }
            int from = warp + (t + 5) % 32;
            fo[t * 2] = from * 0.5f;
            fo[t * 2 + 1] = -1.0f * from;
        }
        AllPaths.check(CaseBuilder.of("tile_vector_shuffles", "shuffles.cu", src).kernel("shuffles")
                .launch(Dim3.of(1), Dim3.of(threads)).in("in", in).out("out", new int[threads * 8], out)
                .out("fo", new float[threads * 2], fo).build());
    }
}
