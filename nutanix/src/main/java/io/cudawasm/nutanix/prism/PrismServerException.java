package io.cudawasm.nutanix.prism;

import java.util.List;

/** HTTP 5xx or 408: Prism failed (after the retries the policy allows for 408/502/503/504). */
public final class PrismServerException extends PrismException {
    public PrismServerException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismServerException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
