package io.cudawasm.runtime.backend.wasm.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Checks on the test oracle itself: published constants, agreement with the independent fdlibm implementations in
 * StrictMath (within the bound Java documents for each), overlap of the two erfc methods, gamma identities, and the
 * correct rounding used to score results.
 */
class ReferenceSelfTest {

    private static final BigRef R = BigRef.DOUBLE;

    private static void assertDigits(String expected, BigDecimal actual) {
        MathContext mc = new MathContext(Math.min(44, expected.replace(".", "").replace("-", "").length() - 1));
        assertEquals(new BigDecimal(expected).round(mc), actual.round(mc));
    }

    @Test
    void publishedConstants() {
        assertDigits("3.14159265358979323846264338327950288419716939937510582097494", BigRef.PI);
        assertDigits("0.693147180559945309417232121458176568075500134360255254120680", BigRef.LN2);
        assertDigits("2.30258509299404568401799145468436420760110148862877297603333", BigRef.LN10);
        assertDigits("2.71828182845904523536028747135266249775724709369995957496697", R.exp(BigDecimal.ONE));
        assertDigits("0.842700792949714869341220635082609259296066997966302908459937", R.erf(BigDecimal.ONE));
        assertDigits("0.157299207050285130658779364917390740703933002033697091540063", R.erfc(BigDecimal.ONE));
        assertDigits("0.572364942924700087071713675676529355823647406457655785756812", R.lgamma(new BigDecimal("0.5")));
        assertDigits("1.77245385090551602729816748334114518279754945612238712821380",
                R.tgamma(new BigDecimal("0.5")));
    }

    /** StrictMath must lie within Java's documented bound for the method (1 ulp, 2.5 for the hyperbolics). */
    private static void agreesWithStrictMath(String what, Function<BigDecimal, BigDecimal> ref, DoubleUnaryOperator sm,
                                             double lo, double hi, boolean exponents) {
        double tolerance = what.startsWith("sinh") || what.startsWith("cosh") || what.startsWith("tanh") ? 2.5 : 1.0;
        SplittableRandom r = new SplittableRandom(what.hashCode());
        for (int i = 0; i < 150; i++) {
            double x = exponents ? Inputs.randomDouble(r, (int) lo, (int) hi, false) : Inputs.uniformDouble(r, lo, hi);
            double expected = sm.applyAsDouble(x);
            if (!Double.isFinite(expected)) {
                continue;
            }
            BigDecimal exact = ref.apply(new BigDecimal(x));
            double err = Ulps.realError(expected, exact, Ulps.Format.DOUBLE);
            assertTrue(err < tolerance, what + "(" + x + "): StrictMath " + expected + " is " + err + " ulp from reference "
                    + exact.round(new MathContext(20)));
        }
    }

    @Test
    void referencesAgreeWithFdlibm() {
        agreesWithStrictMath("exp", R::exp, StrictMath::exp, -745, 709, false);
        agreesWithStrictMath("expm1", R::expm1, StrictMath::expm1, -60, 5, true);
        agreesWithStrictMath("log", x -> R.log(x.abs()), x -> StrictMath.log(Math.abs(x)), -1074, 1023, true);
        agreesWithStrictMath("log1p", R::log1p, StrictMath::log1p, -0.9, 10, false);
        agreesWithStrictMath("sin", R::sin, StrictMath::sin, -1074, 1023, true);
        agreesWithStrictMath("cos", R::cos, StrictMath::cos, -1e8, 1e8, false);
        agreesWithStrictMath("tan", R::tan, StrictMath::tan, -20, 20, false);
        agreesWithStrictMath("atan", R::atan, StrictMath::atan, -1074, 1023, true);
        agreesWithStrictMath("asin", R::asin, StrictMath::asin, -1, 1, false);
        agreesWithStrictMath("acos", R::acos, StrictMath::acos, -1, 1, false);
        agreesWithStrictMath("sinh", R::sinh, StrictMath::sinh, -700, 700, false);
        agreesWithStrictMath("cosh", R::cosh, StrictMath::cosh, -700, 700, false);
        agreesWithStrictMath("tanh", R::tanh, StrictMath::tanh, -20, 20, false);
        agreesWithStrictMath("cbrt", R::cbrt, StrictMath::cbrt, -1074, 1023, true);
    }

    @Test
    void erfcMethodsOverlap() {
        for (double x = 5.0; x <= 7.0; x += 0.125) {
            BigDecimal bx = new BigDecimal(x);
            BigDecimal a = R.erfcContinuedFraction(bx);
            BigDecimal b = R.erfcBySeries(bx);
            BigDecimal rel = a.subtract(b).abs().divide(b, new MathContext(10));
            assertTrue(rel.compareTo(new BigDecimal("1e-40")) < 0, "x = " + x + ": " + rel);
        }
    }

