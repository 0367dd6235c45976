package io.cudawasm.nutanix.prism;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** HTTP 429 after the allowed retries; carries the last {@code Retry-After}, when Prism sent one. */
public final class PrismRateLimitedException extends PrismException {
    private final Duration retryAfter;

    public PrismRateLimitedException(
            String operation, List<PrismMessage> messages, String summary, Optional<Duration> retryAfter) {
        super(operation, 429, messages, summary, null);
        this.retryAfter = retryAfter.orElse(null);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
