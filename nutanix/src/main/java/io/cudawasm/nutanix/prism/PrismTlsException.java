package io.cudawasm.nutanix.prism;

import java.util.List;

/** The TLS handshake failed: an untrusted or expired certificate, or a host name it does not cover. Never retried. */
public final class PrismTlsException extends PrismException {
    public PrismTlsException(String operation, int httpStatus, List<PrismMessage> messages, String summary) {
        super(operation, httpStatus, messages, summary, null);
    }

    public PrismTlsException(String operation, int httpStatus, List<PrismMessage> messages, String summary, Throwable cause) {
        super(operation, httpStatus, messages, summary, cause);
    }
}
