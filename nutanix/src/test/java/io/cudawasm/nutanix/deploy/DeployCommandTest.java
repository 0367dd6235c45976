package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.cli.DeployCommand;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code deploy} against Fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true, https = false)
class DeployCommandTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private final List<Optional<String>> contexts = new ArrayList<>();

    private DeployCommand command() {
        return new DeployCommand(context -> {
            contexts.add(context);
            return server.createClient();
        });
    }

    private static StatefulSet live(String namespace) {
        return client.apps().statefulSets().inNamespace(namespace).withName("cuda-wasm-worker").get();
    }

    @Test
    void dryRunThenApplyThenIdempotentReapply() {
        String[] options = {"--namespace", "deploy-a", "--hpa", "1:8:70"};

        CommandRun dry = CommandRun.of(command(), concat(options, "--dry-run", "--context", "nke-prod"));
        assertEquals(0, dry.exitCode(), dry.err());
        assertTrue(dry.out().contains("would create statefulset/cuda-wasm-worker (namespace deploy-a)"), dry.out());
        assertTrue(dry.out().contains("would create namespace/deploy-a"), dry.out());
        assertTrue(dry.out().contains("(context nke-prod)"), dry.out());
        assertEquals(List.of(Optional.of("nke-prod")), contexts);
        assertNull(live("deploy-a"), "a dry run creates nothing");
        assertNull(client.namespaces().withName("deploy-a").get());

        CommandRun apply = CommandRun.of(command(), concat(options, "--no-wait"));
        assertEquals(0, apply.exitCode(), apply.err());
        assertTrue(apply.out().contains("created statefulset/cuda-wasm-worker"), apply.out());
        assertTrue(apply.out().contains("11 created"), apply.out());
        assertTrue(apply.out().contains("workload: StatefulSet"), apply.out());
        assertNotNull(live("deploy-a"));
        String version = live("deploy-a").getMetadata().getResourceVersion();

        CommandRun again = CommandRun.of(command(), concat(options, "--no-wait"));
        assertEquals(0, again.exitCode(), again.err());
        assertTrue(again.out().contains("11 unchanged"), again.out());
        assertTrue(!again.out().contains("created") && !again.out().contains("updated"), again.out());
        assertEquals(version, live("deploy-a").getMetadata().getResourceVersion());
        assertEquals(1, client.apps().statefulSets().inNamespace("deploy-a").list().getItems().size());

        CommandRun dryChange = CommandRun.of(command(), concat(options, "--image", "cuda-wasm:next", "--dry-run"));
        assertTrue(dryChange.out().contains("would update statefulset/cuda-wasm-worker"), dryChange.out());
        assertTrue(dryChange.out().contains("10 unchanged, 1 would update"), dryChange.out());
    }

    @Test
    void waitsForTheRolloutAndReportsSuccess() {
        String[] options = {"--namespace", "deploy-b", "--hpa", "1:8:70"};
        assertEquals(0, CommandRun.of(command(), concat(options, "--no-wait")).exitCode());
        StatefulSet s = live("deploy-b");
        s.setStatus(new StatefulSetStatusBuilder()
                .withObservedGeneration(s.getMetadata().getGeneration())
                .withReplicas(1).withReadyReplicas(1).withUpdatedReplicas(1).withAvailableReplicas(1)
                .withCurrentRevision("r1").withUpdateRevision("r1")
                .build());
        client.resource(s).updateStatus();

        CommandRun run = CommandRun.of(command(), concat(options, "--wait-timeout", "30s"));
        assertEquals(0, run.exitCode(), run.out() + run.err());
        assertTrue(run.out().contains("waiting up to 30s for statefulset/cuda-wasm-worker"), run.out());
        assertTrue(run.out().contains("rollout complete: 1 of 1 replicas ready"), run.out());
    }

    @Test
    void reportsARolloutThatDoesNotComplete() {
        CommandRun run = CommandRun.of(command(), "--namespace", "deploy-c", "--vendor", "amd", "--wait-timeout", "1s");
        assertEquals(1, run.exitCode(), run.out());
        assertTrue(run.out().contains("created deployment/cuda-wasm-worker"), run.out());
        assertTrue(run.err().contains("error: rollout not complete: timed out after 1s"), run.err());
    }

    @Test
    void invalidOptionsStopBeforeTouchingTheCluster() {
        CommandRun run = CommandRun.of(command(), "--namespace", "deploy-d", "--wait-timeout", "soon");
        assertEquals(2, run.exitCode());
        assertTrue(run.err().contains("duration 'soon'"), run.err());
        assertTrue(contexts.isEmpty(), "no client may be opened for invalid options");
        CommandRun bad = CommandRun.of(command(), "--namespace", "Deploy");
        assertEquals(2, bad.exitCode());
        assertTrue(bad.err().contains("namespace 'Deploy'"), bad.err());
    }

    @Test
    void withoutAKubeconfigItFailsAtOnceSayingWhereItLooked(@TempDir Path home) {
        long started = System.nanoTime();
        CommandRun run = CommandRun.of(new DeployCommand(KubernetesClientFactory.fromKubeconfig(Map.of(), home, true)),
                "--dry-run");
        assertEquals(2, run.exitCode(), run.out());
        assertEquals("error: no kubeconfig found: KUBECONFIG is unset and " + home.resolve(".kube/config")
                + " does not exist, and this is not a pod with a service account; set KUBECONFIG or create ~/.kube/config"
                + " (for NKE: download it from Prism Central, Kubernetes Management, your cluster, Download Kubeconfig)",
                run.err().strip());
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "no connection attempts, no retries");

        CommandRun missing = CommandRun.of(new DeployCommand(KubernetesClientFactory.fromKubeconfig(
                Map.of("KUBECONFIG", home.resolve("nke.yaml").toString()), home, true)), "--dry-run");
        assertEquals(2, missing.exitCode());
        assertTrue(missing.err().contains("KUBECONFIG=" + home.resolve("nke.yaml") + " names no existing file"), missing.err());
    }

    @Test
    void anUnknownContextOrAnUnreachableServerIsNamed(@TempDir Path home) throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        Path kubeconfig = Files.writeString(home.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: lab
                  cluster: {server: "https://127.0.0.1:%d", insecure-skip-tls-verify: true}
                users:
                - name: me
                  user: {token: abc}
                contexts:
                - name: nke-lab
                  context: {cluster: lab, user: me}
                current-context: nke-lab
                """.formatted(closedPort));
        KubernetesClientFactory factory = KubernetesClientFactory.fromKubeconfig(Map.of("KUBECONFIG", kubeconfig.toString()), home, true);

        CommandRun unknown = CommandRun.of(new DeployCommand(factory), "--dry-run", "--context", "nke-prod");
        assertEquals(2, unknown.exitCode());
        assertEquals("error: the kubeconfig (" + kubeconfig + ") has no context 'nke-prod'; it has nke-lab", unknown.err().strip());

        long started = System.nanoTime();
        CommandRun refused = CommandRun.of(new DeployCommand(factory), "--dry-run");
        assertEquals(1, refused.exitCode(), refused.out());
        assertEquals("error: cannot reach the Kubernetes API at https://127.0.0.1:" + closedPort + "/ (kubeconfig " + kubeconfig
                + ", current context): connection refused", refused.err().strip());
        assertTrue(System.nanoTime() - started < 10_000_000_000L, "one retry, not Fabric8's ten");
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
