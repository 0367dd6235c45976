package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.cli.GenerateCommand;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.batch.v1.Job;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

    @Test
    void defaultsGiveTheSeedManifest() {
        CommandRun run = CommandRun.of(new GenerateCommand(), "--hpa", "1:8:70", "--image", "cuda-wasm:0.1.0-nvidia");
        assertEquals(0, run.exitCode(), run.err());
        String expected = GenerateCommittedManifests.manifests().get("kubernetes_deployment.yaml");
        assertTrue(expected.endsWith(run.out()), "CLI output differs from the committed NVIDIA manifest");
    }

    @Test
    void everyOptionReachesTheManifest() {
        CommandRun run = CommandRun.of(new GenerateCommand(),
                "--name", "inference", "--namespace", "gpu", "--image", "registry.local/cw:1", "--image-pull-policy", "Always",
                "--vendor", "nvidia", "--gpus", "2", "--gpu-mode", "vgpu", "--require-gpu-mode",
                "--cpu-request", "2", "--cpu-limit", "8", "--memory-request", "4Gi", "--memory-limit", "16Gi",
                "--hpa", "2:6:60", "--hpa-pods-metric", "cudawasm_jobs_queued=5", "--scale-down-stabilization", "600",
                "--nke-annotation", "nke.nutanix.com/priority=high", "--label", "team=ml", "--annotation", "example.com/o=x",
                "--env", "HTTPS_PROXY=http://proxy:3128", "--storage-class", "nutanix-dynamicfile", "--cache-size", "50Gi",
                "--service-port", "80", "--prism-secret", "pc-creds", "--prism-url", "https://pc.example.com:9440",
                "--node-selector", "zone=a", "--toleration", "dedicated=gpu:NoSchedule", "--runtime-class", "nvidia",
                "--max-concurrent-kernels", "16", "--backend", "cuda", "--log-level", "debug",
                "--register-interval", "30", "--register-mode", "nodefeature",
                "--api-client-namespace", "team=ml", "--pod-monitor",
                "--image-digest", Configs.DIGEST, "--arch", "amd64,arm64", "--ephemeral-storage-request", "1Gi",
                "--ephemeral-storage-limit", "3Gi", "--kube-api-cidr", "10.96.0.1/32", "--prism-cidr", "10.0.0.40/32");
        assertEquals(0, run.exitCode(), run.err());
        List<HasMetadata> objects = Manifests.parse(run.out());
        Deployment d = Configs.only(objects, Deployment.class);
        assertTrue(Configs.all(objects, StatefulSet.class).isEmpty(), "RWX class gives a Deployment");
        var pod = d.getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertEquals("gpu", d.getMetadata().getNamespace());
        assertEquals("inference", d.getMetadata().getName());
        assertEquals("registry.local/cw:1@" + Configs.DIGEST, c.getImage());
        assertEquals("3Gi", c.getResources().getLimits().get("ephemeral-storage").toString());
        assertEquals("1Gi", c.getResources().getRequests().get("ephemeral-storage").toString());
        assertEquals(List.of("amd64", "arm64"), pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().get(0).getMatchExpressions().get(0).getValues());
        assertEquals("Always", c.getImagePullPolicy());
        assertEquals("2", c.getResources().getLimits().get("nvidia.com/gpu").toString());
        assertEquals("16Gi", c.getResources().getLimits().get("memory").toString());
        assertEquals("high", d.getMetadata().getAnnotations().get("nke.nutanix.com/priority"));
        assertEquals("x", d.getMetadata().getAnnotations().get("example.com/o"));
        assertEquals("ml", d.getMetadata().getLabels().get("team"));
        assertEquals("nvidia", pod.getRuntimeClassName());
        assertEquals("a", pod.getNodeSelector().get("zone"));
        assertEquals("dedicated", pod.getTolerations().get(0).getKey());
        assertTrue(c.getEnv().stream().anyMatch(e -> e.getName().equals("HTTPS_PROXY")));
        assertTrue(pod.getVolumes().stream().anyMatch(v -> v.getSecret() != null && v.getSecret().getSecretName().equals("pc-creds")),
                "the Prism Secret is mounted as files");
        var egress = Configs.only(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        assertTrue(egress.getSpec().getEgress().stream().anyMatch(e -> !e.getTo().isEmpty()
                && e.getTo().get(0).getIpBlock() != null && e.getTo().get(0).getIpBlock().getCidr().equals("10.0.0.40/32")));
        HorizontalPodAutoscaler hpa = Configs.only(objects, HorizontalPodAutoscaler.class);
        assertEquals(2, hpa.getSpec().getMinReplicas());
        assertEquals(6, hpa.getSpec().getMaxReplicas());
        assertEquals(600, hpa.getSpec().getBehavior().getScaleDown().getStabilizationWindowSeconds());
        assertEquals("cudawasm_jobs_queued", hpa.getSpec().getMetrics().get(1).getPods().getMetric().getName());
        assertEquals("5", hpa.getSpec().getMetrics().get(1).getPods().getTarget().getAverageValue().toString());
        PersistentVolumeClaim claim = Configs.only(objects, PersistentVolumeClaim.class);
        assertEquals("50Gi", claim.getSpec().getResources().getRequests().get("storage").toString());
        assertEquals(List.of("ReadWriteMany"), claim.getSpec().getAccessModes());
        ConfigMap cm = Configs.only(objects, ConfigMap.class);
        assertEquals("16", cm.getData().get("CUDA_WASM_MAX_CONCURRENT_KERNELS"));
        assertEquals("cuda", cm.getData().get("CUDA_WASM_BACKEND"));
        assertEquals("debug", cm.getData().get("CUDA_WASM_LOG_LEVEL"));
        assertEquals("30", cm.getData().get("CUDA_WASM_REGISTER_INTERVAL_SECONDS"));
        assertEquals("https://pc.example.com:9440", cm.getData().get("NUTANIX_PRISM_URL"));
        assertEquals(List.of("inference-peers", "inference-nodefeatures"),
                Configs.all(objects, Role.class).stream().map(r -> r.getMetadata().getName()).toList(),
                "a Deployment fleet reads EndpointSlices; NodeFeature mode writes NodeFeatures");
        assertEquals("endpointslices", cm.getData().get("CUDA_WASM_PEER_DISCOVERY"));
        var policy = Configs.only(objects, io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class);
        assertEquals(java.util.Map.of("team", "ml"), policy.getSpec().getIngress().get(1).getFrom().get(0)
                .getNamespaceSelector().getMatchLabels());
        assertEquals("PodMonitor", Configs.only(objects, io.fabric8.kubernetes.api.model.GenericKubernetesResource.class)
                .getKind());
        assertEquals(80, Configs.all(objects, io.fabric8.kubernetes.api.model.Service.class).stream()
                .filter(svc -> svc.getMetadata().getName().equals("inference")).findFirst().orElseThrow()
                .getSpec().getPorts().get(0).getPort(), "the ClusterIP Service; the headless one keeps the pod port");
    }

    @Test
    void imageDefaultsFollowTheVendor() {
        CommandRun run = CommandRun.of(new GenerateCommand(), "--vendor", "none");
        assertEquals(0, run.exitCode(), run.err());
        Deployment d = Configs.only(Manifests.parse(run.out()), Deployment.class);
        assertEquals("cuda-wasm:0.1.0-cpu", d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals("Recreate", d.getSpec().getStrategy().getType(), "one replica on RWO");
    }

    @Test
    void writesToAFile(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("manifest.yaml");
        CommandRun run = CommandRun.of(new GenerateCommand(), "--vendor", "amd", "-o", file.toString());
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("", run.out());
        assertTrue(run.err().contains("wrote " + file));
        String yaml = Files.readString(file);
        assertTrue(yaml.contains("amd.com/gpu"));
        assertFalse(yaml.contains("nvidia.com"));
    }

    @Test
    void invalidInputIsReportedNotThrown() {
        CommandRun hpa = CommandRun.of(new GenerateCommand(), "--hpa", "9:2");
        assertEquals(2, hpa.exitCode());
        assertTrue(hpa.err().contains("error: HPA minimum replicas 9 is larger than the maximum 2"), hpa.err());
        assertEquals("", hpa.out());
        CommandRun vendor = CommandRun.of(new GenerateCommand(), "--vendor", "none", "--gpus", "1");
        assertEquals(2, vendor.exitCode());
        assertTrue(vendor.err().contains("vendor none (CPU only) cannot request 1 GPUs"), vendor.err());
        CommandRun metric = CommandRun.of(new GenerateCommand(), "--hpa-pods-metric", "x=1");
        assertTrue(metric.err().contains("--hpa-pods-metric needs --hpa"), metric.err());
        CommandRun unknown = CommandRun.of(new GenerateCommand(), "--gpu-count", "1");
        assertEquals(2, unknown.exitCode());
        assertTrue(unknown.err().contains("'--gpu-count'"), unknown.err());
    }

    @Test
    void benchmarkJobOption() {
        CommandRun run = CommandRun.of(new GenerateCommand(), "--benchmark-job", "--vendor", "intel", "--gpu-mode", "passthrough",
                "--benchmark-arg", "-f", "--benchmark-arg", "1", "--results-size", "2Gi");
        assertEquals(0, run.exitCode(), run.err());
        List<HasMetadata> objects = Manifests.parse(run.out());
        assertEquals(List.of("Namespace", "ServiceAccount", "PersistentVolumeClaim", "Job", "NetworkPolicy"),
                objects.stream().map(HasMetadata::getKind).toList());
        Job job = Configs.only(objects, Job.class);
        var c = job.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertEquals(List.of("java", "--add-modules=jdk.incubator.vector", "-jar", "/opt/cuda-wasm/benchmarks.jar"), c.getCommand());
        assertEquals(List.of("-f", "1"), c.getArgs());
        assertEquals("1", c.getResources().getLimits().get("gpu.intel.com/i915").toString());
        assertEquals("2Gi", Configs.only(objects, PersistentVolumeClaim.class).getSpec().getResources().getRequests().get("storage").toString());
        assertTrue(Configs.all(objects, StatefulSet.class).isEmpty());
    }

    /** The suite on vGPU nodes, results on the fleet's shared cache: YAML parsed back by Fabric8. */
    @Test
    void benchJobOnAVgpuNodeWithResultsOnTheCacheVolume() {
        CommandRun run = CommandRun.of(new GenerateCommand(), "--bench-job", "--vendor", "nvidia", "--gpu-mode", "vgpu",
                "--storage-class", "nutanix-dynamicfile", "--results-on-cache");
        assertEquals(0, run.exitCode(), run.err());
        List<HasMetadata> objects = Manifests.parse(run.out());
        assertEquals(List.of("Namespace", "ServiceAccount", "Job", "NetworkPolicy"), objects.stream().map(HasMetadata::getKind).toList());
        var pod = Configs.only(objects, Job.class).getSpec().getTemplate().getSpec();
        var c = pod.getContainers().get(0);
        assertEquals(List.of("java", "--add-modules=jdk.incubator.vector", "-jar", "/opt/cuda-wasm/benchmarks.jar", "--preset", "full", "--result-dir", "/results"),
                java.util.stream.Stream.concat(c.getCommand().stream(), c.getArgs().stream()).toList());
        var terms = pod.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertTrue(terms.stream().allMatch(t -> t.getMatchExpressions().stream()
                .anyMatch(e -> (e.getKey().equals("cuda-wasm.io/gpu-mode") || e.getKey().equals("nvidia.com/vgpu.present"))
                        && e.getOperator().equals("In"))),
                "only vGPU nodes: " + terms);
        var mount = c.getVolumeMounts().stream().filter(m -> m.getMountPath().equals("/results")).findFirst().orElseThrow();
        assertEquals("bench-results", mount.getSubPath());
        assertEquals("cuda-wasm-worker-cache", pod.getVolumes().stream().filter(v -> v.getName().equals(mount.getName()))
                .findFirst().orElseThrow().getPersistentVolumeClaim().getClaimName());

        CommandRun rwo = CommandRun.of(new GenerateCommand(), "--bench-job", "--results-on-cache");
        assertEquals(2, rwo.exitCode(), rwo.out());
        assertTrue(rwo.err().contains("attaches to one node"), rwo.err());
    }

    @Test
    void helpListsTheOptions() {
        CommandRun run = CommandRun.of(new GenerateCommand(), "--help");
        assertEquals(0, run.exitCode());
        for (String option : List.of("--vendor", "--gpus", "--gpu-mode", "--hpa", "--storage-class", "--cache-size",
                "--nke-annotation", "--benchmark-job", "--bench-job", "--results-on-cache", "--output")) {
            assertTrue(run.out().contains(option), option);
        }
    }
}
