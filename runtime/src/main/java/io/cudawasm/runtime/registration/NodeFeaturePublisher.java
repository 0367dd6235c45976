package io.cudawasm.runtime.registration;

import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.util.Map;
import java.util.Objects;

/**
 * Writes a Node Feature Discovery {@code NodeFeature} ({@code nfd.k8s-sigs.io/v1alpha1}) in the worker's
 * namespace; NFD's master copies its {@code spec.labels} onto the node named by the
 * {@code nfd.node.kubernetes.io/node-name} label, and removes those that disappear from it. The worker
 * then needs no write access to nodes at all.
 */
public record NodeFeaturePublisher(KubernetesClient client, String namespace) implements NodePublisher {
    public static final ResourceDefinitionContext NODE_FEATURE = new ResourceDefinitionContext.Builder()
            .withGroup("nfd.k8s-sigs.io").withVersion("v1alpha1").withKind("NodeFeature").withPlural("nodefeatures")
            .withNamespaced(true).build();
    public static final String NODE_NAME_LABEL = "nfd.node.kubernetes.io/node-name";

    public NodeFeaturePublisher {
        Objects.requireNonNull(client, "client");
        Objects.requireNonNull(namespace, "namespace");
    }

    @Override
    public String mode() {
        return "nodefeature";
    }

    /** One object per node, so workers on different nodes never write the same one. */
    public static String objectName(String nodeName) {
        return "cuda-wasm-" + nodeName;
    }

    @Override
    public void publish(String nodeName, Map<String, String> labels, String documentJson) {
        GenericKubernetesResource feature = new GenericKubernetesResourceBuilder()
                .withApiVersion("nfd.k8s-sigs.io/v1alpha1").withKind("NodeFeature")
                .withNewMetadata().withName(objectName(nodeName)).withNamespace(namespace)
                .addToLabels(NODE_NAME_LABEL, nodeName)
                .addToLabels("app.kubernetes.io/managed-by", "cuda-wasm")
                .addToAnnotations(NodeLabels.CAPABILITIES_ANNOTATION, documentJson)
                .endMetadata()
                .addToAdditionalProperties("spec", Map.of("labels", labels))
                .build();
        client.genericKubernetesResources(NODE_FEATURE).inNamespace(namespace).resource(feature)
                .createOr(NonDeletingOperation::update);
    }
}
