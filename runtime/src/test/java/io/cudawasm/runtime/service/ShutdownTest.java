package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.jobs.Job;
import io.cudawasm.runtime.service.jobs.JobSnapshot;
import io.cudawasm.runtime.service.jobs.JobStatus;
import io.cudawasm.runtime.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Graceful shutdown: new jobs are refused at once, accepted jobs may finish within the grace
 * period, and jobs still running after it are failed explicitly; none is left hanging.
 */
class ShutdownTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private static Map<String, Object> spin(double seconds) {
        return Map.of("kernel", TestKernels.kernel(), "timeLimitSeconds", seconds,
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("zeros:1"))));
    }

    private static Job awaitRunning(TestWorker w, String id) {
        Job job = w.service.jobs().find(id).orElseThrow();
        Await.until(WAIT, "job " + id + " to run", job::status, s -> s != JobStatus.QUEUED);
        return job;
    }

    @Test
    void acceptedJobsFinishWithinTheGraceAndNewOnesAreRefused() throws Exception {
        TestWorker w = TestWorker.start(dir);
        Reply accepted = w.post("/v1/jobs?async=true", spin(1.5));
        Job job = awaitRunning(w, accepted.json().get("id").asText());

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> w.service.shutdown(Duration.ofSeconds(20)));
        Reply refused = Await.until(WAIT, "new jobs to be refused", () -> w.post("/v1/jobs", spin(1)),
                r -> r.status() != 200 && r.status() != 422);
        assertEquals(503, refused.status(), refused.toString());
        assertEquals("shutting_down", refused.json().get("error").asText());
        assertTrue(refused.header("Retry-After") != null);
        assertEquals(503, w.get("/readyz").status(), "not ready while draining");

        stopping.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        JobSnapshot s = job.snapshot();
        assertEquals(JobStatus.FAILED, s.status());
        assertEquals("time_limit_exceeded", s.error().code(), "it ended on its own, not by the shutdown");
    }

    @Test
    void jobsStillRunningAfterTheGraceAreFailedAndTheirCallersAnswered() throws Exception {
        TestWorker w = TestWorker.start(dir);
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> w.post("/v1/jobs", spin(60)));
        Await.until(WAIT, "the synchronous job to run", () -> w.service.jobs().running(), n -> n == 1);
        Reply queued = w.post("/v1/jobs?async=true", spin(60));
        Reply queued2 = w.post("/v1/jobs?async=true", spin(60));
        Job async = w.service.jobs().find(queued.json().get("id").asText()).orElseThrow();
        Job async2 = w.service.jobs().find(queued2.json().get("id").asText()).orElseThrow();

        long start = System.nanoTime();
        w.service.shutdown(Duration.ofMillis(200));
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "did not wait for the 60 s kernels");

        Reply answer = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(503, answer.status(), answer.toString());
        assertEquals("shutting_down", answer.json().get("error").asText());
        assertEquals("failed", answer.json().get("details").get("job").get("status").asText());
        for (Job j : List.of(async, async2)) {
            JobSnapshot s = j.snapshot();
            assertEquals(JobStatus.FAILED, s.status(), s.toString());
            assertEquals("shutting_down", s.error().code());
        }
    }
}
