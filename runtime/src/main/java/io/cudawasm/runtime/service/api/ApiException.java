package io.cudawasm.runtime.service.api;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A request that ends in an HTTP error. Carries everything the JSON error body needs
 * ({@code {error, message, details}}) plus response headers such as {@code Retry-After}. The
 * message is written for the caller: it never holds stack traces or server file paths.
 */
public final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final transient Map<String, Object> details;
    private final Map<String, String> headers;

    public ApiException(int status, String code, String message, Map<String, ?> details, Map<String, String> headers) {
        super(message, null, false, false);
        this.status = status;
        this.code = Objects.requireNonNull(code, "code");
        this.details = details == null ? Map.of() : new LinkedHashMap<>(details);
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
    }

    public ApiException(int status, String code, String message) {
        this(status, code, message, null, null);
    }

    public static ApiException badRequest(String code, String message) {
        return new ApiException(400, code, message);
    }

    public static ApiException badRequest(String code, String message, Map<String, ?> details) {
        return new ApiException(400, code, message, details, null);
    }

    public static ApiException notFound(String code, String message) {
        return new ApiException(404, code, message);
    }

    public static ApiException tooLarge(String code, String message, Map<String, ?> details) {
        return new ApiException(413, code, message, details, null);
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    public Map<String, Object> details() {
        return details;
    }

    public Map<String, String> headers() {
        return headers;
    }

    public ErrorBody body() {
        return new ErrorBody(code, getMessage(), details);
    }
}
