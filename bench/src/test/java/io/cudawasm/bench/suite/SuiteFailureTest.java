package io.cudawasm.bench.suite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.benchreport.BenchResultFile.Failure;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.VerboseMode;

/** A benchmark that throws is recorded as failed with the exception's first line; the others still run. */
class SuiteFailureTest {

    /** JMH refuses to start while another JMH run holds /tmp/jmh.lock; a smoke run's numbers do not matter. */
    @BeforeAll
    static void ignoreOtherJmhRuns() {
        System.setProperty("jmh.ignoreLock", "true");
    }

    @Test
    void aFailingCombinationIsRecordedWithItsReason() {
        SuiteSettings settings = new SuiteSettings(SuitePreset.SMOKE, Optional.empty(), Optional.empty(), Path.of("."),
                Optional.empty(), false, List.of(), List.of(), List.of(), Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.empty(), true, List.of());
        ByteArrayOutputStream progressBytes = new ByteArrayOutputStream();
        PrintStream progress = new PrintStream(progressBytes, true, StandardCharsets.UTF_8);
        BenchmarkSuite suite = new BenchmarkSuite(settings, progress, Map.of());
        Map<String, List<String>> params = new LinkedHashMap<>();
        params.put("backend", List.of("java", "opencl:97"));
        params.put("kernel", List.of("saxpy"));
        params.put("size", List.of("S"));
        ClassPlan plan = new ClassPlan(KernelThroughputBench.class, List.of("launch"), params);
        ProgressOutput out = new ProgressOutput(OutputFormatFactory.createFormatInstance(
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8), VerboseMode.NORMAL),
                progress, 2, 0.1, 0, System.nanoTime());

        List<JsonNode> results = suite.runClass(plan, out);
        assertEquals(1, results.size(), "the java combination still ran");
        assertEquals("java", results.get(0).path("params").path("backend").asText());

        List<Failure> failed = BenchmarkSuite.missing(plan, results, out.failures(), null);
        assertEquals(1, failed.size(), failed.toString());
        Failure f = failed.get(0);
        assertEquals("KernelThroughputBench.launch", f.benchmark());
        assertEquals(Map.of("backend", "opencl:97", "kernel", "saxpy", "size", "S"), f.params());
        assertTrue(f.reason().contains("IllegalArgumentException") && f.reason().contains("no OpenCL device 97"),
                f.reason());
        List<Failure> notRun = BenchmarkSuite.missing(plan, List.of(), Map.of(), "Another JMH instance might be running");
        assertEquals(2, notRun.size());
        assertTrue(notRun.stream().allMatch(n -> n.reason().equals("Another JMH instance might be running")));
        String lines = progressBytes.toString(StandardCharsets.UTF_8);
        assertTrue(lines.contains("[2/2, ") && lines.contains("failed: KernelThroughputBench.launch"), lines);
    }
}
