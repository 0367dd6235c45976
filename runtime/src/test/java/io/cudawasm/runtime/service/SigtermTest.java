package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.client.WorkerClient;
import io.cudawasm.runtime.testing.Await;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuda-wasm serve} drains on SIGTERM: the running job ends on its own, then the process exits. */
class SigtermTest {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @Test
    void sigtermDrainsRunningJobsThenExits() throws Exception {
        try (ChildProcess child = ChildProcess.start(ServeMain.class,
                Map.of("CUDA_WASM_KERNEL_CACHE_DIR", dir.toString(), "CUDA_WASM_SHUTDOWN_GRACE_SECONDS", "30"),
                "--port", "0", "--bind", "127.0.0.1", "--workers", "1")) {
            String line = child.awaitLine("cuda-wasm worker listening on ", WAIT);
            URI url = URI.create(line.replaceAll(".*listening on (\\S+).*", "$1"));
            WorkerClient client = new WorkerClient(url, null, Duration.ofSeconds(30));
            WorkerClient.Response accepted = client.post("/v1/jobs?async=true", Map.of(
                    "kernel", TestKernels.kernel(), "timeLimitSeconds", 1.0,
                    "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("zeros:1")))));
            assertEquals(202, accepted.status());
            Await.until(WAIT, "the job to run", () -> {
                try {
                    return client.get(accepted.location()).body();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, (JsonNode j) -> j.get("status").asText().equals("running"));

            child.terminate();
            child.awaitLine("shutting down: 1 jobs running", WAIT);
            child.awaitLine("jobs drained", WAIT);
            int exit = child.awaitExit(WAIT);
            assertTrue(exit == 143 || exit == 0, "exit code after SIGTERM: " + exit);
        }
    }
}
