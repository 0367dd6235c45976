package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Inline PTX assembly in CUDA C ({@code asm("..." : outputs : inputs : clobbers)}), lowered by the
 * PTX front end's instruction families: each kernel on the WebAssembly path, OpenCL (PoCL) and
 * through nvcc's PTX (where nvcc keeps the asm as written), against a Java reference; and what is
 * refused, at the asm statement's line and column with the instruction's name.
 */
class InlinePtxTest {

    @Test
    void specialRegistersAsTheSamplesReadThem() {
        String src = """
                __device__ unsigned lanemask_lt() {
                    unsigned m;
                    asm("mov.u32 %0, %%lanemask_lt;" : "=r"(m));
                    return m;
                }
                __global__ void lanes(int *d, unsigned *masks, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) {
                        unsigned int laneid;
                        asm("mov.u32 %0, %%laneid;" : "=r"(laneid));
                        d[i] = laneid;
                        masks[i] = lanemask_lt();
                    }
                }
                """;
        int n = 200;
        int[] lanes = new int[n];
        int[] masks = new int[n];
        for (int i = 0; i < n; i++) {
            lanes[i] = i % 32;
            masks[i] = (1 << (i % 32)) - 1;
        }
        AllPaths.check(CaseBuilder.of("asm_special_registers", "lanes.cu", src).kernel("lanes")
                .launch(Dim3.of(4), Dim3.of(64)).out("d", new int[n], lanes).out("masks", new int[n], masks)
                .scalar(n).build());
    }

    @Test
    void bitInstructionsWithRegisterAndImmediateOperands() {
        String src = """
                __global__ void bits(const unsigned *x, const unsigned *y, unsigned *out)
                {
                    int i = threadIdx.x;
                    unsigned a = x[i], b = y[i], r;
                    asm volatile("bfind.u32 %0, %1;" : "=r"(r) : "r"(a));
                    out[8 * i] = r;
                    asm("brev.b32 %0, %1;" : "=r"(r) : "r"(a));
                    out[8 * i + 1] = r;
                    asm("prmt.b32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "n"(0x5140));
                    out[8 * i + 2] = r;
                    asm("lop3.b32 %0, %1, %2, %3, 0xE8;" : "=r"(r) : "r"(a), "r"(b), "r"(a ^ b));
                    out[8 * i + 3] = r;
                    asm("shf.l.wrap.b32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(i));
                    out[8 * i + 4] = r;
                    asm("mad.lo.u32 %0, %1, %2, %3;" : "=r"(r) : "r"(a), "r"(b), "r"(7u));
                    out[8 * i + 5] = r;
                    r = a;
                    asm("add.u32 %0, %0, %1;" : "+r"(r) : "r"(b));
                    out[8 * i + 6] = r;
                    asm("sub.u32 %0, %1, %2;" : "=r"(r) : "r"(b), "r"(a));
                    out[8 * i + 7] = r;
                }
                """;
        int n = 32;
        SplittableRandom rnd = new SplittableRandom(7);
        int[] x = new int[n];
        int[] y = new int[n];
        int[] expected = new int[8 * n];
        for (int i = 0; i < n; i++) {
            x[i] = i == 0 ? 0 : i == 1 ? 1 : rnd.nextInt();
            y[i] = rnd.nextInt();
            int a = x[i];
            int b = y[i];
            expected[8 * i] = a == 0 ? -1 : 31 - Integer.numberOfLeadingZeros(a);
            expected[8 * i + 1] = Integer.reverse(a);
            expected[8 * i + 2] = LowLevelCTest.bytePerm(a, b, 0x5140);
            int c = a ^ b;
            expected[8 * i + 3] = (a & b) | (a & c) | (b & c); // 0xE8: majority
            expected[8 * i + 4] = LowLevelCTest.funnel(a, b, i, true, false);
            expected[8 * i + 5] = a * b + 7;
            expected[8 * i + 6] = a + b;
            expected[8 * i + 7] = b - a;
        }
        AllPaths.check(CaseBuilder.of("asm_bits", "bits.cu", src).kernel("bits").launch(Dim3.of(1), Dim3.of(n))
                .in("x", x).in("y", y).out("out", new int[8 * n], expected).build());
    }

