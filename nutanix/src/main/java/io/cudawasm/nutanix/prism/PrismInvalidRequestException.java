package io.cudawasm.nutanix.prism;

import java.util.List;

/** HTTP 400, 422 and other 4xx answers: Prism could not process the request ({@code INVALID_REQUEST}, {@code INVALID_UUID}). */
public final class PrismInvalidRequestException extends PrismException {
    public PrismInvalidRequestException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismInvalidRequestException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
