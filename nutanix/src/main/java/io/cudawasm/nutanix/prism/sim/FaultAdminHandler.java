package io.cudawasm.nutanix.prism.sim;

import static io.cudawasm.nutanix.prism.sim.PrismJsonShapes.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code /sim/faults}: fault injection over HTTP for a simulator started from the command line.
 * {@code GET} shows the state, {@code DELETE} clears it, {@code POST} adds to it:
 * <pre>{"latency_ms":200,"inject":[{"type":"error","status":503,"times":3,"path":"vms/list"},
 *  {"type":"html_error","status":500},{"type":"rate_limit","retry_after":"2"},{"type":"malformed"},
 *  {"type":"drop"}]}</pre>
 * Same credentials as the API; faults apply to v3 and v4 requests alike ({@code path} matches either).
 */
final class FaultAdminHandler implements HttpHandler {
    static final String PATH = "/sim/faults";

    private final SimulatorAccess access;
    private final FaultInjector faults;

    FaultAdminHandler(SimulatorAccess access, FaultInjector faults) {
        this.access = access;
        this.faults = faults;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            SimulatorAccess.Caller caller = access.authenticate(
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-ntnx-api-key")),
                    Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
            if (!caller.authenticated() || !caller.readAllowed()) {
                send(exchange, caller.authenticated() ? 403 : 401,
                        PrismJsonShapes.error(caller.authenticated() ? 403 : 401, "", caller.authenticated()
                                ? "ACCESS_DENIED" : "AUTHENTICATION_REQUIRED", "Not allowed.", null));
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "GET" -> send(exchange, 200, state());
                case "DELETE" -> {
                    faults.clear();
                    send(exchange, 200, state());
                }
                case "POST" -> {
                    try {
                        apply(MAPPER.readTree(body));
                        send(exchange, 200, state());
                    } catch (IOException | IllegalArgumentException e) {
                        send(exchange, 400, PrismJsonShapes.error(400, "", "INVALID_REQUEST",
                                "Bad fault request: " + e.getMessage(), null));
                    }
                }
                default -> send(exchange, 405, PrismJsonShapes.error(405, "", "INVALID_REQUEST",
                        "Use GET, POST or DELETE.", null));
            }
        }
    }

    private void apply(JsonNode request) {
        if (request == null || !request.isObject()) {
            throw new IllegalArgumentException("expected a JSON object");
        }
        if (request.has("latency_ms")) {
            faults.latency(Duration.ofMillis(request.path("latency_ms").asLong()));
        }
        for (JsonNode f : request.path("inject")) {
            int times = f.path("times").asInt(1);
            String path = f.path("path").asText("");
            int status = f.path("status").asInt(503);
            switch (f.path("type").asText("")) {
                case "error" -> faults.inject(new Fault.PrismError(status, "INTERNAL_ERROR", "Injected failure"),
                        times, path);
                case "html_error" -> faults.inject(new Fault.ErrorResponse(status, "text/html",
                        "<html><body><h1>Internal Server Error</h1></body></html>"), times, path);
                case "rate_limit" -> faults.inject(
                        new Fault.RateLimited(f.hasNonNull("retry_after") ? f.path("retry_after").asText() : null),
                        times, path);
                case "malformed" -> faults.inject(new Fault.MalformedJson(), times, path);
                case "drop" -> faults.inject(new Fault.DropConnection(), times, path);
                default -> throw new IllegalArgumentException("unknown fault type '" + f.path("type").asText() + "'");
            }
        }
    }

    private ObjectNode state() {
        ObjectNode s = MAPPER.createObjectNode().put("latency_ms", faults.latency().toMillis());
        ArrayNode pending = s.putArray("pending");
        for (Fault f : faults.pending()) {
            pending.add(f.getClass().getSimpleName());
        }
        return s;
    }

    private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
        byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
