package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.language.AllPaths.Path;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.BFloat16;
import io.cudawasm.runtime.testing.Binary16;
import io.cudawasm.runtime.testing.Binary16.Mode;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * bfloat16 ({@code cuda_bf16.h}): {@code __nv_bfloat16}/{@code __nv_bfloat162} conversions in every
 * rounding mode, arithmetic rounded once (round to nearest even), comparisons, operators, shared
 * memory and shuffles, on the WebAssembly path, OpenCL (PoCL) and nvcc's PTX, against
 * {@link BFloat16}, a reference that rounds exact decimal values.
 */
class BFloat16Test {

    private static final String CONVERSIONS = """
            #include <cuda_bf16.h>
            __global__ void conversions(const float *f, const int *n, const double *d, nv_bfloat16 *rn,
                                        nv_bfloat16 *rz, nv_bfloat16 *rd, nv_bfloat16 *ru, nv_bfloat16 *fromInt,
                                        nv_bfloat16 *fromDouble, int *toInt, int *back)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                float x = f[i];
                rn[i] = __float2bfloat16_rn(x);
                rz[i] = __float2bfloat16_rz(x);
                rd[i] = __float2bfloat16_rd(x);
                ru[i] = __float2bfloat16_ru(x);
                fromInt[i] = __int2bfloat16_rn(n[i]);
                fromDouble[i] = __double2bfloat16(d[i]);
                __nv_bfloat16 h = __float2bfloat16(x);
                toInt[2 * i] = __bfloat162int_rz(h);
                toInt[2 * i + 1] = __bfloat162int_rn(h);
                back[i] = __float_as_int(__bfloat162float(h));
            }
            """;

    /** Floats that make a conversion choose: ties, float subnormals, overflow, NaN, signed zeros. */
    private static float[] boundaryFloats() {
        float maxBf = Float.intBitsToFloat(0x7f7f0000);
        List<Float> v = new ArrayList<>(List.of(0f, -0f, 1f, -1f, maxBf, -maxBf, Float.intBitsToFloat(0x7f7f8000),
                Float.intBitsToFloat(0x7f7f7fff), Float.MAX_VALUE, -Float.MAX_VALUE, Float.POSITIVE_INFINITY,
                Float.NEGATIVE_INFINITY, Float.NaN, Float.intBitsToFloat(0x7f800001), Float.intBitsToFloat(0xffc12345),
                Float.MIN_VALUE, -Float.MIN_VALUE, Float.intBitsToFloat(0x00008000), Float.intBitsToFloat(0x00018000),
                Float.intBitsToFloat(0x00008001), Float.intBitsToFloat(0x00007fff), Float.intBitsToFloat(0x007f8000),
                Float.intBitsToFloat(0x007fffff), Float.MIN_NORMAL, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f,
                Math.nextUp(1f + 0x1p-8f), Math.nextDown(1f + 3 * 0x1p-8f), -(1f + 0x1p-8f), 0.1f, -0.1f, 1f / 3,
                257f, 259f, -259f, 3.14159f, 1e30f, -1e-30f, 65504f, 0.5f, 2.5f, -3.5f));
        SplittableRandom r = new SplittableRandom(16);
        while (v.size() < 256) {
            v.add(Float.intBitsToFloat(r.nextInt()));
        }
        float[] out = new float[v.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = v.get(i);
        }
        return out;
    }

