package io.cudawasm.runtime.benchreport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The comparison of the synthetic passthrough and vGPU files. Expected intervals were computed apart from
 * this code: standard errors from the errors with t(0.9995, n-1), combined on the log scale, t quantiles at the
 * Welch-Satterthwaite degrees of freedom from a statistics package.
 */
class ComparisonTest {
    private static final double T_4 = 8.610301581380; // t(0.9995, 4)
    private static final double T_8 = 5.041305433373; // t(0.9995, 8)

    private static Comparison passthroughVsVgpu(double confidence) {
        return Comparison.of(List.of(LoadedResult.read(Resources.file("passthrough.json")),
                LoadedResult.read(Resources.file("vgpu.json"))), null, null, confidence);
    }

    private static ComparisonRow row(Comparison c, String benchmark, String... values) {
        return c.rows().stream().filter(r -> r.benchmark().equals(benchmark)
                && List.copyOf(r.params().values()).equals(List.of(values))).findFirst().orElseThrow();
    }

    @Test
    void filesAreColumnsAndTheFirstIsTheBaseline() {
        Comparison c = passthroughVsVgpu(0.999);
        assertEquals(ComparisonAxis.FILE, c.axis());
        assertEquals(List.of("passthrough", "vgpu"), c.columns().stream().map(ComparisonColumn::name).toList());
        assertEquals(0, c.baseline());
        assertEquals(3, c.rows().size(), "the opencl row exists only in the passthrough file");
        assertEquals("nvidia NVIDIA A40-12C", c.columns().get(1).source().host().gpu());
        assertEquals("NVIDIA A40-12C", c.columns().get(1).source().host().vgpuProfile());
        assertEquals("passthrough", c.columns().get(0).source().host().mode());
        assertEquals("550.90.07", c.columns().get(0).source().host().driver());
    }

    @Test
    void timeRatioWithEqualRelativeErrorsHasTwiceTheDegreesOfFreedom() {
        ComparisonRow saxpy = row(passthroughVsVgpu(0.999), "KernelThroughputBench.launch", "cuda", "saxpy", "M");
        assertEquals(10.0, saxpy.cells().get(0).measurement().score(), 0);
        assertEquals(20.0, saxpy.cells().get(1).measurement().score(), 0);
        assertNull(saxpy.cells().get(0).speedUp(), "the baseline has no speed-up against itself");
        Estimate e = saxpy.cells().get(1).speedUp();
        assertEquals(0.5, e.value(), 1e-12, "baseline time / vGPU time");
        // se/mean = (3.0442 / t4) / 10 for both, so var(ln S) = 2 (se/mean)^2 and df = 2 * 4
        double relative = 3.044201318127357 / T_4 / 10;
        double h = T_8 * Math.sqrt(2 * relative * relative);
        assertEquals(0.5 * Math.exp(-h), e.low(), 1e-9);
        assertEquals(0.5 * Math.exp(h), e.high(), 1e-9);
        assertEquals(0.3885970038, e.low(), 1e-9);
        assertEquals(0.6433400091, e.high(), 1e-9);
        assertTrue(e.excludes(1.0), "vGPU is slower with 99.9% confidence");
    }

    @Test
    void unitsAreConvertedToTheBaselinesAndFractionalDegreesOfFreedomAreUsed() {
        ComparisonRow matmul = row(passthroughVsVgpu(0.999), "KernelThroughputBench.launch", "cuda", "matmul_naive", "M");
        assertEquals("us/op", matmul.unit().text());
        assertEquals(2200.0, matmul.cells().get(1).measurement().score(), 1e-9, "2.2 ms/op in us/op");
        assertEquals(100.0, matmul.cells().get(1).measurement().error(), 1e-9);
        Estimate e = matmul.cells().get(1).speedUp();
        assertEquals(2000.0 / 2200.0, e.value(), 1e-12);
        // df = 17.839 (Welch-Satterthwaite), t(0.9995, 17.839) = 3.9282657
        assertEquals(0.8599921484, e.low(), 1e-8);
        assertEquals(0.9609928213, e.high(), 1e-8);
    }

