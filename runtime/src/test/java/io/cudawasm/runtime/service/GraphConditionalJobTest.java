package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * CUDA graph conditional values through the worker's HTTP API: what the job's kernels set with
 * {@code cudaGraphSetConditional} comes back in {@code graphConditionals} (one value per handle, a
 * later launch's value replacing an earlier one's, ordered by handle), and is absent for kernels
 * that set none.
 */
class GraphConditionalJobTest {
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
            __global__ void advance(int *counter, cudaGraphConditionalHandle loop, cudaGraphConditionalHandle parity)
            {
                int left = --counter[0];
                cudaGraphSetConditional(loop, left > 0);
                cudaGraphSetConditional(parity, left & 1);
            }
            __global__ void choose(const int *x, cudaGraphConditionalHandle which)
            {
                cudaGraphSetConditional(which, x[0] % 3);
            }
            __global__ void plain(int *x) { x[0] = 1; }
            """;

    private static Map<String, Object> kernel() {
        return Map.of("source", SOURCE, "fileName", "graph.cu");
    }

    /** On the WebAssembly path in the worker and on OpenCL (PoCL) in its executor process. */
    @ParameterizedTest
    @ValueSource(strings = {"wasm", "opencl:0"})
    void theJobReturnsTheLastValueOfEachHandle(String backend) {
        Reply r = worker.post("/v1/jobs", Map.of("backend", backend, "kernel", kernel(),
                "buffers", Map.of("counter", "const:1:3", "x", "const:1:8"),
                "launches", List.of(
                        Map.of("kernel", "advance", "grid", 1, "block", 1, "args", List.of("counter", 20, 10)),
                        Map.of("kernel", "advance", "grid", 1, "block", 1, "args", List.of("counter", 20, 10)),
                        Map.of("kernel", "choose", "grid", 1, "block", 1, "args", List.of("x", 30))),
                "outputs", List.of("counter")));
        assertEquals(200, r.status(), r.toString());
        JsonNode g = r.json().get("graphConditionals");
        // after two steps the counter is 1: the loop goes on (1 > 0), the parity is odd; 8 % 3 = 2
        assertEquals("[{\"handle\":\"10\",\"value\":1},{\"handle\":\"20\",\"value\":1},{\"handle\":\"30\",\"value\":2}]",
                g.get("values").toString(), r.toString());
        assertEquals(0, g.get("droppedCalls").asLong());
        assertEquals(1, r.json().at("/outputs/counter/summary/first/0").asInt(), r.toString());
    }

    @Test
    void kernelsThatSetNoConditionalHaveNoField() {

        Reply plain = worker.post("/v1/jobs", Map.of("kernel", kernel(), "launches",
                List.of(Map.of("kernel", "plain", "grid", 1, "block", 1, "args", List.of("zeros:1")))));
        assertEquals(200, plain.status(), plain.toString());
        assertNull(plain.json().get("graphConditionals"), "a job that set no conditional has no graphConditionals");
    }
}
