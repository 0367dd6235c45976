package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens protect /v1 when configured; health, readiness, metrics and the API document stay open. */
class AuthTest {
    @TempDir
    Path dir;

    @Test
    void withATokenFileEveryV1CallNeedsTheToken() throws Exception {
        Path tokenFile = Files.writeString(dir.resolve("token"), "s3cret-token\n");
        String token = WorkerConfig.fromEnvironment(Map.of(WorkerConfig.ENV_AUTH_TOKEN_FILE, tokenFile.toString()))
                .build().authToken();
        try (TestWorker w = TestWorker.start(dir.resolve("cache"), b -> b.authToken(token))) {
            Reply none = w.get("/v1/capabilities");
            assertEquals(401, none.status(), none.toString());
            assertEquals("unauthorized", none.json().get("error").asText());
            assertTrue(none.header("WWW-Authenticate").startsWith("Bearer"));

            w.token = "wrong";
            assertEquals(401, w.get("/v1/capabilities").status());
            assertEquals(401, w.post("/v1/jobs", Map.of()).status(), "checked before the body is read");
            assertEquals(401, w.get("/v1/jobs/x").status());

            w.token = "s3cret-token";
            Reply ok = w.get("/v1/capabilities");
            assertEquals(200, ok.status(), ok.toString());
            assertTrue(ok.json().get("worker").get("auth").asBoolean());

            w.token = null;
            for (String open : List.of("/healthz", "/readyz", "/metrics", "/openapi.json")) {
                assertEquals(200, w.get(open).status(), open + " needs no token");
            }
        }
    }

    /** Jetty's debug output prints raw headers; no worker log level may show a token, right or wrong. */
    @Test
    void debugLoggingNeverShowsTokens() throws Exception {
        String secret = "s3cret-Zq81-token";
        String wrong = "wr0ng-Kx42-token";
        try (ChildProcess child = ChildProcess.start(ServeMain.class, Map.of("CUDA_WASM_KERNEL_CACHE_DIR",
                dir.resolve("cache").toString(), "CUDA_WASM_AUTH_TOKEN", secret),
                "--port", "0", "--bind", "127.0.0.1", "--log-level", "debug")) {
            String line = child.awaitLine("cuda-wasm worker listening on ", java.time.Duration.ofSeconds(60));
            java.net.URI url = java.net.URI.create(line.replaceAll(".*listening on (\\S+).*", "$1"));
            for (String token : List.of(secret, wrong)) {
                var client = new io.cudawasm.runtime.service.client.WorkerClient(url, token,
                        java.time.Duration.ofSeconds(30));
                int status = client.get("/v1/capabilities").status();
                assertEquals(token.equals(secret) ? 200 : 401, status);
                client.post("/v1/jobs", Map.of("kernel", Map.of("library", "saxpy"), "launches", List.of()));
            }
            child.terminate();
            child.awaitExit(java.time.Duration.ofSeconds(60));
            String log = child.transcript();
            assertTrue(log.contains("DEBUG"), "the worker logged at debug level");
            assertTrue(!log.contains(secret) && !log.contains(wrong), "a token appears in the log:\n" + log);
        }
    }

    @Test
    void withoutATokenTheApiIsOpen() {
        try (TestWorker w = TestWorker.start(dir.resolve("cache"))) {
            Reply ok = w.get("/v1/capabilities");
            assertEquals(200, ok.status());
            assertEquals(false, ok.json().get("worker").get("auth").asBoolean());
            w.token = "anything";
            assertEquals(200, w.get("/v1/capabilities").status(), "a token is ignored when none is configured");
        }
    }
}
