package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finished asynchronous jobs stay readable for CUDA_WASM_JOB_RETENTION_SECONDS, then are dropped. */
class RetentionTest {
    @TempDir
    Path dir;

    @Test
    void finishedJobsAreKeptForTheRetentionPeriodOnly() {
        try (TestWorker w = TestWorker.start(dir, b -> b.jobRetention(Duration.ofMillis(400)))) {
            Reply accepted = w.post("/v1/jobs?async=true", Map.of("kernel", Map.of("source", TestKernels.TINY),
                    "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4")))));
            String href = accepted.header("Location");
            Reply done = Await.until(Duration.ofSeconds(30), "the job to finish", () -> w.get(href),
                    r -> r.status() == 200 && r.json().get("status").asText().equals("succeeded"));
            assertEquals(200, done.status(), "readable after it finished");
            Reply gone = Await.until(Duration.ofSeconds(30), "the job to expire", () -> w.get(href),
                    r -> r.status() == 404);
            assertEquals("job_not_found", gone.json().get("error").asText());
        }
    }
}