    @Test
    void everyConstraintWidth() {
        String src = """
                __global__ void widths(const long long *w, const float *f, const double *d, long long *lo, float *fo,
                        double *dout, int *so)
                {
                    int i = threadIdx.x;
                    unsigned long long hi;
                    asm("mul.hi.u64 %0, %1, %2;" : "=l"(hi) : "l"(w[i]), "l"(w[i + 1]));
                    lo[i] = hi;
                    float r;
                    asm("fma.rn.f32 %0, %1, %2, %3;" : "=f"(r) : "f"(f[i]), "f"(f[i + 1]), "f"(1.5f));
                    fo[i] = r;
                    double s;
                    asm("{\\n\\t.reg .f64 t;\\n\\tmul.rn.f64 t, %1, %1;\\n\\tsub.rn.f64 %0, t, %2;\\n\\t}"
                        : "=d"(s) : "d"(d[i]), "d"(d[i + 1]));
                    dout[i] = s;
                    unsigned short h = (unsigned short)(i * 1000);
                    asm("add.u16 %0, %0, %1;" : "+h"(h) : "h"((unsigned short)60000));
                    so[i] = h;
                }
                """;
        int n = 16;
        SplittableRandom rnd = new SplittableRandom(11);
        long[] w = new long[n + 1];
        float[] f = new float[n + 1];
        double[] d = new double[n + 1];
        for (int i = 0; i <= n; i++) {
            w[i] = rnd.nextLong();
            f[i] = (float) rnd.nextDouble(-4, 4);
            d[i] = rnd.nextDouble(-100, 100);
        }
        long[] lo = new long[n];
        float[] fo = new float[n];
        double[] dout = new double[n];
        int[] so = new int[n];
        for (int i = 0; i < n; i++) {
            lo[i] = Math.multiplyHigh(w[i], w[i + 1]) + ((w[i] >> 63) & w[i + 1]) + ((w[i + 1] >> 63) & w[i]);
            fo[i] = Math.fma(f[i], f[i + 1], 1.5f);
            dout[i] = d[i] * d[i] - d[i + 1];
            so[i] = (i * 1000 + 60000) & 0xFFFF;
        }
        AllPaths.check(CaseBuilder.of("asm_widths", "widths.cu", src).kernel("widths").launch(Dim3.of(1), Dim3.of(n))
                .in("w", w).in("f", f).in("d", d).out("lo", new long[n], lo).out("fo", new float[n], fo)
                .out("dout", new double[n], dout).out("so", new int[n], so).build());
    }

    @Test
    void loadsAndStoresGoThroughTheCheckedMemoryPath() {
        String src = """
                __global__ void copy(const float *in, float *out, int n)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    if (i < n) {
                        float v;
                        asm("ld.global.nc.f32 %0, [%1];" : "=f"(v) : "l"(in + i));
                        asm volatile("st.global.f32 [%0+4], %1;" :: "l"(out + i - 1), "f"(v * 2.0f) : "memory");
                    }
                }
                """;
        int n = 100;
        float[] in = new float[n];
        float[] expected = new float[n];
        for (int i = 0; i < n; i++) {
            in[i] = i * 0.5f - 7;
            expected[i] = in[i] * 2;
        }
        AllPaths.check(CaseBuilder.of("asm_memory", "copy.cu", src).kernel("copy").launch(Dim3.of(2), Dim3.of(64))
                .in("in", in).out("out", new float[n], expected).scalar(n).build());
    }

