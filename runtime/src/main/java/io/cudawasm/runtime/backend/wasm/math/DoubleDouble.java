package io.cudawasm.runtime.backend.wasm.math;

/**
 * An unevaluated sum {@code hi + lo} of two doubles with {@code |lo| <= ulp(hi)/2}, giving about 106 bits of
 * precision. Built on the error-free transformations TwoSum and TwoProduct (the latter with {@link Math#fma}).
 *
 * <p>Callers keep values well inside the double range: near overflow or underflow the low part loses its meaning.
 */
record DoubleDouble(double hi, double lo) {

    static final DoubleDouble ZERO = new DoubleDouble(0.0, 0.0);
    static final DoubleDouble ONE = new DoubleDouble(1.0, 0.0);

    static DoubleDouble of(double x) {
        return new DoubleDouble(x, 0.0);
    }

    /** Exact sum of two doubles (Knuth's TwoSum, no ordering requirement). */
    static DoubleDouble twoSum(double a, double b) {
        double s = a + b;
        double bb = s - a;
        double err = (a - (s - bb)) + (b - bb);
        return new DoubleDouble(s, err);
    }

    /** Exact sum when {@code |a| >= |b|} or {@code a == 0} (Dekker's FastTwoSum). */
    static DoubleDouble fastTwoSum(double a, double b) {
        double s = a + b;
        return new DoubleDouble(s, b - (s - a));
    }

    /** Exact product of two doubles, as long as it neither overflows nor underflows. */
    static DoubleDouble twoProd(double a, double b) {
        double p = a * b;
        return new DoubleDouble(p, Math.fma(a, b, -p));
    }

    DoubleDouble negate() {
        return new DoubleDouble(-hi, -lo);
    }

    DoubleDouble add(DoubleDouble o) {
        DoubleDouble s = twoSum(hi, o.hi);
        DoubleDouble t = twoSum(lo, o.lo);
        DoubleDouble u = fastTwoSum(s.hi, s.lo + t.hi);
        return fastTwoSum(u.hi, u.lo + t.lo);
    }

    DoubleDouble add(double b) {
        DoubleDouble s = twoSum(hi, b);
        return fastTwoSum(s.hi, s.lo + lo);
    }

    DoubleDouble sub(DoubleDouble o) {
        return add(o.negate());
    }

    DoubleDouble mul(DoubleDouble o) {
        DoubleDouble p = twoProd(hi, o.hi);
        return fastTwoSum(p.hi, p.lo + (hi * o.lo + lo * o.hi));
    }

    DoubleDouble mul(double b) {
        DoubleDouble p = twoProd(hi, b);
        return fastTwoSum(p.hi, p.lo + lo * b);
    }

    DoubleDouble square() {
        DoubleDouble p = twoProd(hi, hi);
        return fastTwoSum(p.hi, p.lo + 2.0 * hi * lo);
    }

    /** Long division with three partial quotients; relative error about 2^-104. */
    DoubleDouble div(DoubleDouble o) {
        double q1 = hi / o.hi;
        DoubleDouble r = sub(o.mul(q1));
        double q2 = r.hi / o.hi;
        r = r.sub(o.mul(q2));
        double q3 = r.hi / o.hi;
        return fastTwoSum(q1, q2).add(q3);
    }

    DoubleDouble div(double b) {
        double q1 = hi / b;
        DoubleDouble r = sub(twoProd(q1, b));
        double q2 = r.hi / b;
        r = r.sub(twoProd(q2, b));
        double q3 = r.hi / b;
        return fastTwoSum(q1, q2).add(q3);
    }

    /** Square root with one Newton correction on the exact residual. */
    DoubleDouble sqrt() {
        if (hi <= 0.0) {
            return ZERO;
        }
        double s = Math.sqrt(hi);
        DoubleDouble residual = sub(twoProd(s, s));
        return fastTwoSum(s, residual.hi / (2.0 * s));
    }

    /** Multiplication by 2^k; exact while both parts stay normal. */
    DoubleDouble scalb(int k) {
        return new DoubleDouble(Math.scalb(hi, k), Math.scalb(lo, k));
    }

    /** The double nearest to hi + lo (one rounding). */
    double value() {
        return hi + lo;
    }
}
