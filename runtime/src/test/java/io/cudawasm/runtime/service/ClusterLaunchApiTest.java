package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thread block clusters over HTTP and from the command line: a launch's {@code "cluster"} (and
 * {@code run/submit --cluster}) runs each cluster's blocks at once, a kernel's own
 * {@code __cluster_dims__} needs nothing more, the worker takes the CPU path when the backend is
 * left out, and a shape CUDA refuses is a 400 invalid_launch.
 */
class ClusterLaunchApiTest {
    private static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;
            // each block reads the first value of the next block of its cluster
            __global__ void next(int *out) {
                __shared__ int v;
                cg::cluster_group c = cg::this_cluster();
                if (threadIdx.x == 0) v = blockIdx.x * 10;
                c.sync();
                int seen = *c.map_shared_rank(&v, (c.block_rank() + 1) % c.num_blocks());
                c.sync();
                out[blockIdx.x * blockDim.x + threadIdx.x] = seen;
            }
            __global__ void __cluster_dims__(4, 1, 1) declared(int *out) {
                __shared__ int v;
                cg::cluster_group c = cg::this_cluster();
                if (threadIdx.x == 0) v = blockIdx.x * 10;
                c.sync();
                out[blockIdx.x * blockDim.x + threadIdx.x] = *c.map_shared_rank(&v, 0);
                c.sync();
            }
            """;

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
        kernelId = worker.post("/v1/kernels", Map.of("source", SOURCE, "fileName", "cluster.cu")).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Reply job(String kernel, int grid, Object cluster) {
        Map<String, Object> launch = new HashMap<>(Map.of("kernel", kernel, "grid", grid, "block", 32,
                "args", List.of("zeros:" + grid * 32)));
        if (cluster != null) {
            launch.put("cluster", cluster);
        }
        return worker.post("/v1/jobs", Map.of("kernel", Map.of("id", kernelId), "launches", List.of(launch),
                "outputs", Map.of("out", "array")));
    }

    private static List<Integer> firstOfEachBlock(JsonNode data) {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < data.size(); i += 32) {
            out.add(data.get(i).asInt());
        }
        return out;
    }

    @Test
    void aLaunchsClusterShapeRunsEachClustersBlocksTogether() {
        Reply r = job("next", 8, 2);
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of(10, 0, 30, 20, 50, 40, 70, 60), firstOfEachBlock(r.json().get("outputs").get("out").get("data")));
        assertEquals("wasm", r.json().get("backend").asText());
        Reply four = job("next", 8, List.of(4, 1, 1));
        assertEquals(List.of(10, 20, 30, 0, 50, 60, 70, 40), firstOfEachBlock(four.json().get("outputs").get("out")
                .get("data")), four.toString());
    }

    @Test
    void aKernelsOwnClusterDimsNeedNothingMore() {
        Reply r = job("declared", 8, null);
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of(0, 0, 0, 0, 40, 40, 40, 40), firstOfEachBlock(r.json().get("outputs").get("out").get("data")));
    }

    @Test
    void shapesCudaRefusesAreInvalidLaunches() {
        Reply r = job("next", 6, 4);
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().get("message").asText().contains("whole number of clusters"), r.toString());
        Reply large = job("next", 16, 16);
        assertEquals(400, large.status(), large.toString());
        assertEquals("invalid_launch", large.json().get("error").asText(), large.toString());
        assertTrue(large.json().get("message").asText().contains("at most 8 blocks"), large.toString());
    }

    /** A cluster shape that is no shape at all is a 400 naming the field, before anything runs. */
    @Test
    void malformedClusterShapesAreRefusedByField() {
        for (Object bad : List.of("abc", 0, -4, List.of(2, 2, 2, 2), List.of(1, "x"), 2_147_483_647)) {
            Reply r = job("next", 8, bad);
            assertEquals(400, r.status(), bad + ": " + r);
            JsonNode details = r.json().get("details");
            String where = details != null && details.has("field") ? details.get("field").asText() : "";
            assertTrue(where.startsWith("launches[0].cluster") || r.json().get("message").asText().contains("at most 8 blocks")
                    || r.json().get("message").asText().contains("whole number of clusters"), bad + ": " + r);
        }
    }

    @Test
    void runAndSubmitTakeTheClusterShape() throws Exception {
        Path source = Files.writeString(cacheDir.resolve("cluster.cu"), SOURCE);
        CliRun run = CliRun.cudaWasm("run", source.toString(), "--kernel", "next", "--grid", "4", "--block", "32",
                "--arg", "zeros:128", "--cluster", "2", "--first", "128", "--json", "--sandbox");
        assertEquals(0, run.code(), run.err());
        JsonNode data = new ObjectMapper().readTree(run.out()).get("outputs").get("out").get("first");
        assertEquals(List.of(10, 0, 30, 20), firstOfEachBlock(data), run.out());
        CliRun submit = CliRun.cudaWasm("submit", "--url", worker.base.toString(), source.toString(), "-k", "next",
                "--grid", "4", "--block", "32", "--arg", "zeros:128", "--cluster", "4", "--out", "out=array", "--json");
        assertEquals(0, submit.code(), submit.err());
        JsonNode sub = new ObjectMapper().readTree(submit.out()).get("outputs").get("out").get("data");
        assertEquals(List.of(10, 20, 30, 0), firstOfEachBlock(sub), submit.out());
    }
}
