package io.cudawasm.nutanix.prism;

import java.time.Duration;
import java.util.Objects;

/**
 * When and how long to wait before repeating a failed request.
 *
 * <p>I/O errors and HTTP 408/429/502/503/504 are retried up to {@code maxAttempts} requests in all. The n-th
 * retry waits a random time between half and all of {@code baseDelay * 2^(n-1)}, capped at
 * {@code maxDelay} ("equal jitter": spreads out clients that failed together, never waits less than half).
 * A {@code Retry-After} header replaces the computed delay, still capped at {@code maxDelay}.
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    /** Five attempts, 1 s doubling to at most 30 s (the project's Prism reference). */
    public static final RetryPolicy DEFAULT = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));

    /** One attempt, no retries. */
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        if (baseDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("retry delays cannot be negative");
        }
        if (maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than baseDelay " + baseDelay);
        }
    }

    /** The exponential delay before retry number {@code retry} (1 for the first retry), before jitter. */
    public Duration ceilingForRetry(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry numbers start at 1");
        }
        long base = baseDelay.toNanos();
        int shift = Math.min(retry - 1, 62);
        long nanos = base > (Long.MAX_VALUE >> shift) ? Long.MAX_VALUE : base << shift;
        return nanos >= maxDelay.toNanos() ? maxDelay : Duration.ofNanos(nanos);
    }

    /** The delay before retry number {@code retry}, given a uniform random number in [0, 1]. */
    public Duration delayForRetry(int retry, double jitter) {
        if (jitter < 0 || jitter > 1 || Double.isNaN(jitter)) {
            throw new IllegalArgumentException("jitter must lie in [0, 1], was " + jitter);
        }
        long ceiling = ceilingForRetry(retry).toNanos();
        return Duration.ofNanos(ceiling / 2 + (long) ((ceiling - ceiling / 2) * jitter));
    }

    /** A server-requested delay, capped at {@code maxDelay}. */
    public Duration capped(Duration requested) {
        if (requested.isNegative()) {
            return Duration.ZERO;
        }
        return requested.compareTo(maxDelay) > 0 ? maxDelay : requested;
    }
}
