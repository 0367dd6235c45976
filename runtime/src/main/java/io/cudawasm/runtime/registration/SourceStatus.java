package io.cudawasm.runtime.registration;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Instant;

/**
 * How self-registration's last exchanges with one outside system (Prism Central, the Kubernetes API
 * server) went.
 *
 * @param state               see {@link State}
 * @param lastSuccess         the last time it answered, null if never
 * @param lastError           the last failure's message, null after a success
 * @param consecutiveFailures failures since the last success
 */
public record SourceStatus(State state, @JsonSerialize(using = ToStringSerializer.class) Instant lastAttempt,
        @JsonSerialize(using = ToStringSerializer.class) Instant lastSuccess, String lastError,
        int consecutiveFailures) {

    public enum State {
        /** Not configured here (no Prism URL, or not running in Kubernetes): nothing to do, nothing wrong. */
        UNCONFIGURED,
        /** Configured, not yet tried. */
        PENDING,
        /** The last exchange succeeded. */
        OK,
        /** The last exchange failed; the data from the last success is still used (and marked stale). */
        FAILING;

        @JsonValue
        public String json() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public static final SourceStatus UNCONFIGURED = new SourceStatus(State.UNCONFIGURED, null, null, null, 0);
    public static final SourceStatus PENDING = new SourceStatus(State.PENDING, null, null, null, 0);

    public SourceStatus succeeded(Instant now) {
        return new SourceStatus(State.OK, now, now, null, 0);
    }

    public SourceStatus failed(Instant now, String error) {
        return new SourceStatus(State.FAILING, now, lastSuccess, error, consecutiveFailures + 1);
    }

    @JsonIgnore
    public boolean isFailing() {
        return state == State.FAILING;
    }
}
