package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Child JVM of {@link CrashSafetyTest}: stores a small entry, then starts storing a large one and
 * stops in the middle of writing it (after the first chunk), saying so on stdout, until killed.
 *
 * <p>Arguments: cache dir.
 */
public final class SlowWriterChild {
    static final String SMALL = "survivor";
    static final String LARGE = "interrupted";
    static final int LARGE_BYTES = 1024 * 1024;

    private SlowWriterChild() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        CountDownLatch never = new CountDownLatch(1);
        CacheHooks stallInLargeArtifact = new CacheHooks() {
            @Override
            public void afterChunkWritten(Path stagingDir, String artifact, long written, long total) throws IOException {
                if (total == LARGE_BYTES && written < total) {
                    System.out.println("WRITING " + stagingDir);
                    System.out.flush();
                    try {
                        // Bounded, so an orphaned child still ends; the test kills it long before.
                        never.await(2, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new IOException("stalled writer gave up");
                }
            }
        };
        KernelCache cache = KernelCache.open(
                CacheSettings.of(dir), CacheListener.NONE, Clock.systemUTC(), stallInLargeArtifact);
        CacheKey small = TestKernels.key(SMALL);
        cache.put(small, TestKernels.artifacts(small), Map.of());
        System.out.println("STORED " + small.id());
        System.out.flush();
        CacheKey large = TestKernels.key(LARGE);
        cache.put(large, TestKernels.artifacts(large, LARGE_BYTES), Map.of());
        System.out.println("UNEXPECTED the large put completed");
    }
}
