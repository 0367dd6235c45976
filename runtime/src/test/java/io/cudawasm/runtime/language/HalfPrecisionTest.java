package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.testing.KernelHarness;
import io.cudawasm.runtime.testing.Binary16;
import io.cudawasm.runtime.testing.Binary16.Mode;
import io.cudawasm.runtime.launch.Dim3;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Half precision ({@code cuda_fp16.h}): {@code __half}/{@code __half2} in buffers, locals, shared
 * memory, struct fields and parameters; conversions in every rounding mode, arithmetic rounded once
 * (bit-exact IEEE binary16, round to nearest even), comparisons, the C++ operators and shuffles, on
 * the WebAssembly path, OpenCL (PoCL) and nvcc's PTX ({@code .f16}/{@code .f16x2} instructions),
 * against {@link Binary16}, a reference that rounds exact decimal values.
 */
class HalfPrecisionTest {

    private static final String CONVERSIONS = """
            #include <cuda_fp16.h>
            __global__ void conversions(const float *f, const int *n, half *rn, half *rz, half *rd, half *ru,
                                        half *fromInt, int *toInt, int *back)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                float x = f[i];
                rn[i] = __float2half_rn(x);
                rz[i] = __float2half_rz(x);
                rd[i] = __float2half_rd(x);
                ru[i] = __float2half_ru(x);
                fromInt[i] = __int2half_rn(n[i]);
                half h = __float2half(x);
                toInt[4 * i] = __half2int_rz(h);
                toInt[4 * i + 1] = __half2int_rn(h);
                toInt[4 * i + 2] = __half2int_rd(h);
                toInt[4 * i + 3] = __half2int_ru(h);
                back[i] = __float_as_int(__half2float(h));
            }
            """;

