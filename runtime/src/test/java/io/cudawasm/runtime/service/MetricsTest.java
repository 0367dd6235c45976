package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics speaks Prometheus text and counts jobs, compiles, cache traffic, queue and devices. */
class MetricsTest {
    @TempDir
    Path dir;

    private static double value(String text, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " ([0-9.eE+-]+)$").matcher(text);
        assertTrue(m.find(), "no series " + series + " in:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    @Test
    void jobsCompilesCacheQueueAndDevicesAreExported() {
        try (TestWorker w = TestWorker.start(dir)) {
            Map<String, Object> job = Map.of("kernel", Map.of("source", TestKernels.TINY),
                    "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4"))));
            assertEquals(200, w.post("/v1/jobs", job).status());
            assertEquals(200, w.post("/v1/jobs", job).status());
            Map<String, Object> failing = Map.of("kernel", TestKernels.kernel(), "launches", List.of(
                    Map.of("kernel", "oob", "grid", 1, "block", 1, "args", List.of("zeros:1", 1 << 28))));
            assertEquals(422, w.post("/v1/jobs", failing).status(), "writes far outside its memory");
            assertEquals(400, w.post("/v1/kernels", Map.of("source", "__global__ void k( {}")).status());
            assertEquals(400, w.post("/v1/jobs", Map.of("kernel", Map.of("source", TestKernels.TINY))).status());

            Reply r = w.get("/metrics");
            assertEquals(200, r.status());
            assertTrue(r.header("Content-Type").startsWith("text/plain"), r.header("Content-Type"));
            String text = r.text();
            assertEquals(2.0, value(text, "cudawasm_jobs_total{backend=\"wasm\",outcome=\"succeeded\"}"));
            assertEquals(1.0, value(text, "cudawasm_jobs_total{backend=\"wasm\",outcome=\"failed\"}"));
            assertEquals(2.0, value(text, "cudawasm_job_duration_seconds_count{backend=\"wasm\",outcome=\"succeeded\"}"));
            assertTrue(text.contains("cudawasm_job_duration_seconds_bucket{backend=\"wasm\",outcome=\"succeeded\",le=\"0.001\"}"),
                    "latency histogram buckets");
            assertEquals(2.0, value(text, "cudawasm_compile_duration_seconds_count{outcome=\"success\"}"));
            assertEquals(1.0, value(text, "cudawasm_compile_duration_seconds_count{outcome=\"error\"}"));
            assertEquals(2.0, value(text, "cudawasm_kernel_resolutions_total{source=\"compiled\"}"));
            assertEquals(2.0, value(text, "cudawasm_kernel_resolutions_total{source=\"memory\"}"));
            assertTrue(value(text, "cudawasm_cache_misses_total") >= 1);
            assertTrue(value(text, "cudawasm_cache_written_bytes_total") > 0);
            assertEquals(2.0, value(text, "cudawasm_cache_entries"));
            assertTrue(value(text, "cudawasm_cache_size_bytes") > 0);
            assertTrue(text.contains("cudawasm_cache_evictions_total"), "evictions counter present");
            assertEquals(0.0, value(text, "cudawasm_jobs_queued"));
            assertEquals(0.0, value(text, "cudawasm_jobs_running"));
            assertTrue(Pattern.compile("(?m)^cudawasm_backend_info\\{backend=\"wasm\",device=\"CPU[^\"]*\"} 1(\\.0)?$")
                    .matcher(text).find(), "device info:\n" + text);
            assertTrue(text.contains("cudawasm_jobs_rejected_total{reason=\"invalid\"}"), "rejections counted");
            assertTrue(text.contains("jvm_memory_used_bytes"), "JVM metrics too");
        }
    }
}
