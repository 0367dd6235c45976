package io.cudawasm.nutanix.prism.sim;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every simulated API shares: authentication, fault injection, the request log and sending. Each API
 * generation supplies its answers and its error envelope.
 */
abstract class ApiHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);

    private final SimulatorAccess access;
    private final FaultInjector faults;
    private final RequestLog log;

    ApiHandler(SimulatorAccess access, FaultInjector faults, RequestLog log) {
        this.access = access;
        this.faults = faults;
        this.log = log;
    }

    /** The decoded parts of one request. */
    record Request(String method, String path, Map<String, String> query, String rawQuery, String body) {}

    /** The answer to an authenticated, permitted request that no fault replaced. */
    abstract SimAnswer answer(Request request);

    /** An error in this API's envelope. */
    abstract SimAnswer error(int status, String reason, String message, Object details, Request request);

    /** A 200 whose JSON body is cut off, in this API's shape. */
    abstract byte[] truncatedBody();

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String body;
        try (var in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String rawQuery = exchange.getRequestURI().getRawQuery();
        Map<String, String> query = decodeQuery(rawQuery);
        Request request = new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), query,
                rawQuery == null ? "" : rawQuery, body);
        SimulatorAccess.Caller caller = access.authenticate(
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-ntnx-api-key")),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
        try (exchange) {
            pause(faults.latency());
            Optional<Fault> fault = faults.next(request.path());
            if (fault.isPresent() && fault.get() instanceof Fault.DropConnection) {
                // Closing the exchange before any response header is sent drops the connection.
                LOG.debug("dropping the connection of {} {}", request.method(), request.path());
                record(request, caller, 0);
                return;
            }
            SimAnswer answer;
            try {
                answer = fault.map(f -> faultAnswer(f, request)).orElseGet(() -> authorised(request, caller));
            } catch (RuntimeException e) {
                LOG.warn("simulator failed on {} {}", request.method(), request.path(), e);
                answer = error(500, "INTERNAL_ERROR", "Simulator error: " + e.getClass().getSimpleName(), null,
                        request);
            }
            // Recorded before answering, so a caller that has its answer always finds its request logged.
            record(request, caller, answer.status());
            send(exchange, answer);
        }
    }

    private SimAnswer authorised(Request request, SimulatorAccess.Caller caller) {
        if (!caller.authenticated()) {
            String realm = "Basic realm=\"Intent Gateway Login Required\"";
            return error(401, "AUTHENTICATION_REQUIRED", "Authentication required.", realm, request)
                    .withHeader("WWW-Authenticate", realm);
        }
        if (!caller.readAllowed()) {
            return error(403, "ACCESS_DENIED", "No permission to access the resource.", null, request);
        }
        return answer(request);
    }

    private SimAnswer faultAnswer(Fault fault, Request request) {
        if (fault instanceof Fault.PrismError e) {
            return error(e.status(), e.reason(), e.message(), null, request);
        }
        if (fault instanceof Fault.ErrorResponse e) {
            return new SimAnswer(e.status(), e.contentType(), e.body().getBytes(StandardCharsets.UTF_8), null, null);
        }
        if (fault instanceof Fault.RateLimited r) {
            SimAnswer a = error(429, "TOO_MANY_REQUESTS", "Too many requests, retry later.", null, request);
            return r.retryAfter() == null ? a : a.withHeader("Retry-After", r.retryAfter());
        }
        if (fault instanceof Fault.MalformedJson) {
            return SimAnswer.json(200, truncatedBody());
        }
        throw new IllegalStateException("no answer for fault " + fault);
    }

    private void record(Request request, SimulatorAccess.Caller caller, int status) {
        log.add(new RecordedRequest(Instant.now(), request.method(), request.path(), caller.scheme(),
                caller.principal(), request.body(), status, request.rawQuery().isEmpty() ? ""
                        : URLDecoder.decode(request.rawQuery().replace("+", "%2B"), StandardCharsets.UTF_8)));
    }

    /** {@code a=1&b=x%20y} as a map of decoded values; later repeats of a name win. */
    static Map<String, String> decodeQuery(String rawQuery) {
        Map<String, String> query = new LinkedHashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static void send(HttpExchange exchange, SimAnswer answer) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", answer.contentType());
        if (answer.headerName() != null && answer.headerValue() != null) {
            exchange.getResponseHeaders().set(answer.headerName(), answer.headerValue());
        }
        exchange.sendResponseHeaders(answer.status(), answer.body().length == 0 ? -1 : answer.body().length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(answer.body());
        }
    }

    private static void pause(Duration latency) {
        if (latency.isZero() || latency.isNegative()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
