package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A writer process killed with SIGKILL in the middle of an artifact. */
@Timeout(120)
class CrashSafetyTest {
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private List<String> tmpNames() throws Exception {
        try (Stream<Path> items = Files.list(dir.resolve("tmp"))) {
            return items.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aWriterKilledMidWriteLeavesNoCorruptEntryAndItsLeftoversAreCleanedNextStart() throws Exception {
        CacheKey small = TestKernels.key(SlowWriterChild.SMALL);
        CacheKey large = TestKernels.key(SlowWriterChild.LARGE);
        Path staging;
        try (ChildJvm child = ChildJvm.start("slow-writer", SlowWriterChild.class, dir.toString())) {
            assertEquals("STORED " + small.id(), child.awaitLine("STORED ", DEADLINE));
            staging = Path.of(child.awaitLine("WRITING ", DEADLINE).substring("WRITING ".length()));
            assertTrue(Files.isDirectory(staging), staging.toString());

            // While the writer lives, even an impatient cleaner (temp age zero) must leave it alone:
            // the child holds the lock on the staging dir's lock file.
            KernelCache whileAlive = KernelCache.open(CacheSettings.of(dir).withTempMaxAge(Duration.ZERO));
            assertEquals(0, whileAlive.cleanUpTemp());
            assertTrue(Files.isDirectory(staging), "a live writer's staging dir survives cleanup");
            assertTrue(whileAlive.get(large).isEmpty(), "a half-written entry is invisible");

            child.killHard(DEADLINE);
            assertFalse(child.isAlive());
        }

        // Right after the crash: the large entry is a plain miss (never corrupt), the small one intact.
        KernelCache afterCrash = KernelCache.open(CacheSettings.of(dir).withTempMaxAge(Duration.ofHours(1)));
        assertTrue(afterCrash.get(large).isEmpty());
        assertTrue(TestKernels.sameArtifacts(afterCrash.get(small).orElseThrow(), TestKernels.artifacts(small)));
        assertEquals(0, afterCrash.stats().corruptDiscarded());
        assertTrue(Files.isDirectory(staging), "too young to be cleaned with a one-hour temp age");

        // The next start after the temp age (here: a clock two hours ahead) removes the leftovers.
        MutableClock later = new MutableClock(Instant.now().plus(Duration.ofHours(2)));
        KernelCache nextStart = KernelCache.open(
                CacheSettings.of(dir).withTempMaxAge(Duration.ofHours(1)), CacheListener.NONE, later, CacheHooks.NONE);
        assertFalse(Files.exists(staging), "dead writer's staging dir removed");
        assertEquals(List.of(), tmpNames(), "its lock file too");

        CacheEntry rebuilt = nextStart.getOrCompute(large, k -> CompiledArtifacts.of(TestKernels.artifacts(k, SlowWriterChild.LARGE_BYTES)));
        assertTrue(TestKernels.sameArtifacts(rebuilt, TestKernels.artifacts(large, SlowWriterChild.LARGE_BYTES)));
        assertTrue(TestKernels.sameArtifacts(nextStart.get(large).orElseThrow(),
                TestKernels.artifacts(large, SlowWriterChild.LARGE_BYTES)));
        assertEquals(0, nextStart.stats().corruptDiscarded());
    }
}
