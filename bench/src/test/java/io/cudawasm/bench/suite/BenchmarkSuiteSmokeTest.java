package io.cudawasm.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.benchreport.BenchReport;
import io.cudawasm.runtime.benchreport.BenchResultFile;
import io.cudawasm.runtime.benchreport.ComparisonAxis;
import io.cudawasm.runtime.benchreport.LoadedResult;
import io.cudawasm.runtime.benchreport.Measurement;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The suite as CI runs it: the smoke preset (in this JVM, no warm-up, one 100 ms iteration, size S, two
 * kernels), every benchmark group on the plain-Java reference and the Wasm back end. The numbers mean
 * nothing; the test is that every benchmark runs and the file is well-formed, tagged and reportable.
 */
class BenchmarkSuiteSmokeTest {

    /** JMH refuses to start while another JMH run holds /tmp/jmh.lock; a smoke run's numbers do not matter. */
    @BeforeAll
    static void ignoreOtherJmhRuns() {
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void smokeRunWritesATaggedResultFileTheReportReads(@TempDir Path dir) {
        Path file = dir.resolve("smoke.json");
        SuiteSettings settings = new SuiteSettings(SuitePreset.SMOKE, Optional.of("ci-smoke"), Optional.of(file), dir,
                Optional.of(List.of("java", "wasm")), false, List.of(), List.of(), List.of(), Optional.empty(),
                Optional.empty(), Optional.empty(), Optional.empty(), true, List.of("java", "-jar", "benchmarks.jar"));
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        Path written = new BenchmarkSuite(settings, new PrintStream(progress, true, StandardCharsets.UTF_8), Map.of())
                .run();
        String lines = progress.toString(StandardCharsets.UTF_8);
        assertEquals(file, written);
        assertTrue(lines.contains("[1/9, "), "a progress line per benchmark: " + lines);
        assertTrue(lines.contains("[9/9, "), lines);
        assertTrue(lines.contains("done in"), lines);

        LoadedResult result = LoadedResult.read(file); // the report's own reader: format and fields checked
        BenchResultFile f = result.file();
        assertEquals("ci-smoke", f.label());
        assertTrue(f.complete());
        assertEquals("smoke", f.suite().preset());
        assertEquals(BenchmarkSuite.REVISION, f.suite().revision());
        assertTrue(f.failed().isEmpty(), "failures: " + f.failed());

        // tagged with the capabilities document of self-registration
        assertEquals("cuda-wasm.io/capabilities/v1", f.host().path("schema").asText());
        assertFalse(f.host().path("local").path("jvm").asText().isBlank());
        assertTrue(f.host().path("local").path("cpus").asInt() > 0);
        assertTrue(f.host().path("local").path("backends").toString().contains("wasm"));
        assertFalse(result.host().oneLine().isBlank());

        // every back end looked for is listed; those not measured are absent with a reason
        Set<String> listed = f.backends().stream().map(BenchResultFile.BackendStatus::name).collect(Collectors.toSet());
        assertTrue(listed.containsAll(Set.of("java", "wasm", "tornadovm")), listed.toString());
        assertTrue(f.absent().stream().anyMatch(a -> a.backend().equals("tornadovm")
                && a.benchmark().equals("KernelThroughputBench") && !a.reason().isBlank()), f.absent().toString());
        assertTrue(f.workloads().stream().anyMatch(w -> w.kernel().equals("matmul_naive") && w.size().equals("S")
                && w.flopsPerLaunch() == 2L * 64 * 64 * 64 && w.rate().equals("GFLOP/s")));

        Set<String> ran = result.measurements().stream()
                .map(m -> m.shortName() + " " + m.params().values()).collect(Collectors.toSet());
        assertEquals(Set.of(
                "KernelThroughputBench.launch [java, saxpy, S]", "KernelThroughputBench.launch [java, matmul_naive, S]",
                "KernelThroughputBench.launch [wasm, saxpy, S]", "KernelThroughputBench.launch [wasm, matmul_naive, S]",
                "LaunchOverheadBench.launch [java]", "LaunchOverheadBench.launch [wasm]",
                "CompileTimeBench.cached [wasm, saxpy]", "CompileTimeBench.cold [wasm, saxpy]",
                "HttpJobBench.job [wasm, tiny]"), ran);
        for (Measurement m : result.measurements()) {
            assertTrue(m.score() > 0 && Double.isFinite(m.score()), m.toString());
        }

        // and the report tool compares its back ends, with GB/s from the workloads
        BenchReport.Output report = BenchReport.build(List.of(file),
                new BenchReport.Options(ComparisonAxis.BACKEND, null, 0.999, null));
        assertTrue(report.markdown().contains("wasm vs java"), report.markdown());
        assertTrue(report.markdown().contains("GB/s"), report.markdown());
    }
}
