package io.cudawasm.nutanix.prism;

/**
 * One entry of a Prism error's {@code message_list}.
 *
 * @param message human text, e.g. "vm : 1b2c… does not exist."
 * @param reason  machine reason, e.g. {@code ENTITY_NOT_FOUND}, {@code ACCESS_DENIED}; "" when absent
 * @param details Prism's {@code details} as text (it is sometimes a map, sometimes a string); "" when absent
 */
public record PrismMessage(String message, String reason, String details) {
    public PrismMessage {
        message = message == null ? "" : message;
        reason = reason == null ? "" : reason;
        details = details == null ? "" : details;
    }

    @Override
    public String toString() {
        return reason.isEmpty() ? message : reason + ": " + message;
    }
}
