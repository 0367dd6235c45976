package io.cudawasm.runtime.testing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * Arithmetic of a 16-bit floating-point format as a reference computes it: exactly, in
 * {@link BigDecimal}, then rounded once to nearest even; results with a non-finite operand, or an
 * exact zero, follow IEEE in double (the same rules). Shared by {@link Binary16} and {@link BFloat16},
 * which differ only in how bit patterns map to values.
 */
final class SixteenBitArithmetic {
    /** What the arithmetic needs to know of a format. */
    interface Format {
        BigDecimal exact(short h);

        boolean finite(short h);

        boolean isNaN(short h);

        float toFloat(short h);

        /** The value nearest (ties to even) to an exact nonzero real. */
        short round(BigDecimal exact);

        /** A double rounded to nearest even, NaN and infinities included. */
        short fromDouble(double d);

        /** The canonical NaN. */
        short nan();
    }

    /** Division to 80 digits: far finer than any midpoint a quotient of two 16-bit values can come near. */
    private static final MathContext QUOTIENT = new MathContext(80, RoundingMode.HALF_EVEN);

    private SixteenBitArithmetic() {}

    static short add(Format f, short a, short b) {
        if (!f.finite(a) || !f.finite(b)) {
            return f.fromDouble((double) f.toFloat(a) + f.toFloat(b));
        }
        BigDecimal s = f.exact(a).add(f.exact(b));
        return s.signum() == 0 ? f.fromDouble((double) f.toFloat(a) + f.toFloat(b)) : f.round(s);
    }

    static short mul(Format f, short a, short b) {
        if (!f.finite(a) || !f.finite(b) || (a & 0x7fff) == 0 || (b & 0x7fff) == 0) {
            return f.fromDouble((double) f.toFloat(a) * f.toFloat(b));
        }
        return f.round(f.exact(a).multiply(f.exact(b)));
    }

    static short div(Format f, short a, short b) {
        if (!f.finite(a) || !f.finite(b) || (a & 0x7fff) == 0 || (b & 0x7fff) == 0) {
            return f.fromDouble((double) f.toFloat(a) / f.toFloat(b));
        }
        return f.round(f.exact(a).divide(f.exact(b), QUOTIENT));
    }

    static short fma(Format f, short a, short b, short c) {
        if (!f.finite(a) || !f.finite(b) || !f.finite(c)) {
            return f.fromDouble(Math.fma((double) f.toFloat(a), f.toFloat(b), f.toFloat(c)));
        }
        BigDecimal s = f.exact(a).multiply(f.exact(b)).add(f.exact(c));
        if (s.signum() == 0) { // exact zero: its sign by IEEE's rules, which double's fma follows
            return f.fromDouble(Math.fma((double) f.toFloat(a), f.toFloat(b), f.toFloat(c)));
        }
        return f.round(s);
    }

    /** CUDA __hmax / PTX max: a NaN operand gives the other, two NaNs the canonical NaN. */
    static short max(Format f, short a, short b) {
        if (f.isNaN(a)) {
            return f.isNaN(b) ? f.nan() : b;
        }
        if (f.isNaN(b)) {
            return a;
        }
        return f.toFloat(a) < f.toFloat(b) ? b : a;
    }

    static short min(Format f, short a, short b) {
        if (f.isNaN(a)) {
            return f.isNaN(b) ? f.nan() : b;
        }
        if (f.isNaN(b)) {
            return a;
        }
        return f.toFloat(b) < f.toFloat(a) ? b : a;
    }
}
