package io.cudawasm.runtime.executor;

import java.time.Instant;

/**
 * One native device's executor as {@code /v1/capabilities} and {@code /readyz} show it.
 *
 * @param state {@code not started}, {@code running}, {@code restarting}, {@code unavailable} (crash
 *     loop; jobs get 503 until {@code unavailableUntil}) or {@code stopped}
 * @param pid the running executor's process id, null when none runs
 * @param runs executors started so far (the first and every restart)
 * @param deaths executor ends other than stops: crashes, kills, hangs, resets after faulting launches
 * @param activity the request it is working on ("launch of kernel 'k'"), null when idle
 * @param lastExit how the last one ended ("died with SIGSEGV in ...", "reset after kernel 'k' failed: ...")
 */
public record ExecutorStatus(String backend, String state, Long pid, int runs, long restarts, long deaths,
        String activity, String lastExit, Instant lastExitAt, Instant unavailableUntil, String unavailableReason) {}
