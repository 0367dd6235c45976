package io.cudawasm.runtime.benchreport;

/**
 * A value with its confidence interval; {@code low} and {@code high} are NaN when the inputs carried
 * no error estimate (a single iteration, for example).
 */
public record Estimate(double value, double low, double high) {

    public boolean hasInterval() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    /** Whether the interval lies entirely above or below {@code reference}: a difference the data supports. */
    public boolean excludes(double reference) {
        return hasInterval() && (low > reference || high < reference);
    }
}
