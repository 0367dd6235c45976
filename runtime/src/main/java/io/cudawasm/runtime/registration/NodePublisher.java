package io.cudawasm.runtime.registration;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.Map;
import java.util.Optional;

/**
 * Where self-registration writes a node's labels: onto the Node itself ({@link NodeLabelPublisher}) or
 * into a Node Feature Discovery {@code NodeFeature} object that NFD turns into labels
 * ({@link NodeFeaturePublisher}). Both read the Node the same way.
 */
public sealed interface NodePublisher permits NodeLabelPublisher, NodeFeaturePublisher {

    KubernetesClient client();

    /** {@code labels} or {@code nodefeature}, as {@code CUDA_WASM_REGISTER_MODE} spells it. */
    String mode();

    /**
     * Writes the managed labels of {@code nodeName} (absent keys are removed) and the capabilities
     * document. Touches nothing but that node's (or that node's NodeFeature's) managed keys.
     */
    void publish(String nodeName, Map<String, String> labels, String documentJson);

    /** Reads the node: its system UUID and the cloud controller's host label. */
    default NodeIdentity read(String nodeName) {
        Node node = client().nodes().withName(nodeName).get();
        if (node == null) {
            throw new IllegalStateException("the Kubernetes API server has no node named '" + nodeName + "'");
        }
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Optional<String> systemUuid = Optional.ofNullable(node.getStatus())
                .map(s -> s.getNodeInfo())
                .map(i -> i.getSystemUUID());
        return new NodeIdentity(nodeName, systemUuid, Optional.ofNullable(labels.get(NodeIdentity.CCM_HOST_UUID_LABEL)),
                labels);
    }
}
