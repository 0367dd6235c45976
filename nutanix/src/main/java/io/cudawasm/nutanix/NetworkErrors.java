package io.cudawasm.nutanix;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import javax.net.ssl.SSLException;

/**
 * Network failures in words a user acts on ("connection refused", "unknown host pc.example.com"),
 * for command-line messages: Java's exceptions often carry no message at all (a refused connection
 * through {@code java.net.http} is a {@code ConnectException} whose message is null).
 */
public final class NetworkErrors {
    private NetworkErrors() {}

    /** What went wrong, from the most telling exception in the cause chain. */
    public static String describe(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String known = known(t);
            if (known != null) {
                return known;
            }
        }
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage() != null ? root.getMessage() : failure.getMessage();
        return message != null ? message : "the connection failed";
    }

    private static String known(Throwable t) {
        String m = t.getMessage();
        if (t instanceof HttpConnectTimeoutException) {
            return "connect timed out";
        }
        if (t instanceof HttpTimeoutException || t instanceof SocketTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof UnknownHostException || t instanceof UnresolvedAddressException) {
            return "unknown host" + (m == null ? "" : " " + m.replaceFirst(":.*", ""));
        }
        if (t instanceof NoRouteToHostException) {
            return "no route to host";
        }
        if (t instanceof ConnectException) {
            return "connection refused" + (m == null || m.equalsIgnoreCase("Connection refused") ? "" : " (" + m + ")");
        }
        if (t instanceof SSLException) {
            return "TLS failed" + (m == null ? "" : ": " + m);
        }
        if (t instanceof ClosedChannelException) {
            return "the connection was closed";
        }
        return null;
    }
}
