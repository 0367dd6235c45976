package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** LRU order is driven by a hand-moved clock: each use stamps the entry with the clock's time. */
class EvictionTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2024-05-01T10:00:00Z"));
    private final RecordingListener listener = new RecordingListener();
    private long entryBytes;

    /** Every test kernel name has the same length, so every entry has the same size on disk. */
    private static CacheKey key(char name) {
        return TestKernels.key("kernel_" + name);
    }

    @BeforeEach
    void measureOneEntry() throws Exception {
        Path probeDir = dir.resolve("probe");
        KernelCache probe = KernelCache.open(CacheSettings.of(probeDir), CacheListener.NONE, clock, CacheHooks.NONE);
        probe.put(key('z'), TestKernels.artifacts(key('z'), 10_000), Map.of());
        entryBytes = probe.stats().currentBytes();
        assertTrue(entryBytes > 10_000, "entry size includes all artifacts and the manifest: " + entryBytes);
    }

    private KernelCache cacheHolding(double entries) {
        CacheSettings settings = CacheSettings.of(dir.resolve("cache")).withMaxBytes((long) (entryBytes * entries));
        return KernelCache.open(settings, listener, clock, CacheHooks.NONE);
    }

    private void putAt(KernelCache cache, char name) throws Exception {
        clock.advance(Duration.ofMinutes(1));
        cache.put(key(name), TestKernels.artifacts(key(name), 10_000), Map.of());
    }

    private void getAt(KernelCache cache, char name) {
        clock.advance(Duration.ofMinutes(1));
        assertTrue(cache.get(key(name)).isPresent(), "entry " + name + " should be cached");
    }

    private static List<String> ids(char... names) {
        List<String> ids = new ArrayList<>();
        for (char name : names) {
            ids.add(key(name).id());
        }
        return ids;
    }

    private List<String> present(KernelCache cache, char... names) {
        List<String> found = new ArrayList<>();
        for (char name : names) {
            if (cache.get(key(name)).isPresent()) {
                found.add(key(name).id());
            }
        }
        return found;
    }

    private List<String> evicted() {
        return listener.ofKind("eviction").stream().map(e -> e.substring("eviction ".length())).toList();
    }

    @Test
    void aPutOverTheCapEvictsTheLeastRecentlyUsedEntries() throws Exception {
        KernelCache cache = cacheHolding(3.5);
        putAt(cache, 'a');
        putAt(cache, 'b');
        putAt(cache, 'c');
        getAt(cache, 'a'); // recency now: b < c < a

        putAt(cache, 'd');
        assertEquals(ids('b'), evicted());

        putAt(cache, 'e'); // recency: c < a < d < e
        assertEquals(ids('b', 'c'), evicted());
        assertEquals(2, cache.stats().evictions());
        assertEquals(ids('a', 'd', 'e'), present(cache, 'a', 'b', 'c', 'd', 'e'));
        assertTrue(cache.stats().currentBytes() <= (long) (entryBytes * 3.5));
    }

    @Test
    void theEntryJustWrittenIsNeverEvictedEvenAboveTheCap() throws Exception {
        KernelCache cache = cacheHolding(0.5);
        putAt(cache, 'a');
        assertEquals(List.of(), evicted(), "alone above the cap, but just written");

        putAt(cache, 'b');
        assertEquals(ids('a'), evicted());
        assertEquals(ids('b'), present(cache, 'a', 'b'));
    }

    @Test
    void recencyIsSharedThroughTheDiskAcrossInstances() throws Exception {
        KernelCache first = cacheHolding(3.5);
        putAt(first, 'a');
        putAt(first, 'b');
        putAt(first, 'c');
        KernelCache second = cacheHolding(3.5);
        getAt(second, 'a'); // used through another instance (another process, in production)

        putAt(first, 'd');

        assertEquals(ids('b'), evicted());
    }

    @Test
    void pruneToABudgetEvictsInLruOrder() throws Exception {
        KernelCache cache = cacheHolding(100);
        putAt(cache, 'a');
        putAt(cache, 'b');
        putAt(cache, 'c');
        putAt(cache, 'd');
        getAt(cache, 'b');
        getAt(cache, 'a'); // recency: c < d < b < a

        PruneResult result = cache.prune(entryBytes * 2);

        assertEquals(ids('c', 'd'), evicted());
        assertEquals(2, result.entriesRemoved());
        assertEquals(2 * entryBytes, result.bytesRemoved());
        assertEquals(2, result.entriesRemaining());
        assertEquals(2 * entryBytes, result.bytesRemaining());
    }

    @Test
    void pruneByAgeEvictsEntriesNotUsedSinceTheCutoff() throws Exception {
        KernelCache cache = cacheHolding(100);
        putAt(cache, 'a');
        putAt(cache, 'b');
        clock.advance(Duration.ofDays(8));
        putAt(cache, 'c');
        getAt(cache, 'a');
        clock.advance(Duration.ofDays(1));

        PruneResult result = cache.prune(Duration.ofDays(7));

        assertEquals(ids('b'), evicted());
        assertEquals(1, result.entriesRemoved());
        assertEquals(ids('a', 'c'), present(cache, 'a', 'b', 'c'));
    }
}
