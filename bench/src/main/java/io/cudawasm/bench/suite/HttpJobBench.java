package io.cudawasm.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.bench.load.Scenario;
import io.cudawasm.bench.load.Transport;
import io.cudawasm.runtime.service.WorkerService;
import io.cudawasm.runtime.service.client.WorkerClient;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * End-to-end latency of one synchronous job through the HTTP API: a worker in this JVM on a loopback
 * port, a client sending the load driver's scenarios ({@code tiny}: one block, all overhead;
 * {@code saxpy}: 1M floats generated on the worker, a summary back) one after another, each naming the
 * back end. The kernel is compiled before the run, so this is the cache-hit path a busy worker serves.
 * Every answer is checked; a wrong result fails the benchmark.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HttpJobBench {
    @Param({"wasm"})
    public String backend;

    @Param({"tiny", "saxpy"})
    public String scenario;

    private Path cacheDir;
    private WorkerService worker;
    private Transport client;
    private Scenario chosen;
    private byte[] job;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        cacheDir = TempDirs.create("cuda-wasm-bench-http");
        worker = WorkerService.start(WorkerConfig.fromEnvironment(Map.of()).cacheDirectory(cacheDir)
                .bindAddress("127.0.0.1").port(0).build());
        chosen = Scenario.parse(scenario);
        String kernelId = chosen.prepare(new WorkerClient(worker.url(), null, Duration.ofMinutes(2)));
        Map<String, Object> body = new LinkedHashMap<>(chosen.job(kernelId));
        body.put("backend", backend);
        job = Transport.JSON.writeValueAsBytes(body);
        client = Transport.create("jdk", worker.url(), null);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (client != null) {
            client.close();
        }
        if (worker != null) {
            worker.shutdown(Duration.ofSeconds(10));
        }
        TempDirs.delete(cacheDir);
    }

    @Benchmark
    public JsonNode job() throws IOException, InterruptedException {
        Transport.Reply reply = client.post("/v1/jobs", job);
        JsonNode body = reply.body();
        if (reply.status() != 200 || body == null || !chosen.check(body)) {
            throw new IllegalStateException("job on " + backend + " failed: HTTP " + reply.status() + " " + body);
        }
        return body;
    }
}
