package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.Optional;

/** Opens a client for a kubeconfig context; tests substitute one that points at a mock API server. */
@FunctionalInterface
public interface KubernetesClientFactory {

    /** A new client the caller closes; an empty context means the kubeconfig's current context. */
    KubernetesClient open(Optional<String> context);

    /** Reads the kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}) or the in-cluster service account. */
    static KubernetesClientFactory fromKubeconfig() {
        return context -> new KubernetesClientBuilder()
                .withConfig(Config.autoConfigure(context.orElse(null)))
                .build();
    }
}
