package io.cudawasm.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.testing.ChildOutput;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cuda-wasm serve --log-format json} in a child JVM started as the launcher starts it: every line is JSON. */
class JsonLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyLineOfTheWorkerIsAJsonObject(@TempDir Path cache) throws Exception {
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "serve", "--port", "0", "--bind", "127.0.0.1", "--cache-dir", cache.toString(), "--log-format", "json");
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("CUDA_WASM_") || k.startsWith("NUTANIX_"));
        Process process = pb.start();
        ChildOutput out = new ChildOutput("serve", process);
        try {
            String listening = out.awaitLine(l -> l.contains("listening on"), "saying where the worker listens",
                    Duration.ofSeconds(90));
            JsonNode event = JSON.readTree(listening);
            assertEquals("INFO", event.path("level").asText());
            assertEquals("io.cudawasm.runtime.service.WorkerService", event.path("logger").asText());
            assertTrue(event.path("message").asText().startsWith("cuda-wasm worker listening on http://127.0.0.1:"), listening);
            assertTrue(event.path("time").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{3})?Z"),
                    listening);
        } finally {
            process.toHandle().destroy(); // SIGTERM, as Kubernetes stops a pod: the drain logs too
        }
        out.awaitExit(Duration.ofSeconds(60));
        List<String> lines = out.transcript().lines().toList();
        assertTrue(lines.size() >= 2, out.transcript());
        for (String line : lines) {
            assertTrue(line.startsWith("{") && JSON.readTree(line).isObject(), "not a JSON line: " + line);
        }
    }
}
