package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.SpecialCases.FINF;
import static io.cudawasm.runtime.backend.wasm.math.SpecialCases.FNAN;
import static io.cudawasm.runtime.backend.wasm.math.SpecialCases.INF;
import static io.cudawasm.runtime.backend.wasm.math.SpecialCases.NAN;

import org.junit.jupiter.api.Test;

/** C99 Annex F / CUDA special values: NaN, signed zeros, infinities, poles, overflow and underflow, exact results. */
class SpecialValuesTest {

    private static final double PI = Math.PI;

    @Test
    void exponentials() {
        SpecialCases c = new SpecialCases();
        for (String n : new String[] {"exp", "exp2", "exp10"}) {
            c.both(n, NAN, NAN).both(n, INF, INF).both(n, 0.0, -INF).both(n, 1.0, 0.0).both(n, 1.0, -0.0);
        }
        c.both("expm1", NAN, NAN).both("expm1", INF, INF).both("expm1", -1.0, -INF).both("expm1", 0.0, 0.0)
                .both("expm1", -0.0, -0.0);
        // overflow and underflow thresholds
        c.f("expf", FINF, 89.0).f("expf", 0.0f, -104.0).f("expf", Float.MIN_VALUE, -103.9).d("exp", INF, 709.8)
                .d("exp", 0.0, -745.2).d("exp", Double.MIN_VALUE, -745.0);
        c.f("exp2f", FINF, 128.0).f("exp2f", 0x1p127f, 127.0)
                .f("exp2f", Float.MIN_VALUE, -149.0).f("exp2f", 0.0f, -150.0)
                .f("exp2f", Float.MIN_VALUE, -149.5).f("exp2f", 0x1p-126f, -126.0);
        c.d("exp2", INF, 1024.0).d("exp2", Double.MIN_VALUE, -1074.0).d("exp2", 0.0, -1075.0)
                .d("exp2", Double.MIN_VALUE, -1074.5).d("exp2", 0x1p1023, 1023.0).d("exp2", 0.5, -1.0);
        // exact powers of ten
        for (int k = 0; k <= 10; k++) {
            c.f("exp10f", (float) Math.pow(10, k), k);
        }
        for (int k = 0; k <= 22; k++) {
            c.d("exp10", Double.parseDouble("1e" + k), k);
        }
        c.d("exp10", INF, 309.0).d("exp10", 0.0, -324.0).f("exp10f", FINF, 39.0).f("exp10f", 0.0f, -46.0);
        for (String n : new String[] {"__expf", "__exp10f"}) {
            c.f(n, FNAN, FNAN).f(n, FINF, FINF).f(n, 0.0f, -FINF).f(n, 1.0f, 0.0);
        }
        c.verify();
    }

    @Test
    void logarithms() {
        SpecialCases c = new SpecialCases();
        for (String n : new String[] {"log", "log2", "log10"}) {
            c.both(n, NAN, NAN).both(n, -INF, 0.0).both(n, -INF, -0.0).both(n, NAN, -1.0).both(n, NAN, -INF)
                    .both(n, INF, INF).both(n, 0.0, 1.0).both(n, NAN, -Float.MIN_VALUE);
        }
        for (String n : new String[] {"__logf", "__log2f", "__log10f"}) {
            c.f(n, FNAN, FNAN).f(n, -FINF, 0.0).f(n, FNAN, -1.0).f(n, FINF, FINF).f(n, 0.0f, 1.0);
        }
        for (int k = -149; k <= 127; k++) {
            c.f("log2f", k, Math.scalb(1.0f, k)).f("__log2f", k, Math.scalb(1.0f, k));
        }
        for (int k = -1074; k <= 1023; k++) {
            c.d("log2", k, Math.scalb(1.0, k));
        }
        for (int k = 0; k <= 10; k++) {
            c.f("log10f", k, Math.pow(10, k));
        }
        for (int k = 0; k <= 22; k++) {
            c.d("log10", k, Double.parseDouble("1e" + k));
        }
        c.both("log1p", NAN, NAN).both("log1p", -INF, -1.0).both("log1p", NAN, -2.0).both("log1p", 0.0, 0.0)
                .both("log1p", -0.0, -0.0).both("log1p", INF, INF).both("log1p", NAN, -INF);
        c.both("logb", NAN, NAN).both("logb", -INF, 0.0).both("logb", -INF, -0.0).both("logb", INF, INF)
                .both("logb", INF, -INF).both("logb", 3.0, -8.0).both("logb", -1.0, 0.75).both("logb", 0.0, 1.0);
        c.f("logbf", -149.0f, Float.MIN_VALUE).f("logbf", -127.0f, 0x1p-127f).f("logbf", -126.0f, Float.MIN_NORMAL)
                .f("logbf", 127.0f, Float.MAX_VALUE);
        c.d("logb", -1074.0, Double.MIN_VALUE).d("logb", -1023.0, 0x1p-1023).d("logb", 1023.0, Double.MAX_VALUE);
        c.verify();
    }