    /** Every float that makes a conversion choose: ties, subnormals, overflow, NaN, signed zeros. */
    private static float[] boundaryFloats() {
        float two24 = 0x1p-24f;
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 1f, -1f, 65504f, Math.nextDown(65520f), 65520f, -65520f,
                65536f, 1e10f, -1e10f, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, two24, -two24,
                0x1p-25f, -0x1p-25f, 1.5f * two24, 2.5f * two24, Math.nextUp(0x1p-25f), Math.nextDown(0x1p-25f),
                0x1p-26f, 0x1p-14f, 0x1p-14f - 0x1p-25f, 0x1p-14f - 0x1p-24f, 1f + 0x1p-11f, 1f + 3 * 0x1p-11f,
                Math.nextUp(1f + 0x1p-11f), Math.nextDown(1f + 3 * 0x1p-11f), 0.1f, -0.1f, 1f / 3, -2.5e-8f,
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.MAX_VALUE, -Float.MAX_VALUE, 2049f, 2051f, -2051f, 4097f,
                65503f, 32767.5f, 0.5f, 0.75f, 1.4f, -1.6f, 2.5f, -3.5f));
        SplittableRandom r = new SplittableRandom(16);
        while (v.size() < 256) {
            int exponent = r.nextInt(-30, 20);
            v.add((float) ((r.nextBoolean() ? 1 : -1) * r.nextDouble(1, 2) * Math.pow(2, exponent)));
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    private static int javaRound(float f, Mode m) {
        if (Float.isNaN(f)) {
            return 0;
        }
        double d = switch (m) {
            case TOWARD_ZERO -> f < 0 ? Math.ceil(f) : Math.floor(f);
            case NEAREST_EVEN -> Math.rint(f);
            case DOWN -> Math.floor(f);
            case UP -> Math.ceil(f);
        };
        return (int) d; // saturates, as PTX's cvt does
    }

    @Test
    void conversionsRoundInEveryModeAndBack() {
        float[] f = boundaryFloats();
        int n = f.length;
        int[] ints = new int[n];
        int[] boundaryInts = {0, 1, -1, 2049, 2051, -2051, 4097, 65504, 65519, 65520, -65520, 65535, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 12345, -777};
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            ints[i] = i < boundaryInts.length ? boundaryInts[i] : r.nextInt(-100_000, 100_000);
        }
        short[][] modes = new short[4][n];
        short[] fromInt = new short[n];
        int[] toInt = new int[4 * n];
        int[] back = new int[n];
        for (int i = 0; i < n; i++) {
            for (Mode m : Mode.values()) {
                modes[m.ordinal()][i] = Binary16.fromFloat(f[i], m);
            }
            fromInt[i] = Binary16.fromDouble(ints[i], Mode.NEAREST_EVEN);
            float h = Binary16.toFloat(modes[0][i]);
            toInt[4 * i] = javaRound(h, Mode.TOWARD_ZERO);
            toInt[4 * i + 1] = javaRound(h, Mode.NEAREST_EVEN);
            toInt[4 * i + 2] = javaRound(h, Mode.DOWN);
            toInt[4 * i + 3] = javaRound(h, Mode.UP);
            back[i] = Float.floatToRawIntBits(h);
        }
        AllPaths.check(CaseBuilder.of("half_conversions", "conversions.cu", CONVERSIONS).kernel("conversions")
                .launch(Dim3.of(n / 64), Dim3.of(64)).in("f", f).in("n", ints)
                .out("rn", new int[n / 2], Binary16.pack(modes[0])).out("rz", new int[n / 2], Binary16.pack(modes[1]))
                .out("rd", new int[n / 2], Binary16.pack(modes[2])).out("ru", new int[n / 2], Binary16.pack(modes[3]))
                .out("fromInt", new int[n / 2], Binary16.pack(fromInt)).out("toInt", new int[4 * n], toInt)
                .out("back", new int[n], back).build());
    }

    /**
     * Doubles are rounded to odd in float before the rounding to half: a plain double-to-float
     * conversion would turn 1 + 2^-11 + 2^-40 into the tie 1 + 2^-11 and round it down.
     */
    @Test
    void doublesRoundOnceToHalf() {
        String src = """
                #include <cuda_fp16.h>
                __global__ void fromDouble(const double *d, half *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    out[i] = __double2half(d[i]);
                }
                """;
        List<Double> v = new ArrayList<>(List.of(1 + 0x1p-11 + 0x1p-40, 1 + 0x1p-11, 1 + 0x1p-11 - 0x1p-40,
                -(1 + 0x1p-11 + 0x1p-40), 65520 - 0x1p-30, 65520.0, 1e300, -1e300, 1e-300, -1e-300, 0x1p-25 + 0x1p-60,
                0x1p-25, 3 * 0x1p-25 - 0x1p-70, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, -0.0,
                Double.MIN_VALUE, 2049 + 0x1p-30, 0.1, 1.0 / 3));
        SplittableRandom r = new SplittableRandom(9);
        while (v.size() < 128) {
            v.add((r.nextBoolean() ? 1 : -1) * r.nextDouble(1, 2) * Math.pow(2, r.nextInt(-30, 20)));
        }
        double[] d = v.stream().mapToDouble(Double::doubleValue).toArray();
        short[] expected = new short[d.length];
        for (int i = 0; i < d.length; i++) {
            expected[i] = Binary16.fromDouble(d[i], Mode.NEAREST_EVEN);
        }
        assertEquals((short) 0x3c01, expected[0]);
        AllPaths.check(CaseBuilder.of("half_from_double", "doubles.cu", src).kernel("fromDouble")
                .launch(Dim3.of(2), Dim3.of(64)).in("d", d).out("out", new int[d.length / 2], Binary16.pack(expected))
                .build());
    }

    @Test
    void everyHalfConvertsToItsExactFloat() {
        String src = """
                #include <cuda_fp16.h>
                __global__ void allPatterns(int *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    out[i] = __float_as_int(__half2float(__ushort_as_half((unsigned short)i)));
                }
                """;
        int[] expected = new int[65536];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Float.floatToRawIntBits(Binary16.toFloat((short) i));
        }
        AllPaths.check(CaseBuilder.of("half_all_patterns", "patterns.cu", src).kernel("allPatterns")
                .launch(Dim3.of(256), Dim3.of(256)).out("out", new int[65536], expected).build());
    }

    private static final String ARITHMETIC = """
            #include <cuda_fp16.h>
            __global__ void arithmetic(const half *a, const half *b, const half *c, half *sum, half *diff, half *prod,
                                       half *quot, half *fma, half *mx, half *mn, half *neg, int *flags)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                half x = a[i], y = b[i];
                sum[i] = x + y;
                diff[i] = __hsub(x, y);
                prod[i] = __hmul(x, y);
                quot[i] = x / y;
                fma[i] = __hfma(x, y, c[i]);
                mx[i] = __hmax(x, y);
                mn[i] = __hmin(x, y);
                half z = -x;
                neg[2 * i] = z;
                neg[2 * i + 1] = __habs(y);
                int fl = 0;
                fl |= (x == y) << 0;
                fl |= (x != y) << 1;
                fl |= (x < y) << 2;
                fl |= (x <= y) << 3;
                fl |= (x > y) << 4;
                fl |= (x >= y) << 5;
                fl |= __hisnan(x) << 6;
                fl |= __hne(x, y) << 7;
                fl |= __hltu(x, y) << 8;
                fl |= __hgeu(x, y) << 9;
                flags[i] = fl;
            }
            """;

    /** A half of a random magnitude (normal, subnormal or zero) and sign; every 8th any bit pattern at all. */
    private static short randomHalf(SplittableRandom r) {
        if (r.nextInt(8) == 0) {
            return (short) r.nextInt(65536);
        }
        return (short) ((r.nextBoolean() ? 0x8000 : 0) | r.nextInt(0x7c00));
    }

    private static short finiteHalf(SplittableRandom r) {
        return (short) ((r.nextBoolean() ? 0x8000 : 0) | r.nextInt(0x7c00));
    }

    @Test
    void arithmeticIsRoundedOnceComparisonsFollowIeee() {
        AllPaths.check(arithmeticCase());
    }

    /**
     * The CUDA C the compiler emits for NVRTC (the halves as its own classes of bits, no
     * cuda_fp16.h needed there) compiles with nvcc, and its PTX, run here, gives the reference's bits.
     */
    @Test
    void emittedCudaComputesTheSameHalves() {
        KernelCase c = arithmeticCase();
        CudaProgram cuda = AllPaths.compile(c.request()).cuda();
        String ptx = new PtxCompiler(null).compileWithNvcc(cuda, "compute_75");
        CompileResult viaCuda = AllPaths.compile(CompileRequest.of("emitted.ptx", ptx));
        CheckedRun.BackendRun run = CheckedRun.run(KernelHarness.backend(2), viaCuda, c.launch());
        assertTrue(run.failure() == null, () -> "launch failed: " + run.failure());
        for (BufferComparison b : c.againstReference(run)) {
            assertTrue(b.passed(), b::format);
        }
    }

    private static KernelCase arithmeticCase() {
        int n = 2048;
        SplittableRandom r = new SplittableRandom(11);
        short[] a = new short[n];
        short[] b = new short[n];
        short[] c = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = randomHalf(r);
            // operands of like magnitude every other element, so sums and differences cancel and round often
            b[i] = i % 2 == 0 ? randomHalf(r) : (short) ((a[i] & 0xfc00) ^ (r.nextBoolean() ? 0x8000 : 0) | r.nextInt(1024));
            c[i] = randomHalf(r);
            if ((a[i] & 0x7fff) == 0 && (b[i] & 0x7fff) == 0) {
                b[i] = a[i]; // max/min of +0 and -0 is not specified
            }
        }
        // a * b exactly (1 - 2^-20) * 2^-11, c = 1 + 2^-10: through a float fma this rounds twice onto a tie
        a[0] = (short) 0x2401; // (1 + 2^-10) * 2^-6
        b[0] = (short) 0x27fe; // (2 - 2^-9) * 2^-6 = (1 - 2^-10) * 2^-5
        c[0] = (short) 0x3c01; // 1 + 2^-10
        a[1] = (short) 0x7bff; // 65504 + 65504 overflows; 65504 * 2 too
        b[1] = (short) 0x7bff;
        a[2] = (short) 0x0001; // the smallest subnormal: times 2 exact, divided by 2 a tie to zero
        b[2] = (short) 0x4000;
        a[3] = (short) 0x7c00; // inf - inf
        b[3] = (short) 0x7c00;
        c[3] = (short) 0xfc00;
        a[4] = (short) 0x3c00; // 1 / 3
        b[4] = (short) 0x4200;
        a[5] = (short) 0x3c00; // x - x = +0
        b[5] = (short) 0x3c00;
        short[][] ref = new short[7][n];
        short[] neg = new short[2 * n];
        int[] flags = new int[n];
        for (int i = 0; i < n; i++) {
            short x = a[i];
            short y = b[i];
            ref[0][i] = Binary16.add(x, y);
            ref[1][i] = Binary16.sub(x, y);
            ref[2][i] = Binary16.mul(x, y);
            ref[3][i] = Binary16.div(x, y);
            ref[4][i] = Binary16.fma(x, y, c[i]);
            ref[5][i] = Binary16.max(x, y);
            ref[6][i] = Binary16.min(x, y);
            neg[2 * i] = (short) (x ^ 0x8000);
            neg[2 * i + 1] = (short) (y & 0x7fff);
            float fx = Binary16.toFloat(x);
            float fy = Binary16.toFloat(y);
            boolean nan = Float.isNaN(fx) || Float.isNaN(fy);
            int fl = 0;
            fl |= fx == fy ? 1 : 0;
            fl |= fx != fy ? 2 : 0; // operator!= is __hneu: true with a NaN
            fl |= fx < fy ? 4 : 0;
            fl |= fx <= fy ? 8 : 0;
            fl |= fx > fy ? 16 : 0;
            fl |= fx >= fy ? 32 : 0;
            fl |= Float.isNaN(fx) ? 64 : 0;
            fl |= !nan && fx != fy ? 128 : 0;
            fl |= nan || fx < fy ? 256 : 0;
            fl |= nan || fx >= fy ? 512 : 0;
            flags[i] = fl;
        }
        assertEquals((short) 0x3c01, ref[4][0], "the reference fma rounds once");
        assertEquals(Binary16.INF, ref[0][1]);
        assertEquals((short) 0x0002, ref[2][2], "2^-24 * 2 is 2^-23, exact");
        assertEquals((short) 0x0000, ref[3][2], "2^-24 / 2 ties to zero");
        return CaseBuilder.of("half_arithmetic", "arithmetic.cu", ARITHMETIC).kernel("arithmetic")
                .launch(Dim3.of(n / 64), Dim3.of(64)).in("a", Binary16.pack(a)).in("b", Binary16.pack(b))
                .in("c", Binary16.pack(c))
                .out("sum", new int[n / 2], Binary16.pack(ref[0])).out("diff", new int[n / 2], Binary16.pack(ref[1]))
                .out("prod", new int[n / 2], Binary16.pack(ref[2])).out("quot", new int[n / 2], Binary16.pack(ref[3]))
                .out("fma", new int[n / 2], Binary16.pack(ref[4])).out("mx", new int[n / 2], Binary16.pack(ref[5]))
                .out("mn", new int[n / 2], Binary16.pack(ref[6])).out("neg", new int[n], Binary16.pack(neg))
                .out("flags", new int[n], flags).build();
    }

    private static final String VECTORS = """
            #include <cuda_fp16.h>
            struct Pair {
                half h;
                int tag;
            };

            __device__ half2 twice(half2 v) { return v + v; }

            __global__ void vectors(const half2 *a, const half2 *b, const half2 *c, half2 *out, float *fout, Pair *pairs)
            {
                __shared__ half2 tile[64];
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                half2 x = a[i], y = b[i];
                out[8 * i] = __hadd2(x, y);
                out[8 * i + 1] = x * y - c[i];
                out[8 * i + 2] = __hfma2(x, y, c[i]);
                out[8 * i + 3] = __h2div(x, twice(y));
                out[8 * i + 4] = __lowhigh2highlow(__lows2half2(x, y));
                half2 acc = __floats2half2_rn(0.5f, -2.0f);
                acc += x;
                acc *= __halves2half2(__high2half(y), __low2half(x));
                out[8 * i + 5] = acc;
                tile[threadIdx.x] = __hmax2(x, y);
                __syncthreads();
                half2 t = tile[(threadIdx.x + 1) % blockDim.x];
                out[8 * i + 6] = __shfl_down_sync(0xffffffffu, t, 1);
                half s = __shfl_xor_sync(0xffffffffu, __low2half(x), 3);
                out[8 * i + 7] = __halves2half2(s, __float2half(__high2float(y)));
                float2 f = __half22float2(x);
                fout[2 * i] = f.x + __low2float(y);
                fout[2 * i + 1] = f.y;
                Pair p = pairs[i];
                p.h = p.h * p.h;
                p.tag += 1;
                pairs[i] = p;
            }
            """;

    private static short lo(int v) {
        return (short) v;
    }

    private static short hi(int v) {
        return (short) (v >>> 16);
    }

    private static int h2(short lo, short hi) {
        return (lo & 0xffff) | (hi & 0xffff) << 16;
    }

    @Test
    void half2OperatorsSharedMemoryShufflesAndStructFields() {
        int n = 128;
        int block = 64;
        SplittableRandom r = new SplittableRandom(5);
        int[] a = new int[n];
        int[] b = new int[n];
        int[] c = new int[n];
        int[] pairs = new int[2 * n];
        for (int i = 0; i < n; i++) {
            a[i] = h2(finiteHalf(r), finiteHalf(r));
            b[i] = h2(finiteHalf(r), finiteHalf(r));
            c[i] = h2(finiteHalf(r), finiteHalf(r));
            if ((lo(a[i]) & 0x7fff) == 0 && (lo(b[i]) & 0x7fff) == 0 || (hi(a[i]) & 0x7fff) == 0 && (hi(b[i]) & 0x7fff) == 0) {
                b[i] = a[i];
            }
            pairs[2 * i] = randomHalf(r) & 0xffff;
            pairs[2 * i + 1] = r.nextInt(1000);
        }
        int[] out = new int[8 * n];
        float[] fout = new float[2 * n];
        int[] pairsOut = new int[2 * n];
        int[] max = new int[n];
        for (int i = 0; i < n; i++) {
            max[i] = h2(Binary16.max(lo(a[i]), lo(b[i])), Binary16.max(hi(a[i]), hi(b[i])));
        }
        for (int i = 0; i < n; i++) {
            short xl = lo(a[i]);
            short xh = hi(a[i]);
            short yl = lo(b[i]);
            short yh = hi(b[i]);
            out[8 * i] = h2(Binary16.add(xl, yl), Binary16.add(xh, yh));
            out[8 * i + 1] = h2(Binary16.sub(Binary16.mul(xl, yl), lo(c[i])), Binary16.sub(Binary16.mul(xh, yh), hi(c[i])));
            out[8 * i + 2] = h2(Binary16.fma(xl, yl, lo(c[i])), Binary16.fma(xh, yh, hi(c[i])));
            out[8 * i + 3] = h2(Binary16.div(xl, Binary16.add(yl, yl)), Binary16.div(xh, Binary16.add(yh, yh)));
            out[8 * i + 4] = h2(yl, xl);
            short accL = Binary16.add(Binary16.fromFloat(0.5f), xl);
            short accH = Binary16.add(Binary16.fromFloat(-2f), xh);
            out[8 * i + 5] = h2(Binary16.mul(accL, yh), Binary16.mul(accH, xl));
            int tid = i % block;
            int base = i - tid;
            int lane = tid % 32;
            int src = lane + 1 < 32 ? tid + 1 : tid; // shfl_down by 1 within the warp; the last lane keeps its own
            out[8 * i + 6] = max[base + (src + 1) % block];
            int xorLane = (tid & ~31) | (lane ^ 3);
            out[8 * i + 7] = h2(lo(a[base + xorLane]), Binary16.fromFloat(Binary16.toFloat(yh)));
            fout[2 * i] = Binary16.toFloat(xl) + Binary16.toFloat(yl);
            fout[2 * i + 1] = Binary16.toFloat(xh);
            pairsOut[2 * i] = Binary16.mul((short) pairs[2 * i], (short) pairs[2 * i]) & 0xffff;
            pairsOut[2 * i + 1] = pairs[2 * i + 1] + 1;
        }
        AllPaths.check(CaseBuilder.of("half2_vectors", "vectors.cu", VECTORS).kernel("vectors")
                .launch(Dim3.of(n / block), Dim3.of(block)).in("a", a).in("b", b).in("c", c)
                .out("out", new int[8 * n], out).out("fout", new float[2 * n], fout).out("pairs", pairs, pairsOut)
                .build());
    }

    private static final String API = """
            #include <cuda_fp16.h>
            __device__ half scaleBy(half v, const half &s) { return v * s; }

            __global__ void api(const half2 *a, const half2 *b, half2 *out, int *flags, half *hs)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                half2 x = a[i], y = b[i];
                out[6 * i] = __hadd2_sat(x, y);
                out[6 * i + 1] = __hfma2_sat(x, y, x);
                out[6 * i + 2] = __hlt2(x, y);
                out[6 * i + 3] = __hmin2(x, y);
                out[6 * i + 4] = __float22half2_rn(make_float2(__low2float(x) * 3.0f, -__high2float(y)));
                half h = __low2half(x);
                h -= __high2half(y);
                h *= __low2half(y);
                h /= __high2half(x);
                half k = -h;
                out[6 * i + 5] = __halves2half2(scaleBy(k, __low2half(y)), __hmul_sat(__low2half(x), __high2half(y)));
                flags[2 * i] = __hbeq2(x, y) | __hblt2(x, y) << 1 | __hbgeu2(x, y) << 2 | (x == y) << 3
                        | (x != y) << 4 | __hisinf(__low2half(x)) << 5;
                flags[2 * i + 1] = __half2short_rz(__low2half(x));
                hs[2 * i] = __ushort_as_half((unsigned short)(__half_as_ushort(__high2half(x)) ^ 1u));
                hs[2 * i + 1] = __int2half_rz(i * 1001 - 30000);
            }
            """;

    private static short sat(short h) {
        float f = Binary16.toFloat(h);
        return f > 0 ? (f < 1 ? h : (short) 0x3c00) : 0;
    }

    private static short flag(boolean b) {
        return (short) (b ? 0x3c00 : 0);
    }

    @Test
    void saturationHalf2ComparisonsCompoundOperatorsAndBits() {
        int n = 256;
        SplittableRandom r = new SplittableRandom(23);
        int[] a = new int[n];
        int[] b = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = h2(finiteHalf(r), finiteHalf(r));
            b[i] = i % 4 == 0 ? a[i] : h2(finiteHalf(r), finiteHalf(r));
            if (i % 16 == 5) {
                a[i] = h2((short) (i % 32 == 5 ? 0x7c00 : 0xfc00), hi(a[i])); // infinities
            }
        }
        int[] out = new int[6 * n];
        int[] flags = new int[2 * n];
        short[] hs = new short[2 * n];
        for (int i = 0; i < n; i++) {
            short xl = lo(a[i]);
            short xh = hi(a[i]);
            short yl = lo(b[i]);
            short yh = hi(b[i]);
            float fxl = Binary16.toFloat(xl);
            float fxh = Binary16.toFloat(xh);
            float fyl = Binary16.toFloat(yl);
            float fyh = Binary16.toFloat(yh);
            out[6 * i] = h2(sat(Binary16.add(xl, yl)), sat(Binary16.add(xh, yh)));
            out[6 * i + 1] = h2(sat(Binary16.fma(xl, yl, xl)), sat(Binary16.fma(xh, yh, xh)));
            out[6 * i + 2] = h2(flag(fxl < fyl), flag(fxh < fyh));
            out[6 * i + 3] = h2(Binary16.min(xl, yl), Binary16.min(xh, yh));
            out[6 * i + 4] = h2(Binary16.fromFloat(fxl * 3.0f), Binary16.fromFloat(-fyh));
            short h = Binary16.div(Binary16.mul(Binary16.sub(xl, yh), yl), xh);
            short k = (short) (h ^ 0x8000);
            out[6 * i + 5] = h2(Binary16.mul(k, yl), sat(Binary16.mul(xl, yh)));
            boolean eq = fxl == fyl && fxh == fyh;
            boolean lt = fxl < fyl && fxh < fyh;
            boolean geu = !(fxl < fyl) && !(fxh < fyh);
            boolean neu = fxl != fyl && fxh != fyh;
            flags[2 * i] = (eq ? 1 : 0) | (lt ? 2 : 0) | (geu ? 4 : 0) | (eq ? 8 : 0) | (neu ? 16 : 0)
                    | (Float.isInfinite(fxl) ? (fxl > 0 ? 1 : -1) << 5 : 0);
            flags[2 * i + 1] = Math.max(-32768, Math.min(32767, (int) fxl));
            hs[2 * i] = (short) (xh ^ 1);
            hs[2 * i + 1] = Binary16.fromDouble(i * 1001 - 30000, Mode.TOWARD_ZERO);
        }
        AllPaths.check(CaseBuilder.of("half_api", "api.cu", API).kernel("api").launch(Dim3.of(n / 64), Dim3.of(64))
                .in("a", a).in("b", b).out("out", new int[6 * n], out).out("flags", new int[2 * n], flags)
                .out("hs", new int[n], Binary16.pack(hs)).build());
    }

    @Test
    void referenceRoundsBoundaryValuesAsIeeeSays() {
        assertEquals((short) 0x3c00, Binary16.fromFloat(1f));
        assertEquals((short) 0x7bff, Binary16.fromFloat(65504f));
        assertEquals((short) 0x7bff, Binary16.fromFloat(Math.nextDown(65520f)));
        assertEquals((short) 0x7c00, Binary16.fromFloat(65520f), "the tie above 65504 goes to even: infinity");
        assertEquals((short) 0x7bff, Binary16.fromFloat(65520f, Mode.TOWARD_ZERO));
        assertEquals((short) 0xfbff, Binary16.fromFloat(-1e9f, Mode.UP));
        assertEquals((short) 0xfc00, Binary16.fromFloat(-1e9f, Mode.DOWN));
        assertEquals((short) 0x0001, Binary16.fromFloat(0x1p-24f));
        assertEquals((short) 0x0000, Binary16.fromFloat(0x1p-25f), "half the smallest subnormal ties to zero");
        assertEquals((short) 0x0001, Binary16.fromFloat(Math.nextUp(0x1p-25f)));
        assertEquals((short) 0x0002, Binary16.fromFloat(1.5f * 0x1p-24f), "1.5 units ties to 2");
        assertEquals((short) 0x0002, Binary16.fromFloat(2.5f * 0x1p-24f), "2.5 units ties to 2");
        assertEquals((short) 0x0001, Binary16.fromFloat(Float.MIN_VALUE, Mode.UP));
        assertEquals((short) 0x8000, Binary16.fromFloat(-Float.MIN_VALUE));
        assertEquals((short) 0x0400, Binary16.fromFloat(0x1p-14f - 0x1p-25f), "the tie below the smallest normal");
        assertEquals((short) 0x3c00, Binary16.fromFloat(1f + 0x1p-11f));
        assertEquals((short) 0x3c02, Binary16.fromFloat(1f + 3 * 0x1p-11f));
        assertEquals((short) 0x3c01, Binary16.fromFloat(Math.nextUp(1f + 0x1p-11f)));
        assertEquals((short) 0x2e66, Binary16.fromFloat(0.1f));
        assertEquals((short) 0x3555, Binary16.fromFloat(1f / 3));
        assertEquals((short) 0x6800, Binary16.fromFloat(2049f), "2049 ties down to 2048");
        assertEquals((short) 0x6802, Binary16.fromFloat(2051f), "2051 ties up to 2052");
        assertEquals((short) 0x8000, Binary16.fromFloat(-0f));
        assertEquals(Binary16.NAN, Binary16.fromFloat(Float.NaN));
        assertEquals(0x1p-24f, Binary16.toFloat((short) 0x0001));
        assertEquals(65504f, Binary16.toFloat((short) 0x7bff));
        assertEquals(Float.NEGATIVE_INFINITY, Binary16.toFloat((short) 0xfc00));
        assertEquals(0x7fffffff, Float.floatToRawIntBits(Binary16.toFloat((short) 0x7e01)));
        assertEquals(0.333251953125f, Binary16.toFloat((short) 0x3555));
        assertEquals((short) 0x3c01, Binary16.fma((short) 0x2401, (short) 0x27fe, (short) 0x3c01));
        assertEquals((short) 0x3555, Binary16.div((short) 0x3c00, (short) 0x4200));
        assertEquals((short) 0x0000, Binary16.sub((short) 0x3c00, (short) 0x3c00));
        assertEquals((short) 0x8000, Binary16.mul((short) 0x8001, (short) 0x3800), "-2^-25 ties to -0");
    }

    @Test
    void aSmallKernelWithTheHeaderStaysWithinTheDefaultLimitsAndCarriesOnlyWhatItCalls() {
        String src = """
                #include <cuda_fp16.h>
                __global__ void scale(half *a, float s) { a[threadIdx.x] = a[threadIdx.x] * __float2half(s); }
                """;
        CompileResult r = KernelCompiler.compile(CompileRequest.of("scale.cu", src));
        long functions = r.kir().functions().size();
        assertTrue(functions < 16, () -> "the unused half functions are dropped, " + functions + " left");
        assertTrue(r.kir().kernels().size() == 1);
    }

    @Test
    void halfAndBfloat16NeedTheirHeaders() {
        AllPaths.refuses("__global__ void k(__nv_bfloat16 *p) { }", "bfloat16 type '__nv_bfloat16' needs #include <cuda_bf16.h>");
        AllPaths.refuses("__global__ void k(half *p) { }", "needs #include <cuda_fp16.h>");
    }
}
