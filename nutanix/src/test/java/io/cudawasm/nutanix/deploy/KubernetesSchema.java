package io.cudawasm.nutanix.deploy;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Validates manifests against the Kubernetes 1.31 schema subset in
 * {@code src/test/resources/deploy/k8s-schema/}: each document's {@code apiVersion} and {@code kind}
 * pick the definition through its {@code x-kubernetes-group-version-kind}, as the API server does.
 */
final class KubernetesSchema {
    static final String KUBERNETES_VERSION = "1.31";
    static final String RESOURCE = "deploy/k8s-schema/kubernetes-1.31-subset.schema.json";
    private static final ObjectMapper JSON = JsonMapper.builder().build();

    private final SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    private final Map<String, String> definitionByGvk = new HashMap<>();
    private final Map<String, Schema> schemas = new HashMap<>();

    KubernetesSchema() {
        JsonNode root;
        try (InputStream in = KubernetesSchema.class.getClassLoader().getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is not on the test classpath");
            }
            root = JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        root.get("$defs").properties().forEach(def -> {
            JsonNode gvks = def.getValue().get("x-kubernetes-group-version-kind");
            if (gvks != null) {
                for (JsonNode gvk : gvks) {
                    String group = gvk.get("group").asString();
                    String apiVersion = group.isEmpty() ? gvk.get("version").asString() : group + "/" + gvk.get("version").asString();
                    definitionByGvk.put(apiVersion + " " + gvk.get("kind").asString(), def.getKey());
                }
            }
        });
    }

    /** The kinds the schema covers, as {@code "apiVersion kind"}. */
    java.util.Set<String> kinds() {
        return definitionByGvk.keySet();
    }

    /** Validation messages for one document (JSON text); a kind the schema lacks is itself an error. */
    List<String> validate(String documentJson) {
        JsonNode doc = JSON.readTree(documentJson);
        String key = doc.path("apiVersion").asString("") + " " + doc.path("kind").asString("");
        String definition = definitionByGvk.get(key);
        if (definition == null) {
            return List.of("no schema for " + key);
        }
        Schema schema = schemas.computeIfAbsent(definition,
                d -> registry.getSchema(SchemaLocation.of("classpath:" + RESOURCE + "#/$defs/" + d)));
        return schema.validate(doc).stream().map(Error::toString).toList();
    }
}
