package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A restarted worker on the same cache folder (the pod's volume) finds its kernels without compiling. */
class RestartCacheTest {
    @TempDir
    Path cacheDir;

    @Test
    void aNewWorkerOnTheSameFolderHitsTheCache() {
        String id;
        try (TestWorker first = TestWorker.start(cacheDir)) {
            Reply compiled = first.post("/v1/kernels", TestKernels.kernel());
            assertEquals(201, compiled.status(), compiled.toString());
            assertEquals("compiled", compiled.json().get("cache").asText());
            id = compiled.json().get("id").asText();
        }
        try (TestWorker second = TestWorker.start(cacheDir)) {
            Reply byId = second.get("/v1/kernels/" + id);
            assertEquals(200, byId.status(), "known by id after the restart: " + byId);
            assertEquals("disk", byId.json().get("cache").asText());

            Reply job = second.post("/v1/jobs", Map.of("kernel", Map.of("id", id),
                    "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 4,
                            "args", List.of("const:4:2", 3, 4))), "outputs", Map.of("x", "array")));
            assertEquals(200, job.status(), job.toString());
            assertEquals(6.0, job.json().get("outputs").get("x").get("data").get(3).asDouble());

            // the GPU back ends need the kernel IR, rebuilt from the stored request: OpenCL (PoCL) runs it too
            Reply onOpenCl = second.post("/v1/jobs", Map.of("kernel", Map.of("id", id), "backend", "opencl",
                    "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 4,
                            "args", List.of("const:4:2", 3, 4))), "outputs", Map.of("x", "array")));
            assertEquals(200, onOpenCl.status(), onOpenCl.toString());
            assertEquals("opencl:0", onOpenCl.json().get("backend").asText());
            assertEquals(6.0, onOpenCl.json().get("outputs").get("x").get("data").get(3).asDouble());

            String metrics = second.get("/metrics").text();
            assertFalse(metrics.contains("cudawasm_compile_duration_seconds_count"), "nothing was compiled:\n"
                    + metrics.lines().filter(l -> l.startsWith("cudawasm_compile")).toList());
            assertEquals(true, metrics.contains("cudawasm_cache_hits_total 1.0"), "one disk hit");
        }
        try (TestWorker third = TestWorker.start(cacheDir)) {
            Reply sameSource = third.post("/v1/kernels", TestKernels.kernel());
            assertEquals(200, sameSource.status(), "the same source is a hit too");
            assertEquals("disk", sameSource.json().get("cache").asText());
            assertEquals(id, sameSource.json().get("id").asText());
        }
    }
}
