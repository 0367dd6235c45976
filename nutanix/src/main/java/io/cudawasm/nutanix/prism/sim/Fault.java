package io.cudawasm.nutanix.prism.sim;

import java.util.Objects;

/** One misbehaviour the simulator can show instead of answering a request normally. */
public sealed interface Fault permits Fault.ErrorResponse, Fault.RateLimited, Fault.MalformedJson, Fault.DropConnection {

    /** Answers with this status, content type and body (a Prism error body, plain text or HTML). */
    record ErrorResponse(int status, String contentType, String body) implements Fault {
        public ErrorResponse {
            if (status < 400 || status > 599) {
                throw new IllegalArgumentException("an error status lies in 400..599, was " + status);
            }
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
}
