package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * sm_90's bulk reductions ({@code cp.reduce.async.bulk}): each block combines a shared-memory array
 * into a global one, element by element, by addition (unsigned and float), minimum (signed) and
 * exclusive or, on the WebAssembly path from inline PTX and through nvcc's PTX, against Java
 * references of what every block added; a misaligned size stops the kernel.
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
}
