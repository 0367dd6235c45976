package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.HttpLimits;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * The worker reads and drops a declared body over the limit only up to 1 MiB, and only as fast as
     * any body must come: a declaration of 100 MiB with nothing sent is answered 413 at once; one of
     * 20 KB that stalls after 100 bytes is answered when the idle timeout cuts the read; meanwhile the
     * worker serves others.
     */
    @Test
    void oversizedBodiesAreNotReadBeyondTheDrainOrItsTimeout() throws Exception {
        try (TestWorker w = TestWorker.start(dir, b -> b.maxRequestBytes(16 * 1024).http(new HttpLimits(64, 40, 8, 4,
                Duration.ofSeconds(2), HttpLimits.DEFAULT_MIN_REQUEST_BYTES_PER_SECOND, 0,
                HttpLimits.defaultBodyHeapBytes())))) {
            String head = "POST /v1/kernels HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ";
            try (RawHttp huge = RawHttp.open(w.base, null, 10_000)) {
                long start = System.nanoTime();
                huge.send(head + (100L << 20) + "\r\n\r\n");
                RawHttp.Answer a = huge.readAnswer();
                assertEquals(413, a.status(), a.head());
                assertTrue(System.nanoTime() - start < 1_500_000_000L, "answered without waiting for the body");
            }
            try (RawHttp stalled = RawHttp.open(w.base, null, 10_000)) {
                long start = System.nanoTime();
                stalled.send(head + 20_000 + "\r\n\r\n" + "x".repeat(100));
                Reply other = w.get("/v1/kernels/0000000000000000000000000000000000000000000000000000000000000000");
                assertEquals(404, other.status(), "the worker serves others meanwhile: " + other);
                RawHttp.Answer a = stalled.readAnswer();
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertEquals(413, a.status(), a.head());
                assertTrue(ms >= 1_500 && ms < 8_000, "answered once the idle timeout cut the read: " + ms + " ms");
            }
        }
    }
}
