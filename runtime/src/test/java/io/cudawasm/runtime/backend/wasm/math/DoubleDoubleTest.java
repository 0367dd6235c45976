package io.cudawasm.runtime.backend.wasm.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The double-double layer and the constants and coefficients baked into the implementation, against BigDecimal. */
class DoubleDoubleTest {

    private static final MathContext MC = new MathContext(60);

    private static BigDecimal big(DoubleDouble d) {
        return new BigDecimal(d.hi()).add(new BigDecimal(d.lo()));
    }

    /** |approx - exact| / |exact| as a power of two. */
    private static double log2RelErr(BigDecimal approx, BigDecimal exact) {
        if (approx.compareTo(exact) == 0) {
            return -1000;
        }
        BigDecimal rel = approx.subtract(exact).abs().divide(exact.abs(), MC);
        return Math.log(rel.doubleValue()) / Math.log(2);
    }

    private static DoubleDouble random(SplittableRandom r, int minExp, int maxExp) {
        double hi = Inputs.randomDouble(r, minExp, maxExp, false);
        double lo = Math.ulp(hi) * (r.nextDouble() - 0.5);
        return DoubleDouble.fastTwoSum(hi, lo);
    }

    @Test
    void errorFreeTransformationsAreExact() {
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < 5000; i++) {
            double a = Inputs.randomDouble(r, -300, 300, false);
            double b = Inputs.randomDouble(r, -300, 300, false);
            DoubleDouble s = DoubleDouble.twoSum(a, b);
            assertEquals(0, big(s).compareTo(new BigDecimal(a).add(new BigDecimal(b))));
            assertEquals(s.hi(), a + b);
            DoubleDouble p = DoubleDouble.twoProd(a, b);
            assertEquals(0, big(p).compareTo(new BigDecimal(a).multiply(new BigDecimal(b))));
        }
    }

    @Test
    void arithmeticIsAccurateTo2pow100() {
        SplittableRandom r = new SplittableRandom(12);
        double worst = -1000;
        for (int i = 0; i < 3000; i++) {
            DoubleDouble a = random(r, -200, 200);
            DoubleDouble b = random(r, -200, 200);
            BigDecimal ea = big(a);
            BigDecimal eb = big(b);
            worst = Math.max(worst, log2RelErr(big(a.mul(b)), ea.multiply(eb)));
            worst = Math.max(worst, log2RelErr(big(a.div(b)), ea.divide(eb, MC)));
            worst = Math.max(worst, log2RelErr(big(a.square()), ea.multiply(ea)));
            worst = Math.max(worst, log2RelErr(big(a.div(b.hi())), ea.divide(new BigDecimal(b.hi()), MC)));
            if (a.hi() > 0) {
                worst = Math.max(worst, log2RelErr(big(a.sqrt()), ea.sqrt(MC)));
            }
            // addition: relative to the larger operand (cancellation is exact, not an error of the method)
            BigDecimal sum = ea.add(eb);
            BigDecimal scale = ea.abs().max(eb.abs());
            BigDecimal err = big(a.add(b)).subtract(sum).abs().divide(scale, MC);
            if (err.signum() != 0) {
                worst = Math.max(worst, Math.log(err.doubleValue()) / Math.log(2));
            }
        }
        assertTrue(worst < -100, "worst relative error 2^" + worst);
    }

    @Test
    void elementaryFunctionsAreAccurateTo2pow96() {
        SplittableRandom r = new SplittableRandom(13);
        BigRef ref = BigRef.DOUBLE;
        double worstExp = -1000;
        double worstLog = -1000;
        double worstSin = -1000;
        double worstCos = -1000;
        for (int i = 0; i < 300; i++) {
            DoubleDouble a = DoubleDouble.fastTwoSum(Inputs.uniformDouble(r, -700, 700), 0x1p-60 * r.nextDouble());
            DdElementary.Scaled e = DdElementary.exp(a);
            BigDecimal got = big(e.mantissa()).multiply(BigRef.pow2(e.exponent()));
            worstExp = Math.max(worstExp, log2RelErr(got, BigRef.exp(big(a), 60)));

            DoubleDouble x = random(r, -1000, 1000);
            x = x.hi() < 0 ? x.negate() : x;
            BigDecimal exact = BigRef.log(big(x), 60);
            // absolute error relative to max(1, |log|): log has no relative condition near x = 1 in this test
            BigDecimal err = big(DdElementary.log(x)).subtract(exact).abs()
                    .divide(exact.abs().max(BigDecimal.ONE), MC);
            if (err.signum() != 0) {
                worstLog = Math.max(worstLog, Math.log(err.doubleValue()) / Math.log(2));
            }
            DoubleDouble t = DoubleDouble.fastTwoSum(Inputs.uniformDouble(r, 0, Math.PI / 4), 0x1p-58 * r.nextDouble());
            worstSin = Math.max(worstSin, log2RelErr(big(DdElementary.sinKernel(t)), ref.sin(big(t))));
            worstCos = Math.max(worstCos, log2RelErr(big(DdElementary.cosKernel(t)), ref.cos(big(t))));
        }
        for (int i = 0; i < 300; i++) {
            // log1p near 0 must be relative-accurate
            double f = Inputs.randomDouble(r, -200, -2, false);
            worstLog = Math.max(worstLog, log2RelErr(big(DdElementary.log1p(DoubleDouble.of(f))),
                    ref.log1p(new BigDecimal(f))));
        }
        // k ln 2 with |k| up to ~1000 carries the 2^-107 relative error of the double-double ln 2
        assertTrue(worstExp < -96, "exp 2^" + worstExp);
        assertTrue(worstLog < -98, "log 2^" + worstLog);
        assertTrue(worstSin < -100, "sin 2^" + worstSin);
        assertTrue(worstCos < -100, "cos 2^" + worstCos);
    }

    /** A double-double constant must be the exact value rounded to about 106 bits. */
    private static void assertConstant(String what, DoubleDouble c, BigDecimal exact) {
        double e = log2RelErr(big(c), exact);
        assertTrue(e < -105, what + ": relative error 2^" + e);
        assertEquals(c.hi(), exact.doubleValue(), what + ": high part is the double nearest the constant");
    }

    @Test
    void bakedConstantsAreRight() {
        MathContext w = new MathContext(80);
        BigDecimal sqrtPi = BigRef.PI.sqrt(w);
        assertConstant("ln 2", DdElementary.LN2, BigRef.LN2);
        assertConstant("ln 10", DdElementary.LN10, BigRef.LN10);
        assertConstant("pi", DdElementary.PI, BigRef.PI);
        assertConstant("2/sqrt(pi)", ErrorFunction.TWO_OVER_SQRT_PI, BigRef.TWO.divide(sqrtPi, w));
        assertConstant("1/sqrt(pi)", ErrorFunction.ONE_OVER_SQRT_PI, BigDecimal.ONE.divide(sqrtPi, w));
        assertConstant("log(pi)", GammaFunction.LOG_PI, BigRef.log(BigRef.PI, 70));
        assertConstant("log(2 pi)/2", GammaFunction.HALF_LOG_2PI,
                BigRef.log(BigRef.PI.multiply(BigRef.TWO), 70).divide(BigRef.TWO));
        // Euler's constant, first 60 digits (a classical published value)
        BigDecimal euler = new BigDecimal("0.577215664901532860606512090082402431042159335939923598805767");
        assertConstant("1 - euler", GammaFunction.ONE_MINUS_EULER, BigDecimal.ONE.subtract(euler));
        assertConstant("(zeta(2) - 1)/2", GammaFunction.ZETA2_MINUS_ONE_HALF,
                BigRef.PI.pow(2).divide(BigDecimal.valueOf(6), w).subtract(BigDecimal.ONE).divide(BigRef.TWO));
    }

    /** zeta(k) - 1 by Euler-Maclaurin: sum_{n=2}^{N-1} n^-k + N^(1-k)/(k-1) + N^-k/2 + Bernoulli corrections. */
    private static BigDecimal zetaMinusOne(int k) {
        MathContext w = new MathContext(60);
        int n = 50;
        BigDecimal sum = BigDecimal.ZERO;
        for (int j = 2; j < n; j++) {
            sum = sum.add(BigDecimal.ONE.divide(BigDecimal.valueOf(j).pow(k), w), w);
        }
        BigDecimal bigN = BigDecimal.valueOf(n);
        sum = sum.add(BigDecimal.ONE.divide(bigN.pow(k - 1).multiply(BigDecimal.valueOf(k - 1)), w), w);
        sum = sum.add(BigDecimal.ONE.divide(bigN.pow(k).multiply(BigRef.TWO), w), w);
        BigDecimal[] b = BigRef.bernoulliEven(12);
        // + sum_j B_2j / (2j)! * k (k+1) ... (k+2j-2) * N^(-k-2j+1)
        BigDecimal rising = BigDecimal.valueOf(k); // k (k+1) ... (k + 2j - 2)
        BigDecimal factorial = BigRef.TWO; // (2j)!
        for (int j = 1; j <= 12; j++) {
            BigDecimal term = b[j - 1].multiply(rising).divide(factorial.multiply(bigN.pow(k + 2 * j - 1)), w);
            sum = sum.add(term, w);
            rising = rising.multiply(BigDecimal.valueOf((long) (k + 2 * j - 1) * (k + 2 * j)));
            factorial = factorial.multiply(BigDecimal.valueOf((2L * j + 1) * (2L * j + 2)));
        }
        return sum;
    }

    @Test
    void lgammaSeriesCoefficientsAreZetaValues() {
        MathContext w = new MathContext(60);
        BigDecimal z2 = zetaMinusOne(2);
        BigDecimal exact2 = BigRef.PI.pow(2).divide(BigDecimal.valueOf(6), w).subtract(BigDecimal.ONE);
        assertTrue(log2RelErr(z2, exact2) < -110, "Euler-Maclaurin check against pi^2/6");
        for (int k = 3; k < 3 + GammaFunction.LGAMMA2_COEF.length; k++) {
            BigDecimal c = zetaMinusOne(k).divide(BigDecimal.valueOf(k), w);
            if (k % 2 == 1) {
                c = c.negate();
            }
            assertEquals(c.doubleValue(), GammaFunction.LGAMMA2_COEF[k - 3], "k = " + k);
            if (k - 3 < GammaFunction.LGAMMA2_COEF_LO.length) {
                DoubleDouble dd = new DoubleDouble(GammaFunction.LGAMMA2_COEF[k - 3], GammaFunction.LGAMMA2_COEF_LO[k - 3]);
                assertTrue(log2RelErr(big(dd), c) < -104, "double-double coefficient k = " + k);
            }
        }
    }

    @Test
    void stirlingCoefficientsAreBernoulliRatios() {
        BigDecimal[] b = BigRef.bernoulliEven(GammaFunction.STIRLING_COEF.length);
        for (int k = 1; k <= b.length; k++) {
            double expected = b[k - 1].divide(BigDecimal.valueOf(2L * k * (2L * k - 1)), MC).doubleValue();
            assertEquals(expected, GammaFunction.STIRLING_COEF[k - 1], "k = " + k);
        }
        assertEquals(new BigDecimal("-0.0333333333"), b[1].round(new MathContext(9)), "B_4 = -1/30");
        assertEquals(new BigDecimal("-529.124242"), b[9].round(new MathContext(9)), "B_20 = -174611/330");
    }
}
