package io.cudawasm.runtime.backend.wasm.math;

/**
 * Reciprocal square and cube roots in double precision. {@code 1/sqrt(x)} and {@code 1/cbrt(x)} round twice (up to
 * about 1.5 ulp), so the first approximation r0 is corrected once with the residual {@code d = 1 - x r0^n} computed
 * with exact products: r = r0 (1 + d/n). The neglected term is O(d^2), about 2^-100, so the single rounding of the
 * fused correction makes the result correctly rounded except in rare hard cases. Arguments are scaled by even
 * (respectively multiple-of-three) powers of two so that r0^n stays normal.
 */
final class Roots {

    private static final double LOW = 0x1p-900;
    private static final double HIGH = 0x1p900;

    private Roots() {
    }

    static double rsqrt(double x) {
        if (Double.isNaN(x) || x < 0.0) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        if (x == Double.POSITIVE_INFINITY) {
            return 0.0;
        }
        int scale = 0;
        if (x < LOW) {
            x *= 0x1p1000;
            scale = 500;
        } else if (x > HIGH) {
            x *= 0x1p-1000;
            scale = -500;
        }
        double r0 = 1.0 / Math.sqrt(x);
        DoubleDouble xr2 = DoubleDouble.twoProd(r0, r0).mul(x);
        double d = (1.0 - xr2.hi()) - xr2.lo(); // 1 - xr2.hi is exact: xr2.hi is within a few ulps of 1
        double r = Math.fma(r0, 0.5 * d, r0);
        return Math.scalb(r, scale);
    }

    static double rcbrt(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x == 0.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        if (Double.isInfinite(x)) {
            return Math.copySign(0.0, x);
        }
        double a = Math.abs(x);
        int scale = 0;
        if (a < LOW) {
            a *= 0x1p999;
            scale = 333;
        } else if (a > HIGH) {
            a *= 0x1p-999;
            scale = -333;
        }
        double r0 = 1.0 / StrictMath.cbrt(a);
        DoubleDouble ar3 = DoubleDouble.twoProd(r0, r0).mul(r0).mul(a);
        double d = (1.0 - ar3.hi()) - ar3.lo();
        double r = Math.fma(r0, d / 3.0, r0);
        return Math.copySign(Math.scalb(r, scale), x);
    }
}
