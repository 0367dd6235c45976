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
 * @param cooperative a cooperative launch (cudaLaunchCooperativeKernel): every block runs at once, so
 *     the grid may be no larger than the device runs at once, and {@code this_grid().is_valid()} is
 *     true. A kernel that calls {@code grid.sync()} is launched so whatever this says; CPU path only
 * @param independentThreads independent thread scheduling (Volta and later): every CUDA thread of a
 *     block on a host thread of its own, so threads may wait for each other anywhere (spin waits,
 *     barriers of part of a block, producer and consumer roles); much slower than the usual block
 *     loops. A kernel with a pipeline of producer and consumer roles is run so whatever this says;
 *     CPU path only
 */
public record LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation, boolean memcheck,
        boolean cooperative, boolean independentThreads) {
    public static final LaunchOptions DEFAULT = new LaunchOptions(null, 0, null, false, false, false);

    public LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation) {
        this(timeLimit, threads, cancellation, false, false, false);
    }

    public LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation, boolean memcheck) {
        this(timeLimit, threads, cancellation, memcheck, false, false);
    }

    public LaunchOptions(Duration timeLimit, int threads, Cancellation cancellation, boolean memcheck,
            boolean cooperative) {
        this(timeLimit, threads, cancellation, memcheck, cooperative, false);
    }

    public LaunchOptions withThreads(int n) {
        return new LaunchOptions(timeLimit, n, cancellation, memcheck, cooperative, independentThreads);
    }

    public LaunchOptions withTimeLimit(Duration d) {
        return new LaunchOptions(d, threads, cancellation, memcheck, cooperative, independentThreads);
    }

    public LaunchOptions withCancellation(Cancellation c) {
        return new LaunchOptions(timeLimit, threads, c, memcheck, cooperative, independentThreads);
    }

    public LaunchOptions withMemcheck(boolean on) {
        return new LaunchOptions(timeLimit, threads, cancellation, on, cooperative, independentThreads);
    }

    public LaunchOptions withCooperative(boolean on) {
        return new LaunchOptions(timeLimit, threads, cancellation, memcheck, on, independentThreads);
    }

    public LaunchOptions withIndependentThreads(boolean on) {
        return new LaunchOptions(timeLimit, threads, cancellation, memcheck, cooperative, on);
    }
}
