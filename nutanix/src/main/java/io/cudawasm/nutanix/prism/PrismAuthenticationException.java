package io.cudawasm.nutanix.prism;

import java.util.List;

/** HTTP 401: the credentials were rejected, even after sending them a second time. */
public final class PrismAuthenticationException extends PrismException {
    public PrismAuthenticationException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismAuthenticationException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
