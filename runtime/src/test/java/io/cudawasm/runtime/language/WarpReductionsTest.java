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
}
