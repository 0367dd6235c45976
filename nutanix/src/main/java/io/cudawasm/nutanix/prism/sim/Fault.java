package io.cudawasm.nutanix.prism.sim;

import java.util.Objects;

/** One misbehaviour the simulator can show instead of answering a request normally. */
public sealed interface Fault
        permits Fault.PrismError, Fault.ErrorResponse, Fault.RateLimited, Fault.MalformedJson, Fault.DropConnection {

    /**
     * Answers with this status and a Prism error body in the shape of the API asked: v3's
     * {@code message_list} or v4's {@code data.error[]}, both carrying {@code reason} and {@code message}.
     */
    record PrismError(int status, String reason, String message) implements Fault {
        public PrismError {
            requireErrorStatus(status);
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(message, "message");
        }
    }

    /** Answers with this status, content type and body, whatever API was asked (plain text, HTML, raw JSON). */
    record ErrorResponse(int status, String contentType, String body) implements Fault {
        public ErrorResponse {
            requireErrorStatus(status);
            Objects.requireNonNull(contentType, "contentType");
            Objects.requireNonNull(body, "body");
        }
    }

    /** Answers 429 {@code TOO_MANY_REQUESTS}, with a {@code Retry-After} header unless it is null. */
    record RateLimited(String retryAfter) implements Fault {}

    /** Answers 200 with a truncated JSON body. */
    record MalformedJson() implements Fault {}

    /** Reads the request, then closes the connection without any answer. */
    record DropConnection() implements Fault {}

    private static void requireErrorStatus(int status) {
        if (status < 400 || status > 599) {
            throw new IllegalArgumentException("an error status lies in 400..599, was " + status);
        }
    }
}
