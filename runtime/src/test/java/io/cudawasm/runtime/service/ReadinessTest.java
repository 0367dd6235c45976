package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /healthz is liveness, /readyz checks the cache folder, the back ends and pre-warming. */
class ReadinessTest {
    @TempDir
    Path dir;

    @Test
    void aWritableCacheAndABackEndMakeTheWorkerReady() {
        try (TestWorker w = TestWorker.start(dir.resolve("cache"))) {
            assertEquals(200, w.get("/healthz").status());
            Reply ready = w.get("/readyz");
            assertEquals(200, ready.status(), ready.toString());
            assertEquals("ready", ready.json().get("status").asText());
            assertTrue(ready.json().get("checks").get("cacheWritable").asBoolean());
            assertTrue(ready.json().get("checks").get("backendAvailable").asBoolean());
        }
    }

    @Test
    void anUnwritableCacheFolderMakesReadyzFailButJobsStillRun() throws Exception {
        // Below a regular file no directory can exist, even for root (tests may run as root).
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
        try (TestWorker w = TestWorker.start(blocker.resolve("kernels"))) {
            Reply ready = w.get("/readyz");
            assertEquals(503, ready.status(), ready.toString());
            JsonNode body = ready.json();
            assertEquals("not_ready", body.get("error").asText());
            assertTrue(body.get("message").asText().contains("cacheWritable"), body.toString());
            assertFalse(body.get("details").get("checks").get("cacheWritable").asBoolean());
            assertFalse(ready.text().contains(blocker.toString()), "no server paths in the body");
            assertEquals(200, w.get("/healthz").status(), "still alive");

            Reply job = w.post("/v1/jobs", Map.of("kernel", Map.of("source", TestKernels.TINY),
                    "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4")))));
            assertEquals(200, job.status(), "compiled without caching: " + job);
            assertEquals(false, w.get("/v1/capabilities").json().get("cache").get("writable").asBoolean());
        }
    }
}
