package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.List;
import java.util.Map;

/** Configurations and lookups shared by the tests. */
final class Configs {
    private Configs() {}

    static DeploymentConfig.Builder nvidia() {
        return DeploymentConfig.builder("cuda-wasm-worker", "cuda-wasm:test").gpuVendor(GpuVendor.NVIDIA);
    }

    /** One configuration per vendor plus CPU-only, each also with NodeFeature mode and RWX, so every branch is exercised. */
    static Map<String, DeploymentConfig> variety() {
        return Map.of(
                "nvidia-hpa", nvidia().hpa(1, 8, 70).hpaPodsMetric("cudawasm_jobs_queued", "5").build(),
                "nvidia-vgpu-required", nvidia().gpus(2).gpuMode(GpuModePreference.VGPU).requireGpuMode(true)
                        .runtimeClassName("nvidia").nkeAnnotation("nke.nutanix.com/priority", "high").build(),
                "amd-single", nvidia().gpuVendor(GpuVendor.AMD).replicas(1).build(),
                "intel-xe-rwx", nvidia().gpuVendor(GpuVendor.INTEL).intelResource(IntelGpuResource.XE)
                        .storageClass(NutanixStorageClasses.DYNAMIC_FILE).replicas(3).build(),
                "cpu-nodefeature", nvidia().cpuOnly().registerMode(RegisterMode.NODE_FEATURE).hpa(2, 4, 60)
                        .noPrismSecret().prismUrl("https://pc.example.com:9440").build());
    }

    static <T extends HasMetadata> T only(List<HasMetadata> objects, Class<T> type) {
        List<T> found = objects.stream().filter(type::isInstance).map(type::cast).toList();
        if (found.size() != 1) {
            throw new AssertionError("expected one " + type.getSimpleName() + ", found " + found.size());
        }
        return found.get(0);
    }

    static <T extends HasMetadata> List<T> all(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static PodTemplateSpec template(HasMetadata workload) {
        if (workload instanceof StatefulSet s) {
            return s.getSpec().getTemplate();
        }
        if (workload instanceof Deployment d) {
            return d.getSpec().getTemplate();
        }
        throw new AssertionError("not a workload: " + workload.getKind());
    }

    static PodSpec podSpec(DeploymentConfig config) {
        return template(new DeploymentGenerator(config).workload()).getSpec();
    }
}
