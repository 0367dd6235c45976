package io.cudawasm.runtime.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.cache.CacheSettings;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;

/** A worker on a loopback port with its own cache folder, and an HTTP client for it. */
final class TestWorker implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    final WorkerService service;
    final URI base;
    String token;

    private TestWorker(WorkerService service) {
        this.service = service;
        this.base = service.url();
    }

    /** Small limits that tests can reach; adjust with {@code tweak}. */
    static WorkerConfig.Builder config(Path cacheDir) {
        return WorkerConfig.fromEnvironment(java.util.Map.of()).cache(CacheSettings.of(cacheDir))
                .bindAddress("127.0.0.1").port(0).workers(2).maxConcurrentJobs(2).maxQueuedJobs(4)
                .shutdownGrace(Duration.ofSeconds(5));
    }

    static TestWorker start(Path cacheDir, Consumer<WorkerConfig.Builder> tweak) {
        WorkerConfig.Builder b = config(cacheDir);
        tweak.accept(b);
        return new TestWorker(WorkerService.start(b.build()));
    }

    static TestWorker start(Path cacheDir) {
        return start(cacheDir, b -> { });
    }

    /** A parsed reply; {@code json} is null when the body is not JSON. */
    record Reply(int status, HttpResponse<byte[]> raw, JsonNode json) {
        String text() {
            return new String(raw.body(), StandardCharsets.UTF_8);
        }

        String header(String name) {
            return raw.headers().firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    Reply get(String path) {
        return send(request(path).GET().build());
    }

    Reply delete(String path) {
        return send(request(path).DELETE().build());
    }

    Reply post(String path, Object body) {
        try {
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            return send(request(path).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(text)).build());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }

    static Reply send(HttpRequest request) {
        try {
            HttpResponse<byte[]> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofByteArray());
            JsonNode json = null;
            String type = r.headers().firstValue("Content-Type").orElse("");
            if (type.startsWith("application/json")) {
                json = JSON.readTree(r.body());
            }
            return new Reply(r.statusCode(), r, json);
        } catch (IOException e) {
            throw new IllegalStateException("request to " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        service.shutdown(Duration.ZERO);
    }
}