    @Test
    void powSpecialCases() {
        SpecialCases c = new SpecialCases();
        for (String n : new String[] {"pow", "__pow"}) {
            boolean fast = n.startsWith("__");
            java.util.function.BiConsumer<Double, double[]> chk = (expected, a) -> {
                if (fast) {
                    c.f("__powf", (float) (double) expected, a);
                } else {
                    c.both("pow", expected, a);
                }
            };
            // pow(x, +-0) = 1 for any x, even NaN; pow(+1, y) = 1 for any y, even NaN; pow(-1, +-inf) = 1
            for (double x : new double[] {NAN, INF, -INF, 0.0, -0.0, -3.5, 2.0}) {
                chk.accept(1.0, new double[] {x, 0.0});
                chk.accept(1.0, new double[] {x, -0.0});
            }
            for (double y : new double[] {NAN, INF, -INF, 0.5, -7.0, 1e30}) {
                chk.accept(1.0, new double[] {1.0, y});
            }
            chk.accept(1.0, new double[] {-1.0, INF});
            chk.accept(1.0, new double[] {-1.0, -INF});
            // zeros
            chk.accept(INF, new double[] {0.0, -3.0});
            chk.accept(-INF, new double[] {-0.0, -3.0});
            chk.accept(INF, new double[] {-0.0, -2.0});
            chk.accept(INF, new double[] {-0.0, -0.5});
            chk.accept(INF, new double[] {0.0, -INF});
            chk.accept(INF, new double[] {-0.0, -INF});
            chk.accept(0.0, new double[] {0.0, 3.0});
            chk.accept(-0.0, new double[] {-0.0, 3.0});
            chk.accept(0.0, new double[] {-0.0, 2.0});
            chk.accept(0.0, new double[] {-0.0, 0.5});
            chk.accept(0.0, new double[] {-0.0, INF});
            // negative base
            chk.accept(NAN, new double[] {-2.0, 0.5});
            chk.accept(NAN, new double[] {-8.0, 1.0 / 3.0});
            chk.accept(-8.0, new double[] {-2.0, 3.0});
            chk.accept(16.0, new double[] {-2.0, 4.0});
            chk.accept(-0.125, new double[] {-2.0, -3.0});
            // infinite exponent
            chk.accept(INF, new double[] {0.5, -INF});
            chk.accept(INF, new double[] {-0.5, -INF});
            chk.accept(0.0, new double[] {2.0, -INF});
            chk.accept(0.0, new double[] {0.5, INF});
            chk.accept(INF, new double[] {-2.0, INF});
            // infinite base
            chk.accept(-0.0, new double[] {-INF, -3.0});
            chk.accept(0.0, new double[] {-INF, -2.0});
            chk.accept(0.0, new double[] {-INF, -0.5});
            chk.accept(-INF, new double[] {-INF, 3.0});
            chk.accept(INF, new double[] {-INF, 2.0});
            chk.accept(INF, new double[] {-INF, 0.5});
            chk.accept(0.0, new double[] {INF, -1.0});
            chk.accept(INF, new double[] {INF, 0.5});
            // NaN propagation otherwise
            chk.accept(NAN, new double[] {NAN, 1.0});
            chk.accept(NAN, new double[] {2.0, NAN});
            chk.accept(NAN, new double[] {-1.0, NAN});
            // overflow, underflow, exact
            chk.accept(INF, new double[] {10.0, 400.0});
            chk.accept(0.0, new double[] {10.0, -400.0});
            chk.accept(1024.0, new double[] {2.0, 10.0});
        }
        c.f("powf", FINF, 2.0, 128.0).f("powf", Float.MIN_VALUE, 2.0, -149.0).f("powf", 0.0f, 2.0, -151.0);
        c.verify();
    }

