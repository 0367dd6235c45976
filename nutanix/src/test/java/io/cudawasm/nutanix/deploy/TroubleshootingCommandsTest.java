package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The README's troubleshooting commands work on the StatefulSet the committed manifests create: each
 * object they name exists on Fabric8's mock API after applying {@code k8s/kubernetes_deployment.yaml},
 * the label selector finds the fleet, and the HPA patch is accepted and does what it says.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class TroubleshootingCommandsTest {
    static KubernetesClient client;
    private static final Pattern KIND_NAME = Pattern.compile("\\b(statefulset|svc)/([a-z0-9-]+)|\\b(hpa) ([a-z0-9-]+)");
    private static List<String> commands;

    @BeforeAll
    static void applyTheCommittedManifestAndReadTheReadme() throws IOException {
        List<HasMetadata> objects = Manifests.parse(Files.readString(RepositoryRoot.find().resolve("k8s/kubernetes_deployment.yaml")));
        new ManifestApplier(client).apply(objects, false, r -> { });
        String readme = Files.readString(RepositoryRoot.find().resolve("README.md"));
        int section = readme.indexOf("**Working with the StatefulSet**");
        assertTrue(section > 0, "README has the StatefulSet commands");
        String block = readme.substring(readme.indexOf("```bash", section) + 7, readme.indexOf("```", readme.indexOf("```bash", section) + 7));
        commands = block.lines().map(String::strip).filter(l -> l.startsWith("kubectl")).toList();
        assertTrue(commands.size() >= 6, block);
    }

    @Test
    void everyNamedObjectExists() {
        for (String command : commands) {
            if (command.startsWith("kubectl get nodes")) {
                continue;
            }
            assertTrue(command.startsWith("kubectl -n cuda-wasm "), command);
            Matcher m = KIND_NAME.matcher(command);
            while (m.find()) {
                String kind = m.group(1) != null ? m.group(1) : m.group(3);
                String name = m.group(1) != null ? m.group(2) : m.group(4);
                HasMetadata found = switch (kind) {
                    case "statefulset" -> client.apps().statefulSets().inNamespace("cuda-wasm").withName(name).get();
                    case "svc" -> client.services().inNamespace("cuda-wasm").withName(name).get();
                    case "hpa" -> client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("cuda-wasm").withName(name).get();
                    default -> null;
                };
                assertNotNull(found, command + ": no " + kind + " " + name);
            }
            if (command.contains(" logs ")) {
                String pod = command.split("\\s+")[4];
                StatefulSet s = client.apps().statefulSets().inNamespace("cuda-wasm").withName(pod.replaceFirst("-\\d+$", "")).get();
                assertNotNull(s, command + ": " + pod + " is not a pod of a StatefulSet");
            }
        }
    }

    @Test
    void theLabelSelectorFindsTheFleet() {
        String command = commands.stream().filter(c -> c.contains(" -l ")).findFirst().orElseThrow();
        String[] selector = command.substring(command.indexOf(" -l ") + 4).split("\\s+")[0].split("=");
        assertEquals(1, client.apps().statefulSets().inNamespace("cuda-wasm").withLabel(selector[0], selector[1]).list().getItems().size());
        assertEquals(2, client.services().inNamespace("cuda-wasm").withLabel(selector[0], selector[1]).list().getItems().size(),
                "the ClusterIP and the headless Service");
        StatefulSet s = client.apps().statefulSets().inNamespace("cuda-wasm").withName("cuda-wasm-worker").get();
        assertEquals(selector[1], s.getSpec().getTemplate().getMetadata().getLabels().get(selector[0]), "pods carry it too");
        assertEquals("kernel-cache", s.getSpec().getVolumeClaimTemplates().get(0).getMetadata().getName(),
                "claims are kernel-cache-cuda-wasm-worker-N, as the README names them");
    }

    @Test
    void theHpaPatchIsAcceptedAndRaisesTheMinimum() {
        String command = commands.stream().filter(c -> c.contains(" patch hpa ")).findFirst().orElseThrow();
        String patch = command.substring(command.indexOf("-p '") + 4, command.indexOf("'", command.indexOf("-p '") + 4));
        HorizontalPodAutoscaler hpa = client.autoscaling().v2().horizontalPodAutoscalers().inNamespace("cuda-wasm")
                // kubectl sends a strategic merge patch; for one scalar field it is the same JSON merge patch the
                // mock server understands
                .withName("cuda-wasm-worker").patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        assertEquals(3, hpa.getSpec().getMinReplicas());
        assertEquals(8, hpa.getSpec().getMaxReplicas());
    }

    @Test
    void theNodeLabelColumnsAreTheWorkersLabels() {
        String command = commands.stream().filter(c -> c.startsWith("kubectl get nodes -L ")).findFirst().orElseThrow();
        Set<String> known = Set.of(NodeLabels.GPU_MODE, NodeLabels.GPU_VENDOR, NodeLabels.GPU_MODEL, NodeLabels.GPU_COUNT,
                NodeLabels.GPU_MEMORY, NodeLabels.BACKENDS);
        for (String label : command.substring("kubectl get nodes -L ".length()).split(",")) {
            assertTrue(known.contains(label.strip()), label);
        }
        assertFalse(commands.stream().anyMatch(c -> c.contains("deployment")), "the default workload is a StatefulSet");
    }
}
