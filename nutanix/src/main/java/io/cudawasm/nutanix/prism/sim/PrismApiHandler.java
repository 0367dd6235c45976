package io.cudawasm.nutanix.prism.sim;

import static io.cudawasm.nutanix.prism.sim.PrismJsonShapes.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/** Serves {@code /api/nutanix/v3/…} the way Prism Central does, including its paging and errors. */
final class PrismApiHandler extends ApiHandler {
    static final String PREFIX = "/api/nutanix/v3/";
    static final int DEFAULT_LENGTH = 20;
    static final int MAX_LENGTH = 500;
    static final Pattern UUID_SHAPE =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern VM_NAME_FILTER = Pattern.compile("^vm_name==(.+)$");

    private final SimulatedEstate estate;

    PrismApiHandler(SimulatedEstate estate, SimulatorAccess access, FaultInjector faults, RequestLog log) {
        super(access, faults, log);
        this.estate = estate;
    }

    @Override
    SimAnswer error(int status, String reason, String message, Object details, Request request) {
        return SimAnswer.json(status, PrismJsonShapes.error(status, "", reason, message, details));
    }

    @Override
    byte[] truncatedBody() {
        return "{\"api_version\":\"3.1\",\"metadata\":{\"kind\":\"host\",\"total_matches\":3},\"entities\":[{\"meta"
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    SimAnswer answer(Request request) {
        String path = request.path();
        String method = request.method();
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
            return method.equals("POST") ? list(kind, request.body()) : methodNotAllowed(kind, method);
        }
        return method.equals("GET") ? getOne(kind, last) : methodNotAllowed(kind, method);
    }

    private SimAnswer list(String kind, String body) {
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
            return SimAnswer.json(200, estate.hostsListBody());
        }
        int length = request.has("length") ? request.path("length").asInt(-1) : DEFAULT_LENGTH;
        int offset = request.has("offset") ? request.path("offset").asInt(-1) : 0;
        if (length < 1 || offset < 0) {
            return invalid(422, kind, "Request could not be processed.",
                    "length must be at least 1 and offset at least 0");
        }
        Predicate<JsonNode> filter = filterOf(kind, request.path("filter").asText(""));
        return SimAnswer.json(200, estate.pageBody(kind, offset, Math.min(length, MAX_LENGTH), filter));
    }

    private SimAnswer getOne(String kind, String uuid) {
        if (!UUID_SHAPE.matcher(uuid).matches()) {
            ObjectNode error = PrismJsonShapes.error(400, kind, "INVALID_UUID", "Invalid UUID: " + uuid, null);
            return SimAnswer.json(400, error);
        }
        return estate.entityBody(kind, uuid)
                .map(b -> SimAnswer.json(200, b))
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

    private static SimAnswer notFound(String kind, String message) {
        return SimAnswer.json(404, PrismJsonShapes.error(404, kind, "ENTITY_NOT_FOUND", message, null));
    }

    private static SimAnswer invalid(int status, String kind, String message, String detail) {
        ObjectNode details = MAPPER.createObjectNode();
        details.putArray("").add(detail);
        return SimAnswer.json(status, PrismJsonShapes.error(status, kind, "INVALID_REQUEST", message, details));
    }

    private static SimAnswer methodNotAllowed(String kind, String method) {
        return SimAnswer.json(405, PrismJsonShapes.error(405, kind, "INVALID_REQUEST",
                "Method " + method + " is not allowed here.", null));
    }
}
