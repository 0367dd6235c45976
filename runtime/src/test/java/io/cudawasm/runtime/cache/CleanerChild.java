package io.cudawasm.runtime.cache;

import java.nio.file.Path;
import java.time.Duration;

/**
 * Child JVM that runs one temp cleanup with a temp age of zero and prints "CLEANED n": a cleaner
 * in another process, which only a writer's file lock can stop.
 *
 * <p>Arguments: cache dir.
 */
public final class CleanerChild {
    private CleanerChild() {}

    public static void main(String[] args) throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(Path.of(args[0])).withTempMaxAge(Duration.ZERO));
        System.out.println("CLEANED " + cache.cleanUpTemp());
    }
}
