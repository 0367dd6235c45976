package io.cudawasm.runtime.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.nutanix.deploy.DeploymentConfig;
import io.cudawasm.nutanix.deploy.DeploymentGenerator;
import io.cudawasm.nutanix.deploy.RegisterMode;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * "Exactly what it needs": the verbs self-registration really uses against the API server, recorded
 * from the mock server, equal the rules the generator grants, in each register mode.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class RegistrationRbacTest {
    static KubernetesClient client;
    static KubernetesMockServer server;
    private RegistrationFixture fx;

    @BeforeEach
    void setUp() throws InterruptedException {
        client.nodes().delete();
        fx = new RegistrationFixture();
        fx.createNode(client, "worker-node", "nke-prod-gpu-worker-1", Map.of());
        recordedVerbs();
    }

    @AfterEach
    void tearDown() {
        fx.close();
    }

    @Test
    void labelsModeUsesExactlyTheClusterRolesVerbs() throws InterruptedException {
        assertEquals(granted(RegisterMode.LABELS), used(new NodeLabelPublisher(client)));
    }

    @Test
    void nodeFeatureModeUsesExactlyTheRolesVerbs() throws InterruptedException {
        assertEquals(granted(RegisterMode.NODE_FEATURE), used(new NodeFeaturePublisher(client, "cuda-wasm")));
    }

    /** Two rounds with a change in between, so both the first write and an update happen. */
    private Map<String, Set<String>> used(NodePublisher publisher) throws InterruptedException {
        try (SelfRegistration r = SelfRegistration.builder(
                        new RegistrationSettings(true, Duration.ofSeconds(60), "labels").withNodeName("worker-node"),
                        new SimpleMeterRegistry())
                .prism(fx.prism).publisher(publisher).localView(() -> LocalView.of(List.of("wasm"), List.of())).build()) {
            r.refresh();
            String vm = fx.vm("nke-prod-gpu-worker-1").uuid();
            String host = fx.host("ahv-east-gpu01").uuid();
            fx.sim.removeGpu(host, fx.host("ahv-east-gpu01").gpus().stream()
                    .filter(g -> g.consumer().map(c -> c.uuid().equals(vm)).orElse(false)).findFirst().orElseThrow()
                    .uuid());
            r.refresh();
        }
        return recordedVerbs();
    }

    /** resource -> verbs, from the requests the mock server saw since the last call. */
    private static Map<String, Set<String>> recordedVerbs() throws InterruptedException {
        Map<String, Set<String>> verbs = new TreeMap<>();
        RecordedRequest q;
        while ((q = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            String path = q.getPath().replaceAll("\\?.*", "");
            String[] parts = path.split("/");
            // /api/v1/nodes/NAME or /apis/GROUP/VERSION/namespaces/NS/nodefeatures[/NAME]
            boolean named = path.startsWith("/api/v1/nodes/") || parts.length == 8;
            String resource = path.startsWith("/api/v1/nodes") ? "nodes" : parts[6];
            String verb = switch (q.getMethod()) {
                case "GET" -> named ? "get" : "list";
                case "POST" -> "create";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> q.getMethod();
            };
            verbs.computeIfAbsent(resource, k -> new TreeSet<>()).add(verb);
        }
        return verbs;
    }

    private static Map<String, Set<String>> granted(RegisterMode mode) {
        DeploymentConfig config = DeploymentConfig.builder("cuda-wasm-worker", "cuda-wasm:test").registerMode(mode).build();
        Map<String, Set<String>> verbs = new TreeMap<>();
        for (HasMetadata o : new DeploymentGenerator(config).rbac()) {
            List<PolicyRule> rules = o instanceof ClusterRole c ? c.getRules() : o instanceof Role r ? r.getRules() : List.of();
            for (PolicyRule rule : rules) {
                for (String resource : rule.getResources()) {
                    verbs.computeIfAbsent(resource, k -> new TreeSet<>()).addAll(rule.getVerbs());
                }
            }
        }
        return verbs;
    }
}
