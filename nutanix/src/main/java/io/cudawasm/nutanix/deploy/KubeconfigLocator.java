package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Finds the cluster a client should talk to the way kubectl does: the files in {@code KUBECONFIG}
 * (colon-separated), else {@code ~/.kube/config}, else, inside a pod, its service account. Checked up
 * front so that a missing kubeconfig or an unknown context is reported with the places looked at,
 * instead of Fabric8 falling back to {@code https://kubernetes.default.svc} and retrying for 20 s.
 */
final class KubeconfigLocator {
    static final String ENV_KUBECONFIG = "KUBECONFIG";
    private static final Path SERVICE_ACCOUNT_TOKEN = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");

    private final Map<String, String> environment;
    private final Path home;

    KubeconfigLocator(Map<String, String> environment, Path home) {
        this.environment = Map.copyOf(environment);
        this.home = home;
    }

    /** The kubeconfig files that exist, in KUBECONFIG order, or the default one. */
    List<Path> kubeconfigFiles() {
        List<Path> files = new ArrayList<>();
        for (Path p : candidates()) {
            if (Files.isRegularFile(p)) {
                files.add(p);
            }
        }
        return files;
    }

    private List<Path> candidates() {
        String list = environment.get(ENV_KUBECONFIG);
        if (list != null && !list.isBlank()) {
            return List.of(list.split(File.pathSeparator)).stream().filter(s -> !s.isBlank()).map(Path::of).toList();
        }
        return List.of(home.resolve(".kube").resolve("config"));
    }

    private boolean inCluster() {
        return environment.containsKey("KUBERNETES_SERVICE_HOST") && Files.isReadable(SERVICE_ACCOUNT_TOKEN);
    }

    /** Fabric8's configuration for the context, after checking that there is one to use. */
    Config config(Optional<String> context) {
        List<Path> files = kubeconfigFiles();
        if (files.isEmpty()) {
            if (inCluster() && context.isEmpty()) {
                return Config.autoConfigure(null);
            }
            throw new KubeconfigException("no kubeconfig found: " + lookedAt()
                    + "; set KUBECONFIG or create ~/.kube/config (for NKE: download it from Prism Central, "
                    + "Kubernetes Management, your cluster, Download Kubeconfig)");
        }
        List<String> contexts = new ArrayList<>();
        for (Path f : files) {
            try {
                io.fabric8.kubernetes.api.model.Config parsed = KubeConfigUtils.parseConfig(f.toFile());
                parsed.getContexts().stream().map(NamedContext::getName).forEach(contexts::add);
            } catch (RuntimeException e) {
                throw new KubeconfigException("cannot read the kubeconfig " + f + ": " + e.getMessage());
            }
        }
        if (context.isPresent() && !contexts.contains(context.get())) {
            throw new KubeconfigException("the kubeconfig (" + describeFiles(files) + ") has no context '" + context.get()
                    + "'; it has " + (contexts.isEmpty() ? "none" : String.join(", ", contexts)));
        }
        if (context.isEmpty() && contexts.isEmpty()) {
            throw new KubeconfigException("the kubeconfig (" + describeFiles(files) + ") defines no context");
        }
        return files.size() == 1 ? Config.fromKubeconfig(context.orElse(null), files.get(0).toFile())
                : Config.autoConfigure(context.orElse(null));
    }

    /** "kubeconfig /home/me/.kube/config, context nke-prod" (or "the current context"). */
    String describe(Optional<String> context) {
        List<Path> files = kubeconfigFiles();
        String source = files.isEmpty() ? (inCluster() ? "in-cluster service account" : "no kubeconfig")
                : "kubeconfig " + describeFiles(files);
        return source + ", " + context.map(c -> "context " + c).orElse("current context");
    }

    private String lookedAt() {
        String list = environment.get(ENV_KUBECONFIG);
        String where = list != null && !list.isBlank()
                ? "KUBECONFIG=" + list + " names no existing file"
                : "KUBECONFIG is unset and " + home.resolve(".kube").resolve("config") + " does not exist";
        return where + ", and this is not a pod with a service account";
    }

    private static String describeFiles(List<Path> files) {
        return String.join(File.pathSeparator, files.stream().map(Path::toString).toList());
    }
}
