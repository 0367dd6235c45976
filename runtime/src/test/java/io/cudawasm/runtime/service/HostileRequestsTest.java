package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The worker as a hostile user meets it: one real worker in a child JVM with a 1 GiB heap (and
 * {@code -XX:+ExitOnOutOfMemoryError}, as the images run it), on a loopback port, fed every kind
 * of bad, huge, slow and concurrent request. Each is answered with the right 4xx JSON error;
 * after each, {@code /healthz} answers and a normal saxpy job gives the right result.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileRequestsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // answers with 48 MiB base64 outputs
        JSON.getFactory().setStreamReadConstraints(com.fasterxml.jackson.core.StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE - 16).build());
    }
    private static final Duration START = Duration.ofSeconds(90);
    /** A second loopback address: requests from it count as another client. */
    private static final String OTHER_CLIENT = "127.0.0.2";
    private static final int MAX_API_REQUESTS = 48;
    private static final int PER_CLIENT = 12;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private ChildProcess worker;
    private URI base;
    private Path cache;

    @BeforeAll
    void startWorker() throws Exception {
        cache = Files.createTempDirectory("hostile-cache");
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CUDA_WASM_KERNEL_CACHE_DIR", cache.toString());
        env.put("CUDA_WASM_JOB_TIME_LIMIT_SECONDS", "5");
        env.put("CUDA_WASM_COMPILE_TIME_LIMIT_SECONDS", "3");
        env.put("CUDA_WASM_MAX_API_REQUESTS", Integer.toString(MAX_API_REQUESTS));
        env.put("CUDA_WASM_MAX_API_REQUESTS_PER_CLIENT", Integer.toString(PER_CLIENT));
        env.put("CUDA_WASM_MAX_QUEUED_JOBS", "8");
        env.put("CUDA_WASM_MAX_QUEUED_COMPILES", "4");
        worker = ChildProcess.start(List.of("-Xmx1g", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseSerialGC"),
                ServeMain.class, env, "--port", "0", "--bind", "0.0.0.0", "--workers", "2");
        String line = worker.awaitLine("cuda-wasm worker listening on ", START);
        base = URI.create(line.replaceAll(".*listening on (\\S+).*", "$1").replace("localhost", "127.0.0.1"));
    }

    @AfterAll
    void stopWorker() throws Exception {
        if (worker != null) {
            worker.close();
        }
    }

    /** After every case: the worker is alive, its probe answers quickly and a normal job is right. */
    @AfterEach
    void workerStillServes() throws Exception {
        assertTrue(worker.alive(), () -> "the worker died:\n" + tail(worker.transcript()));
        long t0 = System.nanoTime();
        RawHttp.Answer health = probe();
        assertEquals(200, health.status(), health.body());
        assertTrue(System.nanoTime() - t0 < 5_000_000_000L, "the liveness probe took too long");
        Reply job = post("/v1/jobs", Map.of("kernel", Map.of("library", "saxpy"), "launches", List.of(Map.of(
                "grid", 4, "block", 256, "args", Map.of("n", 1000, "a", 2.0, "x", "iota:1000", "y", "const:1000:1")))));
        assertEquals(200, job.status(), job.toString());
        // y = 2 * i + 1 for i < 1000: the sum is exactly 1,000,000
        assertEquals(1_000_000.0, job.json().at("/outputs/y/summary/sum").asDouble(), job.toString());
        assertNoJavaNames(job); // backendReason included: user-facing text names no Java classes
    }

    // ---- bad JSON of every kind -------------------------------------------------------------

    static Stream<Arguments> badJson() {
        String deep = "[".repeat(20_000) + "]".repeat(20_000);
        return Stream.of(
                Arguments.of("empty body", "", "malformed_json"),
                Arguments.of("truncated", "{\"kernel\": {\"library\": \"saxpy\"", "malformed_json"),
                Arguments.of("not an object", "[1, 2, 3]", "invalid_request"),
                Arguments.of("trailing data", "{\"kernel\": {\"library\": \"saxpy\"}} {}", "malformed_json"),
                Arguments.of("duplicate keys", "{\"kernel\": {\"library\": \"saxpy\"}, \"kernel\": {}}",
                        "malformed_json"),
                Arguments.of("NaN literal", "{\"timeLimitSeconds\": NaN}", "malformed_json"),
                Arguments.of("unknown field", "{\"kernel\": {\"library\": \"saxpy\"}, \"evil\": 1}", "invalid_request"),
                Arguments.of("wrong type", "{\"kernel\": \"saxpy\"}", "invalid_request"),
                Arguments.of("huge number", saxpyJob("\"grid\": 1e999"), "invalid_job"),
                Arguments.of("deep nesting", "{\"buffers\": {\"a\": " + deep + "}}", "malformed_json"),
                Arguments.of("control character", "{\"kernel\": {\"source\": \"a\u0001b\"}}", "malformed_json"),
                Arguments.of("lone surrogate in source",
                        "{\"kernel\": {\"source\": \"__global__ void k(int*x){x[0]=1;} // \\ud800\"}}",
                        "invalid_request"),
                Arguments.of("lone surrogate in a define", "{\"kernel\": {\"library\": \"saxpy\", "
                        + "\"defines\": {\"V\": \"1\\udc00\"}}}", "invalid_request"),
                Arguments.of("lone surrogate in a define name", "{\"kernel\": {\"library\": \"saxpy\", "
                        + "\"defines\": {\"V\\ud800\": \"1\"}}}", "malformed_json"), // Jackson refuses it as a name
                Arguments.of("lone surrogate in an instantiation", "{\"kernel\": {\"library\": \"saxpy\", "
                        + "\"instantiate\": [\"k<\\ud800>\"]}}", "invalid_request"));
    }

    private static String saxpyJob(String launchExtra) {
        return "{\"kernel\": {\"library\": \"saxpy\"}, \"launches\": [{" + launchExtra + ", \"block\": 1, "
                + "\"args\": [1, 2.0, \"zeros:1\", \"zeros:1\"]}]}";
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badJson")
    void badJsonIs400(String name, String body, String error) throws Exception {
        Reply r = postRaw("/v1/jobs", body.getBytes(StandardCharsets.UTF_8));
        assertEquals(400, r.status(), r.toString());
        assertEquals(error, r.json().get("error").asText(), r.toString());
        assertNoJavaNames(r);
    }

    @Test
    void bytesThatAreNotUtf8Are400() throws Exception {
        byte[] body = {'{', '"', 'k', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'};
        Reply r = postRaw("/v1/kernels", body);
        assertEquals(400, r.status(), r.toString());
        assertEquals("malformed_json", r.json().get("error").asText());
    }

    // ---- hostile kernels and jobs -----------------------------------------------------------

    static Stream<Arguments> hostileJobs() {
        String tenThousandParams = "__global__ void k(" + String.join(", ",
                java.util.stream.IntStream.range(0, 10_000).mapToObj(i -> "int p" + i).toList()) + ") {}";
        String deepParens = "__global__ void k(int *x) { x[0] = " + "(".repeat(50_000) + "1" + ")".repeat(50_000)
                + "; }";
        return Stream.of(
                Arguments.of("runaway loop", job("__global__ void k(int *x) { while (x[0] == 0) { } }",
                        "[\"zeros:1\"]", 1.0), 422, "time_limit_exceeded"),
                Arguments.of("division by zero", job("__global__ void k(int *x) { x[0] = 7 / x[1]; }",
                        "[\"zeros:2\"]", null), 422, "kernel_fault"),
                Arguments.of("__trap()", job("__global__ void k(int *x) { if (x[0] == 0) __trap(); }",
                        "[\"zeros:1\"]", null), 422, "kernel_fault"),
                Arguments.of("recursion without end", job("__device__ int f(int n) { return f(n + 1) + 1; }\n"
                        + "__global__ void k(int *x) { x[0] = f(x[0]); }", "[\"zeros:1\"]", null), 422, "kernel_fault"),
                Arguments.of("grid past CUDA's limits", Map.of("kernel", Map.of("library", "saxpy"), "launches",
                        List.of(Map.of("grid", List.of(2147483647, 65536, 1), "block", 1024,
                                "args", List.of(1, 2.0, "zeros:1", "zeros:1")))), 400, "invalid_job"),
                Arguments.of("block past CUDA's limits", Map.of("kernel", Map.of("library", "saxpy"), "launches",
                        List.of(Map.of("grid", 1, "block", 2048, "args", List.of(1, 2.0, "zeros:1", "zeros:1")))),
                        400, "invalid_job"),
                Arguments.of("the largest grid CUDA allows", Map.of("kernel", Map.of("source",
                        "__global__ void k() { }"), "timeLimitSeconds", 1, "launches", List.of(Map.of(
                        "grid", List.of(2147483647, 65535, 65535), "block", 1024, "args", List.of()))), 422,
                        "time_limit_exceeded"),
                Arguments.of("huge buffer", Map.of("kernel", Map.of("library", "saxpy"), "launches", List.of(Map.of(
                        "grid", 1, "block", 1, "args", List.of(1, 2.0, "zeros:3G", "zeros:1")))), 413,
                        "buffer_too_large"),
                Arguments.of("job bigger than the job heap", Map.of("kernel", Map.of("library", "saxpy"),
                        "launches", List.of(Map.of("grid", 1, "block", 1,
                                "args", List.of(1, 2.0, "zeros:100M", "zeros:100M"))),
                        "outputs", Map.of("y", "base64")), 413, "job_memory_exceeded"),
                Arguments.of("path traversal in fileName", Map.of("source", "__global__ void k(){}",
                        "fileName", "../../etc/passwd"), 400, "invalid_request"),
                Arguments.of("include of a host path", Map.of("source", "#include \"/etc/passwd\"\n"
                        + "__global__ void k(){}"), 400, "compile_error"),
                Arguments.of("include climbing out", Map.of("source", "#include \"../../../../etc/hostname\"\n"
                        + "__global__ void k(){}"), 400, "compile_error"),
                Arguments.of("system include of a host path", Map.of("source", "#include </etc/passwd>\n"
                        + "__global__ void k(){}"), 400, "compile_error"),
                Arguments.of("deeply nested expression", Map.of("source", deepParens), 422,
                        "compile_limit_exceeded"),
                Arguments.of("10,000 parameters", Map.of("source", tenThousandParams), 400, "compile_error"));
    }

    /** A job document: {@code source} compiled, its one kernel run once on one thread. */
    private static Map<String, Object> job(String source, String argsJson, Double timeLimit) {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("kernel", Map.of("source", source));
        try {
            job.put("launches", List.of(Map.of("grid", 1, "block", 1, "args", JSON.readValue(argsJson, List.class))));
        } catch (IOException e) {
            throw new IllegalArgumentException(e);
        }
        if (timeLimit != null) {
            job.put("timeLimitSeconds", timeLimit);
        }
        return job;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("hostileJobs")
    void hostileJobIsRefusedOrFailed(String name, Map<String, Object> body, int status, String error) throws Exception {
        String path = body.containsKey("launches") ? "/v1/jobs" : "/v1/kernels";
        Reply r = post(path, body);
        assertEquals(status, r.status(), r.toString());
        assertEquals(error, r.json().get("error").asText(), r.toString());
        assertNoJavaNames(r);
    }

    /**
     * Out-of-bounds accesses in the sandbox: a 64-bit address past the memory never wraps onto the
     * buffer, a null pointer is never valid memory, and the fault names the kernel, line, block
     * and thread; with {@code "memcheck": true} an off-by-one names the buffer, offset and size.
     */
    @Test
    void outOfBoundsAccessesFaultWithTheirLocation() throws Exception {
        String source = "__global__ void far(int *x) { x[1 << 30] = 7; }\n"
                + "__global__ void farRead(int *x, int *out) { out[0] = x[(size_t)1 << 40]; }\n"
                + "__global__ void viaNull(int *x) { x[threadIdx.x] = 7; }\n";
        record Case(String kernel, List<Object> args, int line) {}
        for (Case c : List.of(new Case("far", List.of("zeros:4"), 1),
                new Case("farRead", List.of("zeros:4", "zeros:1"), 2),
                new Case("viaNull", java.util.Arrays.asList((Object) null), 3))) {
            Map<String, Object> launch = new LinkedHashMap<>();
            launch.put("kernel", c.kernel());
            launch.put("grid", 2);
            launch.put("block", 4);
            launch.put("args", c.args());
            Reply r = post("/v1/jobs", Map.of("kernel", Map.of("source", source, "fileName", "oob.cu"),
                    "launches", List.of(launch)));
            assertEquals(422, r.status(), c.kernel() + ": " + r);
            assertEquals("kernel_fault", r.json().get("error").asText());
            assertEquals("OUT_OF_BOUNDS", r.json().at("/details/failure").asText(), r.toString());
            JsonNode at = r.json().at("/details/location");
            assertEquals(c.kernel(), at.get("kernel").asText(), r.toString());
            assertEquals(c.line(), at.get("line").asInt(), r.toString());
            assertTrue(at.has("blockIdx") && at.has("threadIdx"), r.toString());
        }

        Reply checked = post("/v1/jobs", Map.of("memcheck", true, "kernel", Map.of("source",
                "__global__ void shift(int *x) {\n  x[threadIdx.x + 1] = 1;\n}", "fileName", "off.cu"),
                "launches", List.of(Map.of("grid", 1, "block", 4, "args", List.of("zeros:4")))));
        assertEquals(422, checked.status(), checked.toString());
        JsonNode first = checked.json().at("/details/violations/0");
        assertEquals("x", first.get("buffer").asText(), checked.toString());
        assertEquals(16, first.get("offset").asLong(), checked.toString());
        assertEquals(16, first.get("bufferBytes").asLong(), checked.toString());
        assertEquals(2, first.at("/location/line").asInt(), checked.toString());
        assertEquals(3, first.at("/location/threadIdx/x").asInt(), checked.toString());
    }

    @Test
    void pathTraversalInUrlsFindsNothing() throws Exception {
        for (String path : List.of("/v1/kernels/..%2F..%2Fetc%2Fpasswd", "/v1/kernels/" + "a".repeat(64)
                + "/artifacts/..%2F..%2F..%2Fetc%2Fpasswd", "/v1/jobs/..%2f..%2fetc")) {
            Reply r = get(path);
            assertTrue(r.status() == 404 || r.status() == 400, path + ": " + r);
            assertFalse(r.text().contains("root:"), "no host file may leak: " + r);
        }
    }

    // ---- compile bombs ----------------------------------------------------------------------

    static Stream<Arguments> compileBombs() {
        StringBuilder macros = new StringBuilder("#define L0 x\n");
        for (int i = 1; i <= 11; i++) {
            macros.append("#define L").append(i).append(' ').append(("L" + (i - 1) + " ").repeat(10)).append('\n');
        }
        macros.append("__global__ void k(int *p) { int x = 1; p[0] = L11; }\n");
        StringBuilder statements = new StringBuilder("__global__ void k(int *x) {\n");
        for (int i = 0; i < 2_000_000; i++) {
            statements.append("x[0]=1;");
        }
        statements.append("}\n");
        return Stream.of(
                Arguments.of("template recursion", "template<int N> __device__ int f() { return f<N + 1>(); }\n"
                        + "__global__ void k(int *x) { x[0] = f<0>(); }"),
                Arguments.of("1 KB macro chain", macros.toString()),
                Arguments.of("2 million statements", statements.toString()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("compileBombs")
    void compileBombIsRefusedByALimit(String name, String source) throws Exception {
        Reply r = post("/v1/kernels", Map.of("source", source));
        assertTrue(r.status() == 422 || r.status() == 413 || r.status() == 400, r.toString());
        String error = r.json().get("error").asText();
        assertTrue(error.equals("compile_limit_exceeded") || error.equals("compile_too_large"), r.toString());
        assertNotNull(r.json().at("/details/limit"), "the error names the limit: " + r);
        assertNoJavaNames(r);
    }

    /**
     * Kernels that print in a loop, several jobs at once: each job's device buffer holds 1 MiB of
     * records and its text is cut at 1 MiB (a record of 32 bytes asks for 4,000 characters here, so
     * the uncut output would be 130 MB per job); the worker stays within its 1 GiB heap.
     */
    @Test
    void kernelsPrintingInALoopAreBounded() throws Exception {
        String source = """
                __global__ void flood(int n)
                {
                    for (int i = 0; i < n; i++) printf("%4000d\\n", i);
                }
                """;
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                replies.add(pool.submit(() -> post("/v1/jobs", Map.of("kernel", Map.of("source", source),
                        "launches", List.of(Map.of("grid", 8, "block", 256, "args", List.of(200)))))));
            }
            for (Future<Reply> f : replies) {
                Reply r = f.get();
                assertTrue(r.status() == 200 || r.status() == 429, r.toString());
                if (r.status() == 200) {
                    JsonNode printf = r.json().get("printf");
                    assertTrue(printf.get("truncated").asBoolean(), printf.get("note").asText());
                    assertTrue(printf.get("text").asText().length() <= 1 << 20);
                    assertTrue(printf.get("droppedRecords").asLong() > 0, printf.get("note").asText());
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void concurrentCompileBombsAreAllRefused() throws Exception {
        String bomb = compileBombs().map(a -> (String) a.get()[1]).toList().get(1);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                // distinct sources, so no compile is shared by the single flight
                String source = "// bomb " + i + "\n" + bomb;
                replies.add(pool.submit(() -> post("/v1/kernels", Map.of("source", source))));
            }
            for (Future<Reply> f : replies) {
                Reply r = f.get();
                assertTrue(r.status() == 422 || r.status() == 413 || r.status() == 429, r.toString());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Six 19 MB sources and six 40 MB inputs at once: bodies reserve heap before they are read, so
     * each is refused (413, or 503 while others hold the room) or run, and none exhausts the heap.
     */
    @Test
    void concurrentLargeBodiesStayWithinTheHeap() throws Exception {
        String source = "__global__ void k(int *x) {\n" + "x[0]=1;\n".repeat(2_400_000) + "}\n";
        byte[] data = new byte[30 << 20];
        String input = Base64.getEncoder().encodeToString(data);
        ExecutorService pool = Executors.newFixedThreadPool(12);
        try {
            List<Future<Reply>> replies = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String unique = "// " + i + "\n" + source;
                replies.add(pool.submit(() -> post("/v1/kernels", Map.of("source", unique))));
                replies.add(pool.submit(() -> post("/v1/jobs", largeInputJob(input))));
            }
            for (Future<Reply> f : replies) {
                Reply r = f.get();
                assertTrue(r.status() == 200 || r.status() == 413 || r.status() == 503 || r.status() == 422
                        || r.status() == 429, r.toString());
                assertNotNull(r.json(), r.toString());
            }
            // refused ones were refused for the moment only: the same job alone runs
            Reply alone = post("/v1/jobs", largeInputJob(input));
            assertEquals(200, alone.status(), alone.toString());
        } finally {
            pool.shutdownNow();
        }
    }

    private static Map<String, Object> largeInputJob(String base64) {
        return Map.of("kernel", Map.of("source", "__global__ void k(unsigned char *b) { b[0] = 1; }"),
                "buffers", Map.of("b", Map.of("type", "u8", "base64", base64)),
                "launches", List.of(Map.of("grid", 1, "block", 1, "args", List.of("b"))));
    }

    // ---- HTTP-level abuse -------------------------------------------------------------------

    static Stream<Arguments> brokenFraming() {
        return Stream.of(
                Arguments.of("duplicate Content-Length", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n"
                        + "Content-Length: 3\r\n\r\n{}", 400),
                Arguments.of("Content-Length and Transfer-Encoding", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\n"
                        + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", 400),
                Arguments.of("bad Content-Length", "POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
                        400),
                Arguments.of("NUL in the path", "GET /v1/jobs/%00abc HTTP/1.1\r\nHost: x\r\n\r\n", 400),
                Arguments.of("URI too long", "GET /v1/jobs/" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                        414),
                Arguments.of("headers too large", "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(40_000)
                        + "\r\n\r\n", 431));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("brokenFraming")
    void jettyRejectionsAreJson(String name, String request, int status) throws Exception {
        RawHttp.Answer a = RawHttp.exchange(base, request);
        assertEquals(status, a.status(), a.head() + "\n" + a.body());
        assertTrue(a.header("Content-Type").startsWith("application/json"), a.head());
        JsonNode body = JSON.readTree(a.body());
        assertEquals(status, body.at("/details/status").asInt(), a.body());
        assertTrue(body.get("message").asText().length() > 5, a.body());
    }

    @Test
    void unsupportedMethodsAre405WithAllow() throws Exception {
        Reply put = send(HttpRequest.newBuilder(base.resolve("/v1/jobs")).PUT(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, put.status(), put.toString());
        assertEquals(List.of("GET", "POST"), List.of(put.header("Allow").split(",\\s*")).stream().sorted().toList());
        assertEquals("method_not_allowed", put.json().get("error").asText());
        Reply post = send(HttpRequest.newBuilder(base.resolve("/v1/jobs/abc")).POST(HttpRequest.BodyPublishers.noBody()));
        assertEquals(405, post.status(), post.toString());
        assertEquals(List.of("DELETE", "GET"), List.of(post.header("Allow").split(",\\s*")).stream().sorted().toList());
    }

    /**
     * 200 connections from another client send job headers and then one byte every 2 s: the probe
     * answers throughout, the slow bodies end with 408 (or are refused at once with 503 past the
     * client's share), and every connection is answered and closed.
     */
    @Test
    void slowBodiesNeitherStarveProbesNorOtherClients() throws Exception {
        List<RawHttp> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 200; i++) {
                RawHttp c = RawHttp.open(base, OTHER_CLIENT, 20_000);
                c.send("POST /v1/jobs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                        + "Content-Length: 100000\r\n\r\n{");
                slow.add(c);
            }
            long until = System.nanoTime() + 5_000_000_000L;
            int probes = 0;
            long slowest = 0;
            while (System.nanoTime() < until) {
                long t0 = System.nanoTime();
                assertEquals(200, probe().status());
                slowest = Math.max(slowest, System.nanoTime() - t0);
                probes++;
                for (RawHttp c : slow) {
                    if (probes % 20 == 0) {
                        trySend(c, " ");
                    }
                }
            }
            // a kubelet's default probe timeout is one second
            assertTrue(slowest < 1_000_000_000L, "the slowest probe took " + slowest / 1_000_000 + " ms");
            // another client's job still runs while the slow client holds its share
            workerStillServes();
            int answered408 = 0;
            int answered503 = 0;
            for (RawHttp c : slow) {
                trySend(c, " ");
                RawHttp.Answer a = c.readAnswer();
                if (a.status() == 408) {
                    answered408++;
                } else if (a.status() == 503) {
                    answered503++;
                } else {
                    throw new AssertionError("unexpected answer to a slow body: " + a.head() + "\n" + a.body());
                }
            }
            assertTrue(answered408 > 0 && answered408 <= PER_CLIENT, "408s: " + answered408);
            assertEquals(200, answered408 + answered503);
        } finally {
            for (RawHttp c : slow) {
                c.close();
            }
        }
    }

    private static void trySend(RawHttp c, String text) {
        try {
            c.send(text);
        } catch (IOException e) {
            // already answered and closed by the worker
        }
    }

    // ---- sizes and kept outputs -------------------------------------------------------------

    /** A base64 input of 24 M characters (over Jackson's 20 M default) is within the request limit. */
    @Test
    void largeBase64InputsUpToTheRequestLimitAreAccepted() throws Exception {
        byte[] data = new byte[18 << 20];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) i;
        }
        String b64 = Base64.getEncoder().encodeToString(data);
        assertTrue(b64.length() > 20_000_000);
        Reply r = post("/v1/jobs", Map.of("kernel", Map.of("source",
                "__global__ void k(unsigned char *b, int n) { if (b[n - 1] != (unsigned char) (n - 1)) __trap(); }"),
                "buffers", Map.of("b", Map.of("type", "u8", "base64", b64)),
                "launches", List.of(Map.of("grid", 1, "block", 1, "args", List.of("b", data.length)))));
        assertEquals(200, r.status(), r.text().substring(0, Math.min(400, r.text().length())));
    }

    /**
     * Async jobs with 48 MiB outputs: the worker keeps as many as its output budget holds, refuses
     * the next with 429 while nobody has read them, reads them back streamed, drops a read one to
     * make room (410 afterwards), and a DELETE answers without the outputs.
     */
    @Test
    void keptOutputsAreBoundedAndStreamed() throws Exception {
        Map<String, Object> big = Map.of("kernel", Map.of("source",
                "__global__ void fill(unsigned int *x, int n) { for (int i = 0; i < n; i++) x[i] = i; }"),
                "launches", List.of(Map.of("grid", 1, "block", 1, "args", List.of("zeros:12M", "12M"))),
                "outputs", Map.of("x", "base64"));
        List<String> accepted = new ArrayList<>();
        Reply refused = null;
        for (int i = 0; i < 8 && refused == null; i++) {
            Reply r = post("/v1/jobs?async=true", big);
            if (r.status() == 202) {
                accepted.add(r.json().get("id").asText());
            } else {
                refused = r;
            }
        }
        assertNotNull(refused, "the output budget (a fifth of 1 GiB) cannot keep 8 x 48 MiB");
        assertEquals(429, refused.status(), refused.toString());
        assertEquals("retention_full", refused.json().get("error").asText());
        assertNotNull(refused.header("Retry-After"));
        assertTrue(accepted.size() >= 2, "accepted: " + accepted.size());

        String first = accepted.get(0);
        Reply done = Await.until(Duration.ofSeconds(60), "the first job to finish", () -> get("/v1/jobs/" + first),
                r -> !r.json().get("status").asText().matches("queued|running"));
        assertEquals("succeeded", done.json().get("status").asText(), done.toString().substring(0, 300));
        byte[] bytes = Base64.getDecoder().decode(done.json().at("/outputs/x/base64").asText());
        assertEquals(48 << 20, bytes.length);
        assertEquals(12 * 1024 * 1024 - 1, java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .getInt(bytes.length - 4));

        // the read job makes room for a new one, and is gone afterwards with a clear answer
        Reply again = post("/v1/jobs?async=true", big);
        assertEquals(202, again.status(), again.toString());
        Reply evicted = get("/v1/jobs/" + first);
        assertEquals(410, evicted.status(), evicted.toString());
        assertEquals("job_evicted", evicted.json().get("error").asText());

        accepted.remove(first);
        accepted.add(again.json().get("id").asText());
        for (String id : accepted) {
            Await.until(Duration.ofSeconds(60), "job " + id, () -> get("/v1/jobs/" + id).json().get("status").asText(),
                    s -> !s.matches("queued|running"));
            Reply deleted = delete("/v1/jobs/" + id);
            assertEquals(200, deleted.status());
            assertTrue(deleted.json().path("outputs").isMissingNode(), "a DELETE returns no outputs");
            assertTrue(deleted.text().length() < 4096);
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /** {@code GET /healthz} on a new connection, as the kubelet sends its probes. */
    private RawHttp.Answer probe() throws IOException {
        return RawHttp.exchange(base, "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    private static void assertNoJavaNames(Reply r) {
        assertFalse(r.text().matches("(?s).*\\b(java|javax|jakarta|org\\.eclipse|io\\.javalin|com\\.fasterxml)\\.[a-z].*"),
                "Java names leak into the answer: " + r);
        assertFalse(r.text().contains("Exception"), "an exception name leaks into the answer: " + r);
    }

    record Reply(int status, String text, JsonNode json, HttpResponse<byte[]> raw) {
        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + (text.length() > 2000 ? text.substring(0, 2000) + "…" : text);
        }
    }

    private Reply get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    private Reply delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    private Reply post(String path, Object body) throws IOException {
        return postRaw(path, JSON.writeValueAsBytes(body));
    }

    private Reply postRaw(String path, byte[] body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    private Reply send(HttpRequest.Builder request) {
        try {
            HttpRequest built = request.timeout(Duration.ofSeconds(120)).build();
            HttpResponse<byte[]> r;
            try {
                r = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            } catch (IOException reused) {
                // A pooled keep-alive connection the worker closed meanwhile; a GET is safe to repeat
                // (the worker-alive check after each case catches a real crash).
                if (!built.method().equals("GET")) {
                    throw reused;
                }
                r = http.send(built, HttpResponse.BodyHandlers.ofByteArray());
            }
            String text = new String(r.body(), StandardCharsets.UTF_8);
            JsonNode json = r.headers().firstValue("Content-Type").orElse("").startsWith("application/json")
                    ? JSON.readTree(r.body()) : null;
            return new Reply(r.statusCode(), text, json, r);
        } catch (IOException e) {
            throw new IllegalStateException("request failed: " + e + "\nworker:\n" + tail(worker.transcript()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String tail(String transcript) {
        return transcript.length() > 6000 ? transcript.substring(transcript.length() - 6000) : transcript;
    }
}