    @Test
    void throughputRatiosAreOtherOverBaseline() {
        ComparisonRow http = row(passthroughVsVgpu(0.999), "HttpJobBench.job", "cuda", "tiny");
        assertEquals("thrpt", http.mode());
        Estimate e = http.cells().get(1).speedUp();
        assertEquals(0.8, e.value(), 1e-12, "800 jobs/s against 1000: 0.8x as fast");
        assertEquals(0.7558587890, e.low(), 1e-8);
        assertEquals(0.8467190027, e.high(), 1e-8);
    }

    @Test
    void aLowerConfidenceGivesANarrowerInterval() {
        Estimate e = row(passthroughVsVgpu(0.95), "KernelThroughputBench.launch", "cuda", "saxpy", "M").cells().get(1)
                .speedUp();
        assertEquals(0.4455492950, e.low(), 1e-9);
        assertEquals(0.5611051411, e.high(), 1e-9);
    }

    @Test
    void ratesComeFromTheWorkloadOfEachFile() {
        ComparisonRow saxpy = row(passthroughVsVgpu(0.999), "KernelThroughputBench.launch", "cuda", "saxpy", "M");
        assertEquals("GB/s", saxpy.rateUnit());
        assertEquals(12_582_912 / 0.010 / 1e9, saxpy.cells().get(0).rate(), 1e-9);
        assertEquals(12_582_912 / 0.020 / 1e9, saxpy.cells().get(1).rate(), 1e-9);
        ComparisonRow matmul = row(passthroughVsVgpu(0.999), "KernelThroughputBench.launch", "cuda", "matmul_naive", "M");
        assertEquals("GFLOP/s", matmul.rateUnit());
        assertEquals(33_554_432 / 0.002 / 1e9, matmul.cells().get(0).rate(), 1e-9);
        ComparisonRow http = row(passthroughVsVgpu(0.999), "HttpJobBench.job", "cuda", "tiny");
        assertEquals("", http.rateUnit());
        assertTrue(Double.isNaN(http.cells().get(0).rate()));
    }

    @Test
    void warnsAboutBenchmarksMissingFromAColumnAndFailures() {
        List<String> warnings = passthroughVsVgpu(0.999).warnings();
        assertTrue(warnings.contains("vgpu lacks 1 of the 4 benchmarks"), warnings.toString());
        assertTrue(warnings.contains("vgpu has 1 failed benchmark(s)"), warnings.toString());
    }

    @Test
    void aSingleFileIsComparedByBackEndAgainstPlainJava() {
        Comparison c = Comparison.of(List.of(LoadedResult.read(Resources.file("cpu-backends.json"))), null, null, 0.999);
        assertEquals(ComparisonAxis.BACKEND, c.axis());
        assertEquals(List.of("java", "wasm", "opencl:0"), c.columns().stream().map(ComparisonColumn::name).toList());
        assertEquals("java", c.baselineColumn().name());
        assertEquals(1, c.rows().size(), "CompileTimeBench ran on wasm only: nothing to show it beside");
        ComparisonRow saxpy = c.rows().get(0);
        assertEquals(Map.of("kernel", "saxpy", "size", "M"), saxpy.params());
        assertEquals(0.5, saxpy.cells().get(1).speedUp().value(), 1e-12, "java 0.5 ms, wasm 1000 us");
        assertEquals(0.625, saxpy.cells().get(2).speedUp().value(), 1e-12, "java 0.5 ms, opencl 0.8 ms");
    }

    /** Compile time has no plain-Java column: by back end its row stays, with scores and no speed-ups. */
    @Test
    void aBenchmarkTheBaselineLacksIsShownWithScoresOnly(@TempDir Path dir) throws Exception {
        ObjectNode tree = (ObjectNode) ResultFiles.json().readTree(Resources.file("cpu-backends.json").toFile());
        ArrayNode entries = (ArrayNode) tree.get("benchmarks");
        ObjectNode openCl = entries.get(3).deepCopy();
        ((ObjectNode) openCl.get("params")).put("backend", "opencl:0");
        ((ObjectNode) openCl.get("primaryMetric")).put("score", 0.4).put("scoreUnit", "s/op");
        entries.add(openCl);
        Path file = dir.resolve("cpu-compile.json");
        ResultFiles.json().writeValue(file.toFile(), tree);

        Comparison c = Comparison.of(List.of(LoadedResult.read(file)), null, null, 0.999);
        assertEquals("java", c.baselineColumn().name());
        ComparisonRow compile = c.rows().stream().filter(r -> r.benchmark().startsWith("CompileTimeBench")).findFirst()
                .orElseThrow();
        assertFalse(compile.cells().get(0).present(), "no java compile");
        assertEquals(30.0, compile.cells().get(1).measurement().score(), 1e-12);
        assertEquals(400.0, compile.cells().get(2).measurement().score(), 1e-9, "in the first present column's unit");
        assertTrue(compile.cells().stream().allMatch(x -> x.speedUp() == null));

        BenchReport.Output out = BenchReport.build(List.of(file), new BenchReport.Options(null, null, 0.999, null));
        assertTrue(out.markdown().contains("## CompileTimeBench.uncached (avgt)"), out.markdown());
        assertEquals(1, out.charts().size(), "no chart for a table without speed-ups: " + out.charts().keySet());
        // by file, a row missing from the baseline file still has nothing to say
        assertEquals(3, passthroughVsVgpu(0.999).rows().size());
    }

