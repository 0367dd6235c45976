package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BenchmarkJobTest {

    @Test
    void runsTheSuiteWithResultsOnAClaim() {
        Job job = DeploymentGenerator.benchmarkJob(BenchmarkJobConfig.builder("bench", "cuda-wasm:test").build());
        var pod = job.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertEquals(List.of("java", "--add-modules=jdk.incubator.vector", "-jar", "/opt/cuda-wasm/benchmarks.jar"), c.getCommand());
        assertEquals(List.of("--preset", "full", "--result-dir", "/results"), c.getArgs(),
                "the suite's full run, its tagged result file on the claim");
        assertEquals("Never", pod.getRestartPolicy());
        assertEquals(0, job.getSpec().getBackoffLimit(), "a failed benchmark is not retried on another node");
        var results = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/results")).findFirst().orElseThrow();
        var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(results.getName())).findFirst().orElseThrow();
        assertEquals("bench-results", volume.getPersistentVolumeClaim().getClaimName());
        assertEquals(Boolean.TRUE, c.getSecurityContext().getReadOnlyRootFilesystem());
        assertEquals(Boolean.FALSE, c.getSecurityContext().getAllowPrivilegeEscalation());
        assertEquals(10001L, pod.getSecurityContext().getRunAsUser());
        assertTrue(c.getVolumeMounts().stream().anyMatch(m -> m.getMountPath().equals("/tmp")), "JMH forks need a writable /tmp");
    }

    @Test
    void targetsTheChosenNodeTypeWithTheWorkersAffinity() {
        BenchmarkJobConfig b = BenchmarkJobConfig.builder("bench", "img").gpuVendor(GpuVendor.NVIDIA).gpus(2)
                .gpuMode(GpuModePreference.VGPU).build();
        var pod = DeploymentGenerator.benchmarkJob(b).getSpec().getTemplate().getSpec();
        assertEquals("2", pod.getContainers().get(0).getResources().getLimits().get("nvidia.com/gpu").toString());
        var terms = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertEquals(2, terms.size(), "vGPU shown by NVIDIA feature discovery or by the worker's label");
        for (var term : terms) {
            Set<String> expressions = term.getMatchExpressions().stream()
                    .map(e -> e.getKey() + "=" + e.getValues()).collect(Collectors.toSet());
            assertTrue(expressions.contains("kubernetes.io/arch=[amd64]"), expressions.toString());
            assertTrue(expressions.contains(NodeLabels.GPU_MODE + "=[vgpu]") || expressions.contains("nvidia.com/vgpu.present=[true]"),
                    "mode is required by default: " + expressions);
        }
        assertNull(pod.getAffinity().getPodAntiAffinity(), "a single Job pod needs no spreading");
        assertEquals("nvidia.com/gpu", pod.getTolerations().get(0).getKey());
    }

    @Test
    void modeCanBeAPreferenceAndCpuRunsHaveNoGpuScheduling() {
        var preferred = DeploymentGenerator.benchmarkJob(BenchmarkJobConfig.builder("b", "img").gpuVendor(GpuVendor.AMD)
                .requireGpuMode(false).build()).getSpec().getTemplate().getSpec().getAffinity().getNodeAffinity();
        assertEquals(NodeLabels.GPU_MODE, preferred.getPreferredDuringSchedulingIgnoredDuringExecution().get(0).getPreference()
                .getMatchExpressions().get(0).getKey(), "the mode as a preference");
        List<NodeSelectorRequirement> required = preferred.getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions();
        assertEquals(List.of("kubernetes.io/arch"), required.stream().map(NodeSelectorRequirement::getKey).toList());

        var cpu = DeploymentGenerator.benchmarkJob(BenchmarkJobConfig.builder("b", "img:1").cpuOnly().build())
                .getSpec().getTemplate().getSpec();
        assertTrue(cpu.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        assertTrue(cpu.getTolerations().isEmpty());
        assertEquals(Set.of("cpu", "memory", "ephemeral-storage"), cpu.getContainers().get(0).getResources().getLimits().keySet());
    }

    @Test
    void runsOnItsOwnServiceAccountWithoutTokenOrNetwork() {
        List<HasMetadata> objects = DeploymentGenerator.benchmarkObjects(BenchmarkJobConfig.builder("bench", "img:1").build());
        assertEquals(List.of("Namespace", "ServiceAccount", "PersistentVolumeClaim", "Job", "NetworkPolicy"),
                objects.stream().map(HasMetadata::getKind).toList());
        var account = Configs.only(objects, io.fabric8.kubernetes.api.model.ServiceAccount.class);
        assertEquals(Boolean.FALSE, account.getAutomountServiceAccountToken());
        var pod = Configs.only(objects, Job.class).getSpec().getTemplate().getSpec();
        assertEquals("bench", pod.getServiceAccountName());
        assertEquals(Boolean.FALSE, pod.getAutomountServiceAccountToken());
        var policy = Configs.only(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        assertEquals(List.of("Ingress", "Egress"), policy.getSpec().getPolicyTypes());
        assertTrue(policy.getSpec().getIngress().isEmpty() && policy.getSpec().getEgress().isEmpty(), "no traffic in or out");
        assertEquals("restricted", Configs.only(objects, io.fabric8.kubernetes.api.model.Namespace.class).getMetadata().getLabels()
                .get("pod-security.kubernetes.io/enforce"));
    }

    @Test
    void objectsIncludeTheResultsClaimUnlessAnExistingOneIsUsed() {
        BenchmarkJobConfig.Builder b = BenchmarkJobConfig.builder("bench", "img").resultsStorageClass("nutanix-dynamicfile")
                .resultsSize("5Gi");
        List<HasMetadata> objects = DeploymentGenerator.benchmarkObjects(b.build());
        PersistentVolumeClaim claim = Configs.only(objects, PersistentVolumeClaim.class);
        assertEquals("nutanix-dynamicfile", claim.getSpec().getStorageClassName());
        assertEquals("5Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
        List<HasMetadata> existing = DeploymentGenerator.benchmarkObjects(b.createResultsClaim(false).resultsClaimName("shared").build());
        assertTrue(Configs.all(existing, PersistentVolumeClaim.class).isEmpty());
        assertEquals("shared", Configs.only(existing, Job.class).getSpec().getTemplate().getSpec().getVolumes().get(0)
                .getPersistentVolumeClaim().getClaimName());
    }

    @Test
    void resultsCanStayOnTheFleetsSharedCacheClaim() {
        DeploymentConfig rwx = Configs.nvidia().gpuMode(GpuModePreference.PASSTHROUGH)
                .storageClass(NutanixStorageClasses.DYNAMIC_FILE).replicas(3).build();
        BenchmarkJobConfig b = BenchmarkJobConfig.from(rwx).resultsOnCacheOf(rwx).build();
        List<HasMetadata> objects = DeploymentGenerator.benchmarkObjects(b);
        assertTrue(Configs.all(objects, PersistentVolumeClaim.class).isEmpty(), "the cache claim belongs to the fleet");
        var pod = Configs.only(objects, Job.class).getSpec().getTemplate().getSpec();
        var mount = pod.getContainers().get(0).getVolumeMounts().stream()
                .filter(m -> m.getMountPath().equals("/results")).findFirst().orElseThrow();
        assertEquals("bench-results", mount.getSubPath(), "next to kernels/ on the cache volume");
        var volume = pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertEquals(new DeploymentGenerator(rwx).cacheClaimName(), volume.getPersistentVolumeClaim().getClaimName());
        assertEquals(Boolean.FALSE, Boolean.TRUE.equals(mount.getReadOnly()), "the suite writes its result file there");

        DeploymentConfig rwo = Configs.nvidia().build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkJobConfig.from(rwo).resultsOnCacheOf(rwo));
        assertTrue(e.getMessage().contains("attaches to one node"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> BenchmarkJobConfig.builder("b", "img").resultsSubPath("../escape").build());
    }

    @Test
    void derivesFromAWorkerConfiguration() {
        DeploymentConfig worker = Configs.nvidia().gpuVendor(GpuVendor.INTEL).intelResource(IntelGpuResource.XE).namespace("gpu").build();
        BenchmarkJobConfig b = BenchmarkJobConfig.from(worker).build();
        assertEquals("cuda-wasm-worker-benchmark", b.name());
        assertEquals("gpu", b.namespace());
        assertEquals(worker.image(), b.image());
        String yaml = Manifests.toYaml(DeploymentGenerator.benchmarkObjects(b));
        assertTrue(yaml.contains("gpu.intel.com/xe"));
        assertFalse(yaml.contains("nvidia.com"));
    }

    @Test
    void validatesItsInput() {
        assertThrows(IllegalArgumentException.class, () -> BenchmarkJobConfig.builder("Bench", "img").build());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> BenchmarkJobConfig.builder("b", "img").cpuOnly().gpus(1).build());
        assertTrue(e.getMessage().contains("vendor none (CPU only) cannot request 1 GPUs"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> BenchmarkJobConfig.builder("b", "img").resultsSize("lots").build());
    }
}
