package io.cudawasm.runtime.benchreport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The words and table cells the Markdown and HTML reports share, so both say the same thing. */
final class ReportText {
    static final List<String> HOST_HEADINGS = List.of("label", "file", "GPU", "mode", "vGPU profile", "driver", "CPU",
            "JVM", "back ends", "suite", "run");

    private ReportText() {}

    static String explanation(Comparison c) {
        ComparisonColumn base = c.baselineColumn();
        String smoke = c.hasSmokeRun() ? "Not a measurement: a smoke run is " + Comparison.SMOKE_CAVEAT + ". " : "";
        return smoke + "Speed-up = time on " + base.name() + " / time on the column (throughput ratio for throughput "
                + "benchmarks): above 1 is faster than " + base.name() + ". Intervals are " + Numbers.percent(c.confidence())
                + " confidence intervals: each JMH score error (99.9%) gives a standard error, the two are combined "
                + "on the log scale with Welch-Satterthwaite degrees of freedom. An interval that contains 1 means "
                + "the data does not show a difference. Columns: " + (c.axis() == ComparisonAxis.FILE ? "result files"
                : "back ends") + ".";
    }

    /** The distinct files behind the columns, in column order. */
    static List<LoadedResult> files(Comparison c) {
        Set<LoadedResult> files = new LinkedHashSet<>();
        c.columns().forEach(col -> files.add(col.source()));
        return new ArrayList<>(files);
    }

    static List<String> hostRow(LoadedResult r) {
        HostSummary h = r.host();
        BenchResultFile f = r.file();
        String suite = f.suite() == null ? "" : f.suite().version() + " r" + f.suite().revision() + " "
                + f.suite().preset();
        String run = (f.startedAt() == null ? "" : f.startedAt()) + (f.complete() ? "" : " (incomplete)");
        return List.of(f.label(), String.valueOf(r.path().getFileName()), h.gpu(), dash(h.mode()), dash(h.vgpuProfile()),
                dash(h.driver()), h.cpu() + (h.cpus() > 0 ? " (" + h.cpus() + " cores)" : ""), dash(h.jvm()),
                String.join(", ", h.backends()), suite, run);
    }

    /** Absent back ends, failures, warnings and the command lines. */
    static List<String> notes(Comparison c) {
        List<String> notes = new ArrayList<>();
        for (LoadedResult r : files(c)) {
            Set<String> absent = new LinkedHashSet<>();
            for (BenchResultFile.Absence a : r.file().absent()) {
                absent.add(a.backend() + " (" + a.reason() + ")");
            }
            if (!absent.isEmpty()) {
                notes.add(r.file().label() + ": absent back ends: " + String.join("; ", absent));
            }
            for (BenchResultFile.Failure f : r.file().failed()) {
                notes.add(r.file().label() + ": failed: " + shortName(f.benchmark()) + " " + f.params().values() + ": "
                        + f.reason());
            }
            if (!r.file().commandLine().isEmpty()) {
                notes.add(r.file().label() + ": command: `" + String.join(" ", r.file().commandLine()) + "`");
            }
        }
        for (String w : c.warnings()) {
            notes.add("warning: " + w);
        }
        return notes;
    }

    /** The table of one benchmark: parameter columns, one score column per column, one speed-up per non-baseline. */
    static List<List<String>> groupTable(Comparison c, List<ComparisonRow> rows) {
        List<List<String>> table = new ArrayList<>();
        List<String> heading = new ArrayList<>(rows.get(0).params().keySet());
        if (heading.isEmpty()) {
            heading.add("benchmark");
        }
        int paramColumns = heading.size();
        for (ComparisonColumn col : c.columns()) {
            heading.add(col.name());
        }
        for (int i = 0; i < c.columns().size(); i++) {
            if (i != c.baseline()) {
                heading.add(c.columns().get(i).name() + " vs " + c.baselineColumn().name());
            }
        }
        table.add(heading);
        for (ComparisonRow r : rows) {
            List<String> line = new ArrayList<>();
            if (r.params().isEmpty()) {
                line.add(r.benchmark());
            } else {
                for (String key : heading.subList(0, paramColumns)) {
                    line.add(r.params().getOrDefault(key, ""));
                }
            }
            for (ComparisonCell cell : r.cells()) {
                line.add(scoreCell(r, cell));
            }
            for (int i = 0; i < r.cells().size(); i++) {
                if (i != c.baseline()) {
                    ComparisonCell cell = r.cells().get(i);
                    line.add(cell.speedUp() == null ? "-" : Numbers.speedUp(cell.speedUp()));
                }
            }
            table.add(line);
        }
        return table;
    }

    /** "1.23 ± 0.05 ms/op (13.6 GB/s)": the score and, for a kernel with a known workload, its rate. */
    static String scoreCell(ComparisonRow row, ComparisonCell cell) {
        if (!cell.present()) {
            return "-";
        }
        String rate = Double.isFinite(cell.rate()) ? " (" + Numbers.sig(cell.rate()) + " " + row.rateUnit() + ")" : "";
        return Numbers.score(cell.measurement()) + rate;
    }

    static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        return benchmark.substring(type + 1);
    }

    private static String dash(String s) {
        return s == null || s.isEmpty() ? "-" : s;
    }
}
