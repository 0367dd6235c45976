package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class GetOrComputeConcurrencyTest {
    private static final int CALLERS = 8;

    @TempDir
    Path dir;

    private final ExecutorService pool = Executors.newFixedThreadPool(CALLERS);

    @AfterEach
    void stopPool() {
        pool.shutdownNow();
    }

    /** Counts callers that found the compile in flight and are about to wait for it. */
    private static CacheHooks countingJoins(CountDownLatch joined) {
        return new CacheHooks() {
            @Override
            public void joinedInFlight(String id) {
                joined.countDown();
            }
        };
    }

    private List<Future<CacheEntry>> callAll(KernelCache cache, CacheKey key, ArtifactCompiler compiler) {
        CountDownLatch start = new CountDownLatch(1);
        List<Future<CacheEntry>> results = new ArrayList<>();
        for (int i = 0; i < CALLERS; i++) {
            results.add(pool.submit(() -> {
                start.await();
                return cache.getOrCompute(key, compiler);
            }));
        }
        start.countDown();
        return results;
    }

    @Test
    void concurrentCallersForOneKeyShareASingleCompile() throws Exception {
        CountDownLatch joined = new CountDownLatch(CALLERS - 1);
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), CacheListener.NONE, Clock.systemUTC(), countingJoins(joined));
        CacheKey key = TestKernels.key("popular");
        AtomicInteger compiles = new AtomicInteger();
        // The compile finishes only once every other caller is waiting on it.
        ArtifactCompiler compiler = k -> {
            compiles.incrementAndGet();
            if (!joined.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other callers never joined");
            }
            return TestKernels.compiled(k);
        };

        List<Future<CacheEntry>> results = callAll(cache, key, compiler);

        CacheEntry first = results.get(0).get(30, TimeUnit.SECONDS);
        for (Future<CacheEntry> result : results) {
            CacheEntry entry = result.get(30, TimeUnit.SECONDS);
            assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key)));
            assertEquals(first, entry);
        }
        assertEquals(1, compiles.get());
        CacheStats stats = cache.stats();
        assertEquals(1, stats.misses());
        assertEquals(CALLERS - 1, stats.hits());
        assertEquals(1, stats.currentEntries());
    }

    @Test
    void aFailedCompileFailsEveryWaiterOnceAndALaterCallRetries() throws Exception {
        CountDownLatch joined = new CountDownLatch(CALLERS - 1);
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), CacheListener.NONE, Clock.systemUTC(), countingJoins(joined));
        CacheKey key = TestKernels.key("broken");
        AtomicInteger compiles = new AtomicInteger();
        ArtifactCompiler failing = k -> {
            compiles.incrementAndGet();
            if (!joined.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the other callers never joined");
            }
            throw new IllegalArgumentException("error: expected ';' at line 7");
        };

        for (Future<CacheEntry> result : callAll(cache, key, failing)) {
            ExecutionException e = assertThrows(
                    ExecutionException.class, () -> result.get(30, TimeUnit.SECONDS));
            ArtifactCompileException failure = assertInstanceOf(ArtifactCompileException.class, e.getCause());
            assertTrue(failure.getMessage().contains("expected ';' at line 7"), failure.getMessage());
            assertEquals(key.id(), failure.id());
        }
        assertEquals(1, compiles.get());

        CacheEntry retried = cache.getOrCompute(key, k -> {
            compiles.incrementAndGet();
            return TestKernels.compiled(k);
        });
        assertEquals(2, compiles.get());
        assertTrue(TestKernels.sameArtifacts(retried, TestKernels.artifacts(key)));
    }

    @Test
    void compilesOfDifferentKeysRunInParallel() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey slow = TestKernels.key("slowKernel");
        CacheKey fast = TestKernels.key("fastKernel");
        CountDownLatch fastStarted = new CountDownLatch(1);
        // The slow compile cannot finish until the fast one has started: a cache that held a lock
        // while compiling would make this time out instead.
        Future<CacheEntry> slowResult = pool.submit(() -> cache.getOrCompute(slow, k -> {
            if (!fastStarted.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("compiles were serialized");
            }
            return TestKernels.compiled(k);
        }));
        Future<CacheEntry> fastResult = pool.submit(() -> cache.getOrCompute(fast, k -> {
            fastStarted.countDown();
            return TestKernels.compiled(k);
        }));

        assertTrue(TestKernels.sameArtifacts(slowResult.get(30, TimeUnit.SECONDS), TestKernels.artifacts(slow)));
        assertTrue(TestKernels.sameArtifacts(fastResult.get(30, TimeUnit.SECONDS), TestKernels.artifacts(fast)));
    }

    @Test
    void aCompilerReturningUnusableArtifactsIsACompileFailure() {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey key = TestKernels.key("badOutput");
        ArtifactCompileException nothing = assertThrows(
                ArtifactCompileException.class, () -> cache.getOrCompute(key, k -> null));
        assertTrue(nothing.getMessage().contains("returned nothing"), nothing.getMessage());
        ArtifactCompileException badName = assertThrows(
                ArtifactCompileException.class,
                () -> cache.getOrCompute(key, k -> CompiledArtifacts.of(Map.of("../x", new byte[1]))));
        assertTrue(badName.getMessage().contains("invalid artifact name"), badName.getMessage());
        assertNull(badName.getCause());
    }
}
