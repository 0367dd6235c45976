package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.executor.ExecutorBackend;
import io.cudawasm.runtime.executor.ExecutorTestDevice;
import io.cudawasm.runtime.service.client.WorkerClient;
import io.cudawasm.runtime.testing.Await;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No executor outlives its worker: after kill -9 of the worker (no shutdown hook, no finally) the
 * executor notices its standard input closing and halts, and the next worker on the host removes
 * the folder the dead one left.
 */
class ExecutorOrphanTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void killingTheWorkerWithSigkillTakesItsExecutorWithIt() throws Exception {
        Path executors = Files.createDirectories(dir.resolve("executors"));
        try (ChildProcess child = ChildProcess.start(ServeMain.class, Map.of(
                "CUDA_WASM_KERNEL_CACHE_DIR", dir.resolve("cache").toString(),
                "CUDA_WASM_EXECUTOR_DIR", executors.toString()), "--port", "0", "--bind", "127.0.0.1")) {
            String line = child.awaitLine("cuda-wasm worker listening on ", WAIT);
            WorkerClient client = new WorkerClient(URI.create(line.replaceAll(".*listening on (\\S+).*", "$1")), null,
                    Duration.ofSeconds(60));
            WorkerClient.Response job = client.post("/v1/jobs", Map.of("backend", "opencl:0",
                    "kernel", Map.of("source", "__global__ void k(int* x) { x[threadIdx.x] = threadIdx.x * 3; }"),
                    "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4"))),
                    "outputs", Map.of("x", "array")));
            assertEquals(200, job.status(), job.body().toString());
            assertEquals(9, job.body().get("outputs").get("x").get("data").get(3).asInt());
            JsonNode executor = client.get("/v1/capabilities").body().get("executors").get(0);
            long pid = executor.get("pid").asLong();
            ProcessHandle handle = ProcessHandle.of(pid).orElseThrow();
            long workerPid = handle.parent().orElseThrow().pid();
            assertEquals(1, folders(executors), "the running executor's folder");

            ProcessHandle.of(workerPid).orElseThrow().destroyForcibly();
            Await.until(WAIT, "executor " + pid + " to die with worker " + workerPid, () -> !handle.isAlive());
        }
        assertEquals(1, folders(executors), "kill -9 leaves the folder; the next worker removes it");
        try (ExecutorBackend next = ExecutorTestDevice.opencl(ExecutorTestDevice.settings().withDirectory(executors))) {
            assertEquals(0, folders(executors), "a dead worker's executor folder is removed at start-up");
            assertTrue(next.supervisor().pid() < 0, "nothing started yet");
        }
    }

    private static long folders(Path executors) throws Exception {
        try (Stream<Path> list = Files.list(executors)) {
            return list.filter(p -> p.getFileName().toString().startsWith("cw-exec-")).count();
        }
    }
}
