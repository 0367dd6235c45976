package io.cudawasm.runtime.backend.wasm.math;

/**
 * erf and erfc in double precision, evaluated in double-double so that erfc = 1 - erf keeps full relative accuracy
 * where it is used.
 *
 * <ul>
 *   <li>|x| &lt; 0.5: Maclaurin series {@code 2/sqrt(pi) x (1 - x^2/3 + x^4/10 - ...)}; the correction to 1 is small,
 *       so it is summed in double and only the leading part is double-double.</li>
 *   <li>0.5 &lt;= |x| &lt; 2.5: {@code erf(x) = 2x/sqrt(pi) e^(-x^2) sum (2x^2)^n / (2n+1)!!}, a series of positive
 *       terms (no cancellation), all in double-double; erfc = 1 - erf loses at most 11 of the ~104 bits.</li>
 *   <li>|x| &gt;= 2.5: Laplace's continued fraction
 *       {@code erfc(x) = e^(-x^2)/sqrt(pi) / (x + (1/2)/(x + 1/(x + (3/2)/(x + ...))))}, evaluated backwards with a
 *       term count that gives about 2^-64 truncation error, times e^(-x^2) in double-double; the final power-of-two
 *       scaling is applied once, so subnormal results round once more at most.</li>
 * </ul>
 */
final class ErrorFunction {

    static final DoubleDouble TWO_OVER_SQRT_PI = new DoubleDouble(0x1.20dd750429b6dp+0, 0x1.1ae3a914fed80p-56);
    static final DoubleDouble ONE_OVER_SQRT_PI = new DoubleDouble(0x1.20dd750429b6dp-1, 0x1.1ae3a914fed80p-57);

    private static final double SMALL_LIMIT = 0.5;
    private static final double CF_LIMIT = 2.5;
    /** erfc(x) is below half the smallest subnormal beyond this point. */
    private static final double ERFC_UNDERFLOW = 28.0;

    /** (-1)^n / (n! (2n+1)) for n = 1..13: Maclaurin coefficients of erf(x) sqrt(pi) / (2x) - 1 in powers of x^2. */
    private static final double[] SMALL_COEF = new double[13];

    /** 1/(2n+1) in double-double for the positive series (multiplying is cheaper than dividing). */
    private static final DoubleDouble[] INV_ODD = new DoubleDouble[160];

    static {
        for (int n = 0; n < INV_ODD.length; n++) {
            INV_ODD[n] = DoubleDouble.ONE.div(2 * n + 1);
        }
        double factorial = 1.0;
        for (int n = 1; n <= SMALL_COEF.length; n++) {
            factorial *= n; // exact up to 13!
            double c = 1.0 / (factorial * (2 * n + 1));
            SMALL_COEF[n - 1] = (n % 2 == 0) ? c : -c;
        }
    }

    private ErrorFunction() {
    }

    static double erf(double x) {
        if (Double.isNaN(x) || x == 0.0) {
            return x;
        }
        double ax = Math.abs(x);
        double v;
        if (ax < SMALL_LIMIT) {
            v = erfSmall(ax).value();
        } else if (ax < CF_LIMIT) {
            v = erfMid(ax).value();
        } else if (ax < 6.0) {
            v = 1.0 - erfcLarge(ax);
        } else {
            v = 1.0; // erfc(6) < 2^-54
        }
        return x < 0.0 ? -v : v;
    }

    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        double ax = Math.abs(x);
        if (ax < SMALL_LIMIT) {
            DoubleDouble e = erfSmall(ax);
            return (x < 0.0 ? e.add(1.0) : e.negate().add(1.0)).value();
        }
        if (ax < CF_LIMIT) {
            DoubleDouble e = erfMid(ax);
            return (x < 0.0 ? e.add(1.0) : e.negate().add(1.0)).value();
        }
        if (x > 0.0) {
            return erfcLarge(x);
        }
        return ax < 6.0 ? 2.0 - erfcLarge(ax) : 2.0;
    }

    /** erf(x) for 0 &lt;= x &lt; 0.5. */
    private static DoubleDouble erfSmall(double x) {
        double t = x * x;
        double c = 0.0;
        for (int i = SMALL_COEF.length - 1; i >= 0; i--) {
            c = c * t + SMALL_COEF[i];
        }
        c *= t;
        return TWO_OVER_SQRT_PI.mul(x).mul(DoubleDouble.twoSum(1.0, c));
    }

    /** erf(x) for 0.5 &lt;= x &lt; 2.5 by the positive series. */
    private static DoubleDouble erfMid(double x) {
        DoubleDouble x2 = DoubleDouble.twoProd(x, x);
        DoubleDouble y = x2.scalb(1);
        DoubleDouble term = DoubleDouble.ONE;
        DoubleDouble sum = DoubleDouble.ONE;
        for (int n = 1; n < INV_ODD.length; n++) {
            term = term.mul(y).mul(INV_ODD[n]);
            sum = sum.add(term);
            if (term.hi() < sum.hi() * 0x1p-110) {
                break;
            }
        }
        DoubleDouble gauss = DdElementary.exp(x2.negate()).toDoubleDouble();
        return TWO_OVER_SQRT_PI.mul(x).mul(gauss).mul(sum);
    }

    /** erfc(x) for x &gt;= 2.5 by the continued fraction. */
    private static double erfcLarge(double x) {
        if (x >= ERFC_UNDERFLOW) {
            return 0.0;
        }
        int terms = (int) Math.ceil(12.0 + 290.0 / (x * x));
        DoubleDouble dx = DoubleDouble.of(x);
        DoubleDouble t = dx;
        for (int n = terms; n >= 1; n--) {
            t = dx.add(DoubleDouble.of(0.5 * n).div(t));
        }
        DoubleDouble factor = ONE_OVER_SQRT_PI.div(t);
        DoubleDouble x2 = DoubleDouble.twoProd(x, x);
        return DdElementary.exp(x2.negate()).times(factor).value();
    }
}
