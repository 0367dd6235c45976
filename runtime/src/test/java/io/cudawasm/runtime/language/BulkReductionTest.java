package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.BFloat16;
import io.cudawasm.runtime.testing.Binary16;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * sm_90's bulk reductions ({@code cp.reduce.async.bulk}): each block combines a shared-memory array
 * into a global one, element by element, by addition (unsigned and float), minimum (signed) and
 * exclusive or, and half-precision elements ({@code .add.noftz.f16}, {@code .add.noftz.bf16},
 * {@code .max.f16}, {@code .min.bf16}), on the WebAssembly path from inline PTX and through nvcc's
 * PTX, against Java references of what every block added; a misaligned size stops the kernel.
 */
class BulkReductionTest {
    static final String SOURCE = """
            __global__ void reduceBlocks(unsigned *sums, float *fsums, int *mins, unsigned long long *bits, int bytes)
            {
                __shared__ __align__(16) unsigned s[64];
                __shared__ __align__(16) float f[64];
                __shared__ __align__(16) int m[64];
                __shared__ __align__(16) unsigned long long x[64];
                unsigned t = threadIdx.x;
                s[t] = t * (blockIdx.x + 1);
                f[t] = t * 0.5f + blockIdx.x;
                m[t] = (int)((t * 37 + blockIdx.x * 11) % 100) - 50;
                x[t] = (unsigned long long)(t + 1) << (blockIdx.x * 8);
                asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                __syncthreads();
                if (t == 0) {
                    asm volatile("cp.reduce.async.bulk.global.shared::cta.bulk_group.add.u32 [%0], [%1], %2;"
                                 :: "l"(sums), "r"((unsigned)__cvta_generic_to_shared(s)), "r"(bytes) : "memory");
                    asm volatile("cp.reduce.async.bulk.global.shared::cta.bulk_group.add.f32 [%0], [%1], 256;"
                                 :: "l"(fsums), "r"((unsigned)__cvta_generic_to_shared(f)) : "memory");
                    asm volatile("cp.reduce.async.bulk.global.shared::cta.bulk_group.min.s32 [%0], [%1], 256;"
                                 :: "l"(mins), "r"((unsigned)__cvta_generic_to_shared(m)) : "memory");
                    asm volatile("cp.reduce.async.bulk.global.shared::cta.bulk_group.xor.b64 [%0], [%1], 512;"
                                 :: "l"(bits), "r"((unsigned)__cvta_generic_to_shared(x)) : "memory");
                    asm volatile("cp.async.bulk.commit_group;\\n\\tcp.async.bulk.wait_group 0;" ::: "memory");
                }
            }
            """;

    private static final int BLOCKS = 5;

    private static void check(CompileResult compiled) {
        try (KernelHarness h = KernelHarness.of(compiled, 2)) {
            DeviceBuffer sums = h.buffer(new int[64]);
            DeviceBuffer fsums = h.buffer(new float[64]);
            int[] startMins = new int[64];
            java.util.Arrays.fill(startMins, 1000);
            DeviceBuffer mins = h.buffer(startMins);
            DeviceBuffer bits = h.buffer(new long[64]);
            h.launch("reduceBlocks", Dim3.of(BLOCKS), Dim3.of(64), sums, fsums, mins, bits, 256);
            int[] s = new int[64];
            float[] f = new float[64];
            int[] m = new int[64];
            long[] x = new long[64];
            java.util.Arrays.fill(m, 1000);
            for (int b = 0; b < BLOCKS; b++) {
                for (int t = 0; t < 64; t++) {
                    s[t] += t * (b + 1);
                    f[t] += t * 0.5f + b; // exact: every partial sum is a multiple of 0.5 below 2^23
                    m[t] = Math.min(m[t], (t * 37 + b * 11) % 100 - 50);
                    x[t] ^= (long) (t + 1) << (b * 8);
                }
            }
            assertArrayEquals(s, h.ints(sums));
            assertArrayEquals(f, h.floats(fsums));
            assertArrayEquals(m, h.ints(mins));
            assertArrayEquals(x, h.longs(bits));
            // a size that is no multiple of 16 stops the kernel at the instruction
            LaunchException e = org.junit.jupiter.api.Assertions.assertThrows(LaunchException.class,
                    () -> h.launch("reduceBlocks", Dim3.of(1), Dim3.of(64), sums, fsums, mins, bits, 20));
            org.junit.jupiter.api.Assertions.assertEquals(io.cudawasm.runtime.launch.LaunchFailure.TRAP, e.failure(),
                    e.getMessage());
        }
    }

    @Test
    void blocksCombineTheirSharedArraysIntoGlobalMemoryFromInlinePtx() {
        check(AllPaths.compile(CompileRequest.of("reduce.cu", SOURCE)));
    }

    @Test
    void blocksCombineTheirSharedArraysIntoGlobalMemoryThroughNvccsPtx() {
        check(AllPaths.compile(CompileRequest.of("reduce.ptx", Nvcc.ptx(SOURCE, new Nvcc.Config("compute_90", false),
                List.of()))));
    }

