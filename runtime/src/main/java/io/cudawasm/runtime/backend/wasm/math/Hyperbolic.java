package io.cudawasm.runtime.backend.wasm.math;

/**
 * sinh, cosh, tanh in double precision. fdlibm's versions (StrictMath) are only specified within 2.5 ulp and reach
 * 1.6 ulp for tanh, while CUDA promises 1 ulp for cosh and tanh; so these are formed from the double-double
 * exponential: (e^a -+ e^-a)/2 and (e^2a - 1)/(e^2a + 1). The cancellation for small a costs at most 27 of the ~100
 * bits, below which the first Taylor term is already the correctly rounded result.
 */
final class Hyperbolic {

    /** Below this, sinh(x) and tanh(x) round to x: the next Taylor term is below 2^-54 relative. */
    private static final double TINY = 0x1p-27;
    /** Beyond this, e^-a is below 2^-110 of e^a. */
    private static final double LARGE = 40.0;

    private Hyperbolic() {
    }

    static double sinh(double x) {
        double a = Math.abs(x);
        if (!(a >= TINY) || a == Double.POSITIVE_INFINITY) {
            return x; // NaN, zeros, infinities, tiny
        }
        double r;
        if (a > LARGE) {
            r = halfExp(a);
        } else {
            DoubleDouble e = DdElementary.exp(DoubleDouble.of(a)).toDoubleDouble();
            r = e.sub(DoubleDouble.ONE.div(e)).scalb(-1).value();
        }
        return Math.copySign(r, x);
    }

    static double cosh(double x) {
        double a = Math.abs(x);
        if (Double.isNaN(x)) {
            return x;
        }
        if (a == Double.POSITIVE_INFINITY) {
            return a;
        }
        if (a < TINY) {
            return 1.0; // 1 + x^2/2 with x^2/2 below 2^-54
        }
        if (a > LARGE) {
            return halfExp(a);
        }
        DoubleDouble e = DdElementary.exp(DoubleDouble.of(a)).toDoubleDouble();
        return e.add(DoubleDouble.ONE.div(e)).scalb(-1).value();
    }

    static double tanh(double x) {
        double a = Math.abs(x);
        if (!(a >= TINY)) {
            return x; // NaN, zeros, tiny: tanh(x) = x (1 - x^2/3 + ...)
        }
        if (a > 22.0) {
            return Math.copySign(1.0, x); // 1 - tanh(22) < 2^-62
        }
        DoubleDouble t = DdElementary.exp(DoubleDouble.of(2.0 * a)).toDoubleDouble();
        double r = t.sub(DoubleDouble.ONE).div(t.add(1.0)).value();
        return Math.copySign(r, x);
    }

    /** e^a / 2 for large a, scaled so that it overflows only when the result does. */
    private static double halfExp(double a) {
        DdElementary.Scaled e = DdElementary.exp(DoubleDouble.of(a));
        return new DdElementary.Scaled(e.mantissa(), e.exponent() - 1).value();
    }
}
