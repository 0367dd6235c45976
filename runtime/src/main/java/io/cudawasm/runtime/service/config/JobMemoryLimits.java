package io.cudawasm.runtime.service.config;

/**
 * Heap the worker lets jobs hold at once. A job reserves its buffers and outputs when it is
 * accepted, so a job that cannot fit is refused (429, or 413 when it could never fit) before
 * anything of it runs, instead of the worker running out of memory half way.
 *
 * @param activeBytes buffers and outputs of accepted, unfinished jobs together
 * @param retainedOutputBytes outputs kept for finished asynchronous jobs (reserved at acceptance)
 * @param retainedJobs asynchronous jobs kept (unfinished and finished together)
 */
public record JobMemoryLimits(long activeBytes, long retainedOutputBytes, int retainedJobs) {
    public static final int DEFAULT_RETAINED_JOBS = 10_000;

    public JobMemoryLimits {
        if (activeBytes < 1 || retainedOutputBytes < 1 || retainedJobs < 1) {
            throw new IllegalArgumentException("job memory limits must be positive");
        }
    }

    /**
     * From the heap: 35 % for running jobs, 15 % for kept outputs; compiles get 25 %
     * ({@link CompileSettings}), request bodies 15 % ({@link HttpLimits}); the rest is the
     * worker's own (HTTP, the kernel cache, rendering answers).
     */
    public static JobMemoryLimits fromHeap(long maxHeapBytes) {
        return new JobMemoryLimits(Math.max(64L << 20, maxHeapBytes / 20 * 7), Math.max(32L << 20,
                maxHeapBytes / 20 * 3), DEFAULT_RETAINED_JOBS);
    }

    public JobMemoryLimits withActiveBytes(long v) {
        return new JobMemoryLimits(v, retainedOutputBytes, retainedJobs);
    }

    public JobMemoryLimits withRetainedOutputBytes(long v) {
        return new JobMemoryLimits(activeBytes, v, retainedJobs);
    }

    public JobMemoryLimits withRetainedJobs(int v) {
        return new JobMemoryLimits(activeBytes, retainedOutputBytes, v);
    }
}