    static final String HALVES = """
            #include <cuda_fp16.h>
            #include <cuda_bf16.h>
            #define REDUCE(OP, DST, SRC, BYTES) \\
                asm volatile("cp.reduce.async.bulk.global.shared::cta.bulk_group." OP " [%0], [%1], %2;" \\
                             :: "l"(DST), "r"((unsigned)__cvta_generic_to_shared(SRC)), "n"(BYTES) : "memory")

            __global__ void reduceHalves(half *sums, __nv_bfloat16 *bsums, half *rounded, __nv_bfloat16 *brounded,
                                         half *maxs, __nv_bfloat16 *mins, const unsigned short *hv,
                                         const unsigned short *bv)
            {
                __shared__ __align__(16) half h[64];
                __shared__ __align__(16) __nv_bfloat16 b[64];
                __shared__ __align__(16) half hx[64];
                __shared__ __align__(16) __nv_bfloat16 bx[64];
                unsigned t = threadIdx.x;
                h[t] = __int2half_rn((int)(t % 9) - 4 + (int)blockIdx.x);
                b[t] = __int2bfloat16_rn((int)(t % 5) - 2 + (int)blockIdx.x);
                hx[t] = __ushort_as_half(hv[blockIdx.x * 64 + t]);
                bx[t] = __ushort_as_bfloat16(bv[blockIdx.x * 64 + t]);
                asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                __syncthreads();
                if (t == 0) {
                    REDUCE("add.noftz.f16", sums, h, 128);
                    REDUCE("add.noftz.bf16", bsums, b, 128);
                    REDUCE("max.f16", maxs, hx, 128);
                    REDUCE("min.bf16", mins, bx, 128);
                    if (blockIdx.x == 0) { // one block: a sum that rounds, in a known order
                        REDUCE("add.noftz.f16", rounded, hx, 128);
                        REDUCE("add.noftz.bf16", brounded, bx, 128);
                    }
                    asm volatile("cp.async.bulk.commit_group;\\n\\tcp.async.bulk.wait_group 0;" ::: "memory");
                }
            }
            """;

    private static void checkHalves(CompileResult compiled) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(7);
        short[] hv = new short[BLOCKS * 64];
        short[] bv = new short[BLOCKS * 64];
        for (int i = 0; i < hv.length; i++) {
            hv[i] = nonZero(r, Binary16.INF);
            bv[i] = nonZero(r, BFloat16.INF);
        }
        short[] rounded = new short[64];
        short[] brounded = new short[64];
        short[] maxs = new short[64];
        short[] mins = new short[64];
        for (int t = 0; t < 64; t++) {
            rounded[t] = (short) (0x3c00 + r.nextInt(1024)); // in [1, 2): an addend's low bits round away
            brounded[t] = (short) (0x3f80 + r.nextInt(128));
            maxs[t] = Binary16.fromFloat(-60000f);
            mins[t] = BFloat16.fromFloat(1e30f, Binary16.Mode.NEAREST_EVEN);
        }
        try (KernelHarness h = KernelHarness.of(compiled, 2)) {
            DeviceBuffer sums = h.buffer(new int[32]);
            DeviceBuffer bsums = h.buffer(new int[32]);
            DeviceBuffer roundedBuf = h.buffer(Binary16.pack(rounded));
            DeviceBuffer broundedBuf = h.buffer(Binary16.pack(brounded));
            DeviceBuffer maxsBuf = h.buffer(Binary16.pack(maxs));
            DeviceBuffer minsBuf = h.buffer(Binary16.pack(mins));
            h.launch("reduceHalves", Dim3.of(BLOCKS), Dim3.of(64), sums, bsums, roundedBuf, broundedBuf, maxsBuf, minsBuf,
                    h.buffer(Binary16.pack(hv)), h.buffer(Binary16.pack(bv)));
            short[] s = new short[64];
            short[] bs = new short[64];
            for (int t = 0; t < 64; t++) {
                int sum = 0;
                int bsum = 0;
                for (int b = 0; b < BLOCKS; b++) {
                    sum += t % 9 - 4 + b; // small integers: exact in any order
                    bsum += t % 5 - 2 + b;
                    maxs[t] = Binary16.max(maxs[t], hv[b * 64 + t]); // no zeros: any order gives the same
                    mins[t] = BFloat16.min(mins[t], bv[b * 64 + t]);
                }
                s[t] = Binary16.fromFloat(sum);
                bs[t] = BFloat16.fromFloat(bsum, Binary16.Mode.NEAREST_EVEN);
                rounded[t] = Binary16.add(rounded[t], hv[t]);
                brounded[t] = BFloat16.add(brounded[t], bv[t]);
            }
            assertArrayEquals(Binary16.pack(s), h.ints(sums));
            assertArrayEquals(Binary16.pack(bs), h.ints(bsums));
            assertArrayEquals(Binary16.pack(rounded), h.ints(roundedBuf));
            assertArrayEquals(Binary16.pack(brounded), h.ints(broundedBuf));
            assertArrayEquals(Binary16.pack(maxs), h.ints(maxsBuf));
            assertArrayEquals(Binary16.pack(mins), h.ints(minsBuf));
        }
    }

    /** A random finite half or bfloat16 (as {@code infinity} says) that is not a zero. */
    private static short nonZero(java.util.SplittableRandom r, short infinity) {
        while (true) {
            short v = (short) r.nextInt(0x10000);
            if ((v & 0x7fff) != 0 && (v & infinity) != infinity) {
                return v;
            }
        }
    }

    @Test
    void halfPrecisionElementsAddRoundedAndTakeMinimaFromInlinePtx() {
        checkHalves(AllPaths.compile(CompileRequest.of("halves.cu", HALVES)));
    }

    @Test
    void halfPrecisionElementsAddRoundedAndTakeMinimaThroughNvccsPtx() {
        checkHalves(AllPaths.compile(CompileRequest.of("halves.ptx", Nvcc.ptx(HALVES,
                new Nvcc.Config("compute_90", false), List.of()))));
    }
}