    @Test
    void trigonometric() {
        SpecialCases c = new SpecialCases();
        for (String n : new String[] {"sin", "tan", "asin", "atan", "sinpi", "asinh", "atanh", "sinh", "tanh", "erf"}) {
            c.both(n, 0.0, 0.0).both(n, -0.0, -0.0).both(n, NAN, NAN);
        }
        for (String n : new String[] {"__sinf", "__tanf"}) {
            c.f(n, 0.0f, 0.0).f(n, -0.0f, -0.0).f(n, FNAN, FNAN).f(n, FNAN, FINF);
        }
        c.f("__cosf", 1.0f, -0.0).f("__cosf", FNAN, -FINF);
        for (String n : new String[] {"sin", "cos", "tan", "sinpi", "cospi"}) {
            c.both(n, NAN, INF).both(n, NAN, -INF);
        }
        c.both("cos", 1.0, 0.0).both("cos", 1.0, -0.0).both("cospi", 1.0, 0.0).both("cospi", 1.0, -0.0);
        c.both("asin", NAN, 1.5).both("asin", NAN, -INF).both("acos", NAN, -1.5).both("acos", 0.0, 1.0)
                .both("acos", PI, -1.0).both("asin", PI / 2, 1.0).both("asin", -PI / 2, -1.0)
                .both("atan", PI / 2, INF).both("atan", -PI / 2, -INF);
        // sinpi / cospi at integers and half-integers
        for (int k = 1; k <= 6; k++) {
            c.both("sinpi", 0.0, k).both("sinpi", -0.0, -k);
            c.both("cospi", (k % 2 == 0) ? 1.0 : -1.0, k).both("cospi", (k % 2 == 0) ? 1.0 : -1.0, -k);
            c.both("cospi", 0.0, k - 0.5).both("cospi", 0.0, -k + 0.5);
            c.both("sinpi", (k % 2 == 1) ? 1.0 : -1.0, k - 0.5);
        }
        c.f("sinpif", 0.0f, 0x1p30).f("sinpif", -0.0f, -0x1p30).f("cospif", 1.0f, 0x1p24).f("cospif", -1.0f, 0x1p23 + 1)
                .f("cospif", 1.0f, Float.MAX_VALUE);
        c.d("sinpi", 0.0, 0x1p60).d("sinpi", -0.0, -0x1p60).d("cospi", -1.0, 0x1p52 + 1).d("cospi", 1.0, 0x1p53)
                .d("sinpi", 3 * Double.MIN_VALUE, Double.MIN_VALUE); // pi * 2^-1074 rounds to 3 * 2^-1074
        c.d("sinpi", -0x1.921fb54442d18p-1022, -0x1p-1023);
        c.verify();
    }

