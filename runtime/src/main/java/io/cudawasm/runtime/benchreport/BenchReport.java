package io.cudawasm.runtime.benchreport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code cuda-wasm bench report}: reads result files, compares them and renders the comparison as
 * Markdown (also printed), SVG charts (one per benchmark) and one self-contained HTML page.
 */
public final class BenchReport {
    /** The file names written into the output folder. */
    public static final String MARKDOWN = "report.md";
    public static final String HTML = "report.html";
    public static final String CHARTS = "charts";

    private BenchReport() {}

    /**
     * @param axis       null: by file for several files, by back end for one
     * @param baseline   null: the default baseline column
     * @param confidence of the speed-up intervals
     * @param title      the report's heading; null: one made from the column names
     */
    public record Options(ComparisonAxis axis, String baseline, double confidence, String title) {
        public static final Options DEFAULT = new Options(null, null, Measurement.JMH_CONFIDENCE, null);
    }

    /**
     * The rendered report.
     *
     * @param charts SVG documents by chart file name ({@code charts/KernelThroughputBench.launch-avgt.svg})
     */
    public record Output(Comparison comparison, String title, String markdown, String html, Map<String, String> charts) {}

    /**
     * @throws ReportInputException when a file cannot be used or the files have nothing in common
     */
    public static Output build(List<Path> files, Options options) {
        List<LoadedResult> results = new ArrayList<>();
        for (Path f : files) {
            results.add(LoadedResult.read(f));
        }
        Comparison c = Comparison.of(results, options.axis(), options.baseline(), options.confidence());
        String title = options.title() != null ? options.title() : defaultTitle(c);
        Map<String, String> svgByGroup = new LinkedHashMap<>();
        Map<String, String> fileByGroup = new LinkedHashMap<>();
        Map<String, String> charts = new LinkedHashMap<>();
        for (Map.Entry<String, List<ComparisonRow>> group : c.groups().entrySet()) {
            boolean anySpeedUp = group.getValue().stream().anyMatch(r -> r.cells().stream().anyMatch(x -> x.speedUp() != null));
            if (!anySpeedUp) {
                continue; // scores only (the baseline lacks this benchmark): a chart of speed-ups would be empty
            }
            String svg = SvgChart.render(c, group.getKey(), group.getValue());
            String file = CHARTS + "/" + fileName(group.getKey()) + ".svg";
            svgByGroup.put(group.getKey(), svg);
            fileByGroup.put(group.getKey(), file);
            charts.put(file, svg);
        }
        return new Output(c, title, MarkdownReport.render(c, title, fileByGroup), HtmlReport.render(c, title, svgByGroup),
                charts);
    }

    /** Writes {@value #MARKDOWN}, {@value #HTML} and the charts into {@code dir}; returns the files written. */
    public static List<Path> write(Output output, Path dir) {
        List<Path> written = new ArrayList<>();
        try {
            Files.createDirectories(dir.resolve(CHARTS));
            written.add(Files.writeString(dir.resolve(MARKDOWN), output.markdown(), StandardCharsets.UTF_8));
            written.add(Files.writeString(dir.resolve(HTML), output.html(), StandardCharsets.UTF_8));
            for (Map.Entry<String, String> chart : output.charts().entrySet()) {
                written.add(Files.writeString(dir.resolve(chart.getKey()), chart.getValue(), StandardCharsets.UTF_8));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report into " + dir + ": " + e.getMessage(), e);
        }
        return written;
    }

    private static String defaultTitle(Comparison c) {
        List<String> names = new ArrayList<>();
        c.columns().forEach(col -> names.add(col.name()));
        return "Benchmarks: " + String.join(" vs ", names);
    }

    /** "KernelThroughputBench.launch (avgt)" becomes "KernelThroughputBench.launch-avgt". */
    static String fileName(String group) {
        return group.replace(" (", "-").replace(")", "").replaceAll("[^A-Za-z0-9._-]", "_");
    }
}
