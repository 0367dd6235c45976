package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(60)
class StagingCleanupTest {
    @TempDir
    Path dir;

    @TempDir
    Path alias;

    private List<String> tmpNames() throws IOException {
        try (Stream<Path> items = Files.list(dir.resolve("tmp"))) {
            return items.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void leftoversOfDeadWritersAreRemovedOnceOldEnough() throws Exception {
        KernelCache.open(CacheSettings.of(dir));
        String id = TestKernels.key("crashed").id();
        // What a writer killed mid-write leaves: its staging dir and its (no longer locked) lock file.
        Path staging = Files.createDirectory(dir.resolve("tmp").resolve("w-" + id + "-4242-deadbeef"));
        Files.write(staging.resolve("module.wasm"), new byte[1234]);
        Files.writeString(dir.resolve("tmp").resolve("w-" + id + "-4242-deadbeef.lock"), "pid 4242\n");
        // An entry whose removal was interrupted.
        Path discarded = Files.createDirectory(dir.resolve("tmp").resolve("d-" + id + "-cafebabe"));
        Files.writeString(discarded.resolve("kernel.ptx"), ".version 8.0");
        Instant now = Instant.now();

        MutableClock clock = new MutableClock(now);
        KernelCache tooEarly = KernelCache.open(
                CacheSettings.of(dir).withTempMaxAge(Duration.ofHours(1)), CacheListener.NONE, clock, CacheHooks.NONE);
        assertEquals(3, tmpNames().size(), "younger than the temp age: kept");

        clock.set(now.plus(Duration.ofHours(2)));
        assertEquals(2, tooEarly.cleanUpTemp());
        assertEquals(List.of(), tmpNames());
    }

    /** The cleaner may reach the same directory through a symlink (another mount path, say). */
    @ParameterizedTest(name = "cleaner through symlink: {0}")
    @ValueSource(booleans = {false, true})
    void aLiveWriterInThisProcessIsNeverCleanedEvenWithTempAgeZero(boolean throughSymlink) throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch mayFinish = new CountDownLatch(1);
        CacheHooks stall = new CacheHooks() {
            @Override
            public void afterChunkWritten(Path stagingDir, String artifact, long written, long total) {
                if (artifact.equals("module.wasm") && writing.getCount() == 1) {
                    writing.countDown();
                    try {
                        mayFinish.await(30, TimeUnit.SECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
            }
        };
        KernelCache writer = KernelCache.open(CacheSettings.of(dir), CacheListener.NONE, Clock.systemUTC(), stall);
        CacheKey key = TestKernels.key("inProgress");
        CompletableFuture<CacheEntry> put = CompletableFuture.supplyAsync(() -> {
            try {
                return writer.put(key, TestKernels.artifacts(key, 600_000), Map.of());
            } catch (CacheWriteException e) {
                throw new IllegalStateException(e);
            }
        });
        assertTrue(writing.await(30, TimeUnit.SECONDS), "writer reached the middle of its artifact");
        List<String> during = tmpNames();
        assertEquals(2, during.size(), "staging dir and its lock file: " + during);

        Path cleanerView = throughSymlink ? Files.createSymbolicLink(alias.resolve("cache"), dir) : dir;
        KernelCache impatient = KernelCache.open(CacheSettings.of(cleanerView).withTempMaxAge(Duration.ZERO));
        assertEquals(0, impatient.cleanUpTemp());
        assertEquals(0, impatient.prune(Long.MAX_VALUE).tempItemsRemoved());
        assertEquals(during, tmpNames());
        // Closing a second channel on the lock file would have dropped the writer's lock at the OS
        // level without this JVM noticing; a cleaner in another process would then delete the dir.
        try (ChildJvm otherProcess = ChildJvm.start("cleaner", CleanerChild.class, dir.toString())) {
            assertEquals("CLEANED 0", otherProcess.awaitLine("CLEANED", Duration.ofSeconds(60)));
            assertEquals(0, otherProcess.awaitExit(Duration.ofSeconds(60)));
        }
        assertEquals(during, tmpNames());

        mayFinish.countDown();
        put.get(30, TimeUnit.SECONDS);
        assertTrue(TestKernels.sameArtifacts(impatient.get(key).orElseThrow(), TestKernels.artifacts(key, 600_000)));
        assertEquals(List.of(), tmpNames());
        assertFalse(Files.exists(dir.resolve("tmp").resolve(during.get(0))));
    }
}
