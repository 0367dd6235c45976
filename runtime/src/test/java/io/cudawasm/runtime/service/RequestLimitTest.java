package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.runtime.service.TestWorker.Reply;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bodies over CUDA_WASM_MAX_REQUEST_BYTES are refused with 413, with or without a Content-Length. */
class RequestLimitTest {
    @TempDir
    Path dir;

    @Test
    void anOversizedBodyIs413() {
        try (TestWorker w = TestWorker.start(dir, b -> b.maxRequestBytes(16 * 1024))) {
            List<Integer> data = java.util.Collections.nCopies(10_000, 1);
            Map<String, Object> big = Map.of("kernel", Map.of("source", TestKernels.TINY),
                    "launches", List.of(Map.of("grid", 1, "block", 1, "args", List.of(data))));
            Reply declared = w.post("/v1/jobs", big);
            assertEquals(413, declared.status(), declared.toString());
            assertEquals("request_too_large", declared.json().get("error").asText());
            assertEquals(16 * 1024, declared.json().get("details").get("limit").asInt());

            byte[] body = ("{\"source\": \"" + "x".repeat(20_000) + "\"}").getBytes();
            HttpRequest chunked = w.request("/v1/kernels").header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body))).build();
            Reply streamed = TestWorker.send(chunked);
            assertEquals(413, streamed.status(), "no Content-Length: counted while reading");
            assertEquals("request_too_large", streamed.json().get("error").asText());

            Reply small = w.post("/v1/jobs", Map.of("kernel", Map.of("source", TestKernels.TINY),
                    "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4")))));
            assertEquals(200, small.status(), "the worker keeps serving: " + small);
        }
    }
}
