package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.DdElementary.LN10;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.LN2;

/**
 * Exponentials and logarithms that Java lacks or gets only within 2 ulp (exp2, exp10, log2, log10) and pow with
 * C99 special cases. exp2 and exp10 are e^(x ln b) with x ln b formed in double-double (the product's absolute error
 * is what e^y amplifies); log2 and log10 are the double-double log divided by ln 2 or ln 10, so exact powers of the
 * base give exact integers.
 */
final class ExpLog {

    private ExpLog() {
    }

    static double exp2(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x > 1100.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < -1100.0) {
            return 0.0;
        }
        return DdElementary.exp(LN2.mul(x)).value();
    }

    static double exp10(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (x > 400.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (x < -400.0) {
            return 0.0;
        }
        return DdElementary.exp(LN10.mul(x)).value();
    }

    static double log2(double x) {
        if (Double.isNaN(x) || x < 0.0) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        return DdElementary.log(x).div(LN2).value();
    }

    /** log10 as the double-double log divided by ln 10 (fdlibm's log10 rounds twice and reaches 2 ulp). */
    static double log10(double x) {
        if (Double.isNaN(x) || x < 0.0) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return Double.NEGATIVE_INFINITY;
        }
        if (x == Double.POSITIVE_INFINITY) {
            return x;
        }
        return DdElementary.log(x).div(LN10).value();
    }

    /**
     * pow with the C99/CUDA special cases: pow(+1, y) = 1 and pow(x, +-0) = 1 even for NaN, pow(-1, +-inf) = 1.
     * Java's pow returns NaN for the first and last; everything else already follows C99 (Annex F), and
     * StrictMath.pow (fdlibm) is within 1 ulp.
     */
    static double pow(double x, double y) {
        if (x == 1.0 || y == 0.0) {
            return 1.0;
        }
        if (x == -1.0 && Double.isInfinite(y)) {
            return 1.0;
        }
        return StrictMath.pow(x, y);
    }
}
