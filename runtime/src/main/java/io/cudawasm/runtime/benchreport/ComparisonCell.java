package io.cudawasm.runtime.benchreport;

/**
 * One measurement of a comparison, in its row's unit.
 *
 * @param measurement null when this column has no such benchmark
 * @param speedUp     against the baseline column; null for the baseline itself or when either is missing
 * @param rate        the derived rate of the row's workload (GB/s or GFLOP/s), NaN when there is none
 */
public record ComparisonCell(Measurement measurement, Estimate speedUp, double rate) {
    static final ComparisonCell MISSING = new ComparisonCell(null, null, Double.NaN);

    public boolean present() {
        return measurement != null;
    }
}
