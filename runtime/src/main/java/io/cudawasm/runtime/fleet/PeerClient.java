package io.cudawasm.runtime.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * HTTP between replicas. Every request carries the hop header ({@value #FORWARDED_HEADER}: the
 * sending replica's name), so the receiver answers from its own state only and never passes the
 * request on: no request travels more than one hop. Calls the replica makes on its own behalf
 * (kernel fetches, fleet listings) carry the peer token; forwarded client requests carry the
 * client's own {@code Authorization}.
 */
final class PeerClient {
    /** Marks a request sent by a replica; such a request is never forwarded again. */
    static final String FORWARDED_HEADER = "X-CudaWasm-Forwarded";
    /** On forwarded answers: the replica that produced the answer. */
    static final String REPLICA_HEADER = "X-CudaWasm-Replica";
    /** Connecting to a live pod takes milliseconds; one that is gone may never answer the SYN. */
    private static final Duration MAX_CONNECT_TIMEOUT = Duration.ofSeconds(3);

    /** A peer's answer, read whole up to {@link CappedBody#MAX_BYTES} (listings, kernel requests). */
    record Answer(int status, String contentType, byte[] body) {
        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final String self;
    private final String token;
    private final Duration timeout;
    private final HttpClient http;

    /**
     * @param self this replica's name, sent in the hop header
     * @param token bearer token for this replica's own calls, or null
     */
    PeerClient(String self, String token, Duration timeout) {
        this.self = self;
        this.token = token;
        this.timeout = timeout;
        Duration connect = timeout.compareTo(MAX_CONNECT_TIMEOUT) < 0 ? timeout : MAX_CONNECT_TIMEOUT;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NEVER).build();
    }

    Duration timeout() {
        return timeout;
    }

    String token() {
        return token;
    }

    /**
     * Sends a client's bodiless request (GET, DELETE) on to {@code target}; the answer's body is
     * streamed, not buffered.
     *
     * @param authorization the client's {@code Authorization} header, or null (the peer token is sent then)
     */
    HttpResponse<InputStream> forward(String method, URI target, String authorization, String accept)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = base(target).method(method, HttpRequest.BodyPublishers.noBody());
        if (authorization != null) {
            b.setHeader("Authorization", authorization);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    CompletableFuture<Answer> sendAsync(String method, URI base, String pathAndQuery) {
        HttpRequest request = base(base.resolve(pathAndQuery)).method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        return http.sendAsync(request, CappedBody.handler()).thenApply(r -> new Answer(
                r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body()));
    }

    Answer get(URI base, String pathAndQuery) throws IOException, InterruptedException {
        HttpResponse<byte[]> r = http.send(base(base.resolve(pathAndQuery)).GET().build(), CappedBody.handler());
        return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), r.body());
    }

    private HttpRequest.Builder base(URI target) {
        HttpRequest.Builder b = HttpRequest.newBuilder(target).timeout(timeout).header(FORWARDED_HEADER, self);
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return b;
    }
}
