package io.cudawasm.runtime.registration;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import java.util.Map;

/**
 * Patches the worker's own Node with a JSON merge patch: the managed {@code cuda-wasm.io/} labels (null
 * removes one) and the capabilities annotation. A merge patch names only those keys, so labels other
 * controllers own are never touched; RBAC needs {@code get} and {@code patch} on nodes.
 */
public record NodeLabelPublisher(KubernetesClient client) implements NodePublisher {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public String mode() {
        return "labels";
    }

    @Override
    public void publish(String nodeName, Map<String, String> labels, String documentJson) {
        client.nodes().withName(nodeName).patch(PatchContext.of(PatchType.JSON_MERGE), mergePatch(labels, documentJson));
    }

    /** The merge patch: every managed label with its value or null (removal), and the annotation. */
    public static String mergePatch(Map<String, String> labels, String documentJson) {
        ObjectNode patch = JSON.createObjectNode();
        ObjectNode metadata = patch.putObject("metadata");
        ObjectNode labelNode = metadata.putObject("labels");
        CapabilityLabels.mergePatch(labels).forEach(labelNode::put);
        metadata.putObject("annotations").put(NodeLabels.CAPABILITIES_ANNOTATION, documentJson);
        return patch.toString();
    }
}
