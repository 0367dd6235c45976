package io.cudawasm.runtime.cli;

import io.cudawasm.runtime.benchreport.BenchReport;
import io.cudawasm.runtime.benchreport.ComparisonAxis;
import io.cudawasm.runtime.benchreport.ReportInputException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm bench report A.json B.json ...}: the side-by-side table with speed-ups and their
 * confidence intervals, SVG charts and one HTML page. Bad input ends with one line on standard error and
 * exit code 2, never a stack trace.
 */
@Command(name = "report", mixinStandardHelpOptions = true,
        description = {"Compare benchmark result files: a table of scores and speed-ups with confidence intervals "
                + "(printed, and written as report.md), SVG charts and a self-contained report.html.",
            "Several files are compared file against file (passthrough vs vGPU, one release vs another); "
                + "a single file is compared back end against back end (GPU vs CPU vs plain Java)."})
public final class BenchReportCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "RESULT.json", description = "Result files written by the suite.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Folder for report.md, report.html and charts/ (default: ${DEFAULT-VALUE}).")
    Path output = Path.of("bench-report");

    @Option(names = "--by", paramLabel = "file|backend",
            description = "Columns: result files or back ends (default: files when several are given, else back ends).")
    String by;

    @Option(names = "--baseline", paramLabel = "COLUMN",
            description = "Column the others are compared with: a label, a back end, or label/backend "
                    + "(default: the first file, or the java back end).")
    String baseline;

    @Option(names = "--confidence", paramLabel = "LEVEL",
            description = "Confidence level of the speed-up intervals (default: ${DEFAULT-VALUE}, JMH's own).")
    double confidence = 0.999;

    @Option(names = "--title", description = "Heading of the report.")
    String title;

    @Option(names = "--quiet", description = "Do not print the table; only write the files.")
    boolean quiet;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            ComparisonAxis axis = by == null ? null : ComparisonAxis.parse(by);
            BenchReport.Output report = BenchReport.build(files,
                    new BenchReport.Options(axis, baseline, confidence, title));
            BenchReport.write(report, output);
            for (String w : report.comparison().warnings()) {
                err.println("warning: " + w);
            }
            if (!quiet) {
                out.print(report.markdown());
            }
            out.println();
            out.println("wrote " + output.resolve(BenchReport.MARKDOWN) + ", " + output.resolve(BenchReport.HTML) + " and "
                    + report.charts().size() + " chart(s) in " + output.resolve(BenchReport.CHARTS));
            out.flush();
            err.flush();
            return 0;
        } catch (ReportInputException | UncheckedIOException e) {
            err.println("error: " + e.getMessage());
            err.flush();
            return 2;
        }
    }
}
