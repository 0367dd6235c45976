package io.cudawasm.nutanix.cli;

import io.cudawasm.nutanix.NetworkErrors;
import io.cudawasm.nutanix.deploy.AppliedObject;
import io.cudawasm.nutanix.deploy.ApplyAction;
import io.cudawasm.nutanix.deploy.DeploymentConfig;
import io.cudawasm.nutanix.deploy.DeploymentGenerator;
import io.cudawasm.nutanix.deploy.DeploymentOptions;
import io.cudawasm.nutanix.deploy.Durations;
import io.cudawasm.nutanix.deploy.KubeconfigException;
import io.cudawasm.nutanix.deploy.KubernetesClientFactory;
import io.cudawasm.nutanix.deploy.ManifestApplier;
import io.cudawasm.nutanix.deploy.RolloutState;
import io.cudawasm.nutanix.deploy.RolloutWaiter;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm deploy [options]}: creates or updates the worker fleet in the current kubeconfig
 * context, idempotently, then waits for the rollout.
 */
@Command(
        name = "deploy",
        mixinStandardHelpOptions = true,
        description = {
            "Creates or updates the cuda-wasm worker fleet through the Kubernetes API and waits for the rollout.",
            "Objects that already match are left untouched; --dry-run only reports what would change."
        })
public final class DeployCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    DeploymentOptions deployment = new DeploymentOptions();

    @Option(names = "--dry-run", description = "Compare with the cluster and print what would change; write nothing.")
    boolean dryRun;

    @Option(names = "--context", paramLabel = "NAME", description = "kubeconfig context (default: the current one).")
    String context;

    @Option(names = "--wait-timeout", paramLabel = "DURATION", description = "How long to wait for the rollout, e.g. 90s, 5m (default: ${DEFAULT-VALUE}).")
    String waitTimeout = "5m";

    @Option(names = "--no-wait", description = "Return after applying, without waiting for the rollout.")
    boolean noWait;

    private final KubernetesClientFactory clients;

    /** Uses the kubeconfig (or the in-cluster service account), failing fast when there is none. */
    public DeployCommand() {
        this(KubernetesClientFactory.forCommandLine());
    }

    /** Uses the given client factory; tests pass one that points at a mock API server. */
    public DeployCommand(KubernetesClientFactory clients) {
        this.clients = clients;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        DeploymentGenerator generator;
        Duration timeout;
        try {
            DeploymentConfig config = deployment.toConfig();
            generator = new DeploymentGenerator(config);
            timeout = Durations.parse(waitTimeout);
        } catch (IllegalArgumentException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        List<HasMetadata> objects = generator.generate();
        Optional<String> chosen = Optional.ofNullable(context);
        KubernetesClient opened;
        try {
            opened = clients.open(chosen);
        } catch (KubeconfigException e) {
            err.println("error: " + e.getMessage());
            return 2;
        }
        try (KubernetesClient client = opened) {
            out.println((dryRun ? "dry run against " : "applying " + objects.size() + " objects to ")
                    + client.getMasterUrl() + (context == null ? "" : " (context " + context + ")"));
            out.println("workload: " + generator.workloadDecision().kind().kubernetesKind()
                    + " (" + generator.workloadDecision().reason() + ")");
            List<AppliedObject> results = new ManifestApplier(client).apply(objects, dryRun, r -> {
                out.println(r.describe());
                out.flush();
            });
            out.println(summary(results));
            if (dryRun || noWait) {
                return 0;
            }
            HasMetadata workload = generator.workload();
            out.println("waiting up to " + timeout.toSeconds() + "s for " + workload.getKind().toLowerCase(java.util.Locale.ROOT)
                    + "/" + workload.getMetadata().getName() + " to roll out");
            out.flush();
            RolloutState state = new RolloutWaiter(client).await(workload, timeout, line -> {
                out.println(line);
                out.flush();
            });
            if (!state.complete()) {
                err.println("error: rollout not complete: " + state.message());
                return 1;
            }
            out.println("rollout complete: " + state.message());
            return 0;
        } catch (KubernetesClientException e) {
            err.println("error: " + describe(e, opened.getMasterUrl().toString(), clients.describe(chosen)));
            return 1;
        }
    }

    /**
     * Fabric8's message for a refused or unresolvable connection is "An error has occurred."; the cause
     * says what happened, and the kubeconfig and context say where the address came from.
     */
    static String describe(KubernetesClientException e, String server, String source) {
        if (e.getCode() > 0) {
            return "the Kubernetes API at " + server + " (" + source + ") answered " + e.getCode() + ": " + e.getMessage();
        }
        return "cannot reach the Kubernetes API at " + server + " (" + source + "): " + NetworkErrors.describe(e);
    }

    private static String summary(List<AppliedObject> results) {
        StringBuilder s = new StringBuilder();
        for (ApplyAction a : ApplyAction.values()) {
            long n = results.stream().filter(r -> r.action() == a).count();
            if (n > 0) {
                s.append(s.length() == 0 ? "" : ", ").append(n).append(' ').append(a.verb());
            }
        }
        return s.toString();
    }
}