    @Test
    void atan2Quadrants() {
        SpecialCases c = new SpecialCases();
        c.both("atan2", 0.0, 0.0, 0.0).both("atan2", -0.0, -0.0, 0.0).both("atan2", PI, 0.0, -0.0)
                .both("atan2", -PI, -0.0, -0.0).both("atan2", PI, 0.0, -1.0).both("atan2", -PI, -0.0, -1.0)
                .both("atan2", 0.0, 0.0, 1.0).both("atan2", -0.0, -0.0, 1.0).both("atan2", -PI / 2, -1.0, 0.0)
                .both("atan2", PI / 2, 1.0, -0.0).both("atan2", PI, 1.0, -INF).both("atan2", -PI, -1.0, -INF)
                .both("atan2", 0.0, 1.0, INF).both("atan2", -0.0, -1.0, INF).both("atan2", PI / 2, INF, 5.0)
                .both("atan2", -PI / 2, -INF, -5.0).both("atan2", 3 * PI / 4, INF, -INF)
                .both("atan2", -3 * PI / 4, -INF, -INF).both("atan2", PI / 4, INF, INF)
                .both("atan2", -PI / 4, -INF, INF).both("atan2", NAN, NAN, 1.0).both("atan2", NAN, 1.0, NAN);
        c.verify();
    }

    @Test
    void hyperbolic() {
        SpecialCases c = new SpecialCases();
        c.both("sinh", INF, INF).both("sinh", -INF, -INF).both("cosh", INF, INF).both("cosh", INF, -INF)
                .both("cosh", 1.0, 0.0).both("cosh", 1.0, -0.0).both("tanh", 1.0, INF).both("tanh", -1.0, -INF)
                .both("cosh", NAN, NAN).both("sinh", INF, 1000.0).both("cosh", INF, -1000.0);
        c.f("sinhf", FINF, 90.0).f("coshf", FINF, -90.0).f("sinhf", -FINF, -90.0);
        c.both("asinh", INF, INF).both("asinh", -INF, -INF).both("acosh", 0.0, 1.0).both("acosh", NAN, 0.5)
                .both("acosh", NAN, -1.0).both("acosh", INF, INF).both("acosh", NAN, -INF).both("acosh", NAN, NAN)
                .both("atanh", INF, 1.0).both("atanh", -INF, -1.0).both("atanh", NAN, 1.5).both("atanh", NAN, -INF);
        c.verify();
    }

    @Test
    void errorFunctions() {
        SpecialCases c = new SpecialCases();
        c.both("erf", 1.0, INF).both("erf", -1.0, -INF).both("erf", 1.0, 6.0).both("erf", -1.0, -30.0);
        c.both("erfc", 0.0, INF).both("erfc", 2.0, -INF).both("erfc", 1.0, 0.0).both("erfc", 1.0, -0.0)
                .both("erfc", NAN, NAN).both("erfc", 2.0, -30.0).both("erfc", 0.0, 30.0);
        c.f("erfcf", 0.0f, 11.0).f("erfcf", Float.MIN_VALUE, 10.0).f("erfcf", 2.0f, -10.0);
        c.d("erfc", 0.0, 28.0).d("erfc", 0.0, 27.3);
        c.verify();
    }

