package io.cudawasm.runtime.benchreport;

import java.util.List;
import java.util.Map;

/**
 * One benchmark (with its parameters, less the one the columns are made of) across the columns.
 *
 * @param benchmark the short benchmark name ({@code KernelThroughputBench.launch})
 * @param params    the parameters that identify the row
 * @param unit      the unit every cell of the row is in
 * @param rateUnit  {@code GB/s}, {@code GFLOP/s}, or "" when the row has no workload
 * @param cells     one per column, in column order
 */
public record ComparisonRow(String benchmark, String mode, Map<String, String> params, ScoreUnit unit, String rateUnit,
        List<ComparisonCell> cells) {

    public ComparisonRow {
        params = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        cells = List.copyOf(cells);
    }

    /** The parameter values, space-separated: "saxpy M". */
    public String label() {
        return params.isEmpty() ? "-" : String.join(" ", params.values());
    }
}
