package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** Small helpers both API generations share: path segments, query values, arrays in responses. */
final class PrismPaths {
    private PrismPaths() {}

    /** A uuid as one path segment: trimmed, non-empty, percent-encoded. */
    static String segment(String uuid) {
        Objects.requireNonNull(uuid, "uuid");
        if (uuid.isBlank()) {
            throw new IllegalArgumentException("the uuid is empty");
        }
        return encode(uuid.trim());
    }

    /** Percent-encodes a path segment or query value (spaces as {@code %20}, not {@code +}). */
    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /** An OData string literal: single quotes, with quotes inside doubled. */
    static String odataString(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** The array under {@code field}; empty when it is missing or null, malformed when it is anything else. */
    static List<JsonNode> arrayOf(String operation, JsonNode response, String field) {
        JsonNode array = response.path(field);
        if (array.isMissingNode() || array.isNull()) {
            return List.of();
        }
        if (!array.isArray()) {
            throw new PrismMalformedResponseException(operation, 200, List.of(), "'" + field + "' is not an array");
        }
        List<JsonNode> list = new ArrayList<>(array.size());
        array.forEach(list::add);
        return list;
    }
}