    @Test
    void gammaFunctions() {
        SpecialCases c = new SpecialCases();
        c.both("lgamma", 0.0, 1.0).both("lgamma", 0.0, 2.0).both("lgamma", INF, 0.0).both("lgamma", INF, -0.0)
                .both("lgamma", INF, -1.0).both("lgamma", INF, -2.0).both("lgamma", INF, -100.0)
                .both("lgamma", INF, INF).both("lgamma", INF, -INF).both("lgamma", NAN, NAN)
                .d("lgamma", INF, 0x1.8p1014).d("lgamma", INF, Double.MAX_VALUE).d("lgamma", INF, -0x1p60)
                .d("lgamma", 0x1.d3b2343c6a0a6p1023, 0x1.550b6bb2ea9b6p1014)
                .f("lgammaf", FINF, 1e38).d("lgamma", 0.5 * Math.log(Math.PI), 0.5);
        c.both("tgamma", INF, 0.0).both("tgamma", -INF, -0.0).both("tgamma", NAN, -1.0).both("tgamma", NAN, -2.0)
                .both("tgamma", NAN, -INF).both("tgamma", INF, INF).both("tgamma", NAN, NAN).both("tgamma", 1.0, 1.0)
                .both("tgamma", 1.0, 2.0).both("tgamma", 24.0, 5.0).both("tgamma", 362880.0, 10.0)
                .d("tgamma", 1124000727777607680000.0, 23.0).f("tgammaf", FINF, 36.0).d("tgamma", INF, 172.0)
                .d("tgamma", INF, 171.7).d("tgamma", -0.0, -190.5).d("tgamma", 0.0, -191.5)
                .d("tgamma", INF, Double.MIN_VALUE).d("tgamma", -INF, -Double.MIN_VALUE).d("tgamma", NAN, -0x1p60);
        c.verify();
    }

    @Test
    void exactOperations() {
        SpecialCases c = new SpecialCases();
        // fma
        c.both("fma", NAN, INF, 0.0, 1.0).both("fma", NAN, 1.0, 1.0, NAN).both("fma", NAN, INF, 1.0, -INF)
                .both("fma", 0.0, -0.0, 1.0, 0.0).both("fma", -0.0, -0.0, 1.0, -0.0).both("fma", 0.0, 1.0, 1.0, -1.0)
                .both("fma", -INF, 2.0, 3.0, -INF);
        c.f("fmaf", Float.MAX_VALUE, Float.MAX_VALUE, 2.0, -Float.MAX_VALUE)
                .d("fma", Double.MAX_VALUE, Double.MAX_VALUE, 2.0, -Double.MAX_VALUE)
                .f("fmaf", FINF, Float.MAX_VALUE, 2.0, 0.0).f("fmaf", 0x1p-149f, 0x1p-75, 0x1p-74, 0.0);
        // fmod: sign of x, exact
        c.both("fmod", NAN, 1.0, 0.0).both("fmod", NAN, 1.0, -0.0).both("fmod", NAN, INF, 1.0)
                .both("fmod", NAN, -INF, 2.0).both("fmod", 3.0, 3.0, INF).both("fmod", -3.0, -3.0, -INF)
                .both("fmod", 0.0, 0.0, 5.0).both("fmod", -0.0, -0.0, 5.0).both("fmod", -0.0, -6.0, 3.0)
                .both("fmod", 0.0, 6.0, -3.0).both("fmod", 1.5, 5.5, 2.0).both("fmod", -1.5, -5.5, 2.0)
                .both("fmod", NAN, NAN, 1.0).both("fmod", NAN, 1.0, NAN);
        c.f("fmodf", 0.0f, Float.MAX_VALUE, Float.MIN_VALUE).d("fmod", 0.0, Double.MAX_VALUE, Double.MIN_VALUE);
        // remainder: quotient rounded to nearest even, zero takes the sign of x
        c.both("remainder", NAN, 1.0, 0.0).both("remainder", NAN, INF, 1.0).both("remainder", 3.0, 3.0, INF)
                .both("remainder", 1.0, 5.0, 2.0).both("remainder", -1.0, 7.0, 2.0).both("remainder", -1.0, 3.0, 2.0)
                .both("remainder", -0.0, -6.0, 3.0).both("remainder", 0.0, 6.0, -3.0)
                .both("remainder", -0.0, -0.0, 1.0).both("remainder", NAN, NAN, 2.0);
        // fdim
        c.both("fdim", 2.0, 3.0, 1.0).both("fdim", 0.0, 1.0, 3.0).both("fdim", NAN, NAN, 1.0)
                .both("fdim", NAN, 1.0, NAN).both("fdim", 0.0, INF, INF).both("fdim", INF, INF, -INF)
                .both("fdim", 0.0, -0.0, 0.0).both("fdim", 0.0, 0.0, -0.0);
        c.f("fdimf", FINF, Float.MAX_VALUE, -Float.MAX_VALUE).d("fdim", INF, Double.MAX_VALUE, -Double.MAX_VALUE);
        // ldexp / scalbn: one rounding, overflow, gradual underflow (ties to even)
        for (String n : new String[] {"ldexp", "scalbn"}) {
            c.f(n + "f", FINF, 1.0, 128).f(n + "f", -FINF, -1.0, 200).f(n + "f", Float.MIN_VALUE, 1.0, -149)
                    .f(n + "f", 0.0f, 1.0, -150).f(n + "f", 2 * Float.MIN_VALUE, 3.0, -150)
                    .f(n + "f", -0.0f, -1.0, -200).f(n + "f", FNAN, FNAN, 1).f(n + "f", FINF, FINF, -1000)
                    .f(n + "f", -0.0f, -0.0, 5).f(n + "f", 0x1p127f, Float.MIN_VALUE, 276)
                    .f(n + "f", FINF, 1.0, Integer.MAX_VALUE).f(n + "f", 0.0f, 1.0, Integer.MIN_VALUE)
                    .f(n + "f", Float.MIN_VALUE, Float.MAX_VALUE, -277);
            c.d(n, INF, 1.0, 1024).d(n, Double.MIN_VALUE, 1.0, -1074).d(n, 0.0, 1.0, -1075)
                    .d(n, 2 * Double.MIN_VALUE, 3.0, -1075).d(n, -0.0, -1.0, -2000).d(n, NAN, NAN, 3)
                    .d(n, 0x1p1023, Double.MIN_VALUE, 2097).d(n, INF, 1.0, Integer.MAX_VALUE)
                    .d(n, 0.0, Double.MAX_VALUE, Integer.MIN_VALUE).d(n, -INF, -INF, -5);
        }
        c.verify();
    }

