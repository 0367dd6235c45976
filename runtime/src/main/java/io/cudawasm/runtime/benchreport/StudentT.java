package io.cudawasm.runtime.benchreport;

/**
 * Quantiles of Student's t distribution for any positive (also fractional) degrees of freedom, which
 * the Welch-Satterthwaite approximation produces. The CDF comes from the regularized incomplete beta
 * function, evaluated by its continued fraction; the quantile by bisection on the CDF, which is
 * monotonic, slow only by microseconds and needs no starting guess. For very many degrees of freedom
 * (JMH's sample mode) the Cornish-Fisher expansion around the normal quantile is used instead.
 */
public final class StudentT {
    private static final double EPS = 1e-15;
    private static final double TINY = 1e-300;
    /** Above this many degrees of freedom the Cornish-Fisher expansion replaces the incomplete beta function. */
    private static final double LARGE_DF = 1e5;

    private StudentT() {}

    /**
     * The value {@code t} with {@code P(T <= t) = p} for {@code df} degrees of freedom.
     *
     * @param p  in (0, 1)
     * @param df positive; {@link Double#POSITIVE_INFINITY} gives the normal quantile
     */
    public static double quantile(double p, double df) {
        if (!(p > 0 && p < 1)) {
            throw new IllegalArgumentException("probability must be in (0, 1), got " + p);
        }
        if (!(df > 0)) {
            throw new IllegalArgumentException("degrees of freedom must be positive, got " + df);
        }
        if (p == 0.5) {
            return 0;
        }
        if (p < 0.5) {
            return -quantile(1 - p, df);
        }
        if (df > LARGE_DF) {
            // the beta function loses digits to cancellation here; the expansion around the normal is exact enough
            double z = normalQuantile(p);
            double z2 = z * z;
            double g1 = (z2 + 1) * z / 4;
            double g2 = ((5 * z2 + 16) * z2 + 3) * z / 96;
            double g3 = (((3 * z2 + 19) * z2 + 17) * z2 - 15) * z / 384;
            return Double.isInfinite(df) ? z : z + g1 / df + g2 / (df * df) + g3 / (df * df * df);
        }
        return bisect(p, df);
    }

    private static double normalQuantile(double p) {
        return bisect(p, Double.POSITIVE_INFINITY);
    }

    /** Inverts the CDF by bisection (it is monotonic; a few hundred evaluations at most). */
    private static double bisect(double p, double df) {
        double lo = 0;
        double hi = 1;
        while (cdf(hi, df) < p) {
            lo = hi;
            hi *= 2;
            if (hi > 1e12) {
                return hi;
            }
        }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * Math.max(1, hi); i++) {
            double mid = 0.5 * (lo + hi);
            if (cdf(mid, df) < p) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return 0.5 * (lo + hi);
    }

    /** {@code P(T <= t)} for {@code df} degrees of freedom. */
    public static double cdf(double t, double df) {
        if (Double.isInfinite(df)) {
            return normalCdf(t);
        }
        double x = df / (df + t * t);
        double tail = 0.5 * regularizedBeta(x, df / 2, 0.5);
        return t >= 0 ? 1 - tail : tail;
    }

    private static double normalCdf(double z) {
        return 0.5 * erfc(-z / Math.sqrt(2));
    }

    /** The complementary error function through the incomplete gamma function's continued fraction. */
    private static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x == 0) {
            return 1;
        }
        // erfc(x) = Q(1/2, x^2), the regularized upper incomplete gamma function
        return upperGammaQ(0.5, x * x);
    }

    private static double upperGammaQ(double a, double x) {
        if (x < a + 1) {
            // series for P, then Q = 1 - P
            double sum = 1 / a;
            double term = sum;
            for (int n = 1; n < 1000; n++) {
                term *= x / (a + n);
                sum += term;
                if (Math.abs(term) < Math.abs(sum) * EPS) {
                    break;
                }
            }
            return 1 - sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
        }
        // Lentz's method on the continued fraction for Q
        double b = x + 1 - a;
        double c = 1 / TINY;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 1000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            d = Math.abs(d) < TINY ? TINY : d;
            c = b + an / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
    }

    /** I_x(a, b), the regularized incomplete beta function. */
    static double regularizedBeta(double x, double a, double b) {
        if (x <= 0) {
            return 0;
        }
        if (x >= 1) {
            return 1;
        }
        double front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
        // the continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise
        if (x < (a + 1) / (a + b + 2)) {
            return front * betaFraction(x, a, b) / a;
        }
        return 1 - front * betaFraction(1 - x, b, a) / b;
    }

    /** The continued fraction of the incomplete beta function, evaluated with Lentz's method. */
    private static double betaFraction(double x, double a, double b) {
        double c = 1;
        double d = 1 - (a + b) * x / (a + 1);
        d = Math.abs(d) < TINY ? TINY : d;
        d = 1 / d;
        double h = d;
        for (int m = 1; m < 10_000; m++) {
            int m2 = 2 * m;
            double even = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + even * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + even / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            h *= d * c;
            double odd = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + odd * d;
            d = Math.abs(d) < TINY ? TINY : d;
            c = 1 + odd / c;
            c = Math.abs(c) < TINY ? TINY : c;
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return h;
    }

    /** ln Gamma(x) for x > 0: the Lanczos approximation (g = 7, nine terms), good to about 15 digits. */
    static double logGamma(double x) {
        if (x < 0.5) {
            // reflection keeps the approximation in its accurate range
            return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
        }
        double[] c = {0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313,
            -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6,
            1.5056327351493116e-7};
        double z = x - 1;
        double sum = c[0];
        for (int i = 1; i < c.length; i++) {
            sum += c[i] / (z + i);
        }
        double t = z + 7.5;
        return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
    }
}
