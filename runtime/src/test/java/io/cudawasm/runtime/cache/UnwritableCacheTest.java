package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Storage failures must never fail a job: the compiled artifacts are returned uncached. */
class UnwritableCacheTest {
    @TempDir
    Path dir;

    /**
     * A cache directory below a regular file can be neither created nor written, even by root
     * (file permissions would not stop root, and tests may run as root in containers).
     */
    private Path impossibleDirectory() throws IOException {
        Path blocker = Files.writeString(dir.resolve("not-a-directory"), "x");
        return blocker.resolve("kernels");
    }

    @Test
    void anUnusableDirectoryIsReportedNotWritableAndJobsStillGetTheirArtifacts() throws Exception {
        RecordingListener listener = new RecordingListener();
        KernelCache cache = KernelCache.open(CacheSettings.of(impossibleDirectory()), listener);
        CacheKey key = TestKernels.key("uncachable");
        AtomicInteger compiles = new AtomicInteger();

        assertFalse(cache.isWritable());
        CacheEntry entry = cache.getOrCompute(key, k -> {
            compiles.incrementAndGet();
            return TestKernels.compiled(k);
        });

        assertEquals(1, compiles.get());
        assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key)));
        assertEquals(Map.of("entry", "kernel"), entry.metadata());
        assertEquals(1, cache.stats().writeFailures());
        assertEquals(1, listener.ofKind("writeFailure").size());
        assertTrue(cache.get(key).isEmpty());
        CacheWriteException failure = assertThrows(CacheWriteException.class,
                () -> cache.put(key, TestKernels.artifacts(key), Map.of()));
        assertEquals(key.id(), failure.id());
        assertThrows(IOException.class, cache::list, "listing a broken directory reports the problem");
    }

    @Test
    void warmReportsCompiledButNotCached() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(impossibleDirectory()));
        CacheKey key = TestKernels.key("warmUncachable");

        List<WarmOutcome> outcomes = cache.warm(List.of(key), TestKernels::compiled);

        assertEquals(WarmOutcome.Status.COMPILED_NOT_CACHED, outcomes.get(0).status());
        assertTrue(outcomes.get(0).message().contains(key.id()), outcomes.get(0).message());
    }

    @Test
    void aFullDiskDuringAWriteLeavesNothingAndTheJobStillGetsItsArtifacts() throws Exception {
        AtomicBoolean diskFull = new AtomicBoolean(true);
        CacheHooks noSpace = new CacheHooks() {
            @Override
            public void afterChunkWritten(Path stagingDir, String artifact, long written, long total) throws IOException {
                if (diskFull.get()) {
                    throw new IOException("No space left on device");
                }
            }
        };
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), CacheListener.NONE, Clock.systemUTC(), noSpace);
        CacheKey key = TestKernels.key("diskFull");

        CacheEntry entry = cache.getOrCompute(key, TestKernels::compiled);

        assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key)));
        assertEquals(1, cache.stats().writeFailures());
        assertTrue(cache.get(key).isEmpty(), "nothing half-written is visible");
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "the failed writer removed its staging dir");
        }

        diskFull.set(false);
        cache.put(key, TestKernels.artifacts(key), Map.of());
        assertTrue(TestKernels.sameArtifacts(cache.get(key).orElseThrow(), TestKernels.artifacts(key)));
    }
}
