package io.cudawasm.runtime.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.deploy.DeploymentConfig;
import io.cudawasm.nutanix.deploy.DeploymentGenerator;
import io.cudawasm.nutanix.deploy.GpuModePreference;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The generator's passthrough/vGPU preference, scheduled the way the Kubernetes scheduler reads node
 * affinity, against nodes labelled by self-registration itself: the two must agree on keys and values.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class GeneratorPreferenceTest {
    static KubernetesClient client;
    private static RegistrationFixture fx;

    /** What NFD puts on a node with an NVIDIA PCI device (a preference of the generator), and the kubelet's arch. */
    private static final Map<String, String> NFD_NVIDIA = Map.of("feature.node.kubernetes.io/pci-10de.present", "true",
            "kubernetes.io/arch", "amd64");

    @BeforeAll
    static void registerThreeNodes() {
        fx = new RegistrationFixture();
        fx.createNode(client, "pt-node", "nke-prod-gpu-worker-2", NFD_NVIDIA);
        fx.createNode(client, "vgpu-node", "nke-infer-vgpu-worker-1", NFD_NVIDIA);
        fx.createNode(client, "cpu-node", "nke-prod-control-plane-0", Map.of("kubernetes.io/arch", "amd64"));
        // the device plugin's resource is what selects GPU nodes
        for (String gpuNode : List.of("pt-node", "vgpu-node")) {
            client.nodes().withName(gpuNode).edit(n -> {
                n.getStatus().setAllocatable(Map.of("nvidia.com/gpu", new Quantity("1")));
                return n;
            });
        }
        for (String node : List.of("pt-node", "vgpu-node", "cpu-node")) {
            try (SelfRegistration r = SelfRegistration.builder(
                            new RegistrationSettings(true, Duration.ofSeconds(60), "labels").withNodeName(node),
                            new SimpleMeterRegistry())
                    .prism(fx.prism).publisher(new NodeLabelPublisher(client))
                    .localView(() -> LocalView.of(List.of("wasm"), List.of())).build()) {
                r.refresh();
            }
        }
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void aPreferredModeSchedulesOntoTheNodeRegistrationLabelledWithIt() {
        assertEquals(List.of("vgpu-node", "pt-node"), ranking(GpuModePreference.VGPU, false));
        assertEquals(List.of("pt-node", "vgpu-node"), ranking(GpuModePreference.PASSTHROUGH, false));
    }

    @Test
    void aRequiredModeAdmitsOnlyTheMatchingNode() {
        assertEquals(List.of("vgpu-node"), ranking(GpuModePreference.VGPU, true));
        assertEquals(List.of("pt-node"), ranking(GpuModePreference.PASSTHROUGH, true));
    }

    /**
     * Eligible nodes (required terms, and the GPU limit against the node's allocatable), best preference
     * score first; the CPU node, which has no {@code nvidia.com/gpu}, is never eligible.
     */
    private static List<String> ranking(GpuModePreference mode, boolean required) {
        DeploymentConfig config = DeploymentConfig.builder("cuda-wasm-worker", "cuda-wasm:test").gpuVendor(GpuVendor.NVIDIA).gpuMode(mode)
                .requireGpuMode(required).build();
        PodSpec pod = podSpec(new DeploymentGenerator(config).generate());
        NodeAffinity affinity = pod.getAffinity().getNodeAffinity();
        List<Node> eligible = new ArrayList<>();
        for (Node node : client.nodes().list().getItems()) {
            Map<String, String> labels = node.getMetadata().getLabels();
            boolean admitted = affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()
                    .stream().anyMatch(t -> matches(t, labels));
            Map<String, Quantity> allocatable = node.getStatus().getAllocatable() == null ? Map.of()
                    : node.getStatus().getAllocatable();
            boolean hasGpu = pod.getContainers().get(0).getResources().getLimits().keySet().stream()
                    .filter(r -> r.contains("/")).allMatch(allocatable::containsKey);
            if (admitted && hasGpu) {
                eligible.add(node);
            }
        }
        return eligible.stream()
                .sorted(Comparator.comparingInt((Node n) -> -score(affinity, n.getMetadata().getLabels()))
                        .thenComparing(n -> n.getMetadata().getName()))
                .map(n -> n.getMetadata().getName()).toList();
    }

    private static int score(NodeAffinity affinity, Map<String, String> labels) {
        int score = 0;
        for (PreferredSchedulingTerm p : affinity.getPreferredDuringSchedulingIgnoredDuringExecution()) {
            if (matches(p.getPreference(), labels)) {
                score += p.getWeight();
            }
        }
        return score;
    }

    /** A term matches when every expression does (the operators the generator uses: In, NotIn, Exists). */
    private static boolean matches(NodeSelectorTerm term, Map<String, String> labels) {
        for (NodeSelectorRequirement r : term.getMatchExpressions()) {
            String value = labels.get(r.getKey());
            boolean ok = switch (r.getOperator()) {
                case "In" -> value != null && r.getValues().contains(value);
                case "NotIn" -> value == null || !r.getValues().contains(value);
                case "Exists" -> labels.containsKey(r.getKey());
                default -> throw new AssertionError("operator not modelled: " + r.getOperator());
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    private static PodSpec podSpec(List<HasMetadata> objects) {
        for (HasMetadata o : objects) {
            if (o instanceof StatefulSet s) {
                return s.getSpec().getTemplate().getSpec();
            }
            if (o instanceof Deployment d) {
                return d.getSpec().getTemplate().getSpec();
            }
        }
        throw new AssertionError("no workload generated");
    }
}
