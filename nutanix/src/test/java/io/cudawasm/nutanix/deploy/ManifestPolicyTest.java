package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@link PolicyCheck} over every generated variant: the fleets of {@link Configs#variety()}, the
 * benchmark Jobs, and the committed manifests in {@code k8s/}. The only findings allowed are the
 * deliberate ones named here.
 */
class ManifestPolicyTest {

    static Stream<Arguments> variants() throws IOException {
        List<Arguments> sets = new ArrayList<>();
        Configs.variety().forEach((label, config) -> sets.add(Arguments.of(label, new DeploymentGenerator(config).generate())));
        Configs.benchmarks().forEach((label, objects) -> sets.add(Arguments.of(label, objects)));
        return sets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("variants")
    void everyVariantPassesEveryCheck(String label, List<HasMetadata> objects) {
        assertEquals(List.of(), PolicyCheck.findings(objects), label);
    }

    /**
     * The committed files name local image tags ({@code cuda-wasm:0.1.0-nvidia}, as docker/README.md
     * builds them): no image has been released, so there is no digest to pin. Deliberate, and the only
     * finding; k8s/README.md says to pass {@code --image-digest} for a real registry.
     */
    @Test
    void theCommittedManifestsLackOnlyADigest() throws IOException {
        Path k8s = RepositoryRoot.find().resolve("k8s");
        for (String file : GenerateCommittedManifests.manifests().keySet()) {
            List<String> findings = PolicyCheck.findings(Manifests.parse(Files.readString(k8s.resolve(file))));
            assertEquals(1, findings.size(), file + ": " + findings);
            assertTrue(findings.get(0).matches("StatefulSet/cuda-wasm-worker container worker: image cuda-wasm:0\\.1\\.0-\\w+ is not pinned by digest"),
                    findings.get(0));
        }
    }

    @Test
    void theChecksCatchWhatTheyLookFor() {
        DeploymentConfig pinned = Configs.variety().get("nvidia-no-api-access");
        List<HasMetadata> objects = new DeploymentGenerator(pinned.toBuilder().networkPolicy(false).build()).generate();
        PodSpec pod = Configs.template(objects.stream().filter(o -> o.getKind().equals("Deployment")).findFirst().orElseThrow())
                .getSpec();
        pod.getContainers().get(0).getSecurityContext().setAllowPrivilegeEscalation(null);
        pod.getContainers().get(0).getSecurityContext().setReadOnlyRootFilesystem(false);
        pod.getContainers().get(0).getSecurityContext().getCapabilities().setDrop(List.of("NET_RAW"));
        pod.getSecurityContext().setSeccompProfile(null);
        pod.getContainers().get(0).getSecurityContext().setSeccompProfile(null);
        pod.getContainers().get(0).getSecurityContext().setRunAsNonRoot(null);
        pod.getSecurityContext().setRunAsNonRoot(null);
        pod.getContainers().get(0).getResources().getLimits().remove("ephemeral-storage");
        pod.getContainers().get(0).setImage("cuda-wasm:latest");
        pod.setAutomountServiceAccountToken(true);
        objects.stream().filter(o -> o.getKind().equals("Namespace")).findFirst().orElseThrow().getMetadata().getLabels()
                .remove("pod-security.kubernetes.io/enforce");
        String c = "Deployment/cuda-wasm-worker container worker: ";
        assertEquals(List.of(
                "Namespace/cuda-wasm: Pod Security \"restricted\" not enforced",
                c + "runAsNonRoot is not true",
                c + "privilege escalation allowed",
                c + "capabilities not dropped (ALL)",
                c + "seccomp profile is null",
                c + "root file system is writable",
                c + "no ephemeral-storage limit",
                c + "image cuda-wasm:latest is latest or untagged",
                c + "image cuda-wasm:latest is not pinned by digest",
                c + "pull policy IfNotPresent for the mutable image cuda-wasm:latest",
                "Deployment/cuda-wasm-worker: mounts a service-account token it has no use for (no role binding)",
                "Deployment/cuda-wasm-worker: no NetworkPolicy restricts both its ingress and egress"),
                PolicyCheck.findings(objects));
    }
}
