package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Warp-level reductions (issue 18, items 6 and 7): the sm_80 {@code __reduce_*_sync} intrinsics the
 * samples take under {@code __CUDA_ARCH__ >= 800}, and cooperative groups' {@code cg::reduce} with
 * its functors, on the WebAssembly, OpenCL and PTX paths against a Java reference.
 */
class WarpReductionsTest {

    @Test
    void reduceSyncIntrinsics() {
        String src = """
                __global__ void reduce(const int* in, int* out, unsigned* uout)
                {
                    int v = in[blockIdx.x * blockDim.x + threadIdx.x];
                    unsigned u = (unsigned)v;
                    int lane = threadIdx.x & 31;
                    int warp = (blockIdx.x * blockDim.x + threadIdx.x) / 32;
                #if __CUDA_ARCH__ >= 800
                    int s = __reduce_add_sync(0xffffffff, v);
                    int lo = __reduce_min_sync(0xffffffff, v);
                    int hi = __reduce_max_sync(0xffffffff, v);
                    unsigned a = __reduce_and_sync(0xffffffff, u);
                    unsigned o = __reduce_or_sync(0xffffffff, u);
                    unsigned x = __reduce_xor_sync(0xffffffff, u);
                    unsigned umax = __reduce_max_sync(0xffffffff, u);
                #endif
                    if (lane == 0) {
                        out[4 * warp] = s; out[4 * warp + 1] = lo; out[4 * warp + 2] = hi;
                        uout[5 * warp] = a; uout[5 * warp + 1] = o; uout[5 * warp + 2] = x; uout[5 * warp + 3] = umax;
                        out[4 * warp + 3] = 1;
                    }
                }
                """;
        int warps = 4;
        SplittableRandom r = new SplittableRandom(7);
        int[] in = new int[32 * warps];
        for (int i = 0; i < in.length; i++) {
            in[i] = i < 32 ? r.nextInt(-1000, 1000) : r.nextInt();
        }
        int[] out = new int[4 * warps];
        int[] uout = new int[5 * warps];
        for (int w = 0; w < warps; w++) {
            int s = 0;
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            int a = -1;
            int o = 0;
            int x = 0;
            int umax = 0;
            for (int l = 0; l < 32; l++) {
                int v = in[32 * w + l];
                s += v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
                a &= v;
                o |= v;
                x ^= v;
                umax = Integer.compareUnsigned(umax, v) >= 0 ? umax : v;
            }
            out[4 * w] = s;
            out[4 * w + 1] = lo;
            out[4 * w + 2] = hi;
            out[4 * w + 3] = 1;
            uout[5 * w] = a;
            uout[5 * w + 1] = o;
            uout[5 * w + 2] = x;
            uout[5 * w + 3] = umax;
            uout[5 * w + 4] = 0;
        }
        AllPaths.check(CaseBuilder.of("reduce_sync", "reduce.cu", src).kernel("reduce").launch(Dim3.of(2), Dim3.of(64))
                .in("in", in).out("out", new int[4 * warps], out).out("uout", new int[5 * warps], uout).build(),
                java.util.EnumSet.allOf(AllPaths.Path.class), "", AllPaths.SM80);
    }

    @Test
    void cooperativeGroupsReduce() {
        String src = """
                #include <cooperative_groups.h>
                #include <cooperative_groups/reduce.h>
                namespace cg = cooperative_groups;
                __global__ void cgReduce(const int *in, int *out, float *fout)
                {
                    cg::thread_block block = cg::this_thread_block();
                    cg::thread_block_tile<32> warp = cg::tiled_partition<32>(block);
                    cg::thread_block_tile<8> tile8 = cg::tiled_partition<8>(block);
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    int v = in[i];
                    int sum = cg::reduce(warp, v, cg::plus<int>());
                    int lo = cg::reduce(warp, v, cg::less<int>());
                    int hi = cg::reduce(warp, v, cg::greater<int>());
                    int bits = cg::reduce(tile8, v, cg::bit_or<int>());
                    int ands = cg::reduce(tile8, v | 0x100, cg::bit_and<int>());
                    int xors = cg::reduce(tile8, v, cg::bit_xor<int>());
                    float f = cg::reduce(warp, (float)v * 0.5f, [](float a, float b) { return a + b; });
                    if (warp.thread_rank() == 0) {
                        int w = i / 32;
                        out[3 * w] = sum; out[3 * w + 1] = lo; out[3 * w + 2] = hi; fout[w] = f;
                    }
                    if (tile8.thread_rank() == 0) {
                        int t = i / 8;
                        out[24 + 3 * t] = bits; out[24 + 3 * t + 1] = ands; out[24 + 3 * t + 2] = xors;
                    }
                }
                """;
        int n = 128;
        SplittableRandom r = new SplittableRandom(11);
        int[] in = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(-500, 500);
        }
        int[] out = new int[24 + 3 * (n / 8)];
        float[] fout = new float[n / 32];
        for (int w = 0; w < n / 32; w++) {
            int sum = 0;
            int lo = Integer.MAX_VALUE;
            int hi = Integer.MIN_VALUE;
            for (int l = 0; l < 32; l++) {
                int v = in[32 * w + l];
                sum += v;
                lo = Math.min(lo, v);
                hi = Math.max(hi, v);
            }
            out[3 * w] = sum;
            out[3 * w + 1] = lo;
            out[3 * w + 2] = hi;
            // the butterfly's order of additions (offsets 16, 8, 4, 2, 1) as lane 0 sees it
            float[] lanes = new float[32];
            for (int l = 0; l < 32; l++) {
                lanes[l] = in[32 * w + l] * 0.5f;
            }
            for (int off = 16; off > 0; off /= 2) {
                float[] next = new float[32];
                for (int l = 0; l < 32; l++) {
                    next[l] = lanes[l] + lanes[l ^ off];
                }
                lanes = next;
            }
            fout[w] = lanes[0];
        }
        for (int t = 0; t < n / 8; t++) {
            int bits = 0;
            int ands = -1;
            int xors = 0;
            for (int l = 0; l < 8; l++) {
                int v = in[8 * t + l];
                bits |= v;
                ands &= v | 0x100;
                xors ^= v;
            }
            out[24 + 3 * t] = bits;
            out[24 + 3 * t + 1] = ands;
            out[24 + 3 * t + 2] = xors;
        }
        AllPaths.check(CaseBuilder.of("cg_reduce", "cgreduce.cu", src).kernel("cgReduce").launch(Dim3.of(2), Dim3.of(64))
                .in("in", in).out("out", new int[out.length], out).out("fout", new float[fout.length], fout).build());
    }
}
