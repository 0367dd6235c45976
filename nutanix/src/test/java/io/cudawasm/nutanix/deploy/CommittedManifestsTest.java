package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The files in {@code k8s/} are exactly what the generator writes. With
 * {@code -Dcuda-wasm.regenerate=true} the test rewrites them instead of failing.
 */
class CommittedManifestsTest {
    private static final Path K8S = RepositoryRoot.find().resolve("k8s");

    @Test
    void committedFilesMatchTheGenerator() throws IOException {
        if (Boolean.getBoolean("cuda-wasm.regenerate")) {
            GenerateCommittedManifests.writeTo(K8S);
        }
        for (Map.Entry<String, String> e : GenerateCommittedManifests.manifests().entrySet()) {
            Path file = K8S.resolve(e.getKey());
            if (!Files.isRegularFile(file)) {
                fail(file + " is missing; regenerate with:\n  " + GenerateCommittedManifests.REGENERATE_COMMAND);
            }
            String committed = Files.readString(file, StandardCharsets.UTF_8);
            if (!committed.equals(e.getValue())) {
                fail(file + " differs from the generator's output; regenerate with:\n  "
                        + GenerateCommittedManifests.REGENERATE_COMMAND + "\nfirst difference at line "
                        + firstDifferentLine(committed, e.getValue()));
            }
        }
    }

    @Test
    void noStrayManifestsInK8s() throws IOException {
        try (Stream<Path> files = Files.list(K8S)) {
            List<String> yaml = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml")).sorted().toList();
            assertEquals(GenerateCommittedManifests.manifests().keySet().stream().sorted().toList(), yaml,
                    "every YAML file in k8s/ must come from the generator");
        }
    }

    @Test
    void nvidiaManifestKeepsTheSeedDefaults() throws IOException {
        List<HasMetadata> objects = Manifests.parse(Files.readString(K8S.resolve("kubernetes_deployment.yaml")));
        StatefulSet set = Configs.only(objects, StatefulSet.class);
        var claim = set.getSpec().getVolumeClaimTemplates().get(0).getSpec();
        assertEquals("10Gi", claim.getResources().getRequests().get("storage").toString());
        assertEquals("nutanix-volume", claim.getStorageClassName());
        HorizontalPodAutoscaler hpa = Configs.only(objects, HorizontalPodAutoscaler.class);
        assertEquals(1, hpa.getSpec().getMinReplicas());
        assertEquals(8, hpa.getSpec().getMaxReplicas());
        assertEquals(70, hpa.getSpec().getMetrics().get(0).getResource().getTarget().getAverageUtilization());
        assertEquals("StatefulSet", hpa.getSpec().getScaleTargetRef().getKind());
        assertEquals(8080, set.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0).getContainerPort());
    }

    @Test
    void variantsTargetTheirVendor() throws IOException {
        assertTrue(Files.readString(K8S.resolve("kubernetes_deployment-amd.yaml")).contains("amd.com/gpu: '1'"));
        assertTrue(Files.readString(K8S.resolve("kubernetes_deployment-intel.yaml")).contains("gpu.intel.com/i915: '1'"));
        for (String f : List.of("kubernetes_deployment-amd.yaml", "kubernetes_deployment-intel.yaml", "kubernetes_deployment-cpu.yaml")) {
            assertFalse(Files.readString(K8S.resolve(f)).contains("nvidia.com"), f);
        }
    }

    private static int firstDifferentLine(String a, String b) {
        String[] x = a.split("\n", -1);
        String[] y = b.split("\n", -1);
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].equals(y[i])) {
                return i + 1;
            }
        }
        return Math.min(x.length, y.length) + 1;
    }
}
