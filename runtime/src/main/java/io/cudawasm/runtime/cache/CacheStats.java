package io.cudawasm.runtime.cache;

/**
 * Counters of one {@link KernelCache} instance since it was opened, plus the current size of the
 * whole directory (all processes' entries).
 *
 * @param hits lookups served from the cache (including callers that waited for a concurrent compile)
 * @param misses lookups that found nothing usable
 * @param corruptDiscarded entries that failed verification and were removed
 * @param evictions entries removed by the size cap or by {@code prune}
 * @param bytesWritten artifact bytes of entries this instance published
 * @param writeFailures puts that could not store their entry (full disk, unwritable directory, ...)
 * @param currentBytes bytes on disk in all entries now
 * @param currentEntries number of entries now
 */
public record CacheStats(
        long hits,
        long misses,
        long corruptDiscarded,
        long evictions,
        long bytesWritten,
        long writeFailures,
        long currentBytes,
        long currentEntries) {}
