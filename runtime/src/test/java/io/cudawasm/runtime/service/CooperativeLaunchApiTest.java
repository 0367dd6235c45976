package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
 * Cooperative launches over HTTP and from the command line: a kernel that calls {@code grid.sync()}
 * runs as a job without being asked, {@code "cooperative": true} on a launch (and {@code run/submit
 * --cooperative}) makes {@code this_grid().is_valid()} true; a grid larger than a cooperative launch
 * allows is a 400 invalid_launch naming CUDA's error, and the option on another back end a 400 naming the field.
 */
class CooperativeLaunchApiTest {
    private static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;
            __global__ void shift(int *a, int *b) {
                cg::grid_group grid = cg::this_grid();
                int i = grid.thread_rank();
                a[i] = i * 10;
                grid.sync();
                b[i] = a[(i + blockDim.x) % grid.size()];
            }
            __global__ void valid(int *out) {
                out[cg::this_grid().thread_rank()] = cg::this_grid().is_valid() ? 1 : 2;
            }
            """;

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
        kernelId = worker.post("/v1/kernels", Map.of("source", SOURCE, "fileName", "coop.cu")).json().get("id").asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Reply job(String kernel, int grid, List<Object> args, Boolean cooperative, String backend, String out) {
        Map<String, Object> launch = new HashMap<>(Map.of("kernel", kernel, "grid", grid, "block", 32, "args", args));
        if (cooperative != null) {
            launch.put("cooperative", cooperative);
        }
        Map<String, Object> body = new HashMap<>(Map.of("kernel", Map.of("id", kernelId), "launches", List.of(launch),
                "outputs", Map.of(out, "array")));
        if (backend != null) {
            body.put("backend", backend);
        }
        return worker.post("/v1/jobs", body);
    }

    private static List<Integer> ints(JsonNode data) {
        List<Integer> out = new ArrayList<>();
        data.forEach(v -> out.add(v.asInt()));
        return out;
    }

    @Test
    void aKernelThatSynchronizesItsGridRunsAsAJob() {
        Reply r = job("shift", 4, List.of("zeros:128", "zeros:128"), null, null, "b");
        assertEquals(200, r.status(), r.toString());
        List<Integer> expected = new ArrayList<>();
        for (int i = 0; i < 128; i++) {
            expected.add((i + 32) % 128 * 10);
        }
        assertEquals(expected, ints(r.json().get("outputs").get("b").get("data")));
        assertEquals("wasm", r.json().get("backend").asText());
    }

    @Test
    void theCooperativeOptionMakesTheGridValid() {
        assertEquals(List.of(2, 2), ints(job("valid", 2, List.of("zeros:64"), null, null, "out").json().get("outputs")
                .get("out").get("data")).subList(0, 2));
        Reply r = job("valid", 2, List.of("zeros:64"), true, null, "out");
        assertEquals(200, r.status(), r.toString());
        assertTrue(ints(r.json().get("outputs").get("out").get("data")).stream().allMatch(v -> v == 1), r.toString());
    }

    @Test
    void aGridTooLargeForACooperativeLaunchIsAnInvalidLaunch() {
        Reply r = job("shift", 5000, List.of("zeros:160000", "zeros:160000"), null, null, "b");
        assertEquals(400, r.status(), r.toString());
        assertEquals("invalid_launch", r.json().get("error").asText(), r.toString());
        assertTrue(r.json().get("message").asText().contains("cudaErrorCooperativeLaunchTooLarge"), r.toString());
        assertEquals("INVALID_LAUNCH", r.json().get("details").get("failure").asText(), r.toString());
    }

    @Test
    void theCooperativeOptionIsRefusedOnAnotherBackEnd() {
        Reply r = job("valid", 2, List.of("zeros:64"), true, "opencl", "out");
        assertEquals(400, r.status(), r.toString());
        assertEquals("launches[0].cooperative", r.json().get("details").get("field").asText(), r.toString());
    }

    /** The summary of output 'out' (every value is_valid() gave): all of them 1. */
    private static void assertAllOnes(String json) throws Exception {
        JsonNode out = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).get("outputs").get("out");
        assertEquals(1.0, out.get("min").asDouble(), json);
        assertEquals(1.0, out.get("max").asDouble(), json);
    }

    @Test
    void runAndSubmitTakeTheCooperativeFlag() throws Exception {
        Path source = Files.writeString(cacheDir.resolve("coop.cu"), SOURCE);
        CliRun run = CliRun.cudaWasm("run", source.toString(), "--kernel", "valid", "--grid", "2", "--block", "32",
                "--arg", "zeros:64", "--cooperative", "--json", "--sandbox");
        assertEquals(0, run.code(), run.err());
        assertAllOnes(run.out());
        CliRun submit = CliRun.cudaWasm("submit", "--url", worker.base.toString(), source.toString(), "-k", "valid",
                "--grid", "2", "--block", "32", "--arg", "zeros:64", "--cooperative", "--out", "out=array", "--json");
        assertEquals(0, submit.code(), submit.err());
        JsonNode data = new com.fasterxml.jackson.databind.ObjectMapper().readTree(submit.out()).get("outputs")
                .get("out").get("data");
        assertEquals(64, data.size(), submit.out());
        assertTrue(ints(data).stream().allMatch(v -> v == 1), submit.out());
        CliRun large = CliRun.cudaWasm("run", source.toString(), "--kernel", "shift", "--grid", "5000", "--block", "32",
                "--arg", "zeros:160000", "--arg", "zeros:160000", "--sandbox");
        assertTrue(large.code() != 0 && large.err().contains("cudaErrorCooperativeLaunchTooLarge"), large.err());
    }
}
