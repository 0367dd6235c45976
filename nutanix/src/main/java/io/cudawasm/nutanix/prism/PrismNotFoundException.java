package io.cudawasm.nutanix.prism;

import java.util.List;

/** HTTP 404: the entity does not exist ({@code ENTITY_NOT_FOUND}), or a cluster asked for is not known. */
public final class PrismNotFoundException extends PrismException {
    public PrismNotFoundException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismNotFoundException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