    @Test
    void theBaselineCanBeChosenByBackEndOrLabel() {
        Comparison c = Comparison.of(List.of(LoadedResult.read(Resources.file("cpu-backends.json"))), null, "wasm", 0.999);
        assertEquals("wasm", c.baselineColumn().name());
        assertEquals(2.0, c.rows().get(0).cells().get(0).speedUp().value(), 1e-12, "java against wasm");
        Comparison byLabel = Comparison.of(List.of(LoadedResult.read(Resources.file("passthrough.json")),
                LoadedResult.read(Resources.file("vgpu.json"))), ComparisonAxis.FILE, "vgpu", 0.999);
        assertEquals(1, byLabel.baseline());
        assertEquals(2.0, row(byLabel, "KernelThroughputBench.launch", "cuda", "saxpy", "M").cells().get(0).speedUp()
                .value(), 1e-12);
    }

    @Test
    void filesWithNothingInCommonAreRefusedWithWhatEachHas() {
        ReportInputException e = assertThrows(ReportInputException.class, () -> Comparison.of(List.of(
                LoadedResult.read(Resources.file("passthrough.json")), LoadedResult.read(Resources.file("compile-only.json"))),
                null, null, 0.999));
        assertTrue(e.getMessage().startsWith("the result files have no benchmark in common"), e.getMessage());
        assertTrue(e.getMessage().contains("compile-only: CompileTimeBench.uncached (avgt)"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line");
    }

    @Test
    void oneFileCannotBeComparedByFile() {
        ReportInputException e = assertThrows(ReportInputException.class, () -> Comparison.of(
                List.of(LoadedResult.read(Resources.file("passthrough.json"))), ComparisonAxis.FILE, null, 0.999));
        assertTrue(e.getMessage().contains("use --by backend"), e.getMessage());
    }

    @Test
    void aSmokeRunIsSaidToMeanNothing(@TempDir Path dir) {
        List<com.fasterxml.jackson.databind.JsonNode> entries = new java.util.ArrayList<>();
        for (String backend : List.of("java", "wasm")) {
            ObjectNode entry = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                    .put("benchmark", "io.cudawasm.bench.suite.KernelThroughputBench.launch").put("mode", "avgt");
            entry.putObject("params").put("backend", backend).put("kernel", "saxpy").put("size", "S");
            entry.putObject("primaryMetric").put("score", backend.equals("java") ? 0.01 : 25.0).put("scoreError", "NaN")
                    .put("scoreUnit", "ms/op");
            entries.add(entry);
        }
        BenchResultFile smoke = new BenchResultFile(BenchResultFile.FORMAT, "smoke-here", new BenchResultFile.Suite("1", 1,
                "smoke", "1.37"), "2026-01-01T00:00:00Z", null, true, List.of("java"), null, List.of(), List.of(),
                List.of(), List.of(), entries);
        Path file = dir.resolve("smoke.json");
        ResultFiles.write(file, smoke);
        Comparison c = Comparison.of(List.of(LoadedResult.read(file)), null, null, 0.999);
        assertTrue(c.hasSmokeRun());
        assertTrue(c.warnings().stream().anyMatch(w -> w.contains("is a smoke run") && w.contains("--preset quick")), c.warnings().toString());
        assertTrue(ReportText.explanation(c).startsWith("Not a measurement: a smoke run is one 100 ms iteration"),
                ReportText.explanation(c));
        assertFalse(ReportText.explanation(passthroughVsVgpu(0.999)).contains("smoke"), "full runs carry no caveat");
    }
}
