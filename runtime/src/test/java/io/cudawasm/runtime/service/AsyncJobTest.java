package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.jobs.Job;
import io.cudawasm.runtime.service.jobs.JobStatus;
import io.cudawasm.runtime.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Asynchronous jobs: 202 and polling, cancelling running and queued jobs, and 429 when the worker is full. */
class AsyncJobTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir, b -> b.maxConcurrentJobs(1).maxQueuedJobs(1));
        kernelId = worker.post("/v1/kernels", TestKernels.kernel()).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Map<String, Object> spinJob() {
        return Map.of("kernel", Map.of("id", kernelId), "timeLimitSeconds", 30,
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("zeros:1"))));
    }

    private static Map<String, Object> scaleJob() {
        return Map.of("kernel", Map.of("id", kernelId),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 8,
                        "args", List.of("iota:8", 2, 8))), "outputs", Map.of("x", "array"));
    }

    private static JsonNode awaitStatus(String href, String... wanted) {
        List<String> accepted = List.of(wanted);
        return Await.until(WAIT, href + " to become " + accepted, () -> worker.get(href).json(),
                j -> j != null && accepted.contains(j.get("status").asText()));
    }

    @Test
    void anAsyncJobIsAcceptedWith202AndPolledToItsResult() {
        Reply accepted = worker.post("/v1/jobs?async=true", scaleJob());
        assertEquals(202, accepted.status(), accepted.toString());
        String href = accepted.header("Location");
        String id = accepted.json().get("id").asText();
        assertEquals("/v1/jobs/" + id, href);
        assertTrue(List.of("queued", "running", "succeeded").contains(accepted.json().get("status").asText()));

        JsonNode done = awaitStatus(href, "succeeded", "failed", "cancelled");
        assertEquals("succeeded", done.get("status").asText(), done.toString());
        assertEquals(14.0, done.get("outputs").get("x").get("data").get(7).asDouble());
        java.time.Instant finished = java.time.Instant.parse(done.get("finishedAt").asText());
        assertFalse(finished.isBefore(java.time.Instant.parse(done.get("createdAt").asText())), done.toString());

        Reply again = worker.get(href);
        assertEquals(200, again.status(), "kept until the retention period ends");
        Reply forget = worker.delete(href);
        assertEquals(200, forget.status(), "deleting a finished job returns its last state");
        assertEquals("succeeded", forget.json().get("status").asText());
        Reply gone = worker.get(href);
        assertEquals(404, gone.status());
        assertEquals("job_not_found", gone.json().get("error").asText());
    }

    @Test
    void aRunningJobIsCancelledAndItsKernelStopped() {
        String href = worker.post("/v1/jobs?async=true", spinJob()).header("Location");
        awaitStatus(href, "running");
        long start = System.nanoTime();
        Reply cancel = worker.delete(href);
        assertEquals(202, cancel.status(), cancel.toString());
        JsonNode done = awaitStatus(href, "cancelled", "failed", "succeeded");
        assertEquals("cancelled", done.get("status").asText(), done.toString());
        assertEquals("cancelled", done.get("error").get("error").asText());
        assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos(), "stopped long before its 30 s limit");
        assertEquals(404, worker.delete("/v1/jobs/00000000-0000-0000-0000-000000000000").status());
    }

    @Test
    void aFullWorkerAnswers429WithRetryAfterAndCancelledQueuedJobsFreeTheirPlace() {
        String running = worker.post("/v1/jobs?async=true", spinJob()).header("Location");
        awaitStatus(running, "running");
        Reply queued = worker.post("/v1/jobs?async=true", spinJob());
        assertEquals(202, queued.status(), queued.toString());
        assertEquals("queued", queued.json().get("status").asText());

        Reply refused = worker.post("/v1/jobs?async=true", scaleJob());
        assertEquals(429, refused.status(), refused.toString());
        assertEquals("too_many_jobs", refused.json().get("error").asText());
        assertTrue(Long.parseLong(refused.header("Retry-After")) >= 1, refused.header("Retry-After"));
        assertEquals(1, refused.json().get("details").get("queued").asInt());
        Reply refusedSync = worker.post("/v1/jobs", scaleJob());
        assertEquals(429, refusedSync.status(), "synchronous jobs share the same slots");

        Reply cancelQueued = worker.delete(queued.header("Location"));
        assertEquals(202, cancelQueued.status());
        assertEquals("cancelled", awaitStatus(queued.header("Location"), "cancelled").get("status").asText());
        assertEquals(null, awaitStatus(queued.header("Location"), "cancelled").get("startedAt"), "it never ran");

        worker.delete(running);
        awaitStatus(running, "cancelled");
        Reply next = worker.post("/v1/jobs", scaleJob());
        assertEquals(200, next.status(), "slots are free again: " + next);
    }

    /**
     * Retry-After grows with the work ahead: with one job running for at least 2 s and one queued,
     * the next caller is asked to wait at least (queued + running + itself) x 2 s / 1 slot = 6 s,
     * not the 1 s a stale average of short jobs would give.
     */
    @Test
    void retryAfterIsEstimatedFromTheWorkQueuedAhead() {
        worker.post("/v1/jobs", scaleJob()); // a short job first: the average run time is small
        String running = worker.post("/v1/jobs?async=true", spinJob()).header("Location");
        awaitStatus(running, "running");
        long runningSince = System.nanoTime();
        String queued = worker.post("/v1/jobs?async=true", spinJob()).header("Location");
        Await.until(WAIT, "the spinning job to have run 2 s", () -> System.nanoTime() - runningSince > 2_000_000_000L);
        Reply refused = worker.post("/v1/jobs?async=true", scaleJob());
        assertEquals(429, refused.status(), refused.toString());
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        assertTrue(retryAfter >= 6 && retryAfter <= 3600, "Retry-After " + retryAfter);
        worker.delete(queued);
        worker.delete(running);
        awaitStatus(running, "cancelled");
        awaitStatus(queued, "cancelled");
    }

    @Test
    void aSynchronousJobCancelledWhileItsCallerWaitsAnswers409() throws Exception {
        CompletableFuture<Reply> waiting = CompletableFuture.supplyAsync(() -> worker.post("/v1/jobs", spinJob()));
        Job running = Await.until(WAIT, "the synchronous job to run", () -> worker.service.jobs().unfinished(),
                list -> list.size() == 1 && list.get(0).status() == JobStatus.RUNNING).get(0);
        assertEquals(202, worker.delete("/v1/jobs/" + running.id()).status());
        Reply answer = waiting.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertEquals(409, answer.status(), answer.toString());
        assertEquals("cancelled", answer.json().get("error").asText());
        assertEquals("cancelled", answer.json().get("details").get("job").get("status").asText());
        assertEquals(404, worker.get("/v1/jobs/" + running.id()).status(), "synchronous jobs are not kept");
    }
}
