package io.cudawasm.nutanix.prism;

import java.util.List;

/** No HTTP answer: connection refused or dropped, time-out, or interrupted, after the allowed retries. */
public final class PrismUnreachableException extends PrismException {
    public PrismUnreachableException(String operation, String summary, Throwable cause) {
        super(operation, 0, List.of(), summary, cause);
    }
}
