package io.cudawasm.runtime.backend.wasm.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;

/**
 * Error measurement in units in the last place of the result format.
 *
 * <ul>
 *   <li>{@link #roundToFormat}: the correctly rounded (nearest-even) float or double value of an exact or
 *       high-precision real, with gradual underflow and overflow to infinity, done on BigDecimal/BigInteger.</li>
 *   <li>{@link #ulpDistance}: CUDA's measure, the number of representable values between a result and the correctly
 *       rounded one (+0 and -0 count as the same point; infinity is one step beyond the largest finite value).</li>
 *   <li>{@link #realError}: |result - exact| / ulp(exact), ulp taken at the exact value (2^(e-p+1) for |exact| in
 *       [2^e, 2^(e+1)), never below the subnormal spacing). An infinite result counts as 2^(emax+1).</li>
 * </ul>
 */
final class Ulps {

    enum Format {
        FLOAT(24, -126, 127), DOUBLE(53, -1022, 1023);

        final int precision;
        final int minExponent;
        final int maxExponent;

        Format(int precision, int minExponent, int maxExponent) {
            this.precision = precision;
            this.minExponent = minExponent;
            this.maxExponent = maxExponent;
        }
    }

    private Ulps() {
    }

    /** Correctly rounded value in the format (returned as a double, exact for FLOAT). */
    static double roundToFormat(BigDecimal v, Format f) {
        if (v.signum() == 0) {
            return 0.0;
        }
        BigDecimal a = v.abs();
        int e = Math.max(BigRef.floorLog2(a), f.minExponent);
        if (e > f.maxExponent + 1) {
            return v.signum() < 0 ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
        }
        int shift = f.precision - 1 - e;
        BigInteger n = a.multiply(BigRef.pow2(shift)).setScale(0, RoundingMode.HALF_EVEN).toBigIntegerExact();
        double r = Math.scalb(n.doubleValue(), -shift); // n <= 2^precision: exact
        double max = f == Format.FLOAT ? Float.MAX_VALUE : Double.MAX_VALUE;
        if (r > max) {
            r = Double.POSITIVE_INFINITY;
        }
        if (r == 0.0) {
            return v.signum() < 0 ? -0.0 : 0.0;
        }
        return v.signum() < 0 ? -r : r;
    }

    /** Position on the number line of representable values; -0 and +0 map to 0, infinity to MAX + 1. */
    private static long ordinal(double x, Format f) {
        if (f == Format.FLOAT) {
            int bits = Float.floatToRawIntBits((float) x);
            long mag = bits & 0x7fffffffL;
            return bits < 0 ? -mag : mag;
        }
        long bits = Double.doubleToRawLongBits(x);
        long mag = bits & 0x7fffffffffffffffL;
        return bits < 0 ? -mag : mag;
    }

    /** Number of representable steps between two non-NaN values of the format. */
    static long ulpDistance(double a, double b, Format f) {
        try {
            return Math.abs(Math.subtractExact(ordinal(a, f), ordinal(b, f)));
        } catch (ArithmeticException overflow) {
            return Long.MAX_VALUE;
        }
    }

    static BigDecimal ulpAt(BigDecimal v, Format f) {
        int e = v.signum() == 0 ? f.minExponent : Math.max(BigRef.floorLog2(v), f.minExponent);
        return BigRef.pow2(e - f.precision + 1);
    }

    /** |result - exact| / ulp(exact) for a non-NaN result. */
    static double realError(double result, BigDecimal exact, Format f) {
        double rounded = roundToFormat(exact, f);
        if (Double.isInfinite(result) && result == rounded) {
            return 0.0;
        }
        BigDecimal r = Double.isInfinite(result)
                ? BigRef.pow2(f.maxExponent + 1).multiply(BigDecimal.valueOf((long) Math.signum(result)))
                : new BigDecimal(result);
        BigDecimal ex = exact;
        BigDecimal limit = BigRef.pow2(f.maxExponent + 1);
        if (ex.abs().compareTo(limit) > 0) {
            ex = ex.signum() > 0 ? limit : limit.negate(); // beyond the range only "rounds to infinity" matters
        }
        BigDecimal diff = r.subtract(ex).abs();
        return diff.divide(ulpAt(ex, f), BigRef.work(10)).doubleValue();
    }
}
