package io.cudawasm.runtime.service;

import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.BackendProbe;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.cache.KernelCache;
import io.cudawasm.runtime.executor.ExecutorStatus;
import io.cudawasm.runtime.fleet.FleetRouter;
import io.cudawasm.runtime.registration.LocalView;
import io.cudawasm.runtime.registration.SelfRegistration;
import io.cudawasm.runtime.service.api.ApiComponents;
import io.cudawasm.runtime.service.api.HttpApi;
import io.cudawasm.runtime.service.config.WorkerConfig;
import io.cudawasm.runtime.service.jobs.JobManager;
import io.cudawasm.runtime.service.kernels.CompilePool;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.kernels.PrewarmList;
import io.cudawasm.runtime.service.kernels.Prewarmer;
import io.cudawasm.runtime.service.metrics.CacheMetrics;
import io.cudawasm.runtime.service.metrics.DeviceMetrics;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import io.micrometer.core.instrument.Tags;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker: kernel cache, back ends, job manager and HTTP API, started together and stopped
 * gracefully. {@link #start} returns once the port is bound; pre-warming continues in the
 * background and {@code /readyz} waits for it.
 */
public final class WorkerService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WorkerService.class);
    /** Kernels kept decoded in memory, on top of the cache on disk. */
    private static final int MEMORY_KERNELS = 256;
    /** After the jobs are done, how long stopping waits for their HTTP answers to leave. */
    private static final Duration RESPONSE_DRAIN = Duration.ofSeconds(2);

    private final WorkerConfig config;
    private final WorkerMetrics metrics;
    private final CacheMetrics cacheMetrics;
    private final KernelCache cache;
    private final Backends backends;
    private final CompilePool compiles;
    private final KernelStore kernels;
    private final JobManager jobs;
    private final FleetRouter fleet;
    private final HttpApi api;
    private final Instant startedAt = Instant.now();
    private final List<CapabilityContributor> contributors = new CopyOnWriteArrayList<>();
    private final CompletableFuture<List<Prewarmer.Outcome>> prewarm = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile String bindAddress;
    private volatile SelfRegistration registration;

    private WorkerService(WorkerConfig config) {
        this.config = config;
        this.metrics = new WorkerMetrics();
        this.cacheMetrics = new CacheMetrics(metrics);
        this.cache = KernelCache.open(config.cache(), cacheMetrics);
        // native back ends (OpenCL, CUDA, TornadoVM) run in executor processes unless configured otherwise
        this.backends = Backends.detect(config.workers(), false,
                config.executors().withCompileLimits(config.compile().limits()));
        this.compiles = new CompilePool(config.compile());
        this.kernels = new KernelStore(cache, metrics, MEMORY_KERNELS, compiles);
        metrics.gauge("cudawasm.compiles.queued", "Compiles waiting for a compile thread", compiles::queued);
        metrics.gauge("cudawasm.compiles.running", "Compiles running now", compiles::active);
        metrics.gauge("cudawasm.compiles.heap.bytes", "Heap reserved by running compiles", compiles.heap()::used);
        this.fleet = new FleetRouter(config.fleet(), config.authToken(), metrics);
        kernels.remoteSource(fleet.kernelSource());
        this.jobs = new JobManager(config.maxConcurrentJobs(), config.maxQueuedJobs(), config.jobRetention(),
                config.jobMemory(), metrics,
                Clock.systemUTC(), fleet.identity()::newJobId);
        for (BackendProbe p : backends.probes()) {
            metrics.gauge("cudawasm.backend.info", "Back ends probed at start-up (1 = usable)",
                    Tags.of("backend", p.name(), "device", p.device() == null ? "" : p.device()),
                    () -> p.available() ? 1 : 0);
        }
        DeviceMetrics.register(metrics, LocalView.probe(backends));
        for (ExecutorStatus e : backends.executors()) {
            String name = e.backend();
            metrics.gauge("cudawasm.executor.available", "Native device usable (0 while its executor is in a crash "
                    + "loop's cooldown)", Tags.of("backend", name), () -> "unavailable".equals(status(name).state()) ? 0 : 1);
            metrics.gauge("cudawasm.executor.deaths", "Executor processes that crashed, hung, were killed or were "
                    + "reset after a faulting launch", Tags.of("backend", name), () -> status(name).deaths());
            metrics.gauge("cudawasm.executor.restarts", "Executor processes started after the first",
                    Tags.of("backend", name), () -> status(name).restarts());
        }
        metrics.gauge("cudawasm.worker.info", "Worker build and compiler version",
                Tags.of("version", version(), "compiler", KernelCompiler.VERSION), () -> 1);
        this.api = new HttpApi(new ApiComponents(config, kernels, jobs, backends, metrics, this::readiness,
                this::readinessDetail, this::capabilities, () -> cacheMetrics.updateSize(cache.stats()), fleet));
    }

    /** Starts the worker on the configured address and port (0: a free port). */
    public static WorkerService start(WorkerConfig config) {
        WorkerService w = new WorkerService(config);
        try {
            w.api.app().start();
        } catch (RuntimeException e) {
            w.releaseResources();
            throw e;
        }
        w.bindAddress = config.bindAddress();
        w.fleet.bind(w.port());
        log.info("cuda-wasm worker listening on {} ({})", w.url(), config);
        w.startPrewarm();
        if (config.registration().enabled()) {
            w.attach(SelfRegistration.forWorker(config.registration(), w.backends, w.metrics.registry()).start());
        }
        return w;
    }

    private void startPrewarm() {
        if (config.prewarmFile() == null) {
            prewarm.complete(List.of());
            return;
        }
        Thread t = new Thread(() -> {
            try {
                List<PrewarmList.Item> items = PrewarmList.read(config.prewarmFile(), Map.of());
                List<Prewarmer.Outcome> outcomes = new Prewarmer(kernels, backends.sandbox()).warm(items);
                long failed = outcomes.stream().filter(o -> o.status() == Prewarmer.Status.FAILED).count();
                log.info("pre-warmed {} kernels from {} ({} failed)", outcomes.size() - failed,
                        config.prewarmFile(), failed);
                prewarm.complete(outcomes);
            } catch (Exception e) {
                log.warn("cannot pre-warm from {}: {}", config.prewarmFile(), e.getMessage());
                prewarm.complete(List.of());
            }
        }, "cuda-wasm-prewarm");
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return api.app().port();
    }

    /** The base URL, with a loopback host when bound to every interface. */
    public URI url() {
        String host = bindAddress == null || bindAddress.equals("0.0.0.0") || bindAddress.equals("::")
                ? "localhost" : bindAddress;
        if (host.contains(":") && !host.startsWith("[")) {
            host = "[" + host + "]";
        }
        return URI.create("http://" + host + ":" + port());
    }

    public WorkerConfig config() {
        return config;
    }

    public KernelStore kernels() {
        return kernels;
    }

    public JobManager jobs() {
        return jobs;
    }

    /** The back ends this worker probed (and the executors of its native devices). */
    public Backends backends() {
        return backends;
    }

    /** This replica's part in a fleet: its identity, its peers, forwarding. */
    public FleetRouter fleet() {
        return fleet;
    }

    public List<HttpApi.Route> routes() {
        return api.routes();
    }

    /** Completes when start-up pre-warming ended (at once when there is no list). */
    public CompletableFuture<List<Prewarmer.Outcome>> prewarmed() {
        return prewarm;
    }

    /**
     * Runs self-registration with this worker: its document appears under {@code extensions.node} of
     * {@code /v1/capabilities}, and it stops when the worker does.
     */
    public void attach(SelfRegistration registration) {
        this.registration = registration;
        addCapabilities(registration);
    }

    /** Self-registration, when enabled (or attached). */
    public java.util.Optional<SelfRegistration> registration() {
        return java.util.Optional.ofNullable(registration);
    }

    /** The worker's metrics (Prometheus registry behind {@code /metrics}). */
    public WorkerMetrics metrics() {
        return metrics;
    }

    /** Adds a section to {@code /v1/capabilities} (self-registration's Nutanix data). */
    public void addCapabilities(CapabilityContributor contributor) {
        contributors.add(contributor);
    }

    Map<String, Boolean> readiness() {
        Map<String, Boolean> checks = new LinkedHashMap<>();
        checks.put("cacheWritable", cache.isWritable());
        checks.put("backendAvailable", backends.probes().stream().anyMatch(BackendProbe::available));
        checks.put("acceptingJobs", jobs.accepting());
        checks.put("prewarmed", prewarm.isDone());
        return checks;
    }

    private ExecutorStatus status(String backend) {
        return backends.executors().stream().filter(e -> e.backend().equals(backend)).findFirst().orElseThrow();
    }

    /**
     * What {@code /readyz} adds to its checks: every native device's executor state. A device in a
     * crash loop does not make the worker unready (it still serves the other back ends, and a
     * tenant with faulting kernels must not be able to take replicas out of the Service); jobs
     * naming it get 503 with Retry-After until its cooldown ends.
     */
    Map<String, Object> readinessDetail() {
        Map<String, Object> devices = new LinkedHashMap<>();
        for (ExecutorStatus e : backends.executors()) {
            devices.put(e.backend(), e.unavailableUntil() == null ? e.state() : e.state() + " until "
                    + e.unavailableUntil() + ": " + e.unavailableReason());
        }
        return devices.isEmpty() ? Map.of() : Map.of("devices", devices);
    }

    /** The executors section of {@code /v1/capabilities}. */
    private List<Map<String, Object>> executors() {
        return backends.executors().stream().map(e -> {
            Map<String, Object> m = ordered("backend", e.backend(), "state", e.state(), "pid", e.pid(), "runs", e.runs(),
                    "restarts", e.restarts(), "deaths", e.deaths());
            if (e.activity() != null) {
                m.put("activity", e.activity());
            }
            if (e.lastExit() != null) {
                m.put("lastExit", e.lastExit());
                m.put("lastExitAt", e.lastExitAt().toString());
            }
            if (e.unavailableUntil() != null) {
                m.put("unavailableUntil", e.unavailableUntil().toString());
                m.put("unavailableReason", e.unavailableReason());
            }
            return m;
        }).toList();
    }

    Map<String, Object> capabilities() {
        Map<String, Object> doc = new LinkedHashMap<>();
        Map<String, Object> worker = new LinkedHashMap<>();
        worker.put("version", version());
        worker.put("compilerVersion", KernelCompiler.VERSION);
        worker.put("java", Runtime.version().toString());
        worker.put("cpus", Runtime.getRuntime().availableProcessors());
        worker.put("startedAt", startedAt.toString());
        worker.put("auth", config.authEnabled());
        doc.put("worker", worker);
        doc.put("backends", backends.probes());
        doc.put("defaultBackend", config.defaultBackend());
        doc.put("sandboxOnly", config.sandboxOnly());
        doc.put("nativeBackends", ordered("isolation", config.executors().isolated() ? "executor process per device"
                : "in the worker process (unprotected)", "autoCpuBackend", config.executors().autoCpuBackend()));
        doc.put("executors", executors());
        try {
            BackendChoice auto = backends.select(config.defaultBackend(), config.sandboxOnly());
            doc.put("selectedBackend", ordered("name", auto.backend().name(), "device", auto.backend().device(),
                    "reason", auto.reason()));
        } catch (IllegalArgumentException e) {
            doc.put("selectedBackend", Map.of("error", e.getMessage()));
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxConcurrentJobs", config.maxConcurrentJobs());
        limits.put("maxQueuedJobs", config.maxQueuedJobs());
        limits.put("maxRequestBytes", config.maxRequestBytes());
        limits.put("maxBufferBytes", config.maxBufferBytes());
        limits.put("maxJobMemoryBytes", config.maxJobMemoryBytes());
        limits.put("jobTimeLimitSeconds", config.jobTimeLimit().toMillis() / 1000.0);
        limits.put("jobRetentionSeconds", config.jobRetention().toSeconds());
        limits.put("jobHeapBytes", config.jobMemory().activeBytes());
        limits.put("maxRetainedJobs", config.jobMemory().retainedJobs());
        limits.put("maxRetainedOutputBytes", config.jobMemory().retainedOutputBytes());
        limits.put("compileThreads", config.compile().threads());
        limits.put("maxQueuedCompiles", config.compile().maxQueued());
        limits.put("compileTimeLimitSeconds", config.compile().timeLimit().toMillis() / 1000.0);
        limits.put("compileHeapBytes", config.compile().heapBytes());
        limits.put("maxConnections", config.http().maxConnections());
        limits.put("maxApiRequests", config.http().maxApiRequests());
        limits.put("httpIdleTimeoutSeconds", config.http().idleTimeout().toMillis() / 1000.0);
        limits.put("minRequestBytesPerSecond", config.http().minRequestBytesPerSecond());
        doc.put("limits", limits);
        doc.put("jobs", ordered("running", jobs.running(), "queued", jobs.queued()));
        var stats = cache.stats();
        doc.put("cache", ordered("writable", cache.isWritable(), "maxBytes", config.cache().maxBytes(),
                "entries", stats.currentEntries(), "bytes", stats.currentBytes()));
        doc.put("library", KernelLibrary.names());
        List<Prewarmer.Outcome> warmed = prewarm.getNow(null);
        doc.put("prewarm", warmed == null ? ordered("done", false) : ordered("done", true, "kernels", warmed.size(),
                "failed", warmed.stream().filter(o -> o.status() == Prewarmer.Status.FAILED).count()));
        doc.put("registration", ordered("enabled", config.registration().enabled(),
                "intervalSeconds", config.registration().interval().toSeconds(), "mode", config.registration().mode()));
        Map<String, Object> extensions = new LinkedHashMap<>();
        for (CapabilityContributor c : contributors) {
            try {
                extensions.put(c.name(), c.describe());
            } catch (RuntimeException e) {
                log.warn("capability section {} failed: {}", c.name(), e.toString());
                extensions.put(c.name(), Map.of("error", "unavailable"));
            }
        }
        doc.put("extensions", extensions);
        return doc;
    }

    /**
     * Graceful stop: refuse new jobs, let accepted ones finish within the grace period (then fail
     * them), let their answers leave, stop HTTP, release the back ends. Safe to call twice.
     */
    public void shutdown(Duration grace) {
        if (!stopping.compareAndSet(false, true)) {
            awaitTermination();
            return;
        }
        log.info("shutting down: {} jobs running, {} queued; grace {} s", jobs.running(), jobs.queued(),
                grace.toSeconds());
        try {
            boolean drained = jobs.shutdown(grace);
            fleet.awaitResultsCollected(jobs, grace);
            long deadline = System.nanoTime() + RESPONSE_DRAIN.toNanos();
            while (api.inFlight() > 0 && System.nanoTime() < deadline) {
                TimeUnit.MILLISECONDS.sleep(5);
            }
            log.info("jobs {}; stopping HTTP", drained ? "drained" : "failed after the grace period");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            try {
                api.stop();
            } finally {
                releaseResources();
                stopped.countDown();
            }
        }
    }

    private void releaseResources() {
        if (registration != null) {
            registration.close();
        }
        jobs.close();
        fleet.close();
        compiles.close();
        backends.close();
        metrics.close();
    }

    /** Shuts down with the configured grace period. */
    @Override
    public void close() {
        shutdown(config.shutdownGrace());
    }

    /** Blocks until {@link #shutdown} has finished. */
    public void awaitTermination() {
        boolean interrupted = false;
        while (true) {
            try {
                stopped.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** A map that keeps the order its keys are given in, for stable JSON. */
    private static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    static String version() {
        String v = WorkerService.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
