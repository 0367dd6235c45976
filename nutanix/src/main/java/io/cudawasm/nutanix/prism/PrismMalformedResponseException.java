package io.cudawasm.nutanix.prism;

import java.util.List;

/** Prism answered 2xx but the body is not the JSON this client expects. */
public final class PrismMalformedResponseException extends PrismException {
    public PrismMalformedResponseException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismMalformedResponseException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
