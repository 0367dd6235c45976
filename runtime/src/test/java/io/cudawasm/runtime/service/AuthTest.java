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