    @Test
    void gammaIdentities() {
        MathContext mc = new MathContext(40);
        BigDecimal factorial = BigDecimal.ONE;
        for (int n = 1; n <= 30; n++) {
            BigDecimal g = R.tgamma(BigDecimal.valueOf(n));
            assertEquals(0, g.round(mc).compareTo(factorial.round(mc)), "Gamma(" + n + ")");
            factorial = factorial.multiply(BigDecimal.valueOf(n));
        }
        // reflection: Gamma(x) Gamma(1 - x) = pi / sin(pi x), and Gamma(x + 1) = x Gamma(x) across 0
        for (double x : new double[] {-7.3, -2.5, -0.25, 0.1, 0.7, 3.9}) {
            BigDecimal bx = new BigDecimal(x);
            BigDecimal lhs = R.tgamma(bx).multiply(R.tgamma(BigDecimal.ONE.subtract(bx)));
            BigDecimal rhs = BigRef.PI.divide(R.sinCosPi(bx, 0), mc);
            assertEquals(0, lhs.round(new MathContext(35)).compareTo(rhs.round(new MathContext(35))), "x = " + x);
            BigDecimal up = R.tgamma(bx.add(BigDecimal.ONE));
            assertEquals(0, up.round(new MathContext(35)).compareTo(bx.multiply(R.tgamma(bx)).round(new MathContext(35))),
                    "x = " + x);
        }
    }

    @Test
    void roundingToFormatIsCorrect() {
        SplittableRandom r = new SplittableRandom(31);
        for (int i = 0; i < 20_000; i++) {
            double d = Inputs.randomDouble(r, -1074, 1023, false);
            assertEquals(d, Ulps.roundToFormat(new BigDecimal(d), Ulps.Format.DOUBLE));
            // Java's double-to-float conversion is a correct rounding, including subnormals and overflow
            double f = Inputs.randomDouble(r, -160, 130, false);
            assertEquals((double) (float) f, Ulps.roundToFormat(new BigDecimal(f), Ulps.Format.FLOAT));
        }
        // ties to even at a midpoint, in normal and subnormal range, and the overflow threshold
        BigDecimal one = BigDecimal.ONE;
        assertEquals(1.0, Ulps.roundToFormat(one.add(BigRef.pow2(-53)), Ulps.Format.DOUBLE));
        assertEquals(1.0 + 0x1p-51, Ulps.roundToFormat(one.add(BigRef.pow2(-52)).add(BigRef.pow2(-53)),
                Ulps.Format.DOUBLE));
        assertEquals(0.0, Ulps.roundToFormat(BigRef.pow2(-1075), Ulps.Format.DOUBLE));
        assertEquals(Double.MIN_VALUE, Ulps.roundToFormat(BigRef.pow2(-1075).multiply(new BigDecimal("1.0000001")),
                Ulps.Format.DOUBLE));
        assertEquals(2 * Double.MIN_VALUE, Ulps.roundToFormat(BigRef.pow2(-1075).multiply(BigDecimal.valueOf(3)),
                Ulps.Format.DOUBLE));
        BigDecimal max = new BigDecimal(Double.MAX_VALUE);
        BigDecimal halfUlp = BigRef.pow2(970);
        assertEquals(Double.MAX_VALUE, Ulps.roundToFormat(max.add(halfUlp).subtract(BigDecimal.ONE), Ulps.Format.DOUBLE));
        assertEquals(Double.POSITIVE_INFINITY, Ulps.roundToFormat(max.add(halfUlp), Ulps.Format.DOUBLE));
        assertEquals(Double.NEGATIVE_INFINITY, Ulps.roundToFormat(BigRef.HUGE.negate(), Ulps.Format.FLOAT));
        assertEquals(-0.0, Ulps.roundToFormat(BigRef.TINY.negate(), Ulps.Format.FLOAT));
        // distances
        assertEquals(1, Ulps.ulpDistance(Float.MAX_VALUE, Float.POSITIVE_INFINITY, Ulps.Format.FLOAT));
        assertEquals(0, Ulps.ulpDistance(0.0, -0.0, Ulps.Format.DOUBLE));
        assertEquals(2, Ulps.ulpDistance(Double.MIN_VALUE, -Double.MIN_VALUE, Ulps.Format.DOUBLE));
        assertEquals(0.5, Ulps.realError(1.0, one.add(BigRef.pow2(-53)), Ulps.Format.DOUBLE), 1e-12);
    }
}
