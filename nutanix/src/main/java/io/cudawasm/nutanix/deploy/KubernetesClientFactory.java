package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/** Opens a client for a kubeconfig context; tests substitute one that points at a mock API server. */
@FunctionalInterface
public interface KubernetesClientFactory {

    /**
     * A new client the caller closes; an empty context means the kubeconfig's current context.
     *
     * @throws KubeconfigException when there is no kubeconfig (and no in-cluster service account) or it
     *     has no such context; nothing has been sent anywhere then
     */
    KubernetesClient open(Optional<String> context);

    /** Where a client for this context would point, for messages: the kubeconfig file and context. */
    default String describe(Optional<String> context) {
        return context.map(c -> "context " + c).orElse("the current context");
    }

    /**
     * Reads the kubeconfig ({@code KUBECONFIG}, {@code ~/.kube/config}) or the in-cluster service account,
     * with Fabric8's default retries (a worker rides out an API server restart).
     */
    static KubernetesClientFactory fromKubeconfig() {
        return fromKubeconfig(System.getenv(), home(), false);
    }

    /**
     * As {@link #fromKubeconfig()} for a command line: a missing kubeconfig or an unknown context fails
     * before any connection, and an API server that does not answer fails within seconds instead of
     * after Fabric8's ten retries.
     */
    static KubernetesClientFactory forCommandLine() {
        return fromKubeconfig(System.getenv(), home(), true);
    }

    /** {@code $HOME}, as kubectl reads it, else the JVM's idea of the user's home. */
    private static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** The kubeconfig named by {@code environment}'s {@code KUBECONFIG} or under {@code home}; see {@link KubeconfigLocator}. */
    static KubernetesClientFactory fromKubeconfig(Map<String, String> environment, Path home, boolean failFast) {
        KubeconfigLocator locator = new KubeconfigLocator(environment, home);
        return new KubernetesClientFactory() {
            @Override
            public KubernetesClient open(Optional<String> context) {
                Config config = locator.config(context);
                if (failFast) {
                    config.setRequestRetryBackoffLimit(1);
                    config.setRequestRetryBackoffInterval(250);
                    config.setConnectionTimeout(10_000);
                }
                return new KubernetesClientBuilder().withConfig(config).build();
            }

            @Override
            public String describe(Optional<String> context) {
                return locator.describe(context);
            }
        };
    }
}
