package io.cudawasm.runtime.launch;

import java.time.Duration;

/**
 * How to run a launch.
 *
 * @param timeLimit the kernel is stopped after this long (null: no limit)
 * @param threads worker threads for the CPU path (0: all cores)
 * @param cancellation stops the launch from outside (null: not cancellable)
 * @param memcheck check every memory access against the bounds of the buffer, shared or local array
 *     it was derived from, and fail the launch with the violations found ({@link LaunchException#violations()});
 *     CPU path only, several times slower
 */
public record LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation, boolean memcheck) {
    public static final LaunchOptions DEFAULT = new LaunchOptions(null, 0, null, false);

    public LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation) {
        this(timeLimit, threads, cancellation, false);
    }

    public LaunchOptions withThreads(int n) {
        return new LaunchOptions(timeLimit, n, cancellation, memcheck);
    }

    public LaunchOptions withTimeLimit(Duration d) {
        return new LaunchOptions(d, threads, cancellation, memcheck);
    }

    public LaunchOptions withCancellation(Cancellation c) {
        return new LaunchOptions(timeLimit, threads, c, memcheck);
    }

    public LaunchOptions withMemcheck(boolean on) {
        return new LaunchOptions(timeLimit, threads, cancellation, on);
    }
}
