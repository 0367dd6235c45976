package io.cudawasm.runtime.service.metrics;

import io.cudawasm.runtime.cache.CacheListener;
import io.cudawasm.runtime.cache.CacheStats;
import io.micrometer.core.instrument.Counter;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Feeds kernel cache events into the worker's meters. Events arrive on the threads doing cache
 * work, so each handler is one counter increment. The size gauges come from a cache scan that the
 * metrics endpoint triggers once per scrape ({@link #updateSize}).
 */
public final class CacheMetrics implements CacheListener {
    private final Counter hits;
    private final Counter misses;
    private final Counter corrupt;
    private final Counter evictions;
    private final Counter evictedBytes;
    private final Counter writtenBytes;
    private final Counter writeFailures;
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong entries = new AtomicLong();

    public CacheMetrics(WorkerMetrics metrics) {
        hits = metrics.counter("cudawasm.cache.hits", "Kernel cache lookups that found a verified entry");
        misses = metrics.counter("cudawasm.cache.misses", "Kernel cache lookups that found nothing usable");
        corrupt = metrics.counter("cudawasm.cache.corrupt", "Cache entries that failed verification and were discarded");
        evictions = metrics.counter("cudawasm.cache.evictions", "Cache entries removed by the size cap or pruning");
        evictedBytes = metrics.counter("cudawasm.cache.evicted.bytes", "Bytes of evicted cache entries");
        writtenBytes = metrics.counter("cudawasm.cache.written.bytes", "Artifact bytes written to the cache");
        writeFailures = metrics.counter("cudawasm.cache.write.failures", "Entries that could not be stored");
        metrics.gauge("cudawasm.cache.size.bytes", "Bytes on disk in all cache entries (all processes)", bytes::get);
        metrics.gauge("cudawasm.cache.entries", "Entries in the kernel cache (all processes)", entries::get);
    }

    public void updateSize(CacheStats stats) {
        bytes.set(stats.currentBytes());
        entries.set(stats.currentEntries());
    }

    @Override
    public void onHit(String id) {
        hits.increment();
    }

    @Override
    public void onMiss(String id) {
        misses.increment();
    }

    @Override
    public void onCorrupt(String id, String reason) {
        corrupt.increment();
    }

    @Override
    public void onEviction(String id, long evicted) {
        evictions.increment();
        evictedBytes.increment(evicted);
    }

    @Override
    public void onWrite(String id, long written) {
        writtenBytes.increment(written);
    }

    @Override
    public void onWriteFailure(String id, Exception cause) {
        writeFailures.increment();
    }
}
