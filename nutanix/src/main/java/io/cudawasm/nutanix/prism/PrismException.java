package io.cudawasm.nutanix.prism;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A failed Prism Central call. The subclasses say what went wrong in terms a caller can act on; each
 * carries the HTTP status (0 when no response came back) and Prism's {@code message_list}. Messages
 * never contain credentials.
 */
public abstract sealed class PrismException extends RuntimeException
        permits PrismAuthenticationException,
                PrismPermissionException,
                PrismNotFoundException,
                PrismInvalidRequestException,
                PrismRateLimitedException,
                PrismServerException,
                PrismUnreachableException,
                PrismTlsException,
                PrismMalformedResponseException {

    private final String operation;
    private final int httpStatus;
    private final List<PrismMessage> messages;

    PrismException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(describe(operation, httpStatus, messages, summary), cause);
        this.operation = Objects.requireNonNull(operation, "operation");
        this.httpStatus = httpStatus;
        this.messages = List.copyOf(messages);
    }

    /** The request that failed, e.g. {@code GET /api/nutanix/v3/vms/<uuid>}. */
    public String operation() {
        return operation;
    }

    /** The HTTP status, or 0 when the failure happened before a response arrived. */
    public int httpStatus() {
        return httpStatus;
    }

    /** Prism's {@code message_list}; empty when the body held none (plain text, HTML, no body). */
    public List<PrismMessage> messages() {
        return messages;
    }

    /** The first message's reason ({@code ENTITY_NOT_FOUND} …), or "" when there is none. */
    public String reason() {
        return messages.isEmpty() ? "" : messages.get(0).reason();
    }

    private static String describe(String operation, int status, List<PrismMessage> messages, String summary) {
        StringBuilder sb = new StringBuilder(operation).append(": ").append(summary);
        if (status > 0) {
            sb.append(" (HTTP ").append(status).append(')');
        }
        if (!messages.isEmpty()) {
            sb.append(": ").append(messages.stream().map(PrismMessage::toString).collect(Collectors.joining("; ")));
        }
        return sb.toString();
    }
}
