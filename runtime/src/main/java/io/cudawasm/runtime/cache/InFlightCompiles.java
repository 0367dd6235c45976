package io.cudawasm.runtime.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Compiles running in this JVM, by entry path, so that concurrent callers for one key wait for
 * the first instead of compiling again. JVM-wide because several {@link KernelCache} instances may
 * share a directory.
 */
final class InFlightCompiles {
    private static final ConcurrentHashMap<String, CompletableFuture<Resolution>> FLIGHTS = new ConcurrentHashMap<>();

    private InFlightCompiles() {}

    /**
     * Registers {@code mine} unless a compile of {@code flight} is already running.
     *
     * @return {@code null} if the caller now leads and must {@link #finish}, else the running compile
     */
    static CompletableFuture<Resolution> joinOrLead(String flight, CompletableFuture<Resolution> mine) {
        return FLIGHTS.putIfAbsent(flight, mine);
    }

    static void finish(String flight, CompletableFuture<Resolution> mine) {
        FLIGHTS.remove(flight, mine);
    }
}