    @Test
    void vectorBytesAndOrderedAccessesAsSamplesWriteThem() {
        // conjugateGradientMultiDeviceCG's flag accesses: a byte loaded into a 32-bit register with
        // .acquire, stored with .release, operands without a comma between them (nvcc takes that)
        String src = """
                __global__ void flags(const unsigned char *in, unsigned char *out, const float4 *v, float *sums)
                {
                    int i = threadIdx.x;
                    unsigned int flag;
                    asm volatile("ld.acquire.sys.global.u8 %0, [%1];" : "=r"(flag) : "l"(in + i) : "memory");
                    unsigned int next = flag + 1;
                    asm volatile("st.release.sys.global.u8 [%1], %0;" ::"r"(next) "l"(out + i) : "memory");
                    float a, b, c, d;
                    asm("ld.global.nc.v4.f32 {%0, %1, %2, %3}, [%4];" : "=f"(a), "=f"(b), "=f"(c), "=f"(d) : "l"(v + i));
                    sums[i] = a + b + c + d;
                }
                """;
        int n = 64;
        byte[] in = new byte[n];
        byte[] out = new byte[n];
        float[] v = new float[4 * n];
        float[] sums = new float[n];
        for (int i = 0; i < n; i++) {
            in[i] = (byte) (i * 7 + 250);
            out[i] = (byte) ((in[i] & 0xFF) + 1);
            for (int k = 0; k < 4; k++) {
                v[4 * i + k] = i * 0.25f + k;
            }
            sums[i] = v[4 * i] + v[4 * i + 1] + v[4 * i + 2] + v[4 * i + 3];
        }
        AllPaths.check(CaseBuilder.of("asm_flags", "flags.cu", src).kernel("flags").launch(Dim3.of(1), Dim3.of(n))
                .in("in", in).out("out", new byte[n], out).in("v", v).out("sums", new float[n], sums).build());
    }

