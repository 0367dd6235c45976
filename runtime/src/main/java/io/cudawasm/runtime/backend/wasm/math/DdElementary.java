package io.cudawasm.runtime.backend.wasm.math;

/**
 * Elementary functions in double-double arithmetic, used where a double result must survive cancellation or error
 * amplification: erf/erfc, the gamma functions, log2/log10, exp2/exp10, sinpi/cospi and the inverse hyperbolic
 * functions. Relative errors: log and sin/cos below 2^-100; exp below 2^-96 (the 2^-107 error of ln 2 in
 * double-double, times k for e^(k ln 2 + r)).
 *
 * <p>Methods: exp by reduction modulo ln 2, a further division by 2^8, a Taylor series and eight squarings;
 * log by reduction to [sqrt(1/2), sqrt(2)] and the series 2 atanh(s) with s = f / (2 + f); sin and cos of
 * arguments below pi/4 by their Taylor series.
 */
final class DdElementary {

    // Constants rounded to double-double from 80-digit values.
    static final DoubleDouble LN2 = new DoubleDouble(0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56);
    static final DoubleDouble LN10 = new DoubleDouble(0x1.26bb1bbb55516p+1, -0x1.f48ad494ea3e9p-53);
    static final DoubleDouble PI = new DoubleDouble(0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53);

    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double SQRT2 = 0x1.6a09e667f3bcdp0;

    /** Taylor coefficients 1/n! for exp, n = 0..EXP_TERMS. */
    private static final int EXP_TERMS = 10;
    private static final DoubleDouble[] INV_FACTORIAL = new DoubleDouble[30];
    /** 1/(2k+1) for the atanh series of log. */
    private static final int LOG_TERMS = 22;
    private static final DoubleDouble[] INV_ODD = new DoubleDouble[LOG_TERMS];
    /** (-1)^k/(2k+1)! and (-1)^k/(2k)! for sin and cos. */
    private static final int TRIG_TERMS = 15;
    private static final DoubleDouble[] SIN_COEF = new DoubleDouble[TRIG_TERMS];
    private static final DoubleDouble[] COS_COEF = new DoubleDouble[TRIG_TERMS];

    static {
        INV_FACTORIAL[0] = DoubleDouble.ONE;
        for (int n = 1; n < INV_FACTORIAL.length; n++) {
            INV_FACTORIAL[n] = INV_FACTORIAL[n - 1].div(n);
        }
        for (int k = 0; k < LOG_TERMS; k++) {
            INV_ODD[k] = DoubleDouble.ONE.div(2 * k + 1);
        }
        for (int k = 0; k < TRIG_TERMS; k++) {
            DoubleDouble s = INV_FACTORIAL[2 * k + 1];
            DoubleDouble c = INV_FACTORIAL[2 * k];
            SIN_COEF[k] = (k % 2 == 0) ? s : s.negate();
            COS_COEF[k] = (k % 2 == 0) ? c : c.negate();
        }
    }

    private DdElementary() {
    }

    /** A value {@code mantissa * 2^exponent}, so that results near the ends of the double range round only once. */
    record Scaled(DoubleDouble mantissa, int exponent) {
        Scaled times(DoubleDouble factor) {
            return new Scaled(mantissa.mul(factor), exponent);
        }

        double value() {
            return Math.scalb(mantissa.value(), exponent);
        }

        /** As a double-double; only for results well inside the normal range. */
        DoubleDouble toDoubleDouble() {
            return mantissa.scalb(exponent);
        }
    }

    /** e^a for finite a; results beyond the double range become infinity or zero in {@link Scaled#value}. */
    static Scaled exp(DoubleDouble a) {
        if (a.hi() > 1100.0) {
            return new Scaled(DoubleDouble.ONE, 2000);
        }
        if (a.hi() < -1100.0) {
            return new Scaled(DoubleDouble.ONE, -2000);
        }
        int k = (int) Math.rint(a.hi() * INV_LN2);
        DoubleDouble r = a.sub(LN2.mul(k)).scalb(-8);
        // e^r - 1 = r * sum_{n>=1} r^(n-1)/n!, |r| < 2^-10.
        DoubleDouble q = INV_FACTORIAL[EXP_TERMS];
        for (int n = EXP_TERMS - 1; n >= 1; n--) {
            q = q.mul(r).add(INV_FACTORIAL[n]);
        }
        DoubleDouble p = q.mul(r);
        // (1 + p)^2 - 1 = p (p + 2) keeps the small part exact-ish through the squarings.
        for (int i = 0; i < 8; i++) {
            p = p.mul(p.add(2.0));
        }
        return new Scaled(p.add(1.0), k);
    }

    /** Natural logarithm of a positive finite double. */
    static DoubleDouble log(double x) {
        return log(DoubleDouble.of(x));
    }

    /** Natural logarithm of a positive finite double-double. */
    static DoubleDouble log(DoubleDouble a) {
        int bias = 0;
        if (a.hi() < Double.MIN_NORMAL) {
            a = a.scalb(64);
            bias = -64;
        }
        int e = Math.getExponent(a.hi());
        DoubleDouble m = a.scalb(-e);
        if (m.hi() > SQRT2) {
            m = m.scalb(-1);
            e++;
        }
        // m.hi is in [sqrt(1/2), sqrt(2)], so m.hi - 1 is exact (Sterbenz).
        DoubleDouble f = DoubleDouble.twoSum(m.hi() - 1.0, m.lo());
        DoubleDouble logM = log1pCore(f);
        int scale = e + bias;
        return scale == 0 ? logM : LN2.mul(scale).add(logM);
    }

    /** log(1 + t) for a double-double t > -1, accurate relative to the result for small t. */
    static DoubleDouble log1p(DoubleDouble t) {
        if (t.hi() > -0.29 && t.hi() < 0.41) {
            return log1pCore(t);
        }
        return log(t.add(1.0));
    }

    /** log(1 + f) = 2 atanh(f / (2 + f)) for f in [sqrt(1/2) - 1, sqrt(2) - 1], where |s| <= 0.1716. */
    private static DoubleDouble log1pCore(DoubleDouble f) {
        if (f.hi() == 0.0) {
            return DoubleDouble.ZERO;
        }
        DoubleDouble s = f.div(f.add(2.0));
        DoubleDouble s2 = s.square();
        DoubleDouble q = INV_ODD[LOG_TERMS - 1];
        for (int k = LOG_TERMS - 2; k >= 0; k--) {
            q = q.mul(s2).add(INV_ODD[k]);
        }
        return s.mul(q).scalb(1);
    }

    /** sin(u) for |u| <= pi/4. */
    static DoubleDouble sinKernel(DoubleDouble u) {
        DoubleDouble u2 = u.square();
        DoubleDouble q = SIN_COEF[TRIG_TERMS - 1];
        for (int k = TRIG_TERMS - 2; k >= 0; k--) {
            q = q.mul(u2).add(SIN_COEF[k]);
        }
        return u.mul(q);
    }

    /** cos(u) for |u| <= pi/4. */
    static DoubleDouble cosKernel(DoubleDouble u) {
        DoubleDouble u2 = u.square();
        DoubleDouble q = COS_COEF[TRIG_TERMS - 1];
        for (int k = TRIG_TERMS - 2; k >= 0; k--) {
            q = q.mul(u2).add(COS_COEF[k]);
        }
        return q;
    }
}