    @Test
    void rootsAndHypot() {
        SpecialCases c = new SpecialCases();
        c.d("rsqrt", INF, 0.0).d("rsqrt", -INF, -0.0).d("rsqrt", NAN, -1.0).d("rsqrt", 0.0, INF)
                .d("rsqrt", NAN, -INF).d("rsqrt", NAN, NAN).d("rsqrt", 0.5, 4.0).d("rsqrt", 0x1p537, Double.MIN_VALUE)
                .d("rsqrt", 0x1p-511, 0x1p1022);
        c.both("rcbrt", INF, 0.0).both("rcbrt", -INF, -0.0).both("rcbrt", 0.0, INF).both("rcbrt", -0.0, -INF)
                .both("rcbrt", NAN, NAN).both("rcbrt", 0.5, 8.0).both("rcbrt", -0.25, -64.0)
                .d("rcbrt", 0x1p358, Double.MIN_VALUE);
        c.both("cbrt", -2.0, -8.0).both("cbrt", -0.0, -0.0).both("cbrt", INF, INF).both("cbrt", NAN, NAN);
        c.both("hypot", INF, INF, NAN).both("hypot", INF, NAN, -INF).both("hypot", NAN, NAN, 1.0)
                .both("hypot", 5.0, 3.0, 4.0).both("hypot", 0.0, -0.0, 0.0).both("hypot", 5.0, -3.0, -4.0);
        c.f("hypotf", FINF, Float.MAX_VALUE, Float.MAX_VALUE).f("hypotf", Float.MAX_VALUE, Float.MAX_VALUE, 1.0)
                .d("hypot", INF, Double.MAX_VALUE, Double.MAX_VALUE).d("hypot", Double.MAX_VALUE, Double.MAX_VALUE, 1.0)
                .f("hypotf", 5 * Float.MIN_VALUE, 3 * Float.MIN_VALUE, 4 * Float.MIN_VALUE);
        c.verify();
    }
}
