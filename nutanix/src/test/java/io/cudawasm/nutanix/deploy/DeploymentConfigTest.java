package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DeploymentConfigTest {

    private static void rejects(String expectedFragment, Supplier<?> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().contains(expectedFragment), "message '" + e.getMessage() + "' lacks '" + expectedFragment + "'");
    }

    @Test
    void defaultsFollowTheSeed() {
        DeploymentConfig c = DeploymentConfig.builder("cuda-wasm-worker", "img:1").build();
        assertEquals("cuda-wasm", c.namespace());
        assertEquals(Optional.of(GpuVendor.NVIDIA), c.vendor());
        assertEquals(1, c.gpusPerPod());
        assertEquals("nutanix-volume", c.storageClass());
        assertEquals(CacheAccessMode.READ_WRITE_ONCE, c.cacheAccessMode());
        assertEquals("10Gi", c.cacheSize());
        assertEquals(8080, c.servicePort());
        assertEquals(Optional.of("cuda-wasm-prism"), c.prismSecretName());
        assertEquals(GpuModePreference.PASSTHROUGH, c.gpuMode());
        assertFalse(c.gpuModeRequired());
        assertEquals(Optional.of("nvidia.com/gpu"), c.gpuResourceName());
        assertEquals(WorkerSettings.DEFAULT, c.worker());
    }

    @ParameterizedTest
    @CsvSource({
        "nutanix-volume, READ_WRITE_ONCE",
        "nutanix-dynamicfile, READ_WRITE_MANY",
        "nutanix-file, READ_WRITE_MANY",
        "default-storageclass, READ_WRITE_ONCE",
    })
    void accessModeFollowsTheStorageClass(String storageClass, CacheAccessMode expected) {
        assertEquals(expected, Configs.nvidia().storageClass(storageClass).build().cacheAccessMode());
    }

    @Test
    void accessModeCanBeOverridden() {
        assertEquals(CacheAccessMode.READ_WRITE_MANY,
                Configs.nvidia().cacheAccessMode(CacheAccessMode.READ_WRITE_MANY).build().cacheAccessMode());
    }

    @Test
    void cacheBudgetIsNinetyPercentOfTheVolume() {
        assertEquals(9663676416L, Configs.nvidia().build().cacheMaxBytes());
        assertEquals(900L, Configs.nvidia().cacheSize("1k").build().cacheMaxBytes());
        assertEquals(966367641L, Configs.nvidia().cacheSize("1Gi").build().cacheMaxBytes(), "rounded down");
    }

    @Test
    void cpuOnlyHasNoGpusAndNoMode() {
        DeploymentConfig c = Configs.nvidia().cpuOnly().build();
        assertTrue(c.cpuOnly());
        assertEquals(0, c.gpusPerPod());
        assertEquals(GpuModePreference.ANY, c.gpuMode());
        assertEquals(Optional.empty(), c.gpuResourceName());
    }

    @Test
    void toBuilderKeepsEveryValue() {
        DeploymentConfig c = Configs.variety().get("nvidia-vgpu-required");
        assertEquals(c, c.toBuilder().build());
        DeploymentConfig cpu = Configs.variety().get("cpu-nodefeature");
        assertEquals(cpu, cpu.toBuilder().build());
    }

    @Test
    void rejectsHpaMinAboveMax() {
        rejects("minimum replicas 5 is larger than the maximum 2", () -> Configs.nvidia().hpa(5, 2, 70).build());
    }

    @Test
    void rejectsHpaMinBelowOneAndBadCpuTarget() {
        rejects("at least 1", () -> HpaConfig.onCpu(0, 2, 70));
        rejects("positive percentage", () -> HpaConfig.onCpu(1, 2, 0));
        assertEquals(170, HpaConfig.onCpu(1, 2, 170).cpuTargetPercent().getAsInt(),
                "above 100 % is valid: utilization is relative to the request, and the limit may be higher");
        rejects("needs a CPU target or at least one Pods metric",
                () -> new HpaConfig(1, 2, OptionalInt.empty(), java.util.List.of(), 300));
    }

    @Test
    void rejectsNegativeGpus() {
        rejects("must not be negative, got -1", () -> Configs.nvidia().gpus(-1).build());
    }

    @Test
    void rejectsGpusWithVendorNone() {
        rejects("vendor none (CPU only) cannot request 2 GPUs", () -> Configs.nvidia().cpuOnly().gpus(2).build());
    }

    @Test
    void rejectsGpuVendorWithoutGpus() {
        rejects("needs at least 1 GPU", () -> Configs.nvidia().gpuVendor(GpuVendor.AMD).gpus(0).build());
    }

    @Test
    void rejectsVgpuForOtherVendors() {
        rejects("vgpu exists only for NVIDIA", () -> Configs.nvidia().gpuVendor(GpuVendor.AMD).gpuMode(GpuModePreference.VGPU).build());
    }

    @Test
    void rejectsRequiredAnyMode() {
        rejects("must be passthrough or vgpu", () -> Configs.nvidia().gpuMode(GpuModePreference.ANY).requireGpuMode(true).build());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Worker", "my_worker", "-worker", "worker-", "a.b", ""})
    void rejectsInvalidNames(String name) {
        rejects("DNS-1123", () -> Configs.nvidia().name(name).build());
    }

    @Test
    void rejectsNamesTooLongForStatefulSetPods() {
        rejects("at most 52", () -> Configs.nvidia().name("w".repeat(53)).build());
        assertEquals(52, Configs.nvidia().name("w".repeat(52)).build().name().length());
    }

    @Test
    void rejectsInvalidNamespaceAndStorageClass() {
        rejects("namespace 'GPU'", () -> Configs.nvidia().namespace("GPU").build());
        rejects("storage class 'Nutanix Volume'", () -> Configs.nvidia().storageClass("Nutanix Volume").build());
    }

    @Test
    void rejectsBadQuantities() {
        rejects("cache size 'ten'", () -> Configs.nvidia().cacheSize("ten").build());
        rejects("cache size '0'", () -> Configs.nvidia().cacheSize("0").build());
        rejects("CPU request 8 is larger than the CPU limit 4", () -> new ComputeResources("8", "4", "1Gi", "2Gi"));
        rejects("memory limit '2GB'", () -> new ComputeResources("1", "4", "1Gi", "2GB"));
    }

    @Test
    void rejectsBadLabelsAnnotationsAndEnv() {
        rejects("label value 'has space'", () -> Configs.nvidia().label("team", "has space").build());
        rejects("label key 'a/b/c'", () -> Configs.nvidia().label("a/b/c", "x").build());
        rejects("NKE annotation key", () -> Configs.nvidia().nkeAnnotation("bad key", "x").build());
        rejects("is set by the generator", () -> Configs.nvidia().env("CUDA_WASM_PORT", "9090").build());
        rejects("environment variable name '1X'", () -> Configs.nvidia().env("1X", "y").build());
        rejects("node selector value", () -> Configs.nvidia().nodeSelector("zone", "a b").build());
    }

    @Test
    void rejectsBadPortsPolicyImageAndUrl() {
        rejects("service port must be 1..65535, got 70000", () -> Configs.nvidia().servicePort(70000).build());
        rejects("image pull policy 'Sometimes'", () -> Configs.nvidia().imagePullPolicy("Sometimes").build());
        rejects("image ''", () -> Configs.nvidia().image("").build());
        rejects("Prism URL 'pc.example.com'", () -> Configs.nvidia().prismUrl("pc.example.com").build());
        rejects("unknown backend 'gpu'", () -> Configs.nvidia().backend("gpu").build());
        rejects("register interval must be at least 10", () -> Configs.nvidia().registerIntervalSeconds(1).build());
        rejects("replicas must not be negative", () -> Configs.nvidia().replicas(-1).build());
    }

    @Test
    void rejectsUnknownVendor() {
        rejects("unknown GPU vendor 'matrox'", () -> Configs.nvidia().gpuVendor("matrox"));
        assertEquals(Optional.of(GpuVendor.AMD), Configs.nvidia().gpuVendor("amd").build().vendor());
        assertTrue(Configs.nvidia().gpuVendor("none").build().cpuOnly());
    }

    @Test
    void podsMetricNeedsAnHpa() {
        rejects("needs an HPA", () -> Configs.nvidia().hpaPodsMetric("cudawasm_jobs_queued", "5"));
    }

    @Test
    void parsesHpaSpecs() {
        HpaConfig h = HpaConfig.parse("1:8:70");
        assertEquals(1, h.minReplicas());
        assertEquals(8, h.maxReplicas());
        assertEquals(OptionalInt.of(70), h.cpuTargetPercent());
        assertEquals(OptionalInt.of(70), HpaConfig.parse("2:4").cpuTargetPercent());
        assertEquals(OptionalInt.of(50), HpaConfig.parse("2:4:50%").cpuTargetPercent());
        rejects("MIN:MAX", () -> HpaConfig.parse("8"));
        rejects("MIN:MAX", () -> HpaConfig.parse("a:b"));
        rejects("larger than the maximum", () -> HpaConfig.parse("9:8"));
    }

    @Test
    void parsesTolerationsMetricsAndEnums() {
        TolerationSpec t = TolerationSpec.parse("nvidia.com/gpu:NoSchedule");
        assertEquals("Exists", t.operator());
        assertEquals(Optional.of("NoSchedule"), t.effect());
        assertEquals(Optional.of("gpu"), TolerationSpec.parse("dedicated=gpu").value());
        rejects("effect must be", () -> TolerationSpec.parse("x:Sometimes"));
        PodsMetricTarget m = PodsMetricTarget.parse("cudawasm_jobs_queued=5");
        assertEquals("cudawasm_jobs_queued", m.name());
        assertEquals("5", m.averageValue());
        rejects("NAME=AVERAGE_VALUE", () -> PodsMetricTarget.parse("cudawasm_jobs_queued"));
        assertEquals(CacheAccessMode.READ_WRITE_MANY, CacheAccessMode.parse("rwx"));
        assertEquals(CacheAccessMode.READ_WRITE_ONCE, CacheAccessMode.parse("ReadWriteOnce"));
        assertEquals(GpuModePreference.VGPU, GpuModePreference.parse("vGPU"));
        assertEquals(IntelGpuResource.XE, IntelGpuResource.parse("xe"));
        assertEquals(RegisterMode.NODE_FEATURE, RegisterMode.parse("nodefeature"));
        rejects("expected passthrough, vgpu or any", () -> GpuModePreference.parse("mig"));
    }

    @Test
    void parsesDurations() {
        assertEquals(Duration.ofMinutes(5), Durations.parse("5m"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90s"));
        assertEquals(Duration.ofSeconds(90), Durations.parse("90"));
        assertEquals(Duration.ofMinutes(90), Durations.parse("1h30m"));
        assertEquals(Duration.ofMinutes(2), Durations.parse("PT2M"));
        rejects("must look like", () -> Durations.parse("5 minutes"));
        rejects("must look like", () -> Durations.parse("m5"));
    }

    @Test
    void kubernetesNameRules() {
        assertTrue(KubernetesNames.isQualifiedName("feature.node.kubernetes.io/pci-10de.present"));
        assertTrue(KubernetesNames.isQualifiedName("team"));
        assertFalse(KubernetesNames.isQualifiedName("/team"));
        assertFalse(KubernetesNames.isQualifiedName("Example.com/team"));
        assertTrue(KubernetesNames.isQuantity("500m"));
        assertTrue(KubernetesNames.isQuantity("1.5Gi"));
        assertFalse(KubernetesNames.isQuantity("1.5 Gi"));
        assertFalse(KubernetesNames.isQuantity("Gi"));
    }
}
