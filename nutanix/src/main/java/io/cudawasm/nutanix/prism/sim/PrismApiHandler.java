package io.cudawasm.nutanix.prism.sim;

import static io.cudawasm.nutanix.prism.sim.PrismJsonShapes.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Serves {@code /api/nutanix/v3/…} the way Prism Central does, including its auth, paging and errors. */
final class PrismApiHandler implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(PrismApiHandler.class);
    static final String PREFIX = "/api/nutanix/v3/";
    static final int DEFAULT_LENGTH = 20;
    static final int MAX_LENGTH = 500;
    private static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern VM_NAME_FILTER = Pattern.compile("^vm_name==(.+)$");

    private final SimulatedEstate estate;
    private final SimulatorAccess access;
    private final FaultInjector faults;
    private final RequestLog log;

    PrismApiHandler(SimulatedEstate estate, SimulatorAccess access, FaultInjector faults, RequestLog log) {
        this.estate = estate;
        this.access = access;
        this.faults = faults;
        this.log = log;
    }

    /** An answer ready to send. */
    private record Answer(int status, String contentType, byte[] body, String headerName, String headerValue) {
        static Answer json(int status, byte[] body) {
            return new Answer(status, "application/json", body, null, null);
        }

        static Answer json(int status, JsonNode body) {
            return json(status, body.toString().getBytes(StandardCharsets.UTF_8));
        }
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getPath();
        String body;
        try (var in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SimulatorAccess.Caller caller = access.authenticate(
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("X-ntnx-api-key")),
                Optional.ofNullable(exchange.getRequestHeaders().getFirst("Authorization")));
        try (exchange) {
            pause(faults.latency());
            Optional<Fault> fault = faults.next(path);
            if (fault.isPresent() && fault.get() instanceof Fault.DropConnection) {
                // Closing the exchange before any response header is sent drops the connection.
                LOG.debug("dropping the connection of {} {}", method, path);
                record(method, path, body, caller, 0);
                return;
            }
            Answer answer;
            try {
                answer = fault.map(this::faultAnswer).orElseGet(() -> answer(method, path, body, caller));
            } catch (RuntimeException e) {
                LOG.warn("simulator failed on {} {}", method, path, e);
                answer = Answer.json(500, PrismJsonShapes.error(500, "", "INTERNAL_ERROR",
                        "Simulator error: " + e.getClass().getSimpleName(), null));
            }
            // Recorded before answering, so a caller that has its answer always finds its request logged.
            record(method, path, body, caller, answer.status());
            send(exchange, answer);
        }
    }

    private void record(String method, String path, String body, SimulatorAccess.Caller caller, int status) {
        log.add(new RecordedRequest(Instant.now(), method, path, caller.scheme(), caller.principal(), body, status));
    }

    private Answer answer(String method, String path, String body, SimulatorAccess.Caller caller) {
        if (!caller.authenticated()) {
            ObjectNode error = PrismJsonShapes.error(401, "", "AUTHENTICATION_REQUIRED", "Authentication required.",
                    "Basic realm=\"Intent Gateway Login Required\"");
            return new Answer(401, "application/json", error.toString().getBytes(StandardCharsets.UTF_8),
                    "WWW-Authenticate", "Basic realm=\"Intent Gateway Login Required\"");
        }
        if (!caller.readAllowed()) {
            return Answer.json(403, PrismJsonShapes.error(403, "", "ACCESS_DENIED",
                    "No permission to access the resource.", null));
        }
        if (!path.startsWith(PREFIX)) {
            return notFound("", "Path not found: " + path);
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        if (slash <= 0 || rest.indexOf('/', slash + 1) >= 0) {
            return notFound("", "Path not found: " + path);
        }
        String collection = rest.substring(0, slash);
        String last = rest.substring(slash + 1);
        String kind = switch (collection) {
            case "hosts" -> "host";
            case "clusters" -> "cluster";
            case "vms" -> "vm";
            default -> null;
        };
        if (kind == null) {
            return notFound("", "Path not found: " + path);
        }
        if (last.equals("list")) {
            return method.equals("POST") ? list(kind, body) : methodNotAllowed(kind, method);
        }
        return method.equals("GET") ? getOne(kind, last) : methodNotAllowed(kind, method);
    }

    private Answer list(String kind, String body) {
        JsonNode request;
        try {
            request = MAPPER.readTree(body.isBlank() ? "{}" : body);
        } catch (IOException e) {
            return invalid(400, kind, "Request could not be processed.", "request body is not valid JSON");
        }
        if (request == null || !request.isObject()) {
            return invalid(400, kind, "Request could not be processed.", "request body must be a JSON object");
        }
        if (!request.path("kind").isTextual()) {
            return invalid(422, kind, "Request could not be processed.", "'kind' is a required property");
        }
        if (!request.path("kind").asText().equals(kind)) {
            return invalid(422, kind, "Request could not be processed.",
                    "'" + request.path("kind").asText() + "' is not one of ['" + kind + "']");
        }
        if (kind.equals("host")) {
            // Prism's hosts/list ignores length and offset and returns every host.
            return Answer.json(200, estate.hostsListBody());
        }
        int length = request.has("length") ? request.path("length").asInt(-1) : DEFAULT_LENGTH;
        int offset = request.has("offset") ? request.path("offset").asInt(-1) : 0;
        if (length < 1 || offset < 0) {
            return invalid(422, kind, "Request could not be processed.",
                    "length must be at least 1 and offset at least 0");
        }
        Predicate<JsonNode> filter = filterOf(kind, request.path("filter").asText(""));
        return Answer.json(200, estate.pageBody(kind, offset, Math.min(length, MAX_LENGTH), filter));
    }

    private Answer getOne(String kind, String uuid) {
        if (!UUID_SHAPE.matcher(uuid).matches()) {
            ObjectNode error = PrismJsonShapes.error(400, kind, "INVALID_UUID", "Invalid UUID: " + uuid, null);
            return Answer.json(400, error);
        }
        return estate.entityBody(kind, uuid)
                .map(b -> Answer.json(200, b))
                .orElseGet(() -> notFound(kind, kind + " : " + uuid + " does not exist."));
    }

    /** Supports the one FIQL form callers use, {@code vm_name==<name>}; other filters are ignored. */
    private static Predicate<JsonNode> filterOf(String kind, String filter) {
        var m = VM_NAME_FILTER.matcher(filter.trim());
        if (kind.equals("vm") && m.matches()) {
            String name = m.group(1);
            return vm -> SimulatedEstate.nameOf(vm).equals(name);
        }
        return e -> true;
    }

    private Answer faultAnswer(Fault fault) {
        if (fault instanceof Fault.ErrorResponse e) {
            return new Answer(e.status(), e.contentType(), e.body().getBytes(StandardCharsets.UTF_8), null, null);
        }
        if (fault instanceof Fault.RateLimited r) {
            byte[] body = PrismJsonShapes.error(429, "", "TOO_MANY_REQUESTS", "Too many requests, retry later.", null)
                    .toString().getBytes(StandardCharsets.UTF_8);
            return new Answer(429, "application/json", body, r.retryAfter() == null ? null : "Retry-After",
                    r.retryAfter());
        }
        if (fault instanceof Fault.MalformedJson) {
            return Answer.json(200, "{\"api_version\":\"3.1\",\"metadata\":{\"kind\":\"host\",\"total_matches\":3},\"entities\":[{\"meta"
                    .getBytes(StandardCharsets.UTF_8));
        }
        throw new IllegalStateException("no answer for fault " + fault);
    }

    private static Answer notFound(String kind, String message) {
        return Answer.json(404, PrismJsonShapes.error(404, kind, "ENTITY_NOT_FOUND", message, null));
    }

    private static Answer invalid(int status, String kind, String message, String detail) {
        ObjectNode details = MAPPER.createObjectNode();
        details.putArray("").add(detail);
        return Answer.json(status, PrismJsonShapes.error(status, kind, "INVALID_REQUEST", message, details));
    }

    private static Answer methodNotAllowed(String kind, String method) {
        return Answer.json(405, PrismJsonShapes.error(405, kind, "INVALID_REQUEST",
                "Method " + method + " is not allowed here.", null));
    }

    private static void send(HttpExchange exchange, Answer answer) throws IOException {
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
