package io.cudawasm.runtime.service.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Objects;

/**
 * A small client of the worker's HTTP API for {@code cuda-wasm submit} and the load driver:
 * JSON in, status and JSON out. Connections are reused (HTTP/1.1 keep-alive).
 */
public final class WorkerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // a job's base64 or array outputs may be far longer than Jackson's default string limit
        JSON.getFactory().setStreamReadConstraints(StreamReadConstraints.builder()
                .maxStringLength(Integer.MAX_VALUE - 16).build());
    }

    /** A response: its status, its JSON body (null if it had none) and its Retry-After, if any. */
    public record Response(int status, JsonNode body, String location, Long retryAfterSeconds) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }
    }

    private final URI base;
    private final String token;
    private final HttpClient http;
    private final Duration timeout;

    /** @param token bearer token, or null */
    public WorkerClient(URI base, String token, Duration timeout) {
        this.base = Objects.requireNonNull(base, "base");
        this.token = token;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
    }

    public URI base() {
        return base;
    }

    public Response post(String path, Object body) throws IOException, InterruptedException {
        byte[] bytes = body instanceof byte[] b ? b : JSON.writeValueAsBytes(body);
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
    }

    public Response get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    public Response delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE().build());
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    private Response send(HttpRequest request) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        JsonNode body = null;
        if (r.headers().firstValue("Content-Type").orElse("").startsWith("application/json") && r.body().length > 0) {
            body = JSON.readTree(r.body());
        }
        Long retryAfter = r.headers().firstValue("Retry-After").map(v -> {
            try {
                return Long.parseLong(v.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }).orElse(null);
        return new Response(r.statusCode(), body, r.headers().firstValue("Location").orElse(null), retryAfter);
    }
}
