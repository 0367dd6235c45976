package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Device printf through the worker's HTTP API: the output comes back in the job's {@code printf}
 * field (launch after launch), is absent for kernels that do not print, says when it was cut, and is
 * kept in a failed job's details up to the fault.
 */
class DevicePrintfJobTest {
    @TempDir
    static Path cacheDir;
    static TestWorker worker;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static final String SOURCE = """
            __global__ void hello(int *x, int n)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) {
                    x[i] += 1;
                    printf("x[%d] = %d\\n", i, x[i]);
                }
            }
            __global__ void quiet(int *x) { x[0] = 7; }
            __global__ void wide(int n)
            {
                for (int i = 0; i < n; i++) printf("%1000d\\n", i);
            }
            __global__ void dies(int *x)
            {
                printf("about to trap in block %d\\n", blockIdx.x);
                if (blockIdx.x == 1) __trap();
            }
            """;

    private static Map<String, Object> kernel() {
        return Map.of("source", SOURCE, "fileName", "printing.cu");
    }

    @Test
    void theJobReturnsWhatItsLaunchesPrinted() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", kernel(),
                "buffers", Map.of("x", "iota:3:10"),
                "launches", List.of(
                        Map.of("kernel", "hello", "grid", 1, "block", 4, "args", List.of("x", 3)),
                        Map.of("kernel", "hello", "grid", 1, "block", 4, "args", List.of("x", 2)))));
        assertEquals(200, r.status(), r.toString());
        JsonNode printf = r.json().get("printf");
        assertEquals("x[0] = 11\nx[1] = 12\nx[2] = 13\nx[0] = 12\nx[1] = 13\n", printf.get("text").asText());
        assertEquals(5, printf.get("records").asLong());
        assertEquals(0, printf.get("droppedRecords").asLong());
        assertFalse(printf.get("truncated").asBoolean());

        Reply quiet = worker.post("/v1/jobs", Map.of("kernel", kernel(), "launches",
                List.of(Map.of("kernel", "quiet", "grid", 1, "block", 1, "args", List.of("zeros:1")))));
        assertEquals(200, quiet.status(), quiet.toString());
        assertNull(quiet.json().get("printf"), "a job that printed nothing has no printf field");
    }

    @Test
    void outputPastTheLimitIsCutAndSaysSo() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", kernel(), "launches",
                List.of(Map.of("kernel", "wide", "grid", 4, "block", 64, "args", List.of(100)))));
        assertEquals(200, r.status(), r.toString());
        JsonNode printf = r.json().get("printf");
        assertTrue(printf.get("truncated").asBoolean());
        assertEquals(1 << 20, printf.get("text").asText().length());
        assertTrue(printf.get("note").asText().contains("cut at the limit of 1048576 bytes"), printf.toString());
    }

    @Test
    void aFailedJobKeepsWhatWasPrintedBeforeTheFault() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", kernel(), "launches",
                List.of(Map.of("kernel", "dies", "grid", 2, "block", 1, "args", List.of("zeros:1")))));
        assertEquals(422, r.status(), r.toString());
        assertEquals("kernel_fault", r.json().get("error").asText());
        String printed = r.json().at("/details/printf").asText();
        assertTrue(printed.contains("about to trap in block 1\n"), r.toString());
    }
}
