package io.cudawasm.runtime.cache;

import java.util.Objects;

/**
 * Result of pre-warming one key with {@link KernelCache#warm}.
 *
 * @param message {@code null} for {@link Status#HIT} and {@link Status#COMPILED}; otherwise why
 */
public record WarmOutcome(String id, Status status, String message) {

    public enum Status {
        /** Already cached (or compiled meanwhile by a concurrent caller in this process). */
        HIT,
        /** Compiled and stored. */
        COMPILED,
        /** Compiled, but the entry could not be stored; the message says why. */
        COMPILED_NOT_CACHED,
        /** The compiler failed; the message says why. */
        FAILED
    }

    public WarmOutcome {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
    }
}
