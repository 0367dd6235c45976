package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Configurations and lookups shared by the tests. */
final class Configs {
    private Configs() {}

    static DeploymentConfig.Builder nvidia() {
        return DeploymentConfig.builder("cuda-wasm-worker", "cuda-wasm:test").gpuVendor(GpuVendor.NVIDIA);
    }

    /** A digest for pinned test images (the sha-256 of nothing). */
    static final String DIGEST = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    /**
     * One configuration per vendor plus CPU-only, across the workload kinds (StatefulSet fleet, shared
     * claim Deployment, single Recreate Deployment), register modes, GPU modes and optional objects, so
     * every branch of the generator is exercised. Images are pinned by digest, as releases are.
     */
    static Map<String, DeploymentConfig> variety() {
        Map<String, DeploymentConfig> v = new LinkedHashMap<>();
        v.put("nvidia-hpa", nvidia().imageDigest(DIGEST).hpa(1, 8, 70).hpaPodsMetric("cudawasm_jobs_queued", "5").build());
        v.put("nvidia-vgpu-required", nvidia().imageDigest(DIGEST).gpus(2).gpuMode(GpuModePreference.VGPU).requireGpuMode(true)
                .runtimeClassName("nvidia").nkeAnnotation("nke.nutanix.com/priority", "high").build());
        v.put("amd-single", nvidia().imageDigest(DIGEST).gpuVendor(GpuVendor.AMD).replicas(1).build());
        v.put("intel-xe-rwx", nvidia().imageDigest(DIGEST).gpuVendor(GpuVendor.INTEL).intelResource(IntelGpuResource.XE)
                .storageClass(NutanixStorageClasses.DYNAMIC_FILE).replicas(3).build());
        v.put("cpu-nodefeature", nvidia().imageDigest(DIGEST).cpuOnly().registerMode(RegisterMode.NODE_FEATURE).hpa(2, 4, 60)
                .noPrismSecret().prismUrl("https://pc.example.com:9440").build());
        v.put("nvidia-no-api-access", nvidia().imageDigest(DIGEST).selfRegister(false).replicas(1).build());
        v.put("amd-fleet-monitored", nvidia().imageDigest(DIGEST).gpuVendor(GpuVendor.AMD).hpa(1, 6, 150).podMonitor(true)
                .kubeApiCidr("10.96.0.1/32").prismCidr("10.0.0.40/32").apiClientNamespace("cuda-wasm.io/client", "true").build());
        v.put("intel-passthrough-required", nvidia().imageDigest(DIGEST).gpuVendor(GpuVendor.INTEL).requireGpuMode(true)
                .hpa(1, 4, 70).registerMode(RegisterMode.NODE_FEATURE).build());
        v.put("cpu-shared-cache", nvidia().imageDigest(DIGEST).cpuOnly().storageClass(NutanixStorageClasses.DYNAMIC_FILE)
                .replicas(2).selfRegister(false).noPrismSecret().build());
        return v;
    }

    /** Benchmark Jobs per vendor and CPU-only, pinned like the workers. */
    static Map<String, List<HasMetadata>> benchmarks() {
        Map<String, List<HasMetadata>> b = new LinkedHashMap<>();
        for (GpuVendor vendor : GpuVendor.values()) {
            b.put("benchmark-" + vendor.name().toLowerCase(java.util.Locale.ROOT), DeploymentGenerator.benchmarkObjects(
                    BenchmarkJobConfig.from(nvidia().imageDigest(DIGEST).gpuVendor(vendor).build()).build()));
        }
        b.put("benchmark-cpu", DeploymentGenerator.benchmarkObjects(
                BenchmarkJobConfig.from(nvidia().imageDigest(DIGEST).cpuOnly().build()).build()));
        return b;
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
