package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Out-of-bounds accesses over HTTP: a wrapped address or a null pointer is a 422 kernel_fault whose
 * {@code details.location} names the kernel, line, block and thread; with {@code "memcheck": true}
 * an off-by-one write that stays inside the job's memory is found too, listed in
 * {@code details.violations} ({@code cuda-wasm submit --memcheck} sends the option). The worker keeps
 * running jobs after each.
 */
class KernelFaultDetailsTest {
    private static final String SOURCE = """
            __global__ void wrap(int* x) {
                x[1 << 30] = 7;
            }
            __global__ void fill(int* x, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i <= n) x[i] = i;
            }
            """;

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
        kernelId = worker.post("/v1/kernels", Map.of("source", SOURCE, "fileName", "faults.cu")).json().get("id")
                .asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Reply job(String kernel, int grid, List<Object> args, Boolean memcheck) {
        Map<String, Object> body = new HashMap<>(Map.of("kernel", Map.of("id", kernelId),
                "launches", List.of(Map.of("kernel", kernel, "grid", grid, "block", 32, "args", args))));
        if (memcheck != null) {
            body.put("memcheck", memcheck);
        }
        return worker.post("/v1/jobs", body);
    }

    @Test
    void aWrappedAddressIsAFaultWithItsLocation() {
        Reply r = job("wrap", 1, List.of("zeros:4"), null);
        assertEquals(422, r.status(), r.toString());
        JsonNode e = r.json();
        assertEquals("kernel_fault", e.get("error").asText());
        assertEquals("OUT_OF_BOUNDS", e.get("details").get("failure").asText());
        JsonNode at = e.get("details").get("location");
        assertEquals("wrap", at.get("kernel").asText());
        assertEquals("faults.cu", at.get("file").asText());
        assertEquals(2, at.get("line").asInt());
        assertEquals(0, at.get("blockIdx").get("x").asInt());
        assertEquals(0, at.get("threadIdx").get("x").asInt());
        assertFalse(e.get("details").has("violations"), "violations come from memcheck only");
        assertOneJobStillRuns();
    }

    @Test
    void aNullPointerArgumentIsAFault() {
        Reply r = job("fill", 1, List.of("null", 31), null);
        assertEquals(422, r.status(), r.toString());
        JsonNode at = r.json().get("details").get("location");
        assertEquals(6, at.get("line").asInt());
        assertTrue(r.json().get("message").asText().contains("null"), r.json().get("message").asText());
        assertOneJobStillRuns();
    }

    @Test
    void memcheckListsAnOffByOneWriteTheSandboxAllows() {
        Reply plain = job("fill", 2, List.of("zeros:32", 32), null);
        assertEquals(200, plain.status(), "x[32] lands in the buffer's padding, which the sandbox cannot tell: "
                + plain);
        Reply r = job("fill", 2, List.of("zeros:32", 32), true);
        assertEquals(422, r.status(), r.toString());
        assertEquals("kernel_fault", r.json().get("error").asText());
        JsonNode violations = r.json().get("details").get("violations");
        assertEquals(1, violations.size(), violations.toString());
        JsonNode v = violations.get(0);
        assertEquals("WRITE", v.get("access").asText());
        assertEquals(4, v.get("bytes").asInt());
        assertEquals("PARAMETER", v.get("bufferKind").asText());
        assertEquals("x", v.get("buffer").asText());
        assertEquals(128, v.get("offset").asLong());
        assertEquals(128, v.get("bufferBytes").asLong());
        assertEquals(6, v.get("location").get("line").asInt());
        assertEquals(1, v.get("location").get("blockIdx").get("x").asInt());
        assertEquals(0, v.get("location").get("threadIdx").get("x").asInt());
        assertTrue(v.get("address").asText().startsWith("0x"), v.toString());
        assertTrue(v.get("message").asText().startsWith("Invalid write of 4 bytes at faults.cu:6:22 in block (1,0,0), "
                + "thread (0,0,0): address 0x"), v.toString());
        assertTrue(v.get("message").asText().endsWith(" is 0 bytes after the end of parameter 'x' (128 bytes), offset 128"),
                v.toString());
        assertEquals(v.get("location"), r.json().get("details").get("location"));
        Reply clean = job("fill", 1, List.of("zeros:32", 31), true);
        assertEquals(200, clean.status(), "a correct launch passes memcheck: " + clean);
        assertEquals("wasm", clean.json().get("backend").asText());
    }

    @Test
    void memcheckIsRefusedOnAnotherBackEnd() {
        Map<String, Object> body = new HashMap<>(Map.of("kernel", Map.of("id", kernelId), "backend", "opencl",
                "memcheck", true, "launches", List.of(Map.of("kernel", "fill", "grid", 1, "block", 32,
                        "args", List.of("zeros:32", 31)))));
        Reply r = worker.post("/v1/jobs", body);
        assertEquals(400, r.status(), r.toString());
        assertEquals("memcheck", r.json().get("details").get("field").asText(), r.toString());
    }

    @Test
    void submitSendsTheMemcheckOption() throws Exception {
        Path source = java.nio.file.Files.writeString(cacheDir.resolve("faults.cu"), SOURCE);
        CliRun r = CliRun.cudaWasm("submit", "--url", worker.base.toString(), source.toString(), "-k", "fill",
                "--grid", "2", "--block", "32", "--arg", "zeros:32", "--arg", "32", "--memcheck");
        assertEquals(3, r.code(), r.toString());
        assertTrue(r.err().contains("memcheck found 1 invalid access in kernel 'fill'"), r.err());
    }

    private static void assertOneJobStillRuns() {
        Reply ok = job("fill", 1, List.of("zeros:32", 31), null);
        assertEquals(200, ok.status(), ok.toString());
    }
}
