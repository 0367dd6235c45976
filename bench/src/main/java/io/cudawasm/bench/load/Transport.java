package io.cudawasm.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.runtime.service.client.WorkerClient;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** How one load client talks to the worker: {@code java.net.http} or a raw keep-alive socket. */
public interface Transport extends AutoCloseable {
    ObjectMapper JSON = new ObjectMapper();

    /** A response as the driver needs it; {@code body} is null when there was none. */
    record Reply(int status, JsonNode body, String location, Long retryAfter) {}

    Reply post(String path, Object body) throws IOException, InterruptedException;

    Reply get(String path) throws IOException, InterruptedException;

    Reply delete(String path) throws IOException, InterruptedException;

    @Override
    void close();

    /** Which client: {@code jdk} (java.net.http) or {@code raw} (a minimal HTTP/1.1 socket client). */
    static Transport create(String kind, URI base, String token) {
        return switch (kind.toLowerCase(Locale.ROOT)) {
            case "jdk" -> new Jdk(new WorkerClient(base, token, java.time.Duration.ofMinutes(2)));
            case "raw" -> new Raw(new RawHttpClient(base, token));
            default -> throw new IllegalArgumentException("--client: jdk or raw, got " + kind);
        };
    }

    /**
     * One client of several replicas: each request goes to the next one in turn, as through a
     * Kubernetes Service without session affinity (a job is usually polled through a replica that
     * does not own it and forwards the request).
     */
    static Transport roundRobin(String kind, List<URI> bases, String token) {
        if (bases.size() == 1) {
            return create(kind, bases.get(0), token);
        }
        List<Transport> all = new ArrayList<>();
        for (URI base : bases) {
            all.add(create(kind, base, token));
        }
        return new RoundRobin(List.copyOf(all), new int[1]);
    }

    /** Rotates over one transport per replica; used by one load client thread only. */
    record RoundRobin(List<Transport> all, int[] next) implements Transport {
        private Transport pick() {
            Transport t = all.get(next[0]);
            next[0] = (next[0] + 1) % all.size();
            return t;
        }

        @Override
        public Reply post(String path, Object body) throws IOException, InterruptedException {
            return pick().post(path, body);
        }

        @Override
        public Reply get(String path) throws IOException, InterruptedException {
            return pick().get(path);
        }

        @Override
        public Reply delete(String path) throws IOException, InterruptedException {
            return pick().delete(path);
        }

        @Override
        public void close() {
            all.forEach(Transport::close);
        }
    }

    /** java.net.http, through the worker's own client class. */
    record Jdk(WorkerClient client) implements Transport {
        @Override
        public Reply post(String path, Object body) throws IOException, InterruptedException {
            return of(client.post(path, body));
        }

        @Override
        public Reply get(String path) throws IOException, InterruptedException {
            return of(client.get(path));
        }

        @Override
        public Reply delete(String path) throws IOException, InterruptedException {
            return of(client.delete(path));
        }

        private static Reply of(WorkerClient.Response r) {
            return new Reply(r.status(), r.body(), r.location(), r.retryAfterSeconds());
        }

        @Override
        public void close() {
            // java.net.http clients hold no per-thread resources worth closing here
        }
    }

    /** One keep-alive socket per load client. */
    record Raw(RawHttpClient client) implements Transport {
        @Override
        public Reply post(String path, Object body) throws IOException {
            return of(client.post(path, body instanceof byte[] b ? b : JSON.writeValueAsBytes(body)));
        }

        @Override
        public Reply get(String path) throws IOException {
            return of(client.get(path));
        }

        @Override
        public Reply delete(String path) throws IOException {
            return of(client.delete(path));
        }

        private static Reply of(RawHttpClient.Response r) throws IOException {
            return new Reply(r.status(), r.body().length == 0 ? null : JSON.readTree(r.body()), r.location(),
                    r.retryAfter());
        }

        @Override
        public void close() {
            client.close();
        }
    }
}
