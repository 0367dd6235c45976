package io.cudawasm.runtime.service.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Rules of OpenAPI 3.0 schemas that linters (Spectral's oas3-schema, Redocly) check and a structural
 * test does not: {@code nullable} needs a {@code type} beside it, and a {@code oneOf} must not let one
 * value (null included) match two alternatives.
 */
class OpenApiSchemaRulesTest {
    private static JsonNode document() throws Exception {
        try (InputStream in = OpenApiSchemaRulesTest.class.getResourceAsStream("/io/cudawasm/runtime/service/api/openapi.json")) {
            return new ObjectMapper().readTree(in);
        }
    }

    private static void walk(JsonNode node, String path, List<String> violations) {
        if (node.isObject()) {
            if (node.path("nullable").asBoolean(false) && !node.has("type")) {
                violations.add(path + ": nullable without type");
            }
            if (node.has("oneOf")) {
                long nullable = 0;
                for (JsonNode alternative : node.get("oneOf")) {
                    nullable += alternative.path("nullable").asBoolean(false) ? 1 : 0;
                }
                if (nullable > 1) {
                    violations.add(path + ": null matches " + nullable + " oneOf alternatives");
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                walk(e.getValue(), path + "/" + e.getKey(), violations);
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                walk(node.get(i), path + "/" + i, violations);
            }
        }
    }

    @Test
    void nullableAlwaysHasATypeAndNullMatchesOneAlternative() throws Exception {
        JsonNode doc = document();
        assertTrue(doc.path("openapi").asText().startsWith("3.0"), "the rules below are OpenAPI 3.0's");
        List<String> violations = new ArrayList<>();
        walk(doc, "", violations);
        assertEquals(List.of(), violations);
        JsonNode argument = doc.at("/components/schemas/Argument/oneOf");
        assertEquals(1, java.util.stream.StreamSupport.stream(argument.spliterator(), false)
                .filter(a -> a.path("nullable").asBoolean(false)).count(), "a pointer argument may be null");
    }
}
