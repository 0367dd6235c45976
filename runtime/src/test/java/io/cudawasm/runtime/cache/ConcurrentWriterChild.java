package io.cudawasm.runtime.cache;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Child JVM of {@link MultiProcessCacheTest}: after "go" on stdin, puts the shared keys (raced by
 * the sibling process) and its own keys in a loop, removes shared keys now and then, cleans temp,
 * and checks every entry it reads. Prints one RESULT line.
 *
 * <p>Arguments: cache dir, process name, rounds, max bytes.
 */
public final class ConcurrentWriterChild {
    static final int SHARED_KEYS = 4;

    private ConcurrentWriterChild() {}

    static String sharedName(int i) {
        return "shared" + i;
    }

    static String ownName(String process, int round) {
        return process + "_own" + round;
    }

    /** Sizes differ per key, so entries of different keys have different lengths. */
    static int sizeOf(String name) {
        return 2_000 + Math.floorMod(name.hashCode(), 60_000);
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String process = args[1];
        int rounds = Integer.parseInt(args[2]);
        long maxBytes = Long.parseLong(args[3]);
        // Temp age zero: only the writers' locks protect live staging dirs from the sibling's cleanup.
        KernelCache cache = KernelCache.open(new CacheSettings(dir, maxBytes, Duration.ZERO));
        System.out.println("READY " + process);
        System.out.flush();
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();

        int puts = 0;
        int putFailures = 0;
        int reads = 0;
        int invalid = 0;
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < SHARED_KEYS; i++) {
                String name = sharedName(i);
                if (put(cache, name)) {
                    puts++;
                } else {
                    putFailures++;
                }
                reads++;
                invalid += check(cache, name);
            }
            String own = ownName(process, round);
            if (put(cache, own)) {
                puts++;
            } else {
                putFailures++;
            }
            reads++;
            invalid += check(cache, own);
            if (round % 3 == 0) {
                cache.remove(TestKernels.key(sharedName(round % SHARED_KEYS)).id());
            }
            if (round % 5 == 0) {
                cache.cleanUpTemp();
            }
        }
        CacheStats stats = cache.stats();
        System.out.println("RESULT " + process + " puts=" + puts + " putFailures=" + putFailures + " reads=" + reads
                + " invalid=" + invalid + " corrupt=" + stats.corruptDiscarded() + " evictions=" + stats.evictions());
        System.out.flush();
    }

    private static boolean put(KernelCache cache, String name) {
        CacheKey key = TestKernels.key(name);
        try {
            cache.put(key, TestKernels.artifacts(key, sizeOf(name)), Map.of("writer", "child"));
            return true;
        } catch (CacheWriteException e) {
            System.out.println("PUT FAILED " + name + ": " + e);
            return false;
        }
    }

    /** 0 if the entry is absent (evicted or removed by the sibling) or exactly as expected, else 1. */
    private static int check(KernelCache cache, String name) {
        CacheKey key = TestKernels.key(name);
        Optional<CacheEntry> entry = cache.get(key);
        if (entry.isEmpty() || TestKernels.sameArtifacts(entry.get(), TestKernels.artifacts(key, sizeOf(name)))) {
            return 0;
        }
        System.out.println("INVALID " + name + ": " + entry.get());
        return 1;
    }
}
