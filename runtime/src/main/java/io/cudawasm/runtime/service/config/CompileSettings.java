package io.cudawasm.runtime.service.config;

import io.cudawasm.kernels.CompileLimits;
import java.time.Duration;

/**
 * How kernels are compiled for requests: on a pool of their own (never on HTTP threads), with a
 * queue, a time limit and a heap budget; the compiler's own limits (template depth, tokens, …)
 * come from {@code CUDA_WASM_COMPILE_LIMITS}.
 *
 * @param threads compiles running at once
 * @param maxQueued compiles waiting for a thread; one more is refused with 429
 * @param timeLimit longest one compile may take (the compiler is stopped)
 * @param heapBytes heap that running compiles may need together (each one's bound is estimated
 *     from its size and limits); a compile that could never fit is refused with 413
 * @param limitOverrides {@code key=value} pairs over the compiler's default limits, as in
 *     {@code template-depth=512,ast-nodes=2000000} (empty: the defaults)
 */
public record CompileSettings(int threads, int maxQueued, Duration timeLimit, long heapBytes, String limitOverrides) {
    public static final int DEFAULT_MAX_QUEUED = 16;
    public static final Duration DEFAULT_TIME_LIMIT = Duration.ofSeconds(5);

    public CompileSettings {
        if (threads < 1 || maxQueued < 0 || heapBytes < 1) {
            throw new IllegalArgumentException("compile threads and heap must be positive, the queue not negative");
        }
        if (timeLimit.isZero() || timeLimit.isNegative()) {
            throw new IllegalArgumentException("the compile time limit must be positive");
        }
        limitOverrides = limitOverrides == null ? "" : limitOverrides.strip();
        if (!limitOverrides.isEmpty()) {
            CompileLimits.defaults().withOverrides(limitOverrides); // fails at start-up, not at the first compile
        }
    }

    /**
     * Half the cores (at least one), a quarter of the heap: the largest compile the compiler's
     * default limits allow is bounded by about 215 MB, so a 1 GiB worker can still run it.
     */
    public static CompileSettings defaults(int cores, long maxHeapBytes) {
        return new CompileSettings(Math.max(1, cores / 2), DEFAULT_MAX_QUEUED, DEFAULT_TIME_LIMIT,
                Math.max(32L << 20, maxHeapBytes / 4), "");
    }

    /**
     * The compiler's limits: its defaults with this time limit, then {@code limitOverrides}
     * (which may also set {@code time}).
     *
     * @throws IllegalArgumentException for an unknown key or a bad value
     */
    public CompileLimits limits() {
        CompileLimits base = CompileLimits.defaults().withTimeLimit(timeLimit);
        return limitOverrides.isEmpty() ? base : base.withOverrides(limitOverrides);
    }

    public CompileSettings withThreads(int n) {
        return new CompileSettings(n, maxQueued, timeLimit, heapBytes, limitOverrides);
    }

    public CompileSettings withMaxQueued(int n) {
        return new CompileSettings(threads, n, timeLimit, heapBytes, limitOverrides);
    }

    public CompileSettings withTimeLimit(Duration d) {
        return new CompileSettings(threads, maxQueued, d, heapBytes, limitOverrides);
    }

    public CompileSettings withHeapBytes(long v) {
        return new CompileSettings(threads, maxQueued, timeLimit, v, limitOverrides);
    }

    public CompileSettings withLimitOverrides(String v) {
        return new CompileSettings(threads, maxQueued, timeLimit, heapBytes, v);
    }
}
