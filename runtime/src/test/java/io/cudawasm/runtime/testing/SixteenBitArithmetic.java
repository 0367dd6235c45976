package io.cudawasm.runtime.testing;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.function.DoubleFunction;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Arithmetic of a 16-bit floating-point format as a reference computes it: exactly, in
 * {@link BigDecimal}, then rounded once to nearest even; results with a non-finite operand, or an
 * exact zero, follow IEEE in double (the same rules). Shared by {@link Binary16} and {@link BFloat16},
 * which differ only in how bit patterns map to values.
 */
final class SixteenBitArithmetic {
    /**
     * What the arithmetic needs to know of a format: its exact values, which patterns are finite or
     * NaN, the float each stands for, rounding an exact nonzero real and a double to nearest even,
     * and the canonical NaN.
     */
    record Format(Function<Short, BigDecimal> exact, Predicate<Short> finite, Predicate<Short> isNaN,
            Function<Short, Float> toFloat, Function<BigDecimal, Short> round, DoubleFunction<Short> fromDouble,
            short nan) {}

    /** Division to 80 digits: far finer than any midpoint a quotient of two 16-bit values can come near. */
    private static final MathContext QUOTIENT = new MathContext(80, RoundingMode.HALF_EVEN);

    private SixteenBitArithmetic() {}

    static short add(Format f, short a, short b) {
        if (!f.finite().test(a) || !f.finite().test(b)) {
            return f.fromDouble().apply((double) f.toFloat().apply(a) + f.toFloat().apply(b));
        }
        BigDecimal s = f.exact().apply(a).add(f.exact().apply(b));
        return s.signum() == 0 ? f.fromDouble().apply((double) f.toFloat().apply(a) + f.toFloat().apply(b)) : f.round().apply(s);
    }

    static short mul(Format f, short a, short b) {
        if (!f.finite().test(a) || !f.finite().test(b) || (a & 0x7fff) == 0 || (b & 0x7fff) == 0) {
            return f.fromDouble().apply((double) f.toFloat().apply(a) * f.toFloat().apply(b));
        }
        return f.round().apply(f.exact().apply(a).multiply(f.exact().apply(b)));
    }

    static short div(Format f, short a, short b) {
        if (!f.finite().test(a) || !f.finite().test(b) || (a & 0x7fff) == 0 || (b & 0x7fff) == 0) {
            return f.fromDouble().apply((double) f.toFloat().apply(a) / f.toFloat().apply(b));
        }
        return f.round().apply(f.exact().apply(a).divide(f.exact().apply(b), QUOTIENT));
    }

    static short fma(Format f, short a, short b, short c) {
        if (!f.finite().test(a) || !f.finite().test(b) || !f.finite().test(c)) {
            return f.fromDouble().apply(Math.fma((double) f.toFloat().apply(a), f.toFloat().apply(b), f.toFloat().apply(c)));
        }
        BigDecimal s = f.exact().apply(a).multiply(f.exact().apply(b)).add(f.exact().apply(c));
        if (s.signum() == 0) { // exact zero: its sign by IEEE's rules, which double's fma follows
            return f.fromDouble().apply(Math.fma((double) f.toFloat().apply(a), f.toFloat().apply(b), f.toFloat().apply(c)));
        }
        return f.round().apply(s);
    }

    /** CUDA __hmax / PTX max: a NaN operand gives the other, two NaNs the canonical NaN. */
    static short max(Format f, short a, short b) {
        if (f.isNaN().test(a)) {
            return f.isNaN().test(b) ? f.nan() : b;
        }
        if (f.isNaN().test(b)) {
            return a;
        }
        return f.toFloat().apply(a) < f.toFloat().apply(b) ? b : a;
    }

    static short min(Format f, short a, short b) {
        if (f.isNaN().test(a)) {
            return f.isNaN().test(b) ? f.nan() : b;
        }
        if (f.isNaN().test(b)) {
            return a;
        }
        return f.toFloat().apply(b) < f.toFloat().apply(a) ? b : a;
    }
}
