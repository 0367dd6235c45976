package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two JVMs hammer one cache directory: both put the same keys (racing to publish), each puts its
 * own keys, both remove shared keys and clean temp with a temp age of zero, and a small cap makes
 * both evict. No process may ever see an invalid entry, no put may fail, and afterwards every entry
 * must verify with nothing left in tmp/.
 */
@Timeout(180)
class MultiProcessCacheTest {
    private static final Duration DEADLINE = Duration.ofSeconds(120);
    private static final int ROUNDS = 12;
    private static final Pattern RESULT = Pattern.compile(
            "RESULT (\\w+) puts=(\\d+) putFailures=(\\d+) reads=(\\d+) invalid=(\\d+) corrupt=(\\d+) evictions=(\\d+)");

    @TempDir
    Path dir;

    @Test
    void twoProcessesWritingConcurrentlyLeaveOnlyValidEntries() throws Exception {
        // Room for roughly a dozen entries: the children evict each other's entries all along.
        long maxBytes = 400_000;
        Map<String, Matcher> results = new HashMap<>();
        try (ChildJvm a = ChildJvm.start("a", ConcurrentWriterChild.class, dir.toString(), "a", "" + ROUNDS, "" + maxBytes);
                ChildJvm b = ChildJvm.start("b", ConcurrentWriterChild.class, dir.toString(), "b", "" + ROUNDS, "" + maxBytes)) {
            a.awaitLine("READY", DEADLINE);
            b.awaitLine("READY", DEADLINE);
            a.send("go");
            b.send("go");
            for (ChildJvm child : List.of(a, b)) {
                String result = child.awaitLine("RESULT", DEADLINE);
                System.out.println(result);
                Matcher m = RESULT.matcher(result);
                assertTrue(m.matches(), child.transcript());
                results.put(m.group(1), m);
                assertEquals(0, child.awaitExit(DEADLINE), child.transcript());
                assertFalse(child.transcript().contains("INVALID"), child.transcript());
                assertFalse(child.transcript().contains("PUT FAILED"), child.transcript());
            }
        }

        int putsPerProcess = ROUNDS * (ConcurrentWriterChild.SHARED_KEYS + 1);
        for (String process : List.of("a", "b")) {
            Matcher m = results.get(process);
            assertEquals(putsPerProcess, Integer.parseInt(m.group(2)), process + " puts");
            assertEquals(0, Integer.parseInt(m.group(3)), process + " put failures");
            assertEquals(0, Integer.parseInt(m.group(5)), process + " saw invalid entries");
            assertEquals(0, Integer.parseInt(m.group(6)), process + " found corrupt entries");
        }
        long evictions = Long.parseLong(results.get("a").group(7)) + Long.parseLong(results.get("b").group(7));
        assertTrue(evictions > 0, "the cap forced evictions, so eviction raced with the writers");

        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "no staging dirs, lock files or removed entries left");
        }
        Map<String, CacheKey> keysById = new HashMap<>();
        Map<String, String> namesById = new HashMap<>();
        for (int i = 0; i < ConcurrentWriterChild.SHARED_KEYS; i++) {
            register(keysById, namesById, ConcurrentWriterChild.sharedName(i));
        }
        for (int round = 0; round < ROUNDS; round++) {
            register(keysById, namesById, ConcurrentWriterChild.ownName("a", round));
            register(keysById, namesById, ConcurrentWriterChild.ownName("b", round));
        }
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        List<CacheEntrySummary> entries = cache.list();
        assertFalse(entries.isEmpty());
        for (CacheEntrySummary summary : entries) {
            CacheKey key = keysById.get(summary.id());
            assertTrue(key != null, "unexpected entry " + summary.id());
            CacheEntry entry = cache.get(summary.id()).orElseThrow();
            String name = namesById.get(summary.id());
            assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key, ConcurrentWriterChild.sizeOf(name))), name);
        }
        assertEquals(0, cache.stats().corruptDiscarded());
        assertTrue(cache.stats().currentBytes() <= maxBytes + 70_000,
                "at most the cap plus the one entry that may exceed it: " + cache.stats().currentBytes());
    }

    private static void register(Map<String, CacheKey> keysById, Map<String, String> namesById, String name) {
        CacheKey key = TestKernels.key(name);
        keysById.put(key.id(), key);
        namesById.put(key.id(), name);
    }
}
