package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /openapi.json is an OpenAPI 3 document that matches the routes the worker really serves. Checked
 * structurally: required fields, every reference resolves, every path parameter is declared, no
 * route is undocumented and no documented operation is missing.
 */
class OpenApiTest {
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch",
            "trace");

    @TempDir
    Path dir;

    @Test
    void theDocumentIsStructurallyValidAndMatchesTheRoutes() {
        try (TestWorker w = TestWorker.start(dir)) {
            Reply r = w.get("/openapi.json");
            assertEquals(200, r.status());
            JsonNode doc = r.json();
            assertNotNull(doc, "served as application/json");
            assertTrue(doc.get("openapi").asText().matches("3\\.\\d+\\.\\d+"), doc.get("openapi").asText());
            assertFalse(doc.get("info").get("title").asText().isBlank());
            assertFalse(doc.get("info").get("version").asText().isBlank());

            Set<String> documented = new TreeSet<>();
            Set<String> operationIds = new HashSet<>();
            for (Iterator<Map.Entry<String, JsonNode>> paths = doc.get("paths").fields(); paths.hasNext(); ) {
                Map.Entry<String, JsonNode> path = paths.next();
                assertTrue(path.getKey().startsWith("/"), path.getKey());
                for (Iterator<Map.Entry<String, JsonNode>> ops = path.getValue().fields(); ops.hasNext(); ) {
                    Map.Entry<String, JsonNode> op = ops.next();
                    if (!METHODS.contains(op.getKey())) {
                        continue;
                    }
                    String where = op.getKey() + " " + path.getKey();
                    documented.add(op.getKey().toUpperCase() + " " + path.getKey());
                    assertTrue(operationIds.add(op.getValue().get("operationId").asText()), "unique operationId: " + where);
                    JsonNode responses = op.getValue().get("responses");
                    assertTrue(responses != null && responses.size() > 0, "responses: " + where);
                    responses.fields().forEachRemaining(e -> assertTrue(e.getKey().matches("[1-5]\\d\\d|default"),
                            where + " status " + e.getKey()));
                    for (String param : pathParameters(path.getKey())) {
                        assertTrue(declares(doc, path.getValue(), op.getValue(), param), where + " declares {" + param + "}");
                    }
                }
            }
            Set<String> served = new TreeSet<>();
            w.service.routes().forEach(route -> served.add(route.method() + " " + route.path()));
            assertEquals(served, documented, "every route documented, nothing else");

            List<String> refs = new ArrayList<>();
            collectRefs(doc, refs);
            assertTrue(refs.size() > 20, "the document uses shared components");
            for (String ref : refs) {
                assertTrue(ref.startsWith("#/"), "local reference: " + ref);
                assertFalse(doc.at(ref.substring(1)).isMissingNode(), "reference resolves: " + ref);
            }
            for (String scheme : List.of("bearer")) {
                assertNotNull(doc.get("components").get("securitySchemes").get(scheme));
            }
        }
    }

    private static List<String> pathParameters(String path) {
        List<String> names = new ArrayList<>();
        Matcher m = Pattern.compile("\\{([^}]+)}").matcher(path);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    private static boolean declares(JsonNode doc, JsonNode pathItem, JsonNode operation, String name) {
        List<JsonNode> params = new ArrayList<>();
        for (JsonNode holder : List.of(pathItem, operation)) {
            if (holder.has("parameters")) {
                holder.get("parameters").forEach(p -> params.add(p.has("$ref") ? doc.at(p.get("$ref").asText().substring(1)) : p));
            }
        }
        return params.stream().anyMatch(p -> p.path("in").asText().equals("path") && p.path("name").asText().equals(name)
                && p.path("required").asBoolean());
    }

    private static void collectRefs(JsonNode node, List<String> refs) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    refs.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), refs);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectRefs(child, refs));
        }
    }
}
