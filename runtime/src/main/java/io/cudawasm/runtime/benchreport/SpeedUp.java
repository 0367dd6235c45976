package io.cudawasm.runtime.benchreport;

/**
 * How much faster one measurement is than a baseline, with a confidence interval.
 *
 * <p>The speed-up is {@code baseline time / time} (or {@code throughput / baseline throughput}), so above 1
 * always means faster. Its interval is computed on the log scale, where a ratio is a difference:
 * {@code ln S = ln a - ln b}, with variance {@code (se_a/a)^2 + (se_b/b)^2} (the delta method) and degrees of
 * freedom from the Welch-Satterthwaite approximation. Each standard error is recovered from JMH's
 * 99.9% {@code scoreError} and the number of measurements. The interval
 * {@code S * exp(+-t * sqrt(var))} is asymmetric, as a ratio's should be, and never crosses zero.
 */
public final class SpeedUp {
    private SpeedUp() {}

    /**
     * @param baseline   the reference measurement
     * @param other      the measurement compared with it (converted to the baseline's unit here)
     * @param confidence the interval's confidence level, for example 0.999
     */
    public static Estimate of(Measurement baseline, Measurement other, double confidence) {
        if (!baseline.unit().compatible(other.unit())) {
            throw new IllegalArgumentException(baseline.shortName() + ": cannot compare " + baseline.unit().text()
                    + " with " + other.unit().text());
        }
        Measurement b = baseline;
        Measurement o = other.in(baseline.unit());
        double ratio = b.unit().perOp() ? b.score() / o.score() : o.score() / b.score();
        double vb = relativeVariance(b);
        double vo = relativeVariance(o);
        if (!Double.isFinite(vb) || !Double.isFinite(vo) || !Double.isFinite(ratio)) {
            return new Estimate(ratio, Double.NaN, Double.NaN);
        }
        double variance = vb + vo;
        double df = welchDegreesOfFreedom(vb, b.samples() - 1, vo, o.samples() - 1);
        double t = StudentT.quantile(1 - (1 - confidence) / 2, df);
        double h = t * Math.sqrt(variance);
        return new Estimate(ratio, ratio * Math.exp(-h), ratio * Math.exp(h));
    }

    /** {@code (se / mean)^2}: the variance of the log of the mean, to first order. */
    private static double relativeVariance(Measurement m) {
        double se = m.standardError();
        return se / m.score() * (se / m.score());
    }

    /** Welch-Satterthwaite: the degrees of freedom of a sum of two independent variance estimates. */
    static double welchDegreesOfFreedom(double v1, long df1, double v2, long df2) {
        double sum = v1 + v2;
        if (sum == 0) {
            // both measurements had no spread at all: any t works, use the larger sample
            return Math.max(df1, df2);
        }
        return sum * sum / (v1 * v1 / df1 + v2 * v2 / df2);
    }
}
