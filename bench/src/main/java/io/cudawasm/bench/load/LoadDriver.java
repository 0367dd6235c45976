package io.cudawasm.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.WorkerService;
import io.cudawasm.runtime.service.client.WorkerClient;
import io.cudawasm.runtime.service.config.FleetSettings;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Drives a worker with N concurrent clients for a bounded time and reports throughput and
 * latency percentiles per scenario, plus failed jobs (an error answer or wrong outputs) and lost
 * jobs (accepted but never answered or never finished). 429 answers are retried after their
 * Retry-After and counted apart: the job was refused, not lost.
 *
 * <p>Several replicas ({@code --url a,b,c}, or {@code --replicas 3} embedded ones forming a fleet
 * with static peers): each request goes to the next replica in turn, as through a Service without
 * session affinity, so most polls of an asynchronous job are forwarded to the job's owner.
 *
 * <pre>
 * java -cp bench/target/benchmarks.jar io.cudawasm.bench.load.LoadDriver --scenario tiny,saxpy --clients 1,8
 * java -cp bench/target/benchmarks.jar io.cudawasm.bench.load.LoadDriver --url http://worker:8080 --async
 * java -cp bench/target/benchmarks.jar io.cudawasm.bench.load.LoadDriver --replicas 3 --async --scenario tiny
 * </pre>
 */
@Command(name = "load-driver", mixinStandardHelpOptions = true,
        description = "Load test a cuda-wasm worker (an embedded one unless --url is given).")
