package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.DdElementary.LN2;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.log;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.log1p;

/**
 * asinh, acosh, atanh in double precision, written as log1p of an argument formed in double-double so that neither
 * the small-argument cancellation (asinh, atanh near 0, acosh near 1) nor the rounding of the log argument costs
 * accuracy: results are correctly rounded except in rare hard cases.
 */
final class InverseHyperbolic {

    private static final double TINY = 0x1p-28;
    private static final double HUGE = 0x1p28;

    private InverseHyperbolic() {
    }

    /** asinh(x) = log1p(|x| + x^2 / (1 + sqrt(1 + x^2))), odd. */
    static double asinh(double x) {
        double ax = Math.abs(x);
        if (!(ax >= TINY) || ax == Double.POSITIVE_INFINITY) {
            return x; // NaN, infinities, zeros and |x| < 2^-28 where asinh(x) = x (1 - x^2/6 + ...)
        }
        double r;
        if (ax > HUGE) {
            r = log(ax).add(LN2).value(); // asinh(x) = log(2x) + 1/(4x^2) - ...
        } else {
            DoubleDouble x2 = DoubleDouble.twoProd(ax, ax);
            DoubleDouble root = x2.add(1.0).sqrt();
            DoubleDouble t = x2.div(root.add(1.0)).add(ax);
            r = log1p(t).value();
        }
        return Math.copySign(r, x);
    }

    /** acosh(x) = log1p((x - 1) + sqrt((x - 1)(x + 1))). */
    static double acosh(double x) {
        if (Double.isNaN(x) || x < 1.0) {
            return Double.NaN;
        }
        if (x == 1.0) {
            return 0.0;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x > HUGE) {
            return log(x).add(LN2).value(); // acosh(x) = log(2x) - 1/(4x^2) - ...
        }
        DoubleDouble u = DoubleDouble.twoSum(x, -1.0);
        DoubleDouble root = u.mul(DoubleDouble.twoSum(x, 1.0)).sqrt();
        return log1p(u.add(root)).value();
    }

    /** atanh(x) = log1p(2|x| / (1 - |x|)) / 2, odd. */
    static double atanh(double x) {
        double ax = Math.abs(x);
        if (Double.isNaN(x) || ax > 1.0) {
            return Double.NaN;
        }
        if (ax == 1.0) {
            return Math.copySign(Double.POSITIVE_INFINITY, x);
        }
        if (ax < TINY) {
            return x; // atanh(x) = x (1 + x^2/3 + ...)
        }
        DoubleDouble t = DoubleDouble.of(2.0 * ax).div(DoubleDouble.twoSum(1.0, -ax));
        return Math.copySign(log1p(t).value() * 0.5, x);
    }
}