    @Test
    void conversionsRoundInEveryModeAndBack() {
        float[] f = boundaryFloats();
        int n = f.length;
        int[] ints = new int[n];
        double[] doubles = new double[n];
        // 2^24 + 2^16 + 1 and its like: through a float rounded to nearest they become ties and round down
        int[] boundaryInts = {0, 1, -1, 257, 259, -259, 16842753, -16842753, 16842752, Integer.MAX_VALUE,
            Integer.MIN_VALUE, 2139095039, 12345, -777, 33554435};
        double[] boundaryDoubles = {1 + 0x1p-8 + 0x1p-40, 1 + 0x1p-8, 1 + 0x1p-8 - 0x1p-40, -(1 + 0x1p-8 + 0x1p-40),
            0x1p128, 0x1p128 - 0x1p100, 3.3961e38, 1e300, -1e300, 1e-300, -1e-300, Double.NaN,
            Double.POSITIVE_INFINITY, -0.0, 0x1p-134, 0x1p-134 + 0x1p-160, 0x1p-150, 0.1, 1.0 / 3};
        SplittableRandom r = new SplittableRandom(3);
        for (int i = 0; i < n; i++) {
            ints[i] = i < boundaryInts.length ? boundaryInts[i] : r.nextInt();
            doubles[i] = i < boundaryDoubles.length ? boundaryDoubles[i]
                    : (r.nextBoolean() ? 1 : -1) * r.nextDouble(1, 2) * Math.pow(2, r.nextInt(-140, 130));
        }
        short[][] modes = new short[4][n];
        short[] fromInt = new short[n];
        short[] fromDouble = new short[n];
        int[] toInt = new int[2 * n];
        int[] back = new int[n];
        for (int i = 0; i < n; i++) {
            for (Mode m : Mode.values()) {
                modes[m.ordinal()][i] = BFloat16.fromFloat(f[i], m);
            }
            fromInt[i] = BFloat16.fromLong(ints[i], Mode.NEAREST_EVEN);
            fromDouble[i] = BFloat16.fromDouble(doubles[i], Mode.NEAREST_EVEN);
            float h = BFloat16.toFloat(modes[0][i]);
            toInt[2 * i] = Float.isNaN(h) ? 0 : (int) h;
            toInt[2 * i + 1] = Float.isNaN(h) ? 0 : (int) Math.rint(h);
            back[i] = Float.floatToRawIntBits(h);
        }
        assertEquals((short) 0x4b81, fromInt[6], "2^24 + 2^16 + 1 rounds up, once");
        assertEquals((short) 0x3f81, fromDouble[0], "a double rounds once");
        assertEquals((short) 0x0002, BFloat16.fromFloat(Float.intBitsToFloat(0x00018000), Mode.NEAREST_EVEN),
                "a tie between float subnormals goes to even");
        AllPaths.check(CaseBuilder.of("bf16_conversions", "conversions.cu", CONVERSIONS).kernel("conversions")
                .launch(Dim3.of(n / 64), Dim3.of(64)).in("f", f).in("n", ints).in("d", doubles)
                .out("rn", new int[n / 2], Binary16.pack(modes[0])).out("rz", new int[n / 2], Binary16.pack(modes[1]))
                .out("rd", new int[n / 2], Binary16.pack(modes[2])).out("ru", new int[n / 2], Binary16.pack(modes[3]))
                .out("fromInt", new int[n / 2], Binary16.pack(fromInt))
                .out("fromDouble", new int[n / 2], Binary16.pack(fromDouble)).out("toInt", new int[2 * n], toInt)
                .out("back", new int[n], back).build(), EnumSet.allOf(Path.class), "", AllPaths.SM80);
    }