public final class LoadDriver implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    private PrintWriter err;

    @Option(names = "--url", split = ",", description = "Worker(s) to drive, comma-separated (requests rotate over them); "
            + "default: start --replicas workers in this JVM on temporary caches.")
    List<URI> urls;

    @Option(names = "--replicas", defaultValue = "1", description = "Embedded workers (default 1); more than one form a fleet "
            + "with static peers.")
    int replicas;

    @Option(names = "--token-file", description = "Bearer token file, when the worker requires one.")
    Path tokenFile;

    @Option(names = "--scenario", split = ",", defaultValue = "tiny,saxpy", description = "tiny, saxpy (default both).")
    List<String> scenarios;

    @Option(names = "--clients", split = ",", defaultValue = "1,8", description = "Concurrent clients per run (default 1,8).")
    List<Integer> clients;

    @Option(names = "--duration", defaultValue = "10", description = "Measured seconds per run (default 10).")
    double duration;

    @Option(names = "--warmup", defaultValue = "5", description = "Unmeasured seconds before each run (default 5).")
    double warmup;

    @Option(names = "--async", description = "Submit with ?async=true and poll each job to its end.")
    boolean async;

    @Option(names = "--client", defaultValue = "jdk",
            description = "jdk (java.net.http, default) or raw (a minimal keep-alive socket client: the worker's own overhead).")
    String clientKind;

    @Option(names = "--workers", defaultValue = "0", description = "Embedded worker: CPU threads (0: all cores).")
    int workers;

    @Option(names = "--max-concurrent", defaultValue = "0", description = "Embedded worker: job slots (0: cores).")
    int maxConcurrent;

    public static void main(String[] args) {
        System.exit(new CommandLine(new LoadDriver()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        err = spec.commandLine().getErr();
        List<WorkerService> embedded = new ArrayList<>();
        List<URI> targets = urls;
        if (targets == null || targets.isEmpty()) {
            embedded = startEmbedded();
            targets = embedded.stream().map(WorkerService::url).toList();
        }
        String token = tokenFile == null ? null : WorkerConfig.readTokenFile(tokenFile, "--token-file");
        WorkerClient client = new WorkerClient(targets.get(0), token, Duration.ofMinutes(2));
        List<URI> bases = targets;
        out.println("workers " + targets + (embedded.isEmpty() ? "" : " (embedded)") + ", " + (async ? "async" : "sync")
                + " jobs, " + clientKind + " HTTP client, " + duration + " s per run after " + warmup + " s warm-up, "
                + Runtime.getRuntime().availableProcessors() + " cores");
        boolean clean = true;
        List<String> rows = new ArrayList<>();
        try {
            for (String name : scenarios) {
                Scenario scenario = Scenario.parse(name);
                String kernelId = scenario.prepare(client);
                for (int n : clients) {
                    run(bases, token, scenario, kernelId, n, warmup);
                    LoadReport report = run(bases, token, scenario, kernelId, n, duration);
                    rows.add(report.row());
                    out.println(LoadReport.header().lines().findFirst().orElseThrow());
                    out.println(report.row());
                    out.flush();
                    clean &= report.failed() == 0 && report.lost() == 0;
                }
            }
        } finally {
            for (WorkerService w : embedded) {
                w.shutdown(Duration.ofSeconds(10));
            }
        }
        out.println();
        out.println(LoadReport.header());
        rows.forEach(out::println);
        out.println(clean ? "no failed or lost jobs" : "FAILED OR LOST JOBS");
        out.flush();
        return clean ? 0 : 1;
    }

    /**
     * {@code --replicas} workers in this JVM, each on its own temporary cache; a fleet with static
     * peers when several. Their ports are chosen before any starts (each needs the others'); if one
     * was taken meanwhile, all start again on new ports.
     */
    private List<WorkerService> startEmbedded() throws IOException {
        for (int attempt = 1; ; attempt++) {
            try {
                return startEmbeddedOnce();
            } catch (RuntimeException e) {
                if (attempt == 3) {
                    throw e;
                }
                err.println("could not start the embedded workers (" + e.getMessage() + "); new ports");
            }
        }
    }

    private List<WorkerService> startEmbeddedOnce() throws IOException {
        List<Integer> ports = new ArrayList<>();
        List<java.net.ServerSocket> held = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
            held.add(s);
            ports.add(s.getLocalPort());
        }
        for (java.net.ServerSocket s : held) {
            s.close();
        }
        List<String> peers = ports.stream().map(p -> "127.0.0.1:" + p).toList();
        List<WorkerService> started = new ArrayList<>();
        for (int i = 0; i < replicas; i++) {
            WorkerConfig.Builder b = WorkerConfig.fromEnvironment(Map.of())
                    .cacheDirectory(Files.createTempDirectory("cuda-wasm-load"))
                    .bindAddress("127.0.0.1").port(replicas == 1 ? 0 : ports.get(i)).workers(workers);
            if (maxConcurrent > 0) {
                b.maxConcurrentJobs(maxConcurrent);
            }
            if (replicas > 1) {
                b.fleet(FleetSettings.staticPeers("load-" + i, peers));
            }
            try {
                started.add(WorkerService.start(b.build()));
            } catch (RuntimeException e) {
                started.forEach(w -> w.shutdown(Duration.ZERO));
                throw e;
            }
        }
        return started;
    }

    /** N clients submitting back to back for {@code seconds}; each waits for its answer before the next job. */
    private LoadReport run(List<URI> bases, String token, Scenario scenario, String kernelId, int n, double seconds)
            throws InterruptedException {
        byte[] job = json(scenario.job(kernelId));
        long end = System.nanoTime() + (long) (seconds * 1e9);
        AtomicLong failed = new AtomicLong();
        AtomicLong lost = new AtomicLong();
        AtomicLong rejected = new AtomicLong();
        List<long[]> latencies = new ArrayList<>();
        List<long[]> runs = new ArrayList<>();
        CountDownLatch done = new CountDownLatch(n);
        List<Thread> threads = new ArrayList<>();
        long[] counts = new long[n];
        for (int c = 0; c < n; c++) {
            long[] lat = new long[1 << 20];
            long[] run = new long[1 << 20];
            latencies.add(lat);
            runs.add(run);
            int me = c;
            Thread t = new Thread(() -> {
                try (Transport client = Transport.roundRobin(clientKind, bases, token)) {
                    int k = 0;
                    while (System.nanoTime() < end && k < lat.length) {
                        long t0 = System.nanoTime();
                        JsonNode result = submit(client, job, rejected, lost, end);
                        long t1 = System.nanoTime();
                        if (result == null) {
                            continue;
                        }
                        if (!result.path("status").asText().equals("succeeded") || !scenario.check(result)) {
                            failed.incrementAndGet();
                            report("failed job: " + result);
                            continue;
                        }
                        lat[k] = t1 - t0;
                        run[k] = (long) (result.at("/launches/0/elapsedMillis").asDouble() * 1e6);
                        k++;
                    }
                    counts[me] = k;
                } catch (IOException e) {
                    failed.incrementAndGet();
                    report("request failed: " + e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    done.countDown();
                }
            }, "load-client-" + c);
            threads.add(t);
        }
        long start = System.nanoTime();
        threads.forEach(Thread::start);
        done.await();
        double elapsed = (System.nanoTime() - start) / 1e9;
        int total = (int) java.util.Arrays.stream(counts).sum();
        long[] allLat = new long[total];
        long[] allRun = new long[total];
        int at = 0;
        for (int c = 0; c < n; c++) {
            System.arraycopy(latencies.get(c), 0, allLat, at, (int) counts[c]);
            System.arraycopy(runs.get(c), 0, allRun, at, (int) counts[c]);
            at += (int) counts[c];
        }
        return new LoadReport(scenario.label(), n, elapsed, total, failed.get(), lost.get(), rejected.get(), allLat,
                allRun);
    }

    private void report(String problem) {
        synchronized (err) {
            err.println(problem);
            err.flush();
        }
    }

    private static byte[] json(Map<String, Object> body) {
        try {
            return Transport.JSON.writeValueAsBytes(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * One job to its end: the finished job, or null when it was refused until the run ended, or
     * lost (accepted but its answer or final state never came).
     */
    private JsonNode submit(Transport client, byte[] job, AtomicLong rejected, AtomicLong lost, long end)
            throws IOException, InterruptedException {
        while (true) {
            Transport.Reply r = client.post(async ? "/v1/jobs?async=true" : "/v1/jobs", job);
            if (r.status() == 429) {
                rejected.incrementAndGet();
                if (System.nanoTime() > end) {
                    return null;
                }
                LockSupport.parkNanos(TimeUnit.SECONDS.toNanos(r.retryAfter() == null ? 1 : r.retryAfter()));
                continue;
            }
            if (r.body() == null) {
                lost.incrementAndGet();
                return null;
            }
            if (!async || r.status() != 202) {
                return r.status() == 200 ? r.body() : r.body().path("details").path("job");
            }
            return poll(client, r.location(), lost);
        }
    }

    private static JsonNode poll(Transport client, String location, AtomicLong lost)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (System.nanoTime() < deadline) {
            Transport.Reply r = client.get(location);
            if (r.status() != 200) {
                lost.incrementAndGet();
                return null;
            }
            String status = r.body().path("status").asText();
            if (!status.equals("queued") && !status.equals("running")) {
                client.delete(location);
                return r.body();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        lost.incrementAndGet();
        return null;
    }
}
