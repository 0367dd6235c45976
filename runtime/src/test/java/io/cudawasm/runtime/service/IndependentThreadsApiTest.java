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
 * Independent threads over HTTP and from the command line: a launch's {@code "independentThreads":
 * true} (and {@code run/submit --independent-threads}) lets a thread wait for another of its block;
 * on another back end the field is a 400 naming it.
 */
class IndependentThreadsApiTest {
    private static final String SOURCE = """
            // thread 0 waits until thread 1 has published its value
            __global__ void handshake(int *flag, int *out) {
                __shared__ int data;
                if (threadIdx.x == 0) {
                    while (atomicAdd(&flag[blockIdx.x], 0) == 0) { }
                    out[blockIdx.x] = data;
                } else if (threadIdx.x == 1) {
                    data = 100 + blockIdx.x;
                    __threadfence_block();
                    atomicExch(&flag[blockIdx.x], 1);
                }
            }
            """;

    @TempDir
    static Path cacheDir;
    static TestWorker worker;
    static String kernelId;

    @BeforeAll
    static void start() {
        worker = TestWorker.start(cacheDir);
        kernelId = worker.post("/v1/kernels", Map.of("source", SOURCE, "fileName", "handshake.cu")).json().get("id")
                .asText();
    }

    @AfterAll
    static void stop() {
        worker.close();
    }

    private static Reply job(String backend) {
        Map<String, Object> launch = new HashMap<>(Map.of("kernel", "handshake", "grid", 3, "block", 32,
                "args", List.of("zeros:3", "zeros:3"), "independentThreads", true));
        Map<String, Object> body = new HashMap<>(Map.of("kernel", Map.of("id", kernelId), "launches", List.of(launch),
                "outputs", Map.of("out", "array")));
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
    void aLaunchWithIndependentThreadsLetsAThreadWaitForAnother() {
        Reply r = job(null);
        assertEquals(200, r.status(), r.toString());
        assertEquals(List.of(100, 101, 102), ints(r.json().get("outputs").get("out").get("data")));
        assertEquals("wasm", r.json().get("backend").asText());
    }

    /** A flag that is no boolean is a 400, before anything runs. */
    @Test
    void aMalformedFlagIsRefused() {
        Reply r = worker.post("/v1/jobs", Map.of("kernel", Map.of("id", kernelId), "launches", List.of(Map.of(
                "kernel", "handshake", "grid", 1, "block", 8, "args", List.of("zeros:1", "zeros:1"),
                "independentThreads", List.of(1)))));
        assertEquals(400, r.status(), r.toString());
        assertTrue(r.json().get("message").asText().contains("independentThreads"), r.toString());
    }

    @Test
    void independentThreadsOnAnotherBackEndAreRefusedByField() {
        Reply r = job("opencl");
        assertEquals(400, r.status(), r.toString());
        assertEquals("launches[0].independentThreads", r.json().get("details").get("field").asText(), r.toString());
    }

    /**
     * The largest block CUDA allows, 1,024 threads each on a host thread with an instance of its own,
     * in a worker-sized heap: a child JVM with 256 MiB runs two such blocks and ends cleanly.
     */
    @Test
    void fullSizeBlocksRunInASmallHeap() throws Exception {
        Path source = Files.writeString(cacheDir.resolve("big.cu"), SOURCE);
        try (ChildProcess child = ChildProcess.start(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError",
                "-XX:+UseSerialGC"), io.cudawasm.runtime.cli.Main.class, Map.of(), "run", source.toString(), "--kernel",
                "handshake", "--grid", "2", "--block", "1024", "--arg", "zeros:2", "--arg", "zeros:2",
                "--independent-threads", "--time-limit", "60", "--sandbox")) {
            child.awaitLine("100", java.time.Duration.ofSeconds(90));
            assertEquals(0, child.awaitExit(java.time.Duration.ofSeconds(30)));
        }
    }

    @Test
    void runAndSubmitTakeTheFlag() throws Exception {
        Path source = Files.writeString(cacheDir.resolve("handshake.cu"), SOURCE);
        CliRun run = CliRun.cudaWasm("run", source.toString(), "--kernel", "handshake", "--grid", "2", "--block", "8",
                "--arg", "zeros:2", "--arg", "zeros:2", "--independent-threads", "--time-limit", "20", "--json",
                "--sandbox");
        assertEquals(0, run.code(), run.err());
        JsonNode out = new ObjectMapper().readTree(run.out()).get("outputs").get("out").get("first");
        assertEquals(List.of(100, 101), ints(out), run.out());
        CliRun submit = CliRun.cudaWasm("submit", "--url", worker.base.toString(), source.toString(), "-k", "handshake",
                "--grid", "2", "--block", "8", "--arg", "zeros:2", "--arg", "zeros:2", "--independent-threads",
                "--out", "out=array", "--json");
        assertEquals(0, submit.code(), submit.err());
        assertEquals(List.of(100, 101), ints(new ObjectMapper().readTree(submit.out()).get("outputs").get("out")
                .get("data")), submit.out());
    }
}
