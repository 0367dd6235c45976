package io.cudawasm.runtime.backend.wasm.math;

import static io.cudawasm.runtime.backend.wasm.math.DdElementary.log;
import static io.cudawasm.runtime.backend.wasm.math.DdElementary.log1p;

/**
 * log|Gamma(x)| and Gamma(x) in double precision, computed as log|Gamma| in double-double.
 *
 * <ul>
 *   <li>Near the zeros x = 1 and x = 2 the Taylor series of lgamma(2 + e) in e (coefficients
 *       (-1)^k (zeta(k) - 1) / k, |e| &lt;= 1/2, summed in double-double) keeps full relative accuracy; arguments in
 *       (0, 2.5] are moved there with lgamma(x) = lgamma(x + 1) - log(x) (all shifts are exact subtractions).</li>
 *   <li>(2.5, 13): the recurrence Gamma(x) = (x-1)(x-2)...(x-n) Gamma(x-n) down to (1.5, 2.5], product in
 *       double-double.</li>
 *   <li>[13, inf): Stirling's series with ten Bernoulli terms (truncation below 2^-70).</li>
 *   <li>x &lt; 0: reflection, log|Gamma(x)| = log(pi) - log|x sin(pi x)| - log Gamma(-x), with the exactly reduced
 *       sin(pi x).</li>
 * </ul>
 * Gamma(x) is e^(log|Gamma(x)|) with the double-double exponential, signed by the reflection formula.
 */
final class GammaFunction {

    static final DoubleDouble ONE_MINUS_EULER = new DoubleDouble(0x1.b0ee6072093cep-2, 0x1.6cb90701fbfabp-58);
    static final DoubleDouble ZETA2_MINUS_ONE_HALF = new DoubleDouble(0x1.4a34cc4a60fa6p-2, 0x1.1873d8912200cp-56);
    static final DoubleDouble LOG_PI = new DoubleDouble(0x1.250d048e7a1bdp+0, 0x1.7abf2ad8d5088p-57);
    static final DoubleDouble HALF_LOG_2PI = new DoubleDouble(0x1.d67f1c864beb5p-1, -0x1.65b5a1b7ff5dfp-55);

    /**
     * (-1)^k (zeta(k) - 1) / k for k = 3..52, the coefficients of e^k in lgamma(2 + e); the terms shrink like
     * 4^-k / k for |e| &lt;= 1/2, below 2^-105 at k = 52.
     */
    static final double[] LGAMMA2_COEF = {
        -0x1.13e001a557607p-4, 0x1.51322ac7d8483p-6, -0x1.e404fc218f5f2p-8, 0x1.7add6eadb6c30p-9,
        -0x1.38ac5c2bf8e08p-10, 0x1.0b36af86396e9p-11, -0x1.d3fd4c76d2fc8p-13, 0x1.a127b0f17d65ap-14,
        -0x1.78de5bd7c81efp-15, 0x1.580dcee66eb02p-16, -0x1.3cbc963ce2243p-17, 0x1.2597a39f34aacp-18,
        -0x1.11b2eb7679541p-19, 0x1.0064cdeb22f0fp-20, -0x1.e2600d93cfd2fp-22, 0x1.c76bbb3f07a4dp-23,
        -0x1.af5a6cbbf8a97p-24, 0x1.99b93c2070b0fp-25, -0x1.862c734df3eacp-26, 0x1.7469daccfadcdp-27,
        -0x1.6434a8447aeadp-28, 0x1.555a877ffd2c3p-29, -0x1.47b1679258d0ep-30, 0x1.3b15d2b2fc10cp-31,
        -0x1.2f69a9fabe3e0p-32, 0x1.24932a337434cp-33, -0x1.1a7c26ec2523cp-34, 0x1.11116e693ed98p-35,
        -0x1.08424cbc543d8p-36, 0x1.000026e3f644fp-37, -0x1.f07c514fc9f0ap-39, 0x1.e1e2026aafcd8p-40,
        -0x1.d41d56e5ee2e2p-41, 0x1.c71c7f6f10e37p-42, -0x1.bacf9a27bc89bp-43, 0x1.af28718a10d6ep-44,
        -0x1.a41a45603e5b6p-45, 0x1.99999c0716ee9p-46, -0x1.8f9c1a8df9d78p-47, 0x1.8618628d28905p-48,
        -0x1.7d05f4c31c560p-49, 0x1.745d17b56ba4ap-50, -0x1.6c16c1b4d6456p-51, 0x1.642c85c023d9dp-52,
        -0x1.5c9882d825e9dp-53, 0x1.555555698a866p-54, -0x1.4e5e0a8022bc9p-55, 0x1.47ae14838081fp-56,
        -0x1.41414146e3e31p-57, 0x1.3b13b13ec2f3ap-58,
    };

    /** Low parts completing LGAMMA2_COEF[k - 3] to double-double for k = 3..20 (terms that matter at 2^-100). */
    static final double[] LGAMMA2_COEF_LO = {
        0x1.fb68be2f8821fp-58, 0x1.afc89088cb729p-60, 0x1.e4a627cf1eb34p-62, -0x1.5b7828c7fd7f4p-64,
        0x1.8a4c1cfd9cec8p-65, -0x1.0698d6c892967p-65, 0x1.c7c55cfccbb83p-68, 0x1.9d309aa700268p-69,
        0x1.a20541cde47a6p-72, 0x1.260574b258f72p-71, 0x1.ea56e6c7d5329p-71, -0x1.bf911462a7d81p-72,
        -0x1.c76b0e65ac63ap-75, 0x1.d0156affdbc11p-75, 0x1.130ac39e5c106p-76, 0x1.d9a2b77769b52p-77,
        -0x1.95f227e96d83ep-78, 0x1.0327164736428p-79,
    };

