package io.cudawasm.nutanix.prism;

import java.util.List;

/** HTTP 403: the user or service account may not read this resource ({@code ACCESS_DENIED}). */
public final class PrismPermissionException extends PrismException {
    public PrismPermissionException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismPermissionException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
