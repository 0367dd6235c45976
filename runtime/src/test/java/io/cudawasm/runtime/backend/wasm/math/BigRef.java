package io.cudawasm.runtime.backend.wasm.math;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * High-precision reference implementations on BigDecimal, written independently of the code under test (plain
 * Taylor series, argument halving, continued fractions with generous term counts, Stirling's series with exact
 * Bernoulli numbers). Inputs are exact binary values; results carry about {@code digits} correct significant digits
 * (default 45). Results beyond the double range are returned as the sentinels {@link #HUGE} and {@link #TINY}, which
 * round to infinity and zero.
 */
final class BigRef {

    // Declared first: the constants below already use pow2.
    private static final int POW2_CACHE_LIMIT = 2400;
    private static final BigDecimal[] POW2_CACHE = new BigDecimal[2 * POW2_CACHE_LIMIT + 1];

    /** References for double results (45 digits) and float results (30 digits). */
    static final BigRef DOUBLE = new BigRef(45);
    static final BigRef FLOAT = new BigRef(30);
    static final BigDecimal HUGE = new BigDecimal("1e1000");
    static final BigDecimal TINY = new BigDecimal("1e-1000");
    static final BigDecimal TWO = BigDecimal.valueOf(2);

    private static final MathContext WIDE = new MathContext(130);
    static final BigDecimal PI = computePi(440);
    static final BigDecimal HALF_PI = PI.divide(TWO);
    static final BigDecimal LN2 = atanhInverse(3, WIDE).multiply(TWO, WIDE); // ln 2 = 2 atanh(1/3)
    static final BigDecimal LN10 = LN2.multiply(BigDecimal.valueOf(3)).add(atanhInverse(9, WIDE).multiply(TWO), WIDE);
    private static final BigDecimal SQRT2 = new BigDecimal("1.4142135623730950488");
    private static final int LOG_TABLE_OFFSET = 19;
    private static final BigDecimal[] LOG_TABLE = logTable();
    private static final BigDecimal LOG_PI = log(PI, 110);
    private static final BigDecimal HALF_LOG_2PI = log(PI.multiply(TWO), 110).divide(TWO);
    private static final BigDecimal[] BERNOULLI_STIRLING = stirlingCoefficients(25, WIDE);

    /** Significant digits of the results. */
    final int digits;

    private BigRef(int digits) {
        this.digits = digits;
    }

    static MathContext work(int digits) {
        return new MathContext(digits, RoundingMode.HALF_EVEN);
    }

    static BigDecimal exact(double x) {
        return new BigDecimal(x);
    }

    // ------------------------------------------------------------ helpers on powers of two

    /** 2^k exactly (cached: the error measurement needs these constantly). */
    static BigDecimal pow2(int k) {
        if (Math.abs(k) > POW2_CACHE_LIMIT) {
            return computePow2(k);
        }
        BigDecimal v = POW2_CACHE[k + POW2_CACHE_LIMIT];
        if (v == null) {
            v = computePow2(k); // benign race: BigDecimal is immutable
            POW2_CACHE[k + POW2_CACHE_LIMIT] = v;
        }
        return v;
    }

    private static BigDecimal computePow2(int k) {
        if (k >= 0) {
            return new BigDecimal(BigInteger.ONE.shiftLeft(k));
        }
        return new BigDecimal(BigInteger.valueOf(5).pow(-k), -k);
    }

    /** floor(log2 |a|) for a != 0, exactly. */
    static int floorLog2(BigDecimal a) {
        a = a.abs();
        long log10 = (long) a.precision() - 1 - a.scale();
        int e = (int) Math.floor(log10 * 3.321928094887362) - 4;
        while (a.compareTo(pow2(e + 1)) >= 0) {
            e++;
        }
        while (a.compareTo(pow2(e)) < 0) {
            e--;
        }
        return e;
    }

    // ------------------------------------------------------------ constants

    private static BigDecimal computePi(int digits) {
        MathContext mc = new MathContext(digits + 10);
        // Machin: pi = 16 atan(1/5) - 4 atan(1/239)
        BigDecimal a = atanInverse(5, mc).multiply(BigDecimal.valueOf(16));
        BigDecimal b = atanInverse(239, mc).multiply(BigDecimal.valueOf(4));
        return a.subtract(b).round(new MathContext(digits));
    }

    private static BigDecimal atanInverse(int n, MathContext mc) {
        BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(n), mc);
        BigDecimal x2 = x.multiply(x, mc);
        BigDecimal term = x;
        BigDecimal sum = x;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() + 2);
        for (int k = 1; term.abs().compareTo(eps) > 0; k++) {
            term = term.multiply(x2, mc).negate();
            sum = sum.add(term.divide(BigDecimal.valueOf(2L * k + 1), mc), mc);
        }
        return sum;
    }

    private static BigDecimal atanhInverse(int n, MathContext mc) {
        BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(n), mc);
        BigDecimal x2 = x.multiply(x, mc);
        BigDecimal term = x;
        BigDecimal sum = x;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(mc.getPrecision() + 2);
        for (int k = 1; term.compareTo(eps) > 0; k++) {
            term = term.multiply(x2, mc);
            sum = sum.add(term.divide(BigDecimal.valueOf(2L * k + 1), mc), mc);
        }
        return sum;
    }

    /** Bernoulli numbers B_2, B_4, ..., B_2count (exact rationals, rounded to 130 digits). */
    static BigDecimal[] bernoulliEven(int count) {
        int m = 2 * count;
        BigInteger[] num = new BigInteger[m + 1];
        BigInteger[] den = new BigInteger[m + 1];
        num[0] = BigInteger.ONE;
        den[0] = BigInteger.ONE;
        for (int n = 1; n <= m; n++) {
            // B_n = -1/(n+1) sum_{k<n} C(n+1, k) B_k
            BigInteger sn = BigInteger.ZERO;
            BigInteger sd = BigInteger.ONE;
            BigInteger binom = BigInteger.ONE; // C(n+1, k), starting at k = 0
            for (int k = 0; k < n; k++) {
                sn = sn.multiply(den[k]).add(binom.multiply(num[k]).multiply(sd));
                sd = sd.multiply(den[k]);
                BigInteger g = sn.gcd(sd);
                if (g.signum() != 0) {
                    sn = sn.divide(g);
                    sd = sd.divide(g);
                }
                binom = binom.multiply(BigInteger.valueOf(n + 1 - k)).divide(BigInteger.valueOf(k + 1));
            }
            num[n] = sn.negate();
            den[n] = sd.multiply(BigInteger.valueOf(n + 1));
            BigInteger g = num[n].gcd(den[n]);
            if (g.signum() != 0) {
                num[n] = num[n].divide(g);
                den[n] = den[n].divide(g);
            }
        }
        BigDecimal[] out = new BigDecimal[count];
        for (int k = 1; k <= count; k++) {
            out[k - 1] = new BigDecimal(num[2 * k]).divide(new BigDecimal(den[2 * k]), WIDE);
        }
        return out;
    }

    /** B_2k / (2k (2k-1)) for k = 1..count: the coefficients of Stirling's series. */
    private static BigDecimal[] stirlingCoefficients(int count, MathContext mc) {
        BigDecimal[] b = bernoulliEven(count);
        BigDecimal[] out = new BigDecimal[count];
        for (int k = 1; k <= count; k++) {
            out[k - 1] = b[k - 1].divide(BigDecimal.valueOf(2L * k * (2L * k - 1)), mc);
        }
        return out;
    }

    // ------------------------------------------------------------ exp / log

    BigDecimal exp(BigDecimal x) {
        return exp(x, digits);
    }

    /** e^x to the given number of digits: reduction by n ln 2, division by 2^8, Taylor series, eight squarings. */
    static BigDecimal exp(BigDecimal x, int digits) {
        if (x.signum() == 0) {
            return BigDecimal.ONE;
        }
        if (x.compareTo(BigDecimal.valueOf(3000)) > 0) {
            return HUGE;
        }
        if (x.compareTo(BigDecimal.valueOf(-3000)) < 0) {
            return TINY;
        }
        MathContext w = work(digits + 12);
        BigDecimal n = x.divide(LN2, MathContext.DECIMAL64).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(LN2.multiply(n), w);
        BigDecimal t = r.multiply(new BigDecimal("0.00390625"), w); // r / 2^8
        BigDecimal sum = BigDecimal.ONE;
        BigDecimal term = BigDecimal.ONE;
        BigDecimal eps = BigDecimal.ONE.movePointLeft(w.getPrecision() + 2);
        for (int k = 1; term.abs().compareTo(eps) > 0; k++) {
            term = term.multiply(t, w).divide(BigDecimal.valueOf(k), w);
            sum = sum.add(term, w);
        }
        for (int i = 0; i < 8; i++) {
            sum = sum.multiply(sum, w);
        }
        return sum.multiply(pow2(n.intValueExact())).round(work(digits + 5));
    }

    /** e^x - 1, relative accuracy also for tiny x. */
    BigDecimal expm1(BigDecimal x) {
        if (x.abs().compareTo(new BigDecimal("0.5")) >= 0) {
            BigDecimal e = exp(x, digits + 5);
            return e == HUGE ? HUGE : e.subtract(BigDecimal.ONE);
        }
        MathContext w = work(digits + 10);
        BigDecimal term = x.round(w);
        BigDecimal sum = term;
        for (int k = 2; term.signum() != 0 && term.abs().compareTo(sum.abs().movePointLeft(w.getPrecision() + 2)) > 0;
                k++) {
            term = term.multiply(x, w).divide(BigDecimal.valueOf(k), w);
            sum = sum.add(term, w);
        }
        return sum;
    }

    /** Natural log of a positive value; the exact input digits are used for m - 1, so log(1 + t) is exact-relative. */
    BigDecimal log(BigDecimal a) {
        return log(a, digits);
    }

    /**
     * log(a) = e ln 2 + log(c) + 2 atanh(s), where a = m 2^e with m in [0.7, 1.42], c = 1 + k/64 the nearest table
     * point (c = 1 when m is within 1/128 of 1, so that m - 1 stays exact) and s = (m - c) / (m + c).
     */
    static BigDecimal log(BigDecimal a, int digits) {
        if (a.signum() <= 0) {
            throw new ArithmeticException("log of non-positive " + a);
        }
        MathContext w = work(digits + 12);
        int e = floorLog2(a);
        BigDecimal m = a.multiply(pow2(-e)); // exact, in [1, 2)
        if (m.compareTo(SQRT2) > 0) {
            m = m.divide(TWO); // exact
            e++;
        }
        int k = m.subtract(BigDecimal.ONE).multiply(BigDecimal.valueOf(64)).setScale(0, RoundingMode.HALF_EVEN)
                .intValue();
        BigDecimal c = BigDecimal.ONE.add(BigDecimal.valueOf(k).divide(BigDecimal.valueOf(64)));
        BigDecimal num = m.subtract(c).round(w); // exact subtraction, then rounded relative to itself
        BigDecimal sum = BigDecimal.ZERO;
        if (num.signum() != 0) {
            BigDecimal s = num.divide(m.add(c, w), w);
            BigDecimal s2 = s.multiply(s, w);
            BigDecimal pow = s;
            sum = s;
            for (int j = 1; ; j++) {
                pow = pow.multiply(s2, w);
                BigDecimal term = pow.divide(BigDecimal.valueOf(2L * j + 1), w);
                sum = sum.add(term, w);
                if (term.abs().compareTo(sum.abs().movePointLeft(w.getPrecision() + 2)) < 0) {
                    break;
                }
            }
            sum = sum.multiply(TWO);
        }
        BigDecimal v = sum;
        if (k != 0) {
            v = v.add(LOG_TABLE[k + LOG_TABLE_OFFSET], w);
        }
        return e == 0 ? v : LN2.multiply(BigDecimal.valueOf(e)).add(v, w);
    }

    /** log(1 + k/64) for k = -LOG_TABLE_OFFSET..27, by the plain atanh series at 130 digits. */
    private static BigDecimal[] logTable() {
        BigDecimal[] t = new BigDecimal[LOG_TABLE_OFFSET + 28];
        for (int k = -LOG_TABLE_OFFSET; k <= 27; k++) {
            if (k == 0) {
                t[k + LOG_TABLE_OFFSET] = BigDecimal.ZERO;
                continue;
            }
            BigDecimal f = BigDecimal.valueOf(k).divide(BigDecimal.valueOf(64));
            BigDecimal s = f.divide(f.add(TWO), WIDE);
            BigDecimal s2 = s.multiply(s, WIDE);
            BigDecimal pow = s;
            BigDecimal sum = s;
            for (int j = 1; ; j++) {
                pow = pow.multiply(s2, WIDE);
                BigDecimal term = pow.divide(BigDecimal.valueOf(2L * j + 1), WIDE);
                sum = sum.add(term, WIDE);
                if (term.abs().compareTo(sum.abs().movePointLeft(WIDE.getPrecision() + 2)) < 0) {
                    break;
                }
            }
            t[k + LOG_TABLE_OFFSET] = sum.multiply(TWO);
        }
        return t;
    }

    BigDecimal log1p(BigDecimal t) {
        return log(BigDecimal.ONE.add(t));
    }

    // ------------------------------------------------------------ trigonometric

    /** sin(x) (k = 0) or cos(x) (k = 1), with reduction modulo pi/2 using 440 digits of pi. */
    BigDecimal sinCos(BigDecimal x, int which) {
        MathContext w = work(digits + 12);
        BigDecimal r = x;
        long quadrant = 0;
        if (x.abs().compareTo(new BigDecimal("0.78")) > 0) {
            int intDigits = Math.max(1, x.precision() - x.scale());
            BigDecimal k = x.divide(HALF_PI, work(intDigits + 20)).setScale(0, RoundingMode.HALF_EVEN);
            r = x.subtract(k.multiply(HALF_PI));
            quadrant = k.remainder(BigDecimal.valueOf(4)).longValue();
            if (quadrant < 0) {
                quadrant += 4;
            }
        }
        r = r.round(w);
        quadrant = (quadrant + which) % 4;
        // sin(r + q pi/2): q=0 sin r, 1 cos r, 2 -sin r, 3 -cos r
        BigDecimal v = (quadrant % 2 == 0) ? sinSeries(r, w) : cosSeries(r, w);
        return quadrant >= 2 ? v.negate() : v;
    }

    BigDecimal sin(BigDecimal x) {
        return sinCos(x, 0);
    }

    BigDecimal cos(BigDecimal x) {
        return sinCos(x, 1);
    }

    BigDecimal tan(BigDecimal x) {
        return sin(x).divide(cos(x), work(digits + 5));
    }

    private BigDecimal sinSeries(BigDecimal r, MathContext w) {
        BigDecimal r2 = r.multiply(r, w);
        BigDecimal term = r;
        BigDecimal sum = r;
        for (int k = 1; term.signum() != 0
                && term.abs().compareTo(sum.abs().movePointLeft(w.getPrecision() + 2)) > 0; k++) {
            term = term.multiply(r2, w).divide(BigDecimal.valueOf((2L * k) * (2L * k + 1)), w).negate();
            sum = sum.add(term, w);
        }
        return sum;
    }

    private BigDecimal cosSeries(BigDecimal r, MathContext w) {
        BigDecimal r2 = r.multiply(r, w);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int k = 1; term.signum() != 0
                && term.abs().compareTo(sum.abs().movePointLeft(w.getPrecision() + 2)) > 0; k++) {
            term = term.multiply(r2, w).divide(BigDecimal.valueOf((2L * k - 1) * (2L * k)), w).negate();
            sum = sum.add(term, w);
        }
        return sum;
    }

    /** sin(pi x) (which = 0) or cos(pi x) (which = 1) with exact reduction of x modulo 2. */
    BigDecimal sinCosPi(BigDecimal x, int which) {
        BigDecimal k = x.divide(TWO).setScale(0, RoundingMode.HALF_EVEN);
        BigDecimal r = x.subtract(k.multiply(TWO)); // exact, in [-1, 1]
        BigDecimal twice = r.multiply(TWO);
        if (twice.stripTrailingZeros().scale() <= 0) {
            // r in {-1, -1/2, 0, 1/2, 1}: exact values (pi itself is only known to 440 digits)
            int q = twice.intValueExact();
            int sin = (q == 1) ? 1 : (q == -1) ? -1 : 0;
            int cos = (q == 0) ? 1 : (Math.abs(q) == 2) ? -1 : 0;
            return BigDecimal.valueOf(which == 0 ? sin : cos);
        }
        return sinCos(r.multiply(PI, work(digits + 12)), which);
    }

    BigDecimal atan(BigDecimal x) {
        MathContext w = work(digits + 12);
        int sign = x.signum();
        BigDecimal a = x.abs();
        if (sign == 0) {
            return BigDecimal.ZERO;
        }
        boolean inverted = a.compareTo(BigDecimal.ONE) > 0;
        if (inverted) {
            a = BigDecimal.ONE.divide(a, w);
        }
        // atan(a) = 2 atan(a / (1 + sqrt(1 + a^2))), three times: |a| <= tan(pi/32)
        for (int i = 0; i < 3; i++) {
            a = a.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(a.multiply(a, w)).sqrt(w)), w);
        }
        BigDecimal a2 = a.multiply(a, w);
        BigDecimal pow = a;
        BigDecimal sum = a;
        for (int k = 1; ; k++) {
            pow = pow.multiply(a2, w).negate();
            BigDecimal term = pow.divide(BigDecimal.valueOf(2L * k + 1), w);
            sum = sum.add(term, w);
            if (term.abs().compareTo(sum.abs().movePointLeft(w.getPrecision() + 2)) < 0) {
                break;
            }
        }
        BigDecimal v = sum.multiply(BigDecimal.valueOf(8));
        if (inverted) {
            v = HALF_PI.subtract(v, w);
        }
        return sign < 0 ? v.negate() : v;
    }

    BigDecimal asin(BigDecimal x) {
        MathContext w = work(digits + 12);
        int c = x.abs().compareTo(BigDecimal.ONE);
        if (c == 0) {
            return x.signum() > 0 ? HALF_PI : HALF_PI.negate();
        }
        BigDecimal d = BigDecimal.ONE.subtract(x.multiply(x)).sqrt(w); // 1 - x^2 exact
        return atan(x.divide(d, w));
    }

    BigDecimal acos(BigDecimal x) {
        MathContext w = work(digits + 12);
        if (x.compareTo(BigDecimal.ONE.negate()) == 0) {
            return PI;
        }
        BigDecimal q = BigDecimal.ONE.subtract(x).divide(BigDecimal.ONE.add(x), w); // 1 -+ x exact
        return atan(q.sqrt(w)).multiply(TWO);
    }

    /** atan2 for finite y != 0 or x != 0, y not zero. */
    BigDecimal atan2(BigDecimal y, BigDecimal x) {
        MathContext w = work(digits + 12);
        if (x.signum() == 0) {
            return y.signum() > 0 ? HALF_PI : HALF_PI.negate();
        }
        BigDecimal a = atan(y.divide(x, w));
        if (x.signum() > 0) {
            return a;
        }
        return y.signum() >= 0 ? a.add(PI, w) : a.subtract(PI, w);
    }

    // ------------------------------------------------------------ hyperbolic

    BigDecimal sinh(BigDecimal x) {
        BigDecimal a = expm1(x);
        BigDecimal b = expm1(x.negate());
        if (a == HUGE) {
            return HUGE;
        }
        if (b == HUGE) {
            return HUGE.negate();
        }
        return a.subtract(b).divide(TWO, work(digits + 5));
    }

    BigDecimal cosh(BigDecimal x) {
        BigDecimal a = exp(x, digits + 5);
        BigDecimal b = exp(x.negate(), digits + 5);
        if (a == HUGE || b == HUGE) {
            return HUGE;
        }
        return a.add(b).divide(TWO, work(digits + 5));
    }

    BigDecimal tanh(BigDecimal x) {
        if (x.abs().compareTo(BigDecimal.valueOf(60)) > 0) {
            return BigDecimal.valueOf(x.signum()); // 1 - tanh < e^-120
        }
        BigDecimal em = expm1(x.multiply(TWO));
        return em.divide(em.add(TWO), work(digits + 5));
    }

    BigDecimal asinh(BigDecimal x) {
        MathContext w = work(digits + 12);
        BigDecimal a = x.abs();
        BigDecimal a2 = a.multiply(a);
        BigDecimal t = a.add(a2.divide(BigDecimal.ONE.add(BigDecimal.ONE.add(a2).sqrt(w)), w));
        BigDecimal v = log1p(t.round(w));
        return x.signum() < 0 ? v.negate() : v;
    }

    BigDecimal acosh(BigDecimal x) {
        MathContext w = work(digits + 12);
        BigDecimal u = x.subtract(BigDecimal.ONE);
        BigDecimal t = u.add(u.multiply(x.add(BigDecimal.ONE)).sqrt(w));
        return log1p(t.round(w));
    }

    BigDecimal atanh(BigDecimal x) {
        MathContext w = work(digits + 12);
        BigDecimal a = x.abs();
        BigDecimal t = a.multiply(TWO).divide(BigDecimal.ONE.subtract(a), w);
        BigDecimal v = log1p(t).divide(TWO);
        return x.signum() < 0 ? v.negate() : v;
    }

    // ------------------------------------------------------------ roots, powers

    BigDecimal sqrt(BigDecimal x) {
        return x.sqrt(work(digits + 5));
    }

    BigDecimal cbrt(BigDecimal x) {
        if (x.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (x.signum() < 0) {
            return cbrt(x.negate()).negate();
        }
        MathContext w = work(digits + 10);
        BigDecimal y = new BigDecimal(Math.cbrt(x.doubleValue()));
        BigDecimal three = BigDecimal.valueOf(3);
        for (int i = 0; i < 5; i++) {
            BigDecimal y2 = y.multiply(y, w);
            y = y.subtract(y2.multiply(y, w).subtract(x, w).divide(three.multiply(y2), w), w);
        }
        return y;
    }

    BigDecimal hypot(BigDecimal x, BigDecimal y) {
        return x.multiply(x).add(y.multiply(y)).sqrt(work(digits + 5));
    }

    /** x^y for finite x != 0 and finite y; null where the real result does not exist (negative x, non-integer y). */
    BigDecimal pow(BigDecimal x, BigDecimal y) {
        boolean integer = y.stripTrailingZeros().scale() <= 0;
        boolean odd = integer && y.toBigInteger().testBit(0);
        if (x.signum() < 0 && !integer) {
            return null;
        }
        BigDecimal a = x.abs();
        BigDecimal v;
        if (a.compareTo(BigDecimal.ONE) == 0) {
            v = BigDecimal.ONE;
        } else if (integer && y.abs().compareTo(BigDecimal.valueOf(64)) <= 0) {
            int n = y.intValueExact();
            BigDecimal p = a.pow(Math.abs(n));
            v = n >= 0 ? p : BigDecimal.ONE.divide(p, work(digits + 5));
        } else {
            BigDecimal z = y.multiply(log(a, digits + 10));
            if (z.compareTo(BigDecimal.valueOf(2000)) > 0) {
                v = HUGE;
            } else if (z.compareTo(BigDecimal.valueOf(-2000)) < 0) {
                v = TINY;
            } else {
                v = exp(z);
            }
        }
        return (x.signum() < 0 && odd) ? v.negate() : v;
    }

    private static boolean isSmallInteger(BigDecimal x) {
        return x.stripTrailingZeros().scale() <= 0 && x.abs().compareTo(BigDecimal.valueOf(2000)) <= 0;
    }

    /** 2^x; exact at integers (rounding ties such as 2^-150 in float must be seen as ties). */
    BigDecimal exp2(BigDecimal x) {
        return isSmallInteger(x) ? pow2(x.intValueExact()) : exp(x.multiply(LN2));
    }

    /** 10^x; exact at integers. */
    BigDecimal exp10(BigDecimal x) {
        return isSmallInteger(x) ? BigDecimal.ONE.scaleByPowerOfTen(x.intValueExact()) : exp(x.multiply(LN10));
    }

    BigDecimal log2(BigDecimal x) {
        return log(x, digits + 5).divide(LN2, work(digits + 5));
    }

    BigDecimal log10(BigDecimal x) {
        return log(x, digits + 5).divide(LN10, work(digits + 5));
    }

    // ------------------------------------------------------------ error function

    /** 2x/sqrt(pi) e^(-x^2) sum (2x^2)^n / (2n+1)!!, x &gt;= 0; all terms positive. */
    private BigDecimal erfPositiveSeries(BigDecimal x, int digits) {
        MathContext w = work(digits + 10);
        BigDecimal x2 = x.multiply(x, w);
        BigDecimal y = x2.multiply(TWO);
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; term.compareTo(sum.movePointLeft(w.getPrecision() + 2)) > 0; n++) {
            term = term.multiply(y, w).divide(BigDecimal.valueOf(2L * n + 1), w);
            sum = sum.add(term, w);
        }
        BigDecimal sqrtPi = PI.sqrt(w);
        return x.multiply(TWO).multiply(exp(x2.negate(), digits + 10), w).multiply(sum, w).divide(sqrtPi, w);
    }

    /** erfc(x) for x &gt;= 5 by the continued fraction with about 1e-52 truncation error. */
    BigDecimal erfcContinuedFraction(BigDecimal x) {
        MathContext w = work(digits + 12);
        double xd = x.doubleValue();
        int terms = (int) Math.ceil(30 + 2600.0 / (xd * xd));
        BigDecimal t = x;
        for (int n = terms; n >= 1; n--) {
            t = x.add(BigDecimal.valueOf(n).divide(TWO).divide(t, w), w);
        }
        BigDecimal x2 = x.multiply(x);
        if (x2.compareTo(BigDecimal.valueOf(3000)) > 0) {
            return TINY;
        }
        return exp(x2.negate(), digits + 10).divide(PI.sqrt(w).multiply(t, w), w);
    }

    BigDecimal erf(BigDecimal x) {
        BigDecimal a = x.abs();
        BigDecimal v;
        if (a.signum() == 0) {
            return BigDecimal.ZERO;
        }
        if (a.compareTo(BigDecimal.valueOf(7)) <= 0) {
            v = erfPositiveSeries(a, digits);
        } else {
            v = BigDecimal.ONE.subtract(erfcContinuedFraction(a));
        }
        return x.signum() < 0 ? v.negate() : v;
    }

    BigDecimal erfc(BigDecimal x) {
        if (x.signum() <= 0) {
            return BigDecimal.ONE.add(erf(x.negate()));
        }
        if (x.compareTo(BigDecimal.valueOf(5)) <= 0) {
            return BigDecimal.ONE.subtract(erfPositiveSeries(x, digits + 15));
        }
        return erfcContinuedFraction(x);
    }

    /** erfc(x) for x in (0, 7] by 1 - erf with extra digits; used to cross-check the continued fraction. */
    BigDecimal erfcBySeries(BigDecimal x) {
        return BigDecimal.ONE.subtract(erfPositiveSeries(x, digits + 25));
    }

    // ------------------------------------------------------------ gamma

    /** log|Gamma(x)| for finite x, not zero or a negative integer. */
    BigDecimal lgamma(BigDecimal x) {
        MathContext w = work(digits + 30);
        if (x.compareTo(BigDecimal.ONE) == 0 || x.compareTo(TWO) == 0) {
            return BigDecimal.ZERO;
        }
        if (x.signum() < 0) {
            // reflection: log|Gamma(x)| = log(pi) - log|sin(pi x)| - log Gamma(1 - x)
            BigDecimal s = sinCosPi(x, 0).abs();
            return LOG_PI.subtract(log(s, digits + 30)).subtract(lgamma(BigDecimal.ONE.subtract(x)), w);
        }
        int shift = 0;
        if (x.compareTo(BigDecimal.valueOf(80)) < 0) {
            shift = 80 - x.intValue();
        }
        BigDecimal z = x.add(BigDecimal.valueOf(shift));
        BigDecimal logZ = log(z, digits + 30);
        BigDecimal half = new BigDecimal("0.5");
        BigDecimal v = z.subtract(half).multiply(logZ, w).subtract(z, w)
                .add(HALF_LOG_2PI, w);
        BigDecimal inv = BigDecimal.ONE.divide(z, w);
        BigDecimal inv2 = inv.multiply(inv, w);
        BigDecimal pow = inv;
        for (BigDecimal c : BERNOULLI_STIRLING) {
            v = v.add(c.multiply(pow, w), w);
            pow = pow.multiply(inv2, w);
        }
        if (shift > 0) {
            BigDecimal product = x.round(w);
            for (int j = 1; j < shift; j++) {
                product = product.multiply(x.add(BigDecimal.valueOf(j)), w);
            }
            v = v.subtract(log(product, digits + 30), w);
        }
        return v;
    }

    /** Gamma(x) for finite x, not zero or a negative integer. */
    BigDecimal tgamma(BigDecimal x) {
        BigDecimal lg = lgamma(x);
        BigDecimal v = exp(lg, digits);
        if (x.signum() < 0) {
            BigDecimal fl = x.setScale(0, RoundingMode.FLOOR);
            if (fl.toBigInteger().testBit(0)) {
                v = v.negate();
            }
        }
        return v;
    }
}
