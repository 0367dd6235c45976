package io.cudawasm.bench.suite;

import java.io.IOException;
import java.io.PrintStream;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.format.OutputFormat;

/**
 * JMH's own output (or none, when quiet) plus one progress line per benchmark with the elapsed time
 * and an estimate of what is left, and the first line of each failure, which becomes the reason in the
 * result file. JMH reports failures only as printed text, so this is where they can be caught.
 */
final class ProgressOutput implements OutputFormat {
    private final OutputFormat jmh;
    private final PrintStream progress;
    private final long started;
    private final int total;
    private final double secondsEach;
    private int done;
    private Map<String, String> current = Map.of();
    private String currentName = "";
    private boolean inFailure;
    private boolean open;
    private String failureReason;
    private final Map<Map<String, String>, String> failures = new LinkedHashMap<>();

    ProgressOutput(OutputFormat jmh, PrintStream progress, int total, double secondsEach, int alreadyDone, long started) {
        this.jmh = jmh;
        this.progress = progress;
        this.total = total;
        this.secondsEach = secondsEach;
        this.done = alreadyDone;
        this.started = started;
    }

    int done() {
        return done;
    }

    /** Failure reasons of this class's benchmarks, by their parameters (the method under {@code "@method"}). */
    Map<Map<String, String>, String> failures() {
        return failures;
    }

    @Override
    public void startBenchmark(BenchmarkParams params) {
        if (open) {
            finish(null);
        }
        open = true;
        Map<String, String> p = new LinkedHashMap<>();
        String label = params.getBenchmark();
        p.put("@method", label.substring(label.lastIndexOf('.') + 1));
        StringBuilder line = new StringBuilder();
        for (String key : params.getParamsKeys()) {
            p.put(key, params.getParam(key));
            line.append(' ').append(key).append('=').append(params.getParam(key));
        }
        current = p;
        currentName = shortName(label);
        inFailure = false;
        failureReason = null;
        double elapsed = (System.nanoTime() - started) / 1e9;
        double left = Math.max(0, (total - done) * secondsEach);
        progress.printf("[%d/%d, %s elapsed, about %s left] %s%s%n", done + 1, total, duration(elapsed), duration(left),
                currentName, line);
        progress.flush();
        jmh.startBenchmark(params);
    }

    @Override
    public void endBenchmark(BenchmarkResult result) {
        if (open) {
            finish(result);
        }
        jmh.endBenchmark(result);
    }

    /** JMH does not end a benchmark whose set-up or iteration threw: the next start or the end of the run does. */
    private void finish(BenchmarkResult result) {
        open = false;
        done++;
        if (result == null || failureReason != null) {
            String reason = failureReason != null ? failureReason : "no result (see the suite's output)";
            failures.put(current, reason);
            progress.println("  failed: " + currentName + ": " + reason);
            progress.flush();
        }
    }

    @Override
    public void println(String s) {
        watch(s);
        jmh.println(s);
    }

    @Override
    public void print(String s) {
        watch(s);
        jmh.print(s);
    }

    @Override
    public void verbosePrintln(String s) {
        watch(s);
        jmh.verbosePrintln(s);
    }

    /**
     * After JMH's "<failure>" marker (at the end of an "Iteration 1:" line, or alone), the first non-blank
     * line is the exception and its message.
     */
    private void watch(String s) {
        if (s == null) {
            return;
        }
        for (String line : s.split("\n")) {
            String t = line.strip();
            int marker = t.indexOf("<failure>");
            if (marker >= 0) {
                inFailure = true;
                String rest = t.substring(marker + "<failure>".length()).strip();
                if (failureReason == null && !rest.isEmpty()) {
                    failureReason = rest;
                }
            } else if (inFailure && failureReason == null && !t.isEmpty()) {
                failureReason = t.length() > 300 ? t.substring(0, 300) + "..." : t;
            }
        }
    }

    static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int type = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        return benchmark.substring(type + 1);
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        return s >= 3600 ? String.format("%dh%02dm", s / 3600, s % 3600 / 60)
                : s >= 60 ? String.format("%dm%02ds", s / 60, s % 60) : s + "s";
    }

    @Override
    public void iteration(BenchmarkParams b, IterationParams p, int i) {
        jmh.iteration(b, p, i);
    }

    @Override
    public void iterationResult(BenchmarkParams b, IterationParams p, int i, IterationResult r) {
        jmh.iterationResult(b, p, i, r);
    }

    @Override
    public void startRun() {
        jmh.startRun();
    }

    @Override
    public void endRun(Collection<RunResult> results) {
        if (open) {
            finish(null);
        }
        jmh.endRun(results);
    }

    @Override
    public void flush() {
        progress.flush();
        jmh.flush();
    }

    @Override
    public void close() {
        jmh.flush();
    }

    @Override
    public void write(int b) {
        jmh.write(b);
    }

    @Override
    public void write(byte[] b) throws IOException {
        jmh.write(b);
    }
}
