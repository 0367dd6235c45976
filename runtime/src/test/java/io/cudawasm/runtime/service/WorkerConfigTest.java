package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CUDA_WASM_* variables: defaults, the names the Kubernetes manifests use, and errors that name the variable. */
class WorkerConfigTest {
    @TempDir
    Path dir;

    @Test
    void defaultsServeOnPort8080WithoutAuth() {
        WorkerConfig c = WorkerConfig.fromEnvironment(Map.of("HOME", "/home/ada")).build();
        assertEquals(8080, c.port());
        assertEquals("0.0.0.0", c.bindAddress());
        assertEquals("auto", c.defaultBackend());
        assertEquals(Path.of("/home/ada/.cache/cuda-wasm/kernels"), c.cache().directory());
        assertFalse(c.authEnabled());
        assertEquals(Duration.ofSeconds(60), c.jobTimeLimit());
        assertEquals(Duration.ofSeconds(30), c.shutdownGrace());
        assertNull(c.prewarmFile());
        assertFalse(c.registration().enabled());
    }

    @Test
    void theGeneratedManifestsVariablesAreRead() {
        WorkerConfig c = WorkerConfig.fromEnvironment(Map.ofEntries(
                Map.entry("KUBERNETES_SERVICE_HOST", "10.0.0.1"),
                Map.entry("CUDA_WASM_PORT", "8080"),
                Map.entry("CUDA_WASM_KERNEL_CACHE_DIR", "/cache/kernels"),
                Map.entry("CUDA_WASM_CACHE_MAX_BYTES", "9663676416"),
                Map.entry("CUDA_WASM_MAX_CONCURRENT_KERNELS", "4"),
                Map.entry("CUDA_WASM_BACKEND", "auto"),
                Map.entry("CUDA_WASM_LOG_LEVEL", "info"),
                Map.entry("CUDA_WASM_SELF_REGISTER", "true"),
                Map.entry("CUDA_WASM_REGISTER_INTERVAL_SECONDS", "60"),
                Map.entry("CUDA_WASM_REGISTER_MODE", "labels"),
                Map.entry("CUDA_WASM_MAX_REQUEST_BYTES", "16Mi"),
                Map.entry("CUDA_WASM_MAX_JOB_MEMORY_BYTES", "2Gi"),
                Map.entry("CUDA_WASM_JOB_TIME_LIMIT_SECONDS", "0.5"),
                Map.entry("CUDA_WASM_JOB_RETENTION_SECONDS", "120"),
                Map.entry("CUDA_WASM_SANDBOX_ONLY", "yes"),
                Map.entry("CUDA_WASM_PREWARM_FILE", "/etc/cuda-wasm/kernels.txt"))).build();
        assertEquals(Path.of("/cache/kernels"), c.cache().directory());
        assertEquals(9663676416L, c.cache().maxBytes());
        assertEquals(4, c.maxConcurrentJobs());
        assertTrue(c.registration().enabled());
        assertEquals(Duration.ofSeconds(60), c.registration().interval());
        assertEquals("labels", c.registration().mode());
        assertEquals(16L << 20, c.maxRequestBytes());
        assertEquals(2L << 30, c.maxJobMemoryBytes());
        assertEquals(Duration.ofMillis(500), c.jobTimeLimit());
        assertEquals(Duration.ofMinutes(2), c.jobRetention());
        assertTrue(c.sandboxOnly());
        assertEquals(Path.of("/etc/cuda-wasm/kernels.txt"), c.prewarmFile());
    }

    @Test
    void badValuesNameTheirVariable() {
        for (Map.Entry<String, String> bad : Map.of(
                "CUDA_WASM_PORT", "http", "CUDA_WASM_MAX_CONCURRENT_KERNELS", "0", "CUDA_WASM_SANDBOX_ONLY", "maybe",
                "CUDA_WASM_MAX_REQUEST_BYTES", "lots", "CUDA_WASM_JOB_TIME_LIMIT_SECONDS", "-1",
                "CUDA_WASM_REGISTER_MODE", "carrier-pigeon", "CUDA_WASM_AUTH_TOKEN_FILE", "/nonexistent/token").entrySet()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> WorkerConfig.fromEnvironment(Map.of(bad.getKey(), bad.getValue())).build(), bad.toString());
            assertTrue(e.getMessage().startsWith(bad.getKey()), e.getMessage());
        }
    }

    @Test
    void theTokenComesFromTheVariableOrAFileAndIsNeverPrinted() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "from-file\n");
        assertEquals("from-file", WorkerConfig.fromEnvironment(Map.of("CUDA_WASM_AUTH_TOKEN_FILE", file.toString()))
                .build().authToken());
        WorkerConfig both = WorkerConfig.fromEnvironment(Map.of("CUDA_WASM_AUTH_TOKEN", "direct-t0ken",
                "CUDA_WASM_AUTH_TOKEN_FILE", file.toString())).build();
        assertEquals("direct-t0ken", both.authToken(), "the variable wins over the file");
        assertFalse(both.toString().contains("t0ken"), both.toString());
        assertTrue(both.toString().contains("auth=on"));
        for (String variable : List.of("CUDA_WASM_AUTH_TOKEN", "CUDA_WASM_AUTH_TOKEN_FILE")) {
            IllegalArgumentException blank = assertThrows(IllegalArgumentException.class,
                    () -> WorkerConfig.fromEnvironment(Map.of(variable, "  \t ")).build(),
                    "a blank token must not silently turn authentication off");
            assertTrue(blank.getMessage().startsWith(variable), blank.getMessage());
        }
        Path empty = Files.writeString(dir.resolve("empty"), "\n");
        assertThrows(IllegalArgumentException.class,
                () -> WorkerConfig.fromEnvironment(Map.of("CUDA_WASM_AUTH_TOKEN_FILE", empty.toString())).build());
    }
}
