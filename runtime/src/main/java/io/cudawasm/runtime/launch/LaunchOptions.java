package io.cudawasm.runtime.launch;

import java.time.Duration;

/**
 * How to run a launch.
 *
 * @param timeLimit the kernel is stopped after this long (null: no limit)
 * @param threads worker threads for the CPU path (0: all cores)
 * @param cancellation stops the launch from outside (null: not cancellable)
 */
public record LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation) {
    public static final LaunchOptions DEFAULT = new LaunchOptions(null, 0, null);

    public LaunchOptions withThreads(int n) {
        return new LaunchOptions(timeLimit, n, cancellation);
    }

    public LaunchOptions withTimeLimit(Duration d) {
        return new LaunchOptions(d, threads, cancellation);
    }

    public LaunchOptions withCancellation(Cancellation c) {
        return new LaunchOptions(timeLimit, threads, c);
    }
}
