package io.cudawasm.runtime.service.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The worker's meters, all named {@code cudawasm_*} in the Prometheus exposition (plus the
 * standard {@code jvm_*} and {@code system_*} ones). One instance per worker, so tests running
 * several workers in one JVM never mix their counts.
 */
public final class WorkerMetrics implements AutoCloseable {
    /** Explicit buckets from sub-millisecond (a cached tiny kernel) to a minute (the default time limit). */
    private static final Duration[] LATENCY_BUCKETS = {
        Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1), Duration.ofMillis(2),
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30),
        Duration.ofSeconds(60)};

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gc = new JvmGcMetrics();

    public WorkerMetrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        gc.bindTo(registry);
    }

    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text exposition (format 0.0.4). */
    public String scrape() {
        return registry.scrape();
    }

    /** A job reached a final state: {@code outcome} is succeeded, failed, cancelled or time_limit. */
    public void jobFinished(String backend, String outcome, Duration elapsed) {
        Counter.builder("cudawasm.jobs").description("Jobs finished, by back end and outcome")
                .tags("backend", backend, "outcome", outcome).register(registry).increment();
        Timer.builder("cudawasm.job.duration").description("Time from a job's start to its end (queue excluded)")
                .tags("backend", backend, "outcome", outcome).serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(elapsed);
    }

    /** Time a job waited for a free slot. */
    public void jobQueued(Duration waited) {
        Timer.builder("cudawasm.job.queue.wait").description("Time jobs waited in the queue")
                .serviceLevelObjectives(LATENCY_BUCKETS).register(registry).record(waited);
    }

    /** A job refused before it was accepted: busy (429), too_large (413), shutting_down (503). */
    public void jobRejected(String reason) {
        Counter.builder("cudawasm.jobs.rejected").description("Jobs refused before they were accepted")
                .tag("reason", reason).register(registry).increment();
    }

    public void compiled(boolean success, long nanos) {
        Timer.builder("cudawasm.compile.duration").description("CUDA C compile time (cache misses only)")
                .tag("outcome", success ? "success" : "error").serviceLevelObjectives(LATENCY_BUCKETS)
                .register(registry).record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Where a kernel was found: memory, disk (the kernel cache) or compiled. */
    public void kernelResolved(String source) {
        Counter.builder("cudawasm.kernel.resolutions").description("Kernel lookups by where the kernel was found")
                .tag("source", source).register(registry).increment();
    }

    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    public void gauge(String name, String description, Tags tags, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tags(tags).register(registry);
    }

    public Counter counter(String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    @Override
    public void close() {
        gc.close();
        registry.close();
    }
}