    @Test
    void anInlineLoadOutOfBoundsFailsTheLaunchAtTheAsmStatement() {
        String src = """
                __global__ void peek(int *a, long long offset)
                {
                    int v;
                    asm("ld.global.u32 %0, [%1];" : "=r"(v) : "l"(a + offset));
                    a[0] = v;
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer a = h.buffer(new int[] {5, 6, 7, 8});
            h.launch("peek", Dim3.of(1), Dim3.of(1), a, 3L);
            assertEquals(8, h.ints(a)[0]);
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("peek", Dim3.of(1), Dim3.of(1), a, 1L << 20));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("test.cu:4"), e.getMessage());
        }
    }

    @Test
    void carryChainsAddSubtractAndMultiplyWideIntegers() {
        String src = """
                __global__ void wide(const unsigned *a, const unsigned *b, unsigned *sum, unsigned *diff,
                        unsigned long long *prod, unsigned *split)
                {
                    int i = threadIdx.x;
                    const unsigned *x = a + 4 * i, *y = b + 4 * i;
                    unsigned s0, s1, s2, s3;
                    asm("add.cc.u32 %0, %4, %8;\\n\\t"
                        "addc.cc.u32 %1, %5, %9;\\n\\t"
                        "addc.cc.u32 %2, %6, %10;\\n\\t"
                        "addc.u32 %3, %7, %11;"
                        : "=r"(s0), "=r"(s1), "=r"(s2), "=r"(s3)
                        : "r"(x[0]), "r"(x[1]), "r"(x[2]), "r"(x[3]), "r"(y[0]), "r"(y[1]), "r"(y[2]), "r"(y[3]));
                    sum[4 * i] = s0; sum[4 * i + 1] = s1; sum[4 * i + 2] = s2; sum[4 * i + 3] = s3;
                    unsigned long long d0, d1;
                    asm("sub.cc.u64 %0, %2, %4;\\n\\tsubc.u64 %1, %3, %5;"
                        : "=l"(d0), "=l"(d1)
                        : "l"(((unsigned long long)x[1] << 32) | x[0]), "l"(((unsigned long long)x[3] << 32) | x[2]),
                          "l"(((unsigned long long)y[1] << 32) | y[0]), "l"(((unsigned long long)y[3] << 32) | y[2]));
                    diff[4 * i] = (unsigned)d0; diff[4 * i + 1] = (unsigned)(d0 >> 32);
                    diff[4 * i + 2] = (unsigned)d1; diff[4 * i + 3] = (unsigned)(d1 >> 32);
                    unsigned long long p0, p1, acc = x[3];
                    // 64x64 -> 128: low word, then the high word with the carry of adding acc to the low word
                    asm("mad.lo.cc.u64 %0, %2, %3, %4;\\n\\tmadc.hi.u64 %1, %2, %3, 0;"
                        : "=l"(p0), "=l"(p1)
                        : "l"(((unsigned long long)x[1] << 32) | x[0]), "l"(((unsigned long long)y[1] << 32) | y[0]),
                          "l"(acc));
                    prod[2 * i] = p0; prod[2 * i + 1] = p1;
                    // a chain split over two statements: the carry flag is the function's
                    unsigned lo, hi;
                    asm("add.cc.u32 %0, %1, %2;" : "=r"(lo) : "r"(x[0]), "r"(y[0]));
                    asm("addc.u32 %0, %1, %2;" : "=r"(hi) : "r"(x[1]), "r"(y[1]));
                    split[2 * i] = lo; split[2 * i + 1] = hi;
                }
                """;
        int n = 32;
        SplittableRandom rnd = new SplittableRandom(128);
        int[] a = new int[4 * n];
        int[] b = new int[4 * n];
        for (int i = 0; i < 4 * n; i++) {
            // carries and borrows in every position: all-ones and zero limbs among random ones
            a[i] = i % 7 == 0 ? -1 : i % 5 == 0 ? 0 : rnd.nextInt();
            b[i] = i % 3 == 0 ? -1 : i % 11 == 0 ? 0 : rnd.nextInt();
        }
        int[] sum = new int[4 * n];
        int[] diff = new int[4 * n];
        long[] prod = new long[2 * n];
        int[] split = new int[2 * n];
        java.math.BigInteger two128 = java.math.BigInteger.ONE.shiftLeft(128);
        for (int i = 0; i < n; i++) {
            java.math.BigInteger x = limbs(a, 4 * i);
            java.math.BigInteger y = limbs(b, 4 * i);
            java.math.BigInteger s = x.add(y).mod(two128);
            java.math.BigInteger d = x.subtract(y).mod(two128);
            for (int k = 0; k < 4; k++) {
                sum[4 * i + k] = s.shiftRight(32 * k).intValue();
                diff[4 * i + k] = d.shiftRight(32 * k).intValue();
            }
            java.math.BigInteger x64 = limbs(a, 4 * i).mod(java.math.BigInteger.ONE.shiftLeft(64));
            java.math.BigInteger y64 = limbs(b, 4 * i).mod(java.math.BigInteger.ONE.shiftLeft(64));
            java.math.BigInteger p = x64.multiply(y64).add(java.math.BigInteger.valueOf(Integer.toUnsignedLong(a[4 * i + 3])))
                    .mod(two128);
            prod[2 * i] = p.longValue();
            prod[2 * i + 1] = p.shiftRight(64).longValue();
            split[2 * i] = sum[4 * i];
            split[2 * i + 1] = x.add(y).shiftRight(32).intValue();
        }
        checkWithEmittedCuda(CompileRequest.of("wide.cu", src), r -> CaseBuilder.of("asm_carry", r).kernel("wide")
                .launch(Dim3.of(1), Dim3.of(n)).in("a", a).in("b", b).out("sum", new int[4 * n], sum)
                .out("diff", new int[4 * n], diff).out("prod", new long[2 * n], prod)
                .out("split", new int[2 * n], split).build());
    }

    /**
     * Every path, and the CUDA back end's: the CUDA C emitted for the kernel (the snippet in its
     * lowered form, not the asm as written) compiled by nvcc, its PTX run against the same reference.
     */
    private static void checkWithEmittedCuda(CompileRequest source, Function<CompileRequest, KernelCase> kernelCase) {
        AllPaths.check(kernelCase.apply(source));
        CudaProgram cuda = AllPaths.compile(source).cuda();
        assertFalse(java.util.regex.Pattern.compile("\\basm\\s*(\\(|volatile)").matcher(cuda.source()).find(), cuda.source());
        String ptx = new PtxCompiler(null).compileWithNvcc(cuda, "compute_75");
        AllPaths.check(kernelCase.apply(CompileRequest.of(source.fileName() + ".emitted.ptx", ptx)),
                EnumSet.of(AllPaths.Path.WASM), "");
    }

    private static java.math.BigInteger limbs(int[] a, int at) {
        java.math.BigInteger v = java.math.BigInteger.ZERO;
        for (int k = 3; k >= 0; k--) {
            v = v.shiftLeft(32).or(java.math.BigInteger.valueOf(Integer.toUnsignedLong(a[at + k])));
        }
        return v;
    }

    @Test
    void predicatesScopesLabelsAndBranchesInsideASnippet() {
        String src = """
                __device__ int absolute(int x) {
                    int r;
                    asm("{\\n\\t.reg .pred p;\\n\\tsetp.lt.s32 p, %1, 0;\\n\\tmov.s32 %0, %1;\\n\\t@p neg.s32 %0, %1;\\n\\t}"
                        : "=r"(r) : "r"(x));
                    return r;
                }
                __global__ void flow(const int *in, int *out)
                {
                    int i = threadIdx.x;
                    int v = in[i];
                    out[3 * i] = absolute(v) + absolute(-v);
                    unsigned steps;
                    // Collatz steps of |v| % 1000 + 1: a loop with labels and a conditional branch out of it
                    asm("{\\n"
                        "  .reg .pred done, odd;\\n"
                        "  .reg .u32 t;\\n"
                        "  mov.u32 t, %1;\\n"
                        "  mov.u32 %0, 0;\\n"
                        "LOOP:\\n"
                        "  setp.le.u32 done, t, 1;\\n"
                        "  @done bra END;\\n"
                        "  and.b32 %0, %0, 0xFFFFFFFF;\\n"
                        "  add.u32 %0, %0, 1;\\n"
                        "  and.b32 t, t, t;\\n"
                        "  {\\n"
                        "    .reg .u32 low;\\n"
                        "    and.b32 low, t, 1;\\n"
                        "    setp.eq.u32 odd, low, 1;\\n"
                        "  }\\n"
                        "  @odd mad.lo.u32 t, t, 3, 1;\\n"
                        "  @!odd shr.u32 t, t, 1;\\n"
                        "  bra.uni LOOP;\\n"
                        "END:\\n"
                        "}"
                        : "=r"(steps) : "r"(abs(v) % 1000 + 1));
                    out[3 * i + 1] = steps;
                    int c = 0;
                    asm("{ .reg .pred q; setp.gt.s32 q, %1, 100; selp.s32 %0, 1, 2, q; }" : "=r"(c) : "r"(v));
                    out[3 * i + 2] = c;
                }
                """;
        int n = 64;
        SplittableRandom rnd = new SplittableRandom(3);
        int[] in = new int[n];
        int[] expected = new int[3 * n];
        for (int i = 0; i < n; i++) {
            in[i] = rnd.nextInt(-5000, 5000);
            expected[3 * i] = 2 * Math.abs(in[i]);
            long t = Math.abs(in[i]) % 1000 + 1;
            int steps = 0;
            while (t > 1) {
                steps++;
                t = (t & 1) == 1 ? 3 * t + 1 : t >> 1;
            }
            expected[3 * i + 1] = steps;
            expected[3 * i + 2] = in[i] > 100 ? 1 : 2;
        }
        checkWithEmittedCuda(CompileRequest.of("flow.cu", src), r -> CaseBuilder.of("asm_flow", r).kernel("flow")
                .launch(Dim3.of(1), Dim3.of(n)).in("in", in).out("out", new int[3 * n], expected).build());
    }

    /** Sum of absolute byte differences plus c, as {@code vabsdiff4.u32.u32.u32.add} computes it. */
    static int sad4(int a, int b, int c) {
        int s = c;
        for (int k = 0; k < 4; k++) {
            s += Math.abs(((a >>> (8 * k)) & 0xFF) - ((b >>> (8 * k)) & 0xFF));
        }
        return s;
    }

    @Test
    void byteSimdVideoInstructions() {
        String src = """
                __global__ void video(const unsigned *x, const unsigned *y, unsigned *out)
                {
                    int i = threadIdx.x;
                    unsigned r;
                    asm("vabsdiff4.u32.u32.u32.add %0, %1, %2, %3;" : "=r"(r) : "r"(x[i]), "r"(y[i]), "r"(i));
                    out[4 * i] = r;
                    asm("vmax4.u32.u32.u32 %0, %1, %2, 0;" : "=r"(r) : "r"(x[i]), "r"(y[i]));
                    out[4 * i + 1] = r;
                    asm("vadd4.s32.s32.s32.sat %0, %1, %2, 0;" : "=r"(r) : "r"(x[i]), "r"(y[i]));
                    out[4 * i + 2] = r;
                    asm("vsub4.u32.u32.u32 %0, %1, %2, 0;" : "=r"(r) : "r"(x[i]), "r"(y[i]));
                    out[4 * i + 3] = r;
                }
                """;
        int n = 32;
        SplittableRandom rnd = new SplittableRandom(4);
        int[] x = new int[n];
        int[] y = new int[n];
        int[] expected = new int[4 * n];
        for (int i = 0; i < n; i++) {
            x[i] = i == 0 ? 0x7F80FF01 : rnd.nextInt();
            y[i] = i == 0 ? 0x7F80FF01 ^ 0x01808080 : rnd.nextInt();
            expected[4 * i] = sad4(x[i], y[i], i);
            int max = 0;
            int sat = 0;
            int sub = 0;
            for (int k = 0; k < 4; k++) {
                int ua = (x[i] >>> (8 * k)) & 0xFF;
                int ub = (y[i] >>> (8 * k)) & 0xFF;
                int sa = (byte) ua;
                int sb = (byte) ub;
                max |= Math.max(ua, ub) << (8 * k);
                sat |= (Math.max(-128, Math.min(127, sa + sb)) & 0xFF) << (8 * k);
                sub |= ((ua - ub) & 0xFF) << (8 * k);
            }
            expected[4 * i + 1] = max;
            expected[4 * i + 2] = sat;
            expected[4 * i + 3] = sub;
        }
        checkWithEmittedCuda(CompileRequest.of("video.cu", src), r -> CaseBuilder.of("asm_video", r).kernel("video")
                .launch(Dim3.of(1), Dim3.of(n)).in("x", x).in("y", y).out("out", new int[4 * n], expected).build());
    }

    @Test
    void basicAsmWithoutOperands() {
        String src = """
                __global__ void fenced(int *a)
                {
                    a[threadIdx.x] = threadIdx.x;
                    asm volatile("membar.gl;");
                    __asm__ __volatile__("bar.sync 0;" ::: "memory");
                    int next = a[(threadIdx.x + 1) % blockDim.x];
                    __asm volatile ("bar.sync 0;");
                    asm volatile("" ::: "memory");        // the compiler-barrier idiom: an empty template
                    asm volatile("" : "+r"(next));        // and one that only pins a value
                    a[threadIdx.x] += next;
                }
                """;
        int n = 64;
        int[] expected = new int[n];
        for (int i = 0; i < n; i++) {
            expected[i] = i + (i + 1) % n;
        }
        AllPaths.check(CaseBuilder.of("asm_basic", "fenced.cu", src).kernel("fenced").launch(Dim3.of(1), Dim3.of(n))
                .out("a", new int[n], expected).build());
    }

    // ------------------------------------------------------------------ refusals

    private static void refusedAt(String source, int line, int column, String... fragments) {
        CompileException e = AllPaths.refuses(source, fragments[0]);
        Diagnostic d = e.first();
        for (String f : fragments) {
            assertTrue(d.message().contains(f), () -> "expected '" + f + "' in: " + d.message());
        }
        assertEquals("refused.cu", d.file(), e.getMessage());
        assertEquals(line, d.line(), e.getMessage());
        assertEquals(column, d.column(), e.getMessage());
    }

    /**
     * {@code ret} and {@code exit} in a kernel's inline assembly, guarded or not: the thread ends
     * right there; the others go on.
     */
    @Test
    void retAndExitInsideAKernelsSnippetEndTheThread() {
        String src = """
                __global__ void k(int *a, int *b, int n) {
                    int i = threadIdx.x;
                    asm("{ .reg .pred p; setp.eq.s32 p, %0, 3; @p ret; }" :: "r"(i));
                    a[i] = 1;
                    asm("{ .reg .pred q; setp.ge.s32 q, %0, %1; @q exit; }" :: "r"(i), "r"(n));
                    b[i] = 2;
                    asm("exit;");
                    b[i] = 3;
                }
                """;
        int threads = 32;
        int n = 20;
        int[] a = new int[threads];
        int[] b = new int[threads];
        for (int i = 0; i < threads; i++) {
            a[i] = i == 3 ? 0 : 1;
            b[i] = i < n && i != 3 ? 2 : 0;
        }
        AllPaths.check(CaseBuilder.of("asm_ret_exit", "ret_exit.cu", src).kernel("k").launch(Dim3.of(1), Dim3.of(threads))
                .out("a", new int[threads], a).out("b", new int[threads], b).scalar(n).build(),
                EnumSet.allOf(AllPaths.Path.class), "");
    }

    @Test
    void whatThePtxFrontEndDoesNotSupportIsRefusedAtTheAsmStatementByName() {
        refusedAt("""
                __global__ void k(float *a) {
                    float v;
                      asm("tex.1d.v4.f32.s32 {%0, %0, %0, %0}, [t, {%1}];" : "=f"(v) : "r"(1));
                    a[0] = v;
                }
                """, 3, 7, "unsupported PTX instruction 'tex.1d.v4.f32.s32'");
        refusedAt("""
                __global__ void k(unsigned *a) {
                    unsigned r;
                    asm("mov.u32 %0, 1;\\n\\tfrobnicate.b32 %0, %0;" : "=r"(r));
                    a[0] = r;
                }
                """, 3, 5, "unsupported PTX instruction 'frobnicate.b32'", "template line 2");
        refusedAt("""
                __global__ void k(int *a) { asm("{ .const .u32 s; ld.const.u32 %r1, [s]; }"); }
                """, 1, 29, ".const declarations (only .reg, .param and .shared)");
        String deviceRet = "__device__ void f(int *a) { if (a[0]) asm(\"ret;\"); a[0] = 1; }\n"
                + "__global__ void k(int *a) { f(a); }";
        refusedAt(deviceRet, 1, deviceRet.indexOf("asm") + 1, "'ret' in inline assembly of a device function");
        // (exit there ends the thread: DeviceExitTest)
        refusedAt("""
                __global__ void k(int *a) { int r; asm("add.s32 %0, %1, %2;" : "=r"(r) : "r"(a[0])); a[0] = r; }
                """, 1, 36, "operand %2");
        String badConstraint = "__global__ void k(int *a) { int r; asm(\"mov.b32 %0, %1;\" : \"=r\"(r) : \"x\"(a[0])); }";
        refusedAt(badConstraint, 1, badConstraint.indexOf("\"x\"") + 1, "unsupported asm operand constraint \"x\"");
    }

    @Test
    void refusedConstraintsAndMalformedStatements() {
        AllPaths.refuses("__global__ void k(int *a) { asm(\"mov.b32 %0, 1;\" : \"r\"(a[0])); }",
                "must start with '=' or '+'");
        AllPaths.refuses("__global__ void k(int *a) { asm(\"mov.b32 %0, %1;\" : \"=r\"(a[0]) : \"n\"(a[1])); }",
                "integer constant expression");
        AllPaths.refuses("__global__ void k(int *a) { asm goto(\"bra %l0;\" :::: L); L: ; }", "asm goto");
        AllPaths.refuses("__global__ void k(int *a) { asm(\"mov.b32 %0, 1;\" : \"=q\"(a[0])); }", "128-bit");
        AllPaths.refuses("__global__ void k(int *a) { asm(\"add.s32 %0, %0, 1;\" : \"=r\"(a[0]) : \"0\"(a[1])); }",
                "matching constraints");
        AllPaths.refuses("__global__ void k(int *a) { a[0] = asm(\"mov.b32 1;\"); }", "is a statement");
        AllPaths.refuses("__global__ void k(int *a) { asm(\"{ mov.b32 %0, 1;\" : \"=r\"(a[0])); }", "missing '}'");
    }
}
