package io.cudawasm.runtime.benchreport;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Result files side by side: rows are benchmarks with their parameters, columns are files or back ends,
 * and every cell but the baseline's carries its speed-up over the baseline with a confidence interval.
 *
 * @param baseline   index of the baseline column
 * @param confidence the confidence level of the speed-up intervals
 * @param warnings   what the reader should know: benchmarks not in every column, differing suite revisions
 */
public record Comparison(ComparisonAxis axis, List<ComparisonColumn> columns, int baseline, double confidence,
        List<ComparisonRow> rows, List<String> warnings) {

    /** Back ends in the order columns are shown: the plain-Java reference first, then CPU, then GPU paths. */
    private static final List<String> BACKEND_ORDER = List.of("java", "wasm", "opencl", "tornadovm", "cuda");

    public Comparison {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
        warnings = List.copyOf(warnings);
    }

    public ComparisonColumn baselineColumn() {
        return columns.get(baseline);
    }

    /** Rows by benchmark, in the order they first appear. */
    public Map<String, List<ComparisonRow>> groups() {
        Map<String, List<ComparisonRow>> groups = new LinkedHashMap<>();
        for (ComparisonRow r : rows) {
            groups.computeIfAbsent(r.benchmark() + " (" + r.mode() + ")", k -> new ArrayList<>()).add(r);
        }
        return groups;
    }

    /**
     * Builds the comparison.
     *
     * @param axis       null: files when there are several, back ends for a single file
     * @param baseline   the column to compare against (its name, or a file's label); null: the first file,
     *                   or the {@code java} back end when the columns are back ends
     * @param confidence for example 0.999
     * @throws ReportInputException when there is nothing to compare
     */
    public static Comparison of(List<LoadedResult> results, ComparisonAxis axis, String baseline, double confidence) {
        if (results.isEmpty()) {
            throw new ReportInputException("no result files given");
        }
        if (!(confidence > 0 && confidence < 1)) {
            throw new ReportInputException("--confidence must be between 0 and 1 (for example 0.95), got " + confidence);
        }
        ComparisonAxis by = axis != null ? axis : results.size() > 1 ? ComparisonAxis.FILE : ComparisonAxis.BACKEND;
        if (by == ComparisonAxis.FILE && results.size() < 2) {
            throw new ReportInputException("comparing files needs at least two result files; to compare the back ends "
                    + "of " + results.get(0).path() + " use --by backend");
        }
        List<String> warnings = new ArrayList<>();
        Map<String, String> names = uniqueLabels(results);
        List<ComparisonColumn> columns = new ArrayList<>();
        Map<String, Integer> columnIndex = new HashMap<>();
        Map<RowKey, Map<Integer, Measurement>> cells = new LinkedHashMap<>();
        Map<String, Integer> withoutBackend = new LinkedHashMap<>();
        for (LoadedResult r : results) {
            String label = names.get(r.path().toString());
            if (by == ComparisonAxis.FILE) {
                columnIndex.put(label, columns.size());
                columns.add(new ComparisonColumn(label, r, null));
            }
            for (Measurement m : r.measurements()) {
                Map<String, String> params = new LinkedHashMap<>(m.params());
                int column;
                if (by == ComparisonAxis.FILE) {
                    column = columnIndex.get(label);
                } else {
                    String backend = params.remove(ComparisonAxis.BACKEND_PARAM);
                    if (backend == null) {
                        withoutBackend.merge(m.shortName(), 1, Integer::sum);
                        continue;
                    }
                    String name = results.size() == 1 ? backend : label + "/" + backend;
                    Integer known = columnIndex.get(name);
                    if (known == null) {
                        known = columns.size();
                        columnIndex.put(name, known);
                        columns.add(new ComparisonColumn(name, r, backend));
                    }
                    column = known;
                }
                cells.computeIfAbsent(new RowKey(m.shortName(), m.mode(), params), k -> new LinkedHashMap<>())
                        .put(column, m);
            }
        }
        if (!withoutBackend.isEmpty()) {
            warnings.add("not compared by back end (they have no '" + ComparisonAxis.BACKEND_PARAM + "' parameter): "
                    + String.join(", ", withoutBackend.keySet()));
        }
        if (by == ComparisonAxis.BACKEND) {
            List<ComparisonColumn> ordered = new ArrayList<>(columns);
            ordered.sort(Comparator.comparing((ComparisonColumn c) -> results.indexOf(c.source()))
                    .thenComparing(c -> backendRank(c.backend())).thenComparing(ComparisonColumn::backend));
            Map<Integer, Integer> moved = new HashMap<>();
            for (int i = 0; i < ordered.size(); i++) {
                moved.put(columns.indexOf(ordered.get(i)), i);
            }
            for (Map<Integer, Measurement> row : cells.values()) {
                Map<Integer, Measurement> renumbered = new LinkedHashMap<>();
                row.forEach((c, m) -> renumbered.put(moved.get(c), m));
                row.clear();
                row.putAll(renumbered);
            }
            columns = ordered;
        }
        if (columns.size() < 2) {
            throw new ReportInputException("nothing to compare: " + (columns.isEmpty() ? "no benchmark has a back end "
                    + "parameter" : "only one column (" + columns.get(0).name() + ")"));
        }
        int base = baselineIndex(columns, by, baseline);
        List<ComparisonRow> rows = new ArrayList<>();
        int[] missing = new int[columns.size()];
        for (Map.Entry<RowKey, Map<Integer, Measurement>> e : cells.entrySet()) {
            Map<Integer, Measurement> row = e.getValue();
            for (int c = 0; c < columns.size(); c++) {
                if (!row.containsKey(c)) {
                    missing[c]++;
                }
            }
            // By back end, a benchmark the baseline back end lacks (compile time has no plain-Java column) is
            // still shown side by side, with scores and no speed-ups; by file such a row has nothing to say.
            if (row.size() < 2 || (!row.containsKey(base) && by == ComparisonAxis.FILE)) {
                continue;
            }
            rows.add(row(e.getKey(), row, columns, base, confidence));
        }
        if (rows.isEmpty()) {
            throw new ReportInputException(mismatch(columns, cells, base));
        }
        for (int c = 0; c < columns.size(); c++) {
            if (missing[c] > 0) {
                warnings.add(columns.get(c).name() + " lacks " + missing[c] + " of the " + cells.size() + " benchmarks");
            }
        }
        warnings.addAll(fileWarnings(results, names));
        return new Comparison(by, columns, base, confidence, rows, warnings);
    }

    private static ComparisonRow row(RowKey key, Map<Integer, Measurement> row, List<ComparisonColumn> columns, int base,
            double confidence) {
        Measurement baseline = row.get(base);
        // the unit of the row: the baseline's, else the first column's that has the benchmark
        int unitColumn = baseline != null ? base : row.keySet().stream().min(Integer::compare).orElseThrow();
        Measurement reference = row.get(unitColumn);
        List<ComparisonCell> cells = new ArrayList<>();
        String rateUnit = "";
        for (int c = 0; c < columns.size(); c++) {
            Measurement m = row.get(c);
            if (m == null) {
                cells.add(ComparisonCell.MISSING);
                continue;
            }
            if (!m.unit().compatible(reference.unit())) {
                throw new ReportInputException(key.benchmark() + " " + key.params().values() + ": "
                        + columns.get(unitColumn).name() + " measures " + reference.unit().text() + " but "
                        + columns.get(c).name() + " measures " + m.unit().text());
            }
            Measurement converted = m.in(reference.unit());
            Estimate speedUp = c == base || baseline == null ? null : SpeedUp.of(baseline, converted, confidence);
            double rate = Double.NaN;
            var workload = columns.get(c).source().workload(key.params().getOrDefault("kernel", ""),
                    key.params().getOrDefault("size", ""));
            if (workload.isPresent()) {
                BenchResultFile.Workload w = workload.get();
                boolean gflops = "GFLOP/s".equals(w.rate());
                double perLaunch = gflops ? w.flopsPerLaunch() : w.bytesPerLaunch();
                if (perLaunch > 0) {
                    rate = perLaunch / converted.unit().secondsPerOp(converted.score()) / 1e9;
                    rateUnit = gflops ? "GFLOP/s" : "GB/s";
                }
            }
            cells.add(new ComparisonCell(converted, speedUp, rate));
        }
        return new ComparisonRow(key.benchmark(), key.mode(), key.params(), reference.unit(), rateUnit, cells);
    }

    private static int baselineIndex(List<ComparisonColumn> columns, ComparisonAxis by, String baseline) {
        if (baseline != null) {
            for (int c = 0; c < columns.size(); c++) {
                if (columns.get(c).name().equals(baseline)) {
                    return c;
                }
            }
            for (int c = 0; c < columns.size(); c++) {
                if (baseline.equals(columns.get(c).backend()) || columns.get(c).source().label().equals(baseline)) {
                    return c;
                }
            }
            throw new ReportInputException("--baseline '" + baseline + "' names no column; the columns are "
                    + columns.stream().map(ComparisonColumn::name).collect(Collectors.joining(", ")));
        }
        if (by == ComparisonAxis.BACKEND) {
            for (int c = 0; c < columns.size(); c++) {
                if ("java".equals(columns.get(c).backend())) {
                    return c;
                }
            }
        }
        return 0;
    }

    /** Labels as given, made unique with the file name where two files share one. */
    private static Map<String, String> uniqueLabels(List<LoadedResult> results) {
        Map<String, Long> counts = results.stream().collect(Collectors.groupingBy(LoadedResult::label, Collectors.counting()));
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new LinkedHashSet<>();
        for (LoadedResult r : results) {
            String name = counts.get(r.label()) > 1 ? r.label() + " (" + r.path().getFileName() + ")" : r.label();
            while (!used.add(name)) {
                name = name + "'";
            }
            names.put(r.path().toString(), name);
        }
        return names;
    }

    private static int backendRank(String backend) {
        String family = backend == null ? "" : backend.replaceAll("[:/].*", "").toLowerCase(Locale.ROOT);
        int i = BACKEND_ORDER.indexOf(family);
        return i < 0 ? BACKEND_ORDER.size() : i;
    }

    /** Why no row could be compared: which benchmarks each column has. */
    private static String mismatch(List<ComparisonColumn> columns, Map<RowKey, Map<Integer, Measurement>> cells, int base) {
        List<String> parts = new ArrayList<>();
        for (int c = 0; c < columns.size(); c++) {
            Set<String> names = new TreeSet<>();
            for (Map.Entry<RowKey, Map<Integer, Measurement>> e : cells.entrySet()) {
                if (e.getValue().containsKey(c)) {
                    names.add(e.getKey().benchmark() + " (" + e.getKey().mode() + ")");
                }
            }
            parts.add(columns.get(c).name() + (c == base ? " [baseline]" : "") + ": "
                    + (names.isEmpty() ? "nothing" : abbreviate(names)));
        }
        return "the result files have no benchmark in common with the same parameters and mode; "
                + String.join("; ", parts);
    }

    private static String abbreviate(Set<String> names) {
        List<String> list = new ArrayList<>(names);
        return list.size() <= 3 ? String.join(", ", list)
                : String.join(", ", list.subList(0, 3)) + " and " + (list.size() - 3) + " more";
    }

    /** The preset that only proves the suite runs. */
    static final String SMOKE = "smoke";
    /** What a smoke run can and cannot show; the report says it wherever it shows a smoke file's numbers. */
    static final String SMOKE_CAVEAT = "one 100 ms iteration without warm-up, in the suite's own JVM, so it shows that "
            + "every benchmark runs on this host and nothing about speed: the kernels' first calls (compilation, "
            + "class loading, JIT) are measured against code the JVM has already optimised, which gives speed-ups "
            + "such as 0.0004x that mean nothing; measure with --preset quick (or full) for numbers";

    /** Whether any compared file is a smoke run. */
    boolean hasSmokeRun() {
        return columns.stream().map(ComparisonColumn::source).anyMatch(r -> r.file().suite() != null
                && SMOKE.equals(r.file().suite().preset()));
    }

    private static List<String> fileWarnings(List<LoadedResult> results, Map<String, String> names) {
        List<String> warnings = new ArrayList<>();
        Set<Integer> revisions = new TreeSet<>();
        for (LoadedResult r : results) {
            String name = names.get(r.path().toString());
            if (r.file().suite() != null) {
                revisions.add(r.file().suite().revision());
            }
            if (!r.file().complete()) {
                warnings.add(name + " is from a run that did not finish");
            }
            if (!r.file().failed().isEmpty()) {
                warnings.add(name + " has " + r.file().failed().size() + " failed benchmark(s)");
            }
            if (r.file().suite() != null && SMOKE.equals(r.file().suite().preset())) {
                warnings.add(name + " is a smoke run: " + SMOKE_CAVEAT);
            }
        }
        if (revisions.size() > 1) {
            warnings.add("the files come from different suite revisions " + revisions
                    + ": benchmark definitions changed between them");
        }
        return warnings;
    }

    private record RowKey(String benchmark, String mode, Map<String, String> params) {}
}
