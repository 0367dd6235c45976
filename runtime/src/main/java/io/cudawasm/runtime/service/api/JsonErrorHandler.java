package io.cudawasm.runtime.service.api;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's own rejections (a bad or duplicate {@code Content-Length}, both {@code Content-Length}
 * and {@code Transfer-Encoding}, a bad path, a URI or headers too long, a body too slow) in the
 * API's error format instead of Jetty's HTML page. The message is Jetty's reason phrase, never
 * an exception text.
 */
final class JsonErrorHandler extends ErrorHandler {
    /** Jetty's reasons are short phrases ("Duplicate Content-Length"); anything else is left out. */
    private static final java.util.regex.Pattern PHRASE = java.util.regex.Pattern.compile("[A-Za-z0-9 ./:-]{1,80}");

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause,
            Callback callback) throws IOException {
        byte[] body = errorJson(code, message, cause).getBytes(StandardCharsets.UTF_8);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }

    private static String plain(String reason) {
        return reason != null && PHRASE.matcher(reason).matches() && !reason.equals("Bad Request") ? ": " + reason : "";
    }

    static String errorJson(int status, String reason, Throwable cause) {
        String code = switch (status) {
            case 400 -> "bad_request";
            case 408 -> "request_timeout";
            case 413 -> "request_too_large";
            case 414 -> "uri_too_long";
            case 431 -> "headers_too_large";
            case 501 -> "not_implemented";
            default -> "http_error";
        };
        String message = switch (status) {
            case 400 -> "the HTTP request is malformed" + plain(reason)
                    + " (check Content-Length, Transfer-Encoding and the path)";
            case 408 -> cause instanceof java.util.concurrent.TimeoutException
                    ? "the request body arrived too slowly; send it at full speed"
                    : "the request was not completed in time";
            case 414 -> "the request URI is too long";
            case 431 -> "the request headers are too large";
            default -> "HTTP " + status + " " + HttpStatus.getMessage(status);
        };
        return "{\"error\":\"" + code + "\",\"message\":\"" + message + "\",\"details\":{\"status\":" + status + "}}";
    }
}
