package io.cudawasm.runtime.backend.wasm.math;

/**
 * Functions whose results are exact (CUDA bound 0 ulp): fma, fmod, remainder, fdim, ldexp/scalbn, logb.
 *
 * <p>fmaf: the product of two floats is exact in double (48 bits), the sum then rounds once to double and again to
 * float, which can go wrong at float midpoints. Rounding the double sum to odd instead (Boldo and Melquiond: keep the
 * nearest double if its last bit is odd, else step toward the exact value, known from TwoSum's error term) makes the
 * second rounding correct, because double carries more than 24 + 1 bits.
 */
final class ExactOps {

    private ExactOps() {
    }

    static float fmaf(float a, float b, float c) {
        double p = (double) a * (double) b; // exact
        double s = p + c;
        if (!Double.isFinite(s)) {
            return (float) s; // NaN and infinities come out right from the exact product
        }
        double bb = s - p;
        double err = (p - (s - bb)) + (c - bb); // TwoSum: s + err == p + c exactly
        if (err != 0.0 && (Double.doubleToRawLongBits(s) & 1L) == 0L) {
            s = err > 0.0 ? Math.nextUp(s) : Math.nextDown(s);
        }
        return (float) s;
    }

    /** Correctly rounded fused multiply-add (the JDK specifies one rounding, with a BigDecimal fallback). */
    static double fma(double a, double b, double c) {
        return Math.fma(a, b, c);
    }

    /** C fmod: Java's % is the truncating remainder, computed exactly, with the same special cases. */
    static float fmodf(float x, float y) {
        return x % y;
    }

    static double fmod(double x, double y) {
        return x % y;
    }

    /** IEEE remainder (quotient rounded to nearest even); exact, and representable as a float for float inputs. */
    static float remainderf(float x, float y) {
        return (float) StrictMath.IEEEremainder(x, y);
    }

    static double remainder(double x, double y) {
        return StrictMath.IEEEremainder(x, y);
    }

    static float fdimf(float x, float y) {
        if (Float.isNaN(x) || Float.isNaN(y)) {
            return Float.NaN;
        }
        return x > y ? x - y : 0.0f;
    }

    static double fdim(double x, double y) {
        if (Double.isNaN(x) || Double.isNaN(y)) {
            return Double.NaN;
        }
        return x > y ? x - y : 0.0;
    }

    /** x * 2^n with one rounding (Math.scalb scales float through an exact double product). */
    static float ldexpf(float x, int n) {
        return Math.scalb(x, n);
    }

    static double ldexp(double x, int n) {
        return Math.scalb(x, n);
    }

    /** Unbiased exponent, also for subnormals; logb(0) = -inf, logb(+-inf) = +inf. */
    static float logbf(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        if (Float.isInfinite(x)) {
            return Float.POSITIVE_INFINITY;
        }
        if (x == 0.0f) {
            return Float.NEGATIVE_INFINITY;
        }
        int e = Math.getExponent(x);
        if (e < Float.MIN_EXPONENT) {
            int mantissa = Float.floatToRawIntBits(x) & 0x007fffff;
            e = (31 - Integer.numberOfLeadingZeros(mantissa)) - 149;
        }
        return e;
    }

    static double logb(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Double.isInfinite(x)) {
            return Double.POSITIVE_INFINITY;
        }
        if (x == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        int e = Math.getExponent(x);
        if (e < Double.MIN_EXPONENT) {
            long mantissa = Double.doubleToRawLongBits(x) & 0x000fffffffffffffL;
            e = (63 - Long.numberOfLeadingZeros(mantissa)) - 1074;
        }
        return e;
    }
}
