package io.cudawasm.runtime.service;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for a Kubernetes Service without session affinity: each request goes to the next
 * replica in turn. A replica that refuses the connection is skipped (kube-proxy would have dropped a
 * dead pod's endpoint a moment later); the request never reached it, so retrying is safe even for
 * a POST.
 */
final class RoundRobinFront implements AutoCloseable {
    private final List<URI> backends = new CopyOnWriteArrayList<>();
    private final AtomicInteger next = new AtomicInteger();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService pool = Executors.newFixedThreadPool(16);
    private final HttpServer server;

    RoundRobinFront(List<URI> replicas) throws IOException {
        backends.addAll(replicas);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.createContext("/", this::relay);
        server.setExecutor(pool);
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    void add(URI replica) {
        backends.add(replica);
    }

    private void relay(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            HttpResponse<byte[]> answer = null;
            for (int tries = 0; tries < backends.size() && answer == null; tries++) {
                URI backend = backends.get(Math.floorMod(next.getAndIncrement(), backends.size()));
                HttpRequest.Builder b = HttpRequest.newBuilder(backend.resolve(exchange.getRequestURI().toString()))
                        .timeout(Duration.ofSeconds(60))
                        .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
                for (String h : List.of("Authorization", "Content-Type", "Accept")) {
                    String v = exchange.getRequestHeaders().getFirst(h);
                    if (v != null) {
                        b.header(h, v);
                    }
                }
                try {
                    answer = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    // this replica is gone: the Service would route to another one
                } catch (IOException e) {
                    // the replica died while it had the request: its client sees a failed request
                    exchange.sendResponseHeaders(502, -1);
                    return;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (answer == null) {
                exchange.sendResponseHeaders(503, -1);
                return;
            }
            for (String h : List.of("Content-Type", "Location", "Retry-After", "X-CudaWasm-Replica")) {
                answer.headers().firstValue(h).ifPresent(v -> exchange.getResponseHeaders().add(h, v));
            }
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            if (answer.body().length > 0) {
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(answer.body());
                }
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        pool.shutdownNow();
    }
}