    @Test
    void everyBfloat16ConvertsToItsFloat() {
        String src = """
                #include <cuda_bf16.h>
                __global__ void allPatterns(int *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    out[i] = __float_as_int(__bfloat162float(__ushort_as_bfloat16((unsigned short)i)));
                }
                """;
        int[] expected = new int[65536];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = Float.floatToRawIntBits(BFloat16.toFloat((short) i));
        }
        AllPaths.check(CaseBuilder.of("bf16_all_patterns", "patterns.cu", src).kernel("allPatterns")
                .launch(Dim3.of(256), Dim3.of(256)).out("out", new int[65536], expected).build());
    }

    private static final String ARITHMETIC = """
            #include <cuda_bf16.h>
            __global__ void arithmetic(const __nv_bfloat16 *a, const __nv_bfloat16 *b, const __nv_bfloat16 *c,
                                       __nv_bfloat16 *sum, __nv_bfloat16 *diff, __nv_bfloat16 *prod,
                                       __nv_bfloat16 *quot, __nv_bfloat16 *fma, __nv_bfloat16 *mx,
                                       __nv_bfloat16 *mn, __nv_bfloat16 *neg, int *flags)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                __nv_bfloat16 x = a[i], y = b[i];
                sum[i] = x + y;
                diff[i] = __hsub(x, y);
                prod[i] = __hmul(x, y);
                quot[i] = x / y;
                fma[i] = __hfma(x, y, c[i]);
                mx[i] = __hmax(x, y);
                mn[i] = __hmin(x, y);
                __nv_bfloat16 z = -x;
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

    /** A bfloat16 of any finite magnitude (normal, subnormal or zero) and sign; every 8th any bit pattern. */
    private static short randomBf16(SplittableRandom r) {
        if (r.nextInt(8) == 0) {
            return (short) r.nextInt(65536);
        }
        return (short) ((r.nextBoolean() ? 0x8000 : 0) | r.nextInt(0x7f80));
    }

    private static short bits(float f) {
        return (short) (Float.floatToRawIntBits(f) >>> 16);
    }

    private static KernelCase arithmeticCase() {
        int n = 2048;
        SplittableRandom r = new SplittableRandom(11);
        short[] a = new short[n];
        short[] b = new short[n];
        short[] c = new short[n];
        for (int i = 0; i < n; i++) {
            a[i] = randomBf16(r);
            int kind = i % 4;
            // like magnitudes (sums cancel), products near 1 (fma cancels against c), or anything
            b[i] = kind == 1 ? (short) ((a[i] & 0xff80) ^ (r.nextBoolean() ? 0x8000 : 0) | r.nextInt(128))
                    : kind == 2 ? (short) ((0x7f00 - (a[i] & 0x7f80)) | r.nextInt(128) | (r.nextBoolean() ? 0x8000 : 0))
                    : randomBf16(r);
            c[i] = kind == 2 ? (short) ((r.nextBoolean() ? 0x3f80 : 0xbf80) | r.nextInt(128)) : randomBf16(r);
            if ((a[i] & 0x7fff) == 0 && (b[i] & 0x7fff) == 0) {
                b[i] = a[i]; // max/min of +0 and -0 is not specified
            }
        }
        // a * b = (1 + 2^-4)^2 = 1 + 2^-3 + 2^-8, a tie; c = 2^-30 lifts it, but a float fma rounds back onto the tie
        a[0] = bits(1 + 0x1p-4f);
        b[0] = a[0];
        c[0] = bits(0x1p-30f);
        a[1] = bits(Float.intBitsToFloat(0x7f7f0000)); // max + max overflows; max * 2 too
        b[1] = a[1];
        a[2] = (short) 0x0001; // the smallest subnormal, 2^-133: times 2 exact, divided by 2 a tie to zero
        b[2] = bits(2f);
        a[3] = INF_BITS; // inf - inf
        b[3] = INF_BITS;
        c[3] = (short) 0xff80;
        a[4] = bits(1f); // 1 / 3
        b[4] = bits(3f);
        a[5] = bits(1f); // x - x = +0
        b[5] = bits(1f);
        // products below float's normal range, under a tiny or a zero c: the float product would lose bits
        a[6] = bits(0x1p-70f * (1 + 0x1p-7f));
        b[6] = bits(0x1p-66f * (1 + 3 * 0x1p-7f));
        c[6] = (short) 0x0003;
        a[7] = bits(-0x1p-100f * 1.5f);
        b[7] = bits(0x1p-60f);
        c[7] = (short) 0x0000;
        a[8] = (short) 0x0001;
        b[8] = (short) 0x0001;
        c[8] = (short) 0x8000; // 2^-266 + -0: a positive value far below the smallest, rounds to +0
        a[9] = bits(0x1p-70f);
        b[9] = bits(-0x1p-65f * 1.5f);
        c[9] = bits(0x1p-126f);
        // products past float's largest, brought back by c
        a[10] = bits(0x1p64f);
        b[10] = bits(0x1p64f);
        c[10] = (short) 0xff7f; // -max: 2^128 - (2^128 - 2^120) = 2^120
        a[11] = bits(0x1p100f * 1.5f);
        b[11] = bits(0x1p30f);
        c[11] = (short) 0x0001; // 1.5 * 2^130 overflows, c too small to matter
        a[12] = bits(0x1p64f * (1 + 0x1p-7f));
        b[12] = bits(0x1p63f * (1 + 0x1p-7f));
        c[12] = bits(-0x1p127f);
        a[13] = bits(0x1p64f);
        b[13] = bits(0x1p60f * (1 + 0x1p-7f));
        c[13] = bits(0x1p-20f); // a tie in the product's last place broken by a tiny c
        a[14] = bits(0x1p64f);
        b[14] = bits(0x1p56f * (1 + 0x1p-7f) * (1 + 0x1p-8f));
        c[14] = bits(-0x1p-30f);
        short[][] ref = new short[7][n];
        short[] neg = new short[2 * n];
        int[] flags = new int[n];
        for (int i = 0; i < n; i++) {
            short x = a[i];
            short y = b[i];
            ref[0][i] = BFloat16.add(x, y);
            ref[1][i] = BFloat16.sub(x, y);
            ref[2][i] = BFloat16.mul(x, y);
            ref[3][i] = BFloat16.div(x, y);
            ref[4][i] = BFloat16.fma(x, y, c[i]);
            ref[5][i] = BFloat16.max(x, y);
            ref[6][i] = BFloat16.min(x, y);
            neg[2 * i] = (short) (x ^ 0x8000);
            neg[2 * i + 1] = (short) (y & 0x7fff);
            float fx = BFloat16.toFloat(x);
            float fy = BFloat16.toFloat(y);
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
        assertEquals((short) 0x3f91, ref[4][0], "the reference fma rounds once");
        assertEquals(INF_BITS, ref[0][1]);
        assertEquals((short) 0x0002, ref[2][2], "2^-133 * 2 is 2^-132, exact");
        assertEquals((short) 0x0000, ref[3][2], "2^-133 / 2 ties to zero");
        assertEquals(bits(0x1p120f), ref[4][10], "a product past float's range, brought back by c");
        assertEquals(BFloat16.NAN, ref[4][3]);
        return CaseBuilder.of("bf16_arithmetic", "arithmetic.cu", ARITHMETIC).kernel("arithmetic")
                .launch(Dim3.of(n / 64), Dim3.of(64)).in("a", Binary16.pack(a)).in("b", Binary16.pack(b))
                .in("c", Binary16.pack(c))
                .out("sum", new int[n / 2], Binary16.pack(ref[0])).out("diff", new int[n / 2], Binary16.pack(ref[1]))
                .out("prod", new int[n / 2], Binary16.pack(ref[2])).out("quot", new int[n / 2], Binary16.pack(ref[3]))
                .out("fma", new int[n / 2], Binary16.pack(ref[4])).out("mx", new int[n / 2], Binary16.pack(ref[5]))
                .out("mn", new int[n / 2], Binary16.pack(ref[6])).out("neg", new int[n], Binary16.pack(neg))
                .out("flags", new int[n], flags).build();
    }

    private static final short INF_BITS = BFloat16.INF;

    @Test
    void arithmeticIsRoundedOnceComparisonsFollowIeee() {
        AllPaths.check(arithmeticCase(), EnumSet.of(Path.WASM, Path.OPENCL), "");
    }

    /**
     * nvcc's PTX for compute_80, where cuda_bf16.h uses the .bf16 instructions (fma.rn.bf16 for
     * add, sub and mul, cvt.rn.bf16.f32), gives the reference's bits through the PTX front end.
     */
    @Test
    void nvccPtxForSm80ComputesTheSameBfloat16() {
        AllPaths.check(arithmeticCase(), EnumSet.of(Path.PTX), "", AllPaths.SM80);
    }

    /**
     * compute_90 has bfloat16 add, sub and mul of their own, and nvcc compares bfloat16 there with
     * {@code setp.*.bf16} and {@code set.nan.bf16.bf16} and widens with {@code cvt.f32.bf16}.
     */
    @Test
    void nvccPtxForSm90UsesTheNativeBfloat16Instructions() {
        AllPaths.check(arithmeticCase(), EnumSet.of(Path.PTX), "", SM90);
    }

    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);

    /** A bfloat16 of the given sign and exponent (unbiased, -133 to 127: below -126 a subnormal) and random fraction. */
    private static short withExponent(SplittableRandom r, int e) {
        int sign = r.nextBoolean() ? 0x8000 : 0;
        if (e < -126) {
            return (short) (sign | Math.max(1, r.nextInt(128) >> (-126 - e)) & 0xffff);
        }
        return (short) (sign | (e + 127) << 7 | r.nextInt(128));
    }

    /**
     * Products that leave float's range (below 2^-126, down to 2^-266, or past 2^128) against
     * addends of every size, ties included: the fma still rounds once.
     */
    @Test
    void fmaRoundsOnceWhereTheProductLeavesFloatsRange() {
        String src = """
                #include <cuda_bf16.h>
                __global__ void fmas(const __nv_bfloat16 *a, const __nv_bfloat16 *b, const __nv_bfloat16 *c,
                                     __nv_bfloat16 *out)
                {
                    int i = blockIdx.x * blockDim.x + threadIdx.x;
                    out[i] = __hfma(a[i], b[i], c[i]);
                }
                """;
        int n = 4096;
        SplittableRandom r = new SplittableRandom(21);
        short[] a = new short[n];
        short[] b = new short[n];
        short[] c = new short[n];
        short[] expected = new short[n];
        for (int i = 0; i < n; i++) {
            boolean small = i % 2 == 0;
            int ea = small ? r.nextInt(-133, -40) : r.nextInt(40, 128);
            int eb = small ? r.nextInt(-133, -100 - ea < -133 ? -133 : Math.min(-20, -100 - ea) + 1)
                    : r.nextInt(Math.max(-20, 120 - ea), 128);
            a[i] = withExponent(r, ea);
            b[i] = withExponent(r, eb);
            int pe = ea + eb;
            int ce = switch (r.nextInt(4)) {
                case 0 -> Math.max(-133, Math.min(127, pe + r.nextInt(-3, 4))); // near the product: cancellation
                case 1 -> Math.max(-133, Math.min(127, pe + r.nextInt(4, 12))); // above: the product breaks ties
                case 2 -> r.nextInt(-133, 128);
                default -> -200; // zero
            };
            c[i] = ce == -200 ? (short) (r.nextBoolean() ? 0x8000 : 0) : withExponent(r, ce);
            expected[i] = BFloat16.fma(a[i], b[i], c[i]);
        }
        AllPaths.check(CaseBuilder.of("bf16_fma_range", "fmas.cu", src).kernel("fmas")
                .launch(Dim3.of(n / 64), Dim3.of(64)).in("a", Binary16.pack(a)).in("b", Binary16.pack(b))
                .in("c", Binary16.pack(c)).out("out", new int[n / 2], Binary16.pack(expected)).build(),
                EnumSet.allOf(Path.class), "", AllPaths.SM80);
    }

    private static final String VECTORS = """
            #include <cuda_bf16.h>
            __device__ __nv_bfloat162 twice(__nv_bfloat162 v) { return v + v; }

            __global__ void vectors(const __nv_bfloat162 *a, const __nv_bfloat162 *b, const __nv_bfloat162 *c,
                                    __nv_bfloat162 *out, float *fout)
            {
                __shared__ __nv_bfloat162 tile[64];
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                __nv_bfloat162 x = a[i], y = b[i];
                out[6 * i] = __hadd2(x, y);
                out[6 * i + 1] = __hmul2(x, y) - c[i];
                out[6 * i + 2] = __hfma2(x, y, c[i]);
                out[6 * i + 3] = __floats2bfloat162_rn(__low2float(x) * 3.0f, __high2float(y));
                tile[threadIdx.x] = __hmax2(x, y);
                __syncthreads();
                __nv_bfloat162 m = tile[(threadIdx.x + 1) % blockDim.x];
                out[6 * i + 4] = __shfl_down_sync(0xffffffffu, m, 1);
                __nv_bfloat16 lo = __shfl_xor_sync(0xffffffffu, __low2bfloat16(x), 3);
                out[6 * i + 5] = __halves2bfloat162(lo, __float2bfloat16(__high2float(twice(y))));
                float2 f = __bfloat1622float2(y);
                fout[2 * i] = f.x;
                fout[2 * i + 1] = f.y;
            }
            """;

    private static short lo(int v) {
        return (short) v;
    }

    private static short hi(int v) {
        return (short) (v >>> 16);
    }

    private static int pair(short lo, short hi) {
        return (lo & 0xffff) | (hi & 0xffff) << 16;
    }

    private static short finiteBf16(SplittableRandom r) {
        return (short) ((r.nextBoolean() ? 0x8000 : 0) | r.nextInt(0x7f80));
    }

    @Test
    void bfloat162OperatorsSharedMemoryAndShuffles() {
        bfloat162Case(EnumSet.allOf(Path.class), AllPaths.SM80);
    }

    private static void bfloat162Case(Set<Path> paths, Nvcc.Config nvcc) {
        int n = 128;
        int block = 64;
        SplittableRandom r = new SplittableRandom(5);
        int[] a = new int[n];
        int[] b = new int[n];
        int[] c = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = pair(finiteBf16(r), finiteBf16(r));
            b[i] = pair(finiteBf16(r), finiteBf16(r));
            c[i] = pair(finiteBf16(r), finiteBf16(r));
            if ((lo(a[i]) & 0x7fff) == 0 && (lo(b[i]) & 0x7fff) == 0 || (hi(a[i]) & 0x7fff) == 0 && (hi(b[i]) & 0x7fff) == 0) {
                b[i] = a[i];
            }
        }
        int[] max = new int[n];
        for (int i = 0; i < n; i++) {
            max[i] = pair(BFloat16.max(lo(a[i]), lo(b[i])), BFloat16.max(hi(a[i]), hi(b[i])));
        }
        int[] out = new int[6 * n];
        float[] fout = new float[2 * n];
        for (int i = 0; i < n; i++) {
            short xl = lo(a[i]);
            short xh = hi(a[i]);
            short yl = lo(b[i]);
            short yh = hi(b[i]);
            out[6 * i] = pair(BFloat16.add(xl, yl), BFloat16.add(xh, yh));
            out[6 * i + 1] = pair(BFloat16.sub(BFloat16.mul(xl, yl), lo(c[i])), BFloat16.sub(BFloat16.mul(xh, yh), hi(c[i])));
            out[6 * i + 2] = pair(BFloat16.fma(xl, yl, lo(c[i])), BFloat16.fma(xh, yh, hi(c[i])));
            out[6 * i + 3] = pair(BFloat16.fromFloat(BFloat16.toFloat(xl) * 3.0f, Mode.NEAREST_EVEN), yh);
            int tid = i % block;
            int base = i - tid;
            int lane = tid % 32;
            int src = lane + 1 < 32 ? tid + 1 : tid; // shfl_down by 1 within the warp; the last lane keeps its own
            out[6 * i + 4] = max[base + (src + 1) % block];
            int xorLane = (tid & ~31) | (lane ^ 3);
            out[6 * i + 5] = pair(lo(a[base + xorLane]), BFloat16.add(yh, yh));
            fout[2 * i] = BFloat16.toFloat(yl);
            fout[2 * i + 1] = BFloat16.toFloat(yh);
        }
        AllPaths.check(CaseBuilder.of("bf162_vectors", "vectors.cu", VECTORS).kernel("vectors")
                .launch(Dim3.of(n / block), Dim3.of(block)).in("a", a).in("b", b).in("c", c)
                .out("out", new int[6 * n], out).out("fout", new float[2 * n], fout).build(), paths, "", nvcc);
    }

    /** Mixed-precision kernels include both headers; they share one rounding core and fit the default limits. */
    @Test
    void halfAndBfloat16TogetherWithinTheDefaultLimits() {
        String src = """
                #include <cuda_fp16.h>
                #include <cuda_bf16.h>
                __global__ void mixed(const half *h, __nv_bfloat16 *out)
                {
                    int i = threadIdx.x;
                    out[i] = __float2bfloat16(__half2float(h[i])) * __float2bfloat16(3.0f);
                }
                """;
        short[] h = {0x3c00, (short) 0xc200, 0x7bff, 0x0001};
        short[] expected = new short[h.length];
        for (int i = 0; i < h.length; i++) {
            expected[i] = BFloat16.mul(BFloat16.fromFloat(Binary16.toFloat(h[i]), Mode.NEAREST_EVEN), BFloat16.fromFloat(3f, Mode.NEAREST_EVEN));
        }
        AllPaths.check(CaseBuilder.of("mixed", "mixed.cu", src).kernel("mixed").launch(Dim3.of(1), Dim3.of(h.length))
                .in("h", Binary16.pack(h)).out("out", new int[h.length / 2], Binary16.pack(expected)).build(),
                EnumSet.allOf(Path.class), "", AllPaths.SM80);
    }

    @Test
    void bfloat162ThroughNvccPtxForSm90() {
        // the vectors case's reference, run through compute_90's add/sub/mul.bf16x2
        bfloat162Case(EnumSet.of(Path.PTX), SM90);
    }

    @Test
    void bfloat16NeedsItsHeader() {
        AllPaths.refuses("__global__ void k(__nv_bfloat16 *p) { }", "bfloat16 type '__nv_bfloat16' needs #include <cuda_bf16.h>");
    }
}
