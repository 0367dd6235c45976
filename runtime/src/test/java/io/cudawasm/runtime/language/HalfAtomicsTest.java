package io.cudawasm.runtime.language;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.BFloat16;
import io.cudawasm.runtime.testing.Binary16;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * CUDA's {@code atomicAdd} on {@code __half}, {@code __half2}, {@code __nv_bfloat16} and
 * {@code __nv_bfloat162} on every path (WebAssembly and OpenCL from the source, and nvcc's PTX,
 * whose {@code atom.add.noftz.f16} and friends the PTX front end lowers to the same loop): many
 * threads add small integers into a few neighbouring halves (every partial sum exact, so any order
 * gives the same bits, and a neighbour in the same 32-bit word must survive each exchange), and one
 * thread per element adds a value that rounds, returning the old bits, against the Java references.
 */
class HalfAtomicsTest {
    static final String SOURCE = """
            #include <cuda_fp16.h>
            #include <cuda_bf16.h>

            __global__ void accumulate(half *h, half2 *h2, __nv_bfloat16 *b, __nv_bfloat162 *b2)
            {
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                atomicAdd(&h[t % 6], __int2half_rn(t % 5 - 1));
                atomicAdd(&h2[t % 3], __halves2half2(__int2half_rn(t % 3), __int2half_rn(-(t % 4))));
                atomicAdd(&b[t % 6], __int2bfloat16_rn(t % 3));
                atomicAdd(&b2[t % 3], __halves2bfloat162(__int2bfloat16_rn(t % 2), __int2bfloat16_rn(-(t % 3))));
            }

            // one thread per element: the sum rounds once, and the old bits come back
            __global__ void rounding(half *h, const unsigned short *hv, __nv_bfloat16 *b, const unsigned short *bv,
                                     unsigned short *olds)
            {
                int t = blockIdx.x * blockDim.x + threadIdx.x;
                olds[2 * t] = __half_as_ushort(atomicAdd(&h[t], __ushort_as_half(hv[t])));
                olds[2 * t + 1] = __bfloat16_as_ushort(atomicAdd(&b[t], __ushort_as_bfloat16(bv[t])));
            }
            """;

    private static final int THREADS = 128;

    /**
     * Every path, nvcc's PTX for compute_80 (atom.add.noftz.f16 and .f16x2, bfloat16 through nvcc's
     * loop on atom.cas.b16) and for compute_90 (atom.add.noftz.bf16 and .bf16x2 too).
     */
    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.allOf(AllPaths.Path.class), "", AllPaths.SM80);
        AllPaths.check(c, EnumSet.of(AllPaths.Path.PTX), "", new Nvcc.Config("compute_90", false));
    }

    @Test
    void manyThreadsAddExactSumsIntoNeighbouringHalves() {
        short[] h = new short[6];
        short[] h2 = new short[6];
        short[] b = new short[6];
        short[] b2 = new short[6];
        int[] hs = new int[6];
        int[] h2s = new int[6];
        int[] bs = new int[6];
        int[] b2s = new int[6];
        for (int t = 0; t < THREADS; t++) {
            hs[t % 6] += t % 5 - 1;
            h2s[2 * (t % 3)] += t % 3;
            h2s[2 * (t % 3) + 1] -= t % 4;
            bs[t % 6] += t % 3;
            b2s[2 * (t % 3)] += t % 2;
            b2s[2 * (t % 3) + 1] -= t % 3;
        }
        for (int i = 0; i < 6; i++) {
            h[i] = Binary16.fromFloat(hs[i]);
            h2[i] = Binary16.fromFloat(h2s[i]);
            b[i] = BFloat16.fromFloat(bs[i], Binary16.Mode.NEAREST_EVEN);
            b2[i] = BFloat16.fromFloat(b2s[i], Binary16.Mode.NEAREST_EVEN);
        }
        check(CaseBuilder.of("half_atomic_sums", "atomics.cu", SOURCE).kernel("accumulate")
                .launch(Dim3.of(THREADS / 32), Dim3.of(32)).out("h", new int[3], Binary16.pack(h))
                .out("h2", new int[3], Binary16.pack(h2)).out("b", new int[3], Binary16.pack(b))
                .out("b2", new int[3], Binary16.pack(b2)).build());
    }

    @Test
    void eachSumRoundsOnceAndTheOldValueComesBack() {
        int n = 64;
        short[] h = new short[n];
        short[] hv = new short[n];
        short[] b = new short[n];
        short[] bv = new short[n];
        short[] sumH = new short[n];
        short[] sumB = new short[n];
        short[] olds = new short[2 * n];
        java.util.SplittableRandom r = new java.util.SplittableRandom(16);
        for (int i = 0; i < n; i++) {
            // ties and carries: a value near 1, a small addend
            h[i] = (short) (0x3c00 + r.nextInt(64));
            hv[i] = (short) (i % 8 == 0 ? 0x1000 : 0x1000 + r.nextInt(0x2800)); // 2^-11 (a tie) and others
            b[i] = (short) (0x3f80 + r.nextInt(16));
            bv[i] = (short) (i % 8 == 0 ? 0x3b80 : 0x3b00 + r.nextInt(0x400));
            if (i % 16 == 5) {
                hv[i] = (short) 0x7c00; // infinity
                bv[i] = (short) 0xff80;
            }
            sumH[i] = Binary16.add(h[i], hv[i]);
            sumB[i] = BFloat16.add(b[i], bv[i]);
            olds[2 * i] = h[i];
            olds[2 * i + 1] = b[i];
        }
        check(CaseBuilder.of("half_atomic_rounding", "atomics.cu", SOURCE).kernel("rounding")
                .launch(Dim3.of(n / 32), Dim3.of(32)).out("h", Binary16.pack(h), Binary16.pack(sumH))
                .in("hv", Binary16.pack(hv)).out("b", Binary16.pack(b), Binary16.pack(sumB))
                .in("bv", Binary16.pack(bv)).out("olds", new int[n], Binary16.pack(olds)).build());
    }

    /** The CUDA C the compiler emits for NVRTC (the header's loop on the 32-bit word) compiles with nvcc. */
    @Test
    void theEmittedCudaIsTheCompareAndSwapLoopAndNvccCompilesIt() {
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(
                AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("atomics.cu", SOURCE)).cuda(), "compute_80");
        org.junit.jupiter.api.Assertions.assertTrue(ptx.contains("atom.global.cas.b32") || ptx.contains("atom.cas.b32"),
                ptx);
    }
}
