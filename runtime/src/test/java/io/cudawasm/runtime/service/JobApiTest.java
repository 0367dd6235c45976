package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Synchronous jobs over HTTP: single and multi-launch runs, argument forms, outputs, and run-time errors. */
class JobApiTest {
    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir, b -> b.maxBufferBytes(1 << 20).maxJobMemoryBytes(3 << 20));
        kernelId = worker.post("/v1/kernels", TestKernels.kernel()).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Map<String, Object> byId() {
        return Map.of("id", kernelId);
    }

    private static float[] floats(JsonNode array) {
        float[] f = new float[array.size()];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) array.get(i).asDouble();
        }
        return f;
    }

    @Test
    void aLibraryKernelRunsAndReturnsItsOutputAsAnArray() {
        long before = System.nanoTime();
        Reply r = worker.post("/v1/jobs", Map.of(
                "kernel", Map.of("library", "saxpy"),
                "launches", List.of(Map.of("grid", 1, "block", 256,
                        "args", Map.of("n", 5, "a", 2.0, "x", List.of(1, 2, 3, 4, 5), "y", "const:5:10"))),
                "outputs", Map.of("y", "array")));
        assertEquals(200, r.status(), r.toString());
        JsonNode job = r.json();
        assertEquals("succeeded", job.get("status").asText());
        assertEquals("wasm", job.get("backend").asText());
        JsonNode y = job.get("outputs").get("y");
        assertEquals("f32", y.get("type").asText());
        assertEquals(5, y.get("count").asInt());
        assertArrayEquals(new float[] {12, 14, 16, 18, 20}, floats(y.get("data")));
        assertEquals("saxpy", job.get("launches").get(0).get("kernel").asText());
        double runMillis = job.get("runMillis").asDouble();
        double requestMillis = (System.nanoTime() - before) / 1e6;
        assertTrue(job.get("runMillis").isNumber() && runMillis >= 0 && runMillis <= requestMillis,
                runMillis + " ms run within a " + requestMillis + " ms request");
    }

    @Test
    void aMultiLaunchJobSharesBuffersBetweenLaunches() {
        Reply r = worker.post("/v1/jobs", Map.of(
                "kernel", byId(),
                "buffers", Map.of(
                        "a", Map.of("type", "float", "data", List.of(1, 2, 3, 4)),
                        "b", "iota:4:10",
                        "c", Map.of("count", 4)),
                "launches", List.of(
                        Map.of("kernel", "scale", "grid", 1, "block", 32, "args", List.of("a", 3, 4)),
                        Map.of("kernel", "add", "grid", List.of(1), "block", "32", "args", List.of("a", "b", "c", 4)),
                        Map.of("kernel", "scale", "grid", 1, "block", 32, "args", Map.of("x", "c", "a", "0.5", "n", 4))),
                "outputs", Map.of("c", "array", "a", Map.of("format", "summary", "first", 2))));
        assertEquals(200, r.status(), r.toString());
        JsonNode out = r.json().get("outputs");
        // a = 3 * [1,2,3,4]; c = (a + [10,11,12,13]) / 2
        assertArrayEquals(new float[] {6.5f, 8.5f, 10.5f, 12.5f}, floats(out.get("c").get("data")));
        JsonNode summary = out.get("a").get("summary");
        assertEquals(30.0, summary.get("sum").asDouble());
        assertEquals(2, summary.get("first").size());
        assertEquals("3.0", summary.get("first").get(0).asText());
        assertEquals("6.0", summary.get("first").get(1).asText());
        assertEquals(3, r.json().get("launches").size());
        assertEquals("memory", r.json().get("kernelCache").asText());
    }

    @Test
    void base64InputsAndOutputsAreLittleEndian() {
        ByteBuffer in = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(1).putFloat(-2).putFloat(0.5f)
                .putFloat(8);
        Reply r = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "buffers", Map.of("x", Map.of("type", "f32", "base64", Base64.getEncoder().encodeToString(in.array()))),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 4, "args", List.of("x", 2, 4))),
                "outputs", Map.of("x", "base64")));
        assertEquals(200, r.status(), r.toString());
        ByteBuffer out = ByteBuffer.wrap(Base64.getDecoder().decode(r.json().get("outputs").get("x").get("base64")
                .asText())).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals(new float[] {2, -4, 1, 16},
                new float[] {out.getFloat(0), out.getFloat(4), out.getFloat(8), out.getFloat(12)});
    }

    @Test
    void structArgumentsConstantSymbolsAndUnsigned64BitOutputs() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "buffers", Map.of("x", "zeros:4", "p", "zeros:4", "u", Map.of("type", "u64", "count", 2)),
                "launches", List.of(
                        Map.of("kernel", "apply", "grid", 1, "block", 4, "args", List.of("x", "struct:f32=1.5,i32=4")),
                        Map.of("kernel", "poly", "grid", 1, "block", 4, "args", List.of("p"),
                                "symbols", Map.of("coeff", List.of(1, 10, 0, 0))),
                        Map.of("kernel", "iota64", "grid", 1, "block", 2, "args", List.of("u"))),
                "outputs", Map.of("x", "array", "p", "array", "u", "array")));
        assertEquals(200, r.status(), r.toString());
        JsonNode out = r.json().get("outputs");
        assertArrayEquals(new float[] {6, 6, 6, 6}, floats(out.get("x").get("data")));
        assertArrayEquals(new float[] {1, 11, 21, 31}, floats(out.get("p").get("data")));
        assertEquals("18446744073709551615", out.get("u").get("data").get(0).asText());
        assertEquals("18446744073709551614", out.get("u").get("data").get(1).asText());
    }

    @Test
    void defaultOutputsAreSummariesOfWrittenBuffers() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", Map.of("library", "vector_add"),
                "launches", List.of(Map.of("grid", 4, "block", 256, "args", Map.of(
                        "A", "iota:1000", "B", "const:1000:1", "C", "zeros:1000", "numElements", "1000")))));
        assertEquals(200, r.status(), r.toString());
        JsonNode out = r.json().get("outputs");
        assertEquals(List.of("C"), List.copyOf(iterable(out)), "only the non-const pointer is reported");
        JsonNode c = out.get("C").get("summary");
        assertEquals(500500.0, c.get("sum").asDouble());
        assertEquals(1.0, c.get("min").asDouble());
        assertEquals(1000.0, c.get("max").asDouble());
        assertEquals(8, c.get("first").size());
        assertEquals(16, c.get("fnv1a64").asText().length());
    }

    private static List<String> iterable(JsonNode object) {
        List<String> names = new java.util.ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    @Test
    void aRunawayKernelIsStoppedAtTheJobTimeLimit() {
        long start = System.nanoTime();
        Reply r = worker.post("/v1/jobs", Map.of("kernel", byId(), "timeLimitSeconds", 0.3,
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("zeros:1")))));
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertEquals(422, r.status(), r.toString());
        JsonNode e = r.json();
        assertEquals("time_limit_exceeded", e.get("error").asText());
        assertTrue(e.get("message").asText().contains("300 ms"), e.get("message").asText());
        assertEquals("TIMEOUT", e.get("details").get("failure").asText());
        assertEquals("spin", e.get("details").get("kernel").asText());
        assertEquals(0.3, e.get("details").get("timeLimitSeconds").asDouble(), 1e-9);
        assertEquals("failed", e.get("details").get("job").get("status").asText());
        assertTrue(ms < 20_000, "answered promptly: " + ms + " ms");
    }

    @Test
    void aFaultingKernelIs422AndTheWorkerKeepsRunningJobs() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "oob", "grid", 1, "block", 32, "args",
                        List.of("zeros:32", 1 << 28)))));
        assertEquals(422, r.status(), r.toString());
        assertEquals("kernel_fault", r.json().get("error").asText());
        assertEquals("OUT_OF_BOUNDS", r.json().get("details").get("failure").asText());
        assertEquals(0, r.json().get("details").get("launch").asInt());
        aLibraryKernelRunsAndReturnsItsOutputAsAnArray();
    }

    @Test
    void badRequestsAre400WithTheField() {
        Reply wrongCount = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 32, "args", List.of("zeros:4")))));
        assertEquals(400, wrongCount.status(), wrongCount.toString());
        assertEquals("invalid_job", wrongCount.json().get("error").asText());
        assertTrue(wrongCount.json().get("message").asText().contains("float* x"), wrongCount.toString());

        Reply noBuffer = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 32, "args", List.of("nope", 1, 1)))));
        assertEquals(400, noBuffer.status());
        assertEquals("launches[0].args[0]", noBuffer.json().get("details").get("field").asText());

        Reply noKernel = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "missing", "grid", 1, "block", 1))));
        assertEquals(400, noKernel.status());
        assertTrue(noKernel.json().get("details").get("kernels").size() > 3);

        Reply badBlock = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 2048, "args", List.of("zeros:1")))));
        assertEquals(400, badBlock.status());
        assertTrue(badBlock.json().get("message").asText().contains("1024"), badBlock.toString());

        Reply fileInput = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("file:/etc/passwd")))));
        assertEquals(400, fileInput.status());
        assertFalse(fileInput.text().contains("root:"), "never reads worker files");

        Reply badBackend = worker.post("/v1/jobs", Map.of("kernel", byId(), "backend", "cuda:7",
                "launches", List.of(Map.of("kernel", "spin", "grid", 1, "block", 1, "args", List.of("zeros:1")))));
        assertEquals(400, badBackend.status());
        assertEquals("backend_unavailable", badBackend.json().get("error").asText());

        Reply unknownId = worker.post("/v1/jobs", Map.of("kernel", Map.of("id", "0".repeat(64)),
                "launches", List.of(Map.of("grid", 1, "block", 1))));
        assertEquals(404, unknownId.status());
        assertEquals("kernel_not_found", unknownId.json().get("error").asText());

        Reply badSource = worker.post("/v1/jobs", Map.of("kernel", Map.of("source", "__global__ void k( {}"),
                "launches", List.of(Map.of("grid", 1, "block", 1))));
        assertEquals(400, badSource.status());
        assertEquals("compile_error", badSource.json().get("error").asText());
        assertEquals(1, badSource.json().get("details").get("diagnostics").get(0).get("line").asInt());
    }

    @Test
    void oversizedBuffersAndJobsAre413() {
        Reply buffer = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 1, "args",
                        List.of("zeros:1M", 1, 1)))));
        assertEquals(413, buffer.status(), buffer.toString());
        assertEquals("buffer_too_large", buffer.json().get("error").asText());
        assertEquals(4L << 20, buffer.json().get("details").get("bytes").asLong());
        assertEquals(1L << 20, buffer.json().get("details").get("limit").asLong());

        Reply job = worker.post("/v1/jobs", Map.of("kernel", byId(),
                "buffers", Map.of("a", "zeros:200K", "b", "zeros:200K", "c", "zeros:200K", "d", "zeros:200K"),
                "launches", List.of(Map.of("kernel", "scale", "grid", 1, "block", 1, "args", List.of("a", 1, 1)))));
        assertEquals(413, job.status(), job.toString());
        assertEquals("job_memory_exceeded", job.json().get("error").asText());
    }
}
