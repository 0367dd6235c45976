package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic parallelism through the job API: a job's kernel launches kernels from device code, on the
 * WebAssembly path in the worker and on OpenCL (PoCL) in its executor process; a child that traps
 * fails the job (422) naming the child kernel.
 */
class DynamicParallelismJobTest {
    private static final String TREE = """
            __global__ void tree(int* counts, int depth, int maxDepth)
            {
                atomicAdd(&counts[depth], 1);
                if (depth < maxDepth) tree<<<2, 2>>>(counts, depth + 1, maxDepth);
            }
            __global__ void boom(int* x) { if (threadIdx.x == 3) __trap(); }
            __global__ void parent(int* x) { boom<<<1, 8>>>(x); }
            """;

    @TempDir
    Path dir;

    private static Map<String, Object> job(String backend, String kernel, List<Object> args) {
        Map<String, Object> launch = new LinkedHashMap<>();
        launch.put("kernel", kernel);
        launch.put("grid", 2);
        launch.put("block", 2);
        launch.put("args", args);
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("backend", backend);
        job.put("kernel", Map.of("source", TREE));
        job.put("launches", List.of(launch));
        job.put("outputs", Map.of("counts", Map.of("format", "array")));
        return job;
    }

    @Test
    void aJobsKernelLaunchesKernelsOnEveryCpuBackEnd() {
        try (TestWorker w = TestWorker.start(dir.resolve("cache"))) {
            for (String backend : List.of("wasm", "opencl:0")) {
                Reply r = w.post("/v1/jobs", job(backend, "tree", List.of("zeros:6", 0, 4)));
                assertEquals(200, r.status(), backend + ": " + r);
                List<Integer> counts = new ArrayList<>();
                for (JsonNode n : r.json().get("outputs").get("counts").get("data")) {
                    counts.add(n.asInt());
                }
                assertEquals(List.of(4, 16, 64, 256, 1024, 0), counts, backend + ": " + r);
            }
        }
    }

    @Test
    void aTrappingChildFailsTheJobNamingTheChild() {
        try (TestWorker w = TestWorker.start(dir.resolve("cache"))) {
            Map<String, Object> j = job("wasm", "parent", List.of("zeros:8"));
            j.remove("outputs");
            Reply r = w.post("/v1/jobs", j);
            assertEquals(422, r.status(), r.toString());
            String message = r.json().get("message").asText();
            assertTrue(message.contains("child grid 'boom' (depth 1, launched by 'parent')"), message);
        }
    }
}