    /** B_2k / (2k (2k-1)) for k = 1..10, Stirling's series in powers of 1/x. */
    static final double[] STIRLING_COEF = {
        1.0 / 12.0, -1.0 / 360.0, 1.0 / 1260.0, -1.0 / 1680.0, 1.0 / 1188.0,
        -691.0 / 360360.0, 1.0 / 156.0, -3617.0 / 122400.0, 43867.0 / 244188.0, -174611.0 / 125400.0,
    };

    private GammaFunction() {
    }

    static double lgamma(double x) {
        if (Double.isNaN(x)) {
            return x;
        }
        if (Double.isInfinite(x) || x == 0.0) {
            return Double.POSITIVE_INFINITY;
        }
        if (x > 0.0) {
            return lgammaPositive(x).value();
        }
        if (x == Math.rint(x)) {
            return Double.POSITIVE_INFINITY; // pole
        }
        return lgammaNegative(x).value();
    }

    static double tgamma(double x) {
        if (Double.isNaN(x) || x == Double.POSITIVE_INFINITY) {
            return x;
        }
        if (x == Double.NEGATIVE_INFINITY) {
            return Double.NaN;
        }
        if (x == 0.0) {
            return 1.0 / x; // signed infinity
        }
        if (x > 0.0) {
            if (x > 172.0) {
                return Double.POSITIVE_INFINITY;
            }
            return DdElementary.exp(lgammaPositive(x)).value();
        }
        if (x == Math.rint(x)) {
            return Double.NaN; // pole at a negative integer
        }
        boolean negative = (((long) Math.floor(x)) & 1L) != 0;
        double magnitude;
        if (x < -190.0) {
            magnitude = 0.0; // |Gamma(x)| < 2^-1100
        } else if (x > -0x1p-54) {
            magnitude = -1.0 / x; // Gamma(x) = 1/x - euler + O(x)
        } else {
            magnitude = DdElementary.exp(lgammaNegative(x)).value();
        }
        return negative ? -magnitude : magnitude;
    }

    /** log Gamma(x) for finite x &gt; 0. */
    static DoubleDouble lgammaPositive(double x) {
        if (x < 0x1p-70) {
            return log(x).negate(); // the next term, -euler x, is below 2^-70 relative
        }
        if (x <= 0.5) {
            // lgamma(x) = lgamma(2 + x) - log(x) - log(1 + x)
            return lgamma2(x).sub(log(x)).sub(log1p(DoubleDouble.of(x)));
        }
        if (x < 1.5) {
            double e = x - 1.0;
            return lgamma2(e).sub(log1p(DoubleDouble.of(e)));
        }
        if (x <= 2.5) {
            return lgamma2(x - 2.0);
        }
        if (x < 13.0) {
            int n = (int) Math.ceil(x - 2.5);
            DoubleDouble product = DoubleDouble.of(x - 1.0);
            for (int j = 2; j <= n; j++) {
                product = product.mul(x - j); // x - j is exact
            }
            return log(product).add(lgamma2(x - (n + 2)));
        }
        return stirling(x);
    }

    /** log|Gamma(x)| for x &lt; 0, not an integer. */
    private static DoubleDouble lgammaNegative(double x) {
        double ax = -x;
        if (ax < 0x1p-70) {
            return log(ax).negate();
        }
        DoubleDouble s = PiTrig.sinpiAbs(x);
        return LOG_PI.sub(log(s.mul(ax))).sub(lgammaPositive(ax));
    }

    /**
     * lgamma(2 + e) for |e| &lt;= 1/2: Horner in double-double for the terms e^1..e^20 (double-double coefficients),
     * the rest (below 2^-46 relative) in double.
     */
    private static DoubleDouble lgamma2(double e) {
        int ddTerms = LGAMMA2_COEF_LO.length; // k = 3 .. 2 + ddTerms
        double t = 0.0;
        for (int i = LGAMMA2_COEF.length - 1; i >= ddTerms; i--) {
            t = t * e + LGAMMA2_COEF[i];
        }
        DoubleDouble q = DoubleDouble.of(t);
        for (int i = ddTerms - 1; i >= 0; i--) {
            q = q.mul(e).add(new DoubleDouble(LGAMMA2_COEF[i], LGAMMA2_COEF_LO[i]));
        }
        q = q.mul(e).add(ZETA2_MINUS_ONE_HALF);
        q = q.mul(e).add(ONE_MINUS_EULER);
        return q.mul(e);
    }

    /** Stirling's series for x &gt;= 13. */
    private static DoubleDouble stirling(double x) {
        if (x > 0x1p1000) {
            // (x - 1/2) log x - x, formed at 2^-20 scale so that the double-double products cannot overflow; the
            // remaining terms are below 2^-990 relative. Scaling back overflows exactly when the result does.
            double y = x * 0x1p-20;
            DoubleDouble scaled = DoubleDouble.twoSum(y, -0x1p-21).mul(log(x)).sub(DoubleDouble.of(y));
            return DoubleDouble.of(scaled.value() * 0x1p20);
        }
        double t = 1.0 / x;
        double t2 = t * t;
        double series = 0.0;
        for (int i = STIRLING_COEF.length - 1; i >= 1; i--) {
            series = series * t2 + STIRLING_COEF[i];
        }
        series *= t * t2;
        DoubleDouble first = DoubleDouble.ONE.div(x).div(12.0); // 1/(12x), the only term above 2^-60
        DoubleDouble main = DoubleDouble.twoSum(x, -0.5).mul(log(x)).sub(DoubleDouble.of(x));
        return main.add(HALF_LOG_2PI).add(first).add(series);
    }
}
