package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.BFloat16;
import io.cudawasm.runtime.testing.Binary16;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * PTX's half-precision atomics in the forms nvcc does not emit from CUDA's atomicAdd, through
 * inline PTX on every path (and nvcc's PTX of the same source for compute_90): sm_90's vectors
 * with maximum and minimum ({@code red.global.max.noftz.v8.f16}, {@code atom.global.min.noftz.v4.bf16}),
 * pairs ({@code .v2.f16x2}, {@code .bf16x2}), {@code .f32} vectors, and a reduction into shared
 * memory. Maxima and minima of values without zeros do not depend on the order the threads come
 * in, nor do sums of small integers; checked against the Java references.
 */
class HalfAtomicsPtxTest {
    static final String SOURCE = """
            __global__ void vectors(unsigned short *hmax, unsigned short *bmin, unsigned *pairs, float *f,
                                    unsigned short *sharedOut, const unsigned short *hv, const unsigned short *bv,
                                    const unsigned *pv, const unsigned short *sv, unsigned short *olds)
            {
                __shared__ unsigned short s[4];
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                if (threadIdx.x < 4) s[threadIdx.x] = 0;
                __syncthreads();
                const unsigned short *x = hv + 8 * t;
                asm volatile("red.global.max.noftz.v8.f16 [%0], {%1, %2, %3, %4, %5, %6, %7, %8};"
                             :: "l"(hmax), "h"(x[0]), "h"(x[1]), "h"(x[2]), "h"(x[3]), "h"(x[4]), "h"(x[5]),
                                "h"(x[6]), "h"(x[7]) : "memory");
                const unsigned short *y = bv + 4 * t;
                unsigned short *o = olds + 4 * t;
                asm volatile("atom.global.min.noftz.v4.bf16 {%0, %1, %2, %3}, [%4], {%5, %6, %7, %8};"
                             : "=h"(o[0]), "=h"(o[1]), "=h"(o[2]), "=h"(o[3])
                             : "l"(bmin), "h"(y[0]), "h"(y[1]), "h"(y[2]), "h"(y[3]) : "memory");
                asm volatile("red.global.add.noftz.v2.f16x2 [%0], {%1, %2};"
                             :: "l"(pairs), "r"(pv[3 * t]), "r"(pv[3 * t + 1]) : "memory");
                asm volatile("red.global.add.noftz.bf16x2 [%0], %1;" :: "l"(pairs + 2), "r"(pv[3 * t + 2]) : "memory");
                float a = t, b = 0.5f * t, c = -t;
                asm volatile("red.global.add.v4.f32 [%0], {%1, %2, %3, %4};"
                             :: "l"(f), "f"(a), "f"(b), "f"(c), "f"(2.0f) : "memory");
                asm volatile("red.shared.add.noftz.bf16 [%0], %1;"
                             :: "l"(__cvta_generic_to_shared(&s[threadIdx.x % 4])), "h"(sv[t]) : "memory");
                __syncthreads();
                if (threadIdx.x < 4) sharedOut[blockIdx.x * 4 + threadIdx.x] = s[threadIdx.x];
            }
            """;

    private static final int BLOCKS = 2;
    private static final int THREADS = 64;

    /** A random finite half or bfloat16 (by {@code bits}' layout) that is not a zero. */
    private static short nonZero(SplittableRandom r, short infinity) {
        while (true) {
            short h = (short) r.nextInt(0x10000);
            if ((h & 0x7fff) != 0 && (h & infinity) != infinity) {
                return h;
            }
        }
    }

    @Test
    void vectorsPairsAndSharedMemoryCombineInAnyOrder() {
        int n = BLOCKS * THREADS;
        SplittableRandom r = new SplittableRandom(90);
        short[] hmax = new short[8];
        short[] bmin = new short[4];
        for (int i = 0; i < 8; i++) {
            hmax[i] = i == 3 ? Binary16.NAN : nonZero(r, Binary16.INF); // a NaN gives way to the first value
        }
        for (int i = 0; i < 4; i++) {
            bmin[i] = nonZero(r, BFloat16.INF);
        }
        short[] hmaxOut = hmax.clone();
        short[] bminOut = bmin.clone();
        short[] hv = new short[8 * n];
        short[] bv = new short[4 * n];
        int[] pv = new int[3 * n];
        short[] sv = new short[n];
        int[] pairSums = new int[6];
        float[] f = new float[4];
        int[] sharedSums = new int[BLOCKS * 4];
        for (int t = 0; t < n; t++) {
            for (int i = 0; i < 8; i++) {
                hv[8 * t + i] = nonZero(r, Binary16.INF);
                hmaxOut[i] = Binary16.max(hmaxOut[i], hv[8 * t + i]);
            }
            for (int i = 0; i < 4; i++) {
                bv[4 * t + i] = nonZero(r, BFloat16.INF);
                bminOut[i] = BFloat16.min(bminOut[i], bv[4 * t + i]);
            }
            int[] parts = {t % 3, -(t % 5), t % 4 - 2, 1, t % 2, -(t % 3)};
            for (int i = 0; i < 6; i++) {
                pairSums[i] += parts[i];
                short bits = i < 4 ? Binary16.fromFloat(parts[i]) : BFloat16.fromFloat(parts[i], Binary16.Mode.NEAREST_EVEN);
                pv[3 * t + i / 2] |= (bits & 0xffff) << (16 * (i % 2));
            }
            f[0] += t;
            f[1] += 0.5f * t;
            f[2] -= t;
            f[3] += 2;
            int local = t % THREADS;
            sv[t] = BFloat16.fromFloat(local % 7, Binary16.Mode.NEAREST_EVEN);
            sharedSums[(t / THREADS) * 4 + local % 4] += local % 7;
        }
        short[] pairs = new short[6];
        short[] sharedOut = new short[BLOCKS * 4];
        for (int i = 0; i < 6; i++) {
            pairs[i] = i < 4 ? Binary16.fromFloat(pairSums[i]) : BFloat16.fromFloat(pairSums[i], Binary16.Mode.NEAREST_EVEN);
        }
        for (int i = 0; i < sharedOut.length; i++) {
            sharedOut[i] = BFloat16.fromFloat(sharedSums[i], Binary16.Mode.NEAREST_EVEN);
        }
        AllPaths.check(CaseBuilder.of("half_atomic_vectors", "vectors.cu", SOURCE).kernel("vectors")
                .launch(Dim3.of(BLOCKS), Dim3.of(THREADS)).out("hmax", Binary16.pack(hmax), Binary16.pack(hmaxOut))
                .out("bmin", Binary16.pack(bmin), Binary16.pack(bminOut)).out("pairs", new int[3], Binary16.pack(pairs))
                .out("f", new float[4], f).out("sharedOut", new int[BLOCKS * 2], Binary16.pack(sharedOut))
                .in("hv", Binary16.pack(hv)).in("bv", Binary16.pack(bv)).in("pv", pv).in("sv", Binary16.pack(sv))
                .in("olds", new int[2 * n]).build(), EnumSet.allOf(AllPaths.Path.class), "",
                new Nvcc.Config("compute_90", false));
    }
}
