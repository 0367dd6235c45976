package io.cudawasm.runtime.backend.wasm.math;

/**
 * Single-precision versions that need more than "call the double function and round": they use plain double
 * arithmetic where the double-double code of the double versions would be needlessly slow. Each computes the
 * result with a relative error far below 2^-40, so the final rounding to float is within 0.5 ulp plus a negligible
 * amount (the tests measure it).
 */
final class FloatKernels {

    private static final double LN2 = 0x1.62e42fefa39efp-1;
    private static final double INV_LN2 = 0x1.71547652b82fep0;
    private static final double ONE_OVER_SQRT_PI = 0x1.20dd750429b6dp-1;
    private static final double TWO_OVER_SQRT_PI = 0x1.20dd750429b6dp+0;

    private FloatKernels() {
    }

    static float log2f(float x) {
        // Exact for powers of two: log(2^k) / ln 2 is k within a few double ulps, far inside half a float ulp.
        return (float) (StrictMath.log(x) * INV_LN2);
    }

    /** hypot on floats: the squares are exact in double and cannot overflow or underflow there. */
    static float hypotf(float x, float y) {
        if (Float.isInfinite(x) || Float.isInfinite(y)) {
            return Float.POSITIVE_INFINITY;
        }
        double dx = x;
        double dy = y;
        return (float) Math.sqrt(dx * dx + dy * dy);
    }

    static float asinhf(float x) {
        double ax = Math.abs((double) x);
        if (!(ax >= 0x1p-28) || Double.isInfinite(ax)) {
            return x;
        }
        double r;
        if (ax > 0x1p28) {
            r = StrictMath.log(ax) + LN2;
        } else {
            double x2 = ax * ax; // exact
            r = StrictMath.log1p(ax + x2 / (1.0 + Math.sqrt(1.0 + x2)));
        }
        return (float) Math.copySign(r, x);
    }

    static float acoshf(float x) {
        if (!(x >= 1.0f)) {
            return Float.NaN;
        }
        double dx = x;
        if (dx > 0x1p28) {
            return (float) (StrictMath.log(dx) + LN2);
        }
        double u = dx - 1.0; // exact
        return (float) StrictMath.log1p(u + Math.sqrt(u * (dx + 1.0)));
    }

    static float atanhf(float x) {
        double ax = Math.abs((double) x);
        if (Float.isNaN(x) || ax > 1.0) {
            return Float.NaN;
        }
        if (ax == 1.0) {
            return Math.copySign(Float.POSITIVE_INFINITY, x);
        }
        if (ax < 0x1p-28) {
            return x;
        }
        double r = 0.5 * StrictMath.log1p(2.0 * ax / (1.0 - ax)); // 1 - ax exact
        return (float) Math.copySign(r, x);
    }

    static float sinpif(float x) {
        if (!Float.isFinite(x)) {
            return Float.NaN;
        }
        if (x == 0.0f) {
            return x;
        }
        double r = reduce(x);
        double a = Math.abs(r);
        double v;
        if (a <= 0.25) {
            v = StrictMath.sin(Math.PI * a);
        } else if (a <= 0.75) {
            v = StrictMath.cos(Math.PI * (a - 0.5));
        } else {
            v = StrictMath.sin(Math.PI * (1.0 - a));
        }
        float f = (float) (r < 0.0 ? -v : v);
        return f == 0.0f ? Math.copySign(0.0f, x) : f;
    }

    static float cospif(float x) {
        if (!Float.isFinite(x)) {
            return Float.NaN;
        }
        double a = Math.abs(reduce(x));
        double v;
        if (a <= 0.25) {
            v = StrictMath.cos(Math.PI * a);
        } else if (a <= 0.75) {
            v = -StrictMath.sin(Math.PI * (a - 0.5));
        } else {
            v = -StrictMath.cos(Math.PI * (1.0 - a));
        }
        float f = (float) v;
        return f == 0.0f ? 0.0f : f;
    }

    /** x modulo 2 into [-1, 1], exact. */
    private static double reduce(float x) {
        double d = x;
        return Math.abs(d) < 1.0 ? d : d - 2.0 * Math.rint(d * 0.5);
    }

    static float erff(float x) {
        if (Float.isNaN(x) || x == 0.0f) {
            return x;
        }
        double ax = Math.abs((double) x);
        double v;
        if (ax < 0.5) {
            v = erfSeries(ax);
        } else if (ax < 2.5) {
            v = erfPositiveSeries(ax);
        } else if (ax < 4.5) {
            v = 1.0 - erfcFraction(ax);
        } else {
            v = 1.0; // erfc(4.5) < 2^-26
        }
        return (float) (x < 0.0f ? -v : v);
    }

    static float erfcf(float x) {
        if (Float.isNaN(x)) {
            return x;
        }
        double dx = x;
        double ax = Math.abs(dx);
        double v;
        if (ax < 0.5) {
            v = 1.0 - Math.copySign(erfSeries(ax), dx);
        } else if (ax < 2.5) {
            double e = erfPositiveSeries(ax);
            v = dx > 0.0 ? 1.0 - e : 1.0 + e;
        } else if (dx > 0.0) {
            v = erfcFraction(ax);
        } else {
            v = 2.0 - erfcFraction(ax);
        }
        return (float) v;
    }

    /** erf(x) for 0 &lt;= x &lt; 0.5: Maclaurin series in x^2. */
    private static double erfSeries(double x) {
        double t = x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n <= 12; n++) {
            term *= -t / n;
            sum += term / (2 * n + 1);
        }
        return TWO_OVER_SQRT_PI * sum;
    }

    /** erf(x) for 0.5 &lt;= x &lt; 2.5: 2x/sqrt(pi) e^(-x^2) sum (2x^2)^n / (2n+1)!!, positive terms. */
    private static double erfPositiveSeries(double x) {
        double x2 = x * x; // exact for float x
        double y = 2.0 * x2;
        double term = 1.0;
        double sum = 1.0;
        for (int n = 1; n < 100 && term > sum * 0x1p-56; n++) {
            term *= y / (2 * n + 1);
            sum += term;
        }
        return TWO_OVER_SQRT_PI * x * StrictMath.exp(-x2) * sum;
    }

    /** erfc(x) for x &gt;= 2.5 by Laplace's continued fraction; x^2 is exact and e^(-x^2) stays normal below 26. */
    private static double erfcFraction(double x) {
        if (x >= 11.0) {
            return 0.0; // erfc(11) < 2^-150
        }
        int terms = (int) Math.ceil(8.0 + 150.0 / (x * x));
        double t = x;
        for (int n = terms; n >= 1; n--) {
            t = x + 0.5 * n / t;
        }
        return StrictMath.exp(-x * x) * ONE_OVER_SQRT_PI / t;
    }
}
