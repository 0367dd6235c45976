package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class VendorSchedulingTest {
    private static final List<String> NVIDIA_MARKERS = List.of("nvidia.com", "pci-10de");

    private static PodSpec pod(DeploymentConfig.Builder b) {
        return Configs.podSpec(b.build());
    }

    private static Container worker(PodSpec spec) {
        return spec.getContainers().get(0);
    }

    private static List<List<String>> requiredTerms(PodSpec spec) {
        return spec.getAffinity().getNodeAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()
                .getNodeSelectorTerms().stream()
                .map(t -> t.getMatchExpressions().stream().map(VendorSchedulingTest::describe).toList())
                .toList();
    }

    private static List<String> preferredTerms(PodSpec spec) {
        var preferred = spec.getAffinity().getNodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution();
        return preferred == null ? List.of() : preferred.stream()
                .map(t -> t.getWeight() + " " + t.getPreference().getMatchExpressions().stream()
                        .map(VendorSchedulingTest::describe).toList())
                .toList();
    }

    private static String describe(NodeSelectorRequirement e) {
        return e.getKey() + " " + e.getOperator() + " " + e.getValues();
    }

    @ParameterizedTest
    @CsvSource({
        "NVIDIA, nvidia.com/gpu, feature.node.kubernetes.io/pci-10de.present, nvidia.com/gpu.present",
        "AMD,    amd.com/gpu,    feature.node.kubernetes.io/pci-1002.present, feature.node.kubernetes.io/amd-gpu",
        "INTEL,  gpu.intel.com/i915, feature.node.kubernetes.io/pci-8086.present, intel.feature.node.kubernetes.io/gpu",
    })
    void vendorResourceAffinityAndToleration(GpuVendor vendor, String resource, String nfdLabel, String operatorLabel) {
        PodSpec spec = pod(Configs.nvidia().gpuVendor(vendor).gpus(2).gpuMode(GpuModePreference.ANY));
        Map<String, Quantity> limits = worker(spec).getResources().getLimits();
        assertEquals(new Quantity("2"), limits.get(resource));
        assertEquals(Set.of("cpu", "memory", "ephemeral-storage", resource), limits.keySet());
        assertFalse(worker(spec).getResources().getRequests().containsKey(resource), "extended resources need only a limit");

        assertEquals(List.of(List.of("kubernetes.io/arch In [amd64]")), requiredTerms(spec),
                "the GPU limit selects GPU nodes; only the image's architecture is required");
        assertEquals(List.of("20 [" + nfdLabel + " In [true]]", "20 [" + operatorLabel + " In [true]]"), preferredTerms(spec),
                "presence labels are preferences: a plain device plugin sets none");

        assertEquals(1, spec.getTolerations().size());
        Toleration t = spec.getTolerations().get(0);
        assertEquals(resource, t.getKey());
        assertEquals("Exists", t.getOperator());
        assertEquals("NoSchedule", t.getEffect());
        assertNull(t.getValue());
    }

    @ParameterizedTest
    @EnumSource(value = GpuVendor.class, names = {"AMD", "INTEL"})
    void nonNvidiaPodsCarryNothingOfNvidia(GpuVendor vendor) {
        for (GpuModePreference mode : List.of(GpuModePreference.PASSTHROUGH, GpuModePreference.ANY)) {
            DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().gpuVendor(vendor).gpuMode(mode).hpa(1, 4, 70).build());
            String yaml = g.generateAll();
            for (String marker : NVIDIA_MARKERS) {
                assertFalse(yaml.contains(marker), vendor + " manifest mentions " + marker);
            }
        }
    }

    @Test
    void cpuOnlyPodsHaveNoGpuResourcesOrTolerationsAndOnlyTheArchitectureRequired() {
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().cpuOnly().hpa(1, 4, 70).build());
        PodSpec spec = Configs.template(g.workload()).getSpec();
        assertEquals(Set.of("cpu", "memory", "ephemeral-storage"), worker(spec).getResources().getLimits().keySet());
        assertEquals(List.of(List.of("kubernetes.io/arch In [amd64]")), requiredTerms(spec));
        assertEquals(List.of(), preferredTerms(spec));
        assertTrue(spec.getTolerations().isEmpty());
        assertTrue(spec.getAffinity().getPodAntiAffinity() != null, "CPU workers still spread over hosts");
        String yaml = g.generateAll();
        for (String marker : List.of("nvidia.com", "amd.com", "gpu.intel.com", "pci-", NodeLabels.GPU_MODE)) {
            assertFalse(yaml.contains(marker), "CPU manifest mentions " + marker);
        }
    }

    @Test
    void intelXeResourceIsSelectable() {
        PodSpec spec = pod(Configs.nvidia().gpuVendor(GpuVendor.INTEL).intelResource(IntelGpuResource.XE));
        assertEquals(new Quantity("1"), worker(spec).getResources().getLimits().get("gpu.intel.com/xe"));
        assertFalse(worker(spec).getResources().getLimits().containsKey("gpu.intel.com/i915"));
        assertEquals("gpu.intel.com/xe", spec.getTolerations().get(0).getKey());
    }

    @Test
    void gpuModeIsAPreferenceByDefault() {
        assertEquals(List.of(
                "80 [cuda-wasm.io/gpu-mode In [passthrough]]",
                "40 [nvidia.com/vgpu.present NotIn [true]]",
                "20 [feature.node.kubernetes.io/pci-10de.present In [true]]",
                "20 [nvidia.com/gpu.present In [true]]"),
                preferredTerms(pod(Configs.nvidia().gpuMode(GpuModePreference.PASSTHROUGH))));
        PodSpec vgpu = pod(Configs.nvidia().gpuMode(GpuModePreference.VGPU));
        assertEquals(List.of("80 [cuda-wasm.io/gpu-mode In [vgpu]]", "40 [nvidia.com/vgpu.present In [true]]"),
                preferredTerms(vgpu).subList(0, 2));
        assertEquals(List.of(List.of("kubernetes.io/arch In [amd64]")), requiredTerms(vgpu), "a preference is never required");
        assertEquals(List.of("80 [cuda-wasm.io/gpu-mode In [passthrough]]", "20 [feature.node.kubernetes.io/pci-1002.present In [true]]",
                "20 [feature.node.kubernetes.io/amd-gpu In [true]]"),
                preferredTerms(pod(Configs.nvidia().gpuVendor(GpuVendor.AMD))), "NVIDIA's labels only for NVIDIA");
    }

    @Test
    void aRequiredModeUsesLabelsThatExistBeforeTheWorkerRuns() {
        PodSpec vgpu = pod(Configs.nvidia().gpuMode(GpuModePreference.VGPU).requireGpuMode(true));
        assertEquals(List.of(
                List.of("kubernetes.io/arch In [amd64]", "nvidia.com/vgpu.present In [true]"),
                List.of("kubernetes.io/arch In [amd64]", "cuda-wasm.io/gpu-mode In [vgpu]")), requiredTerms(vgpu),
                "NVIDIA feature discovery's label, or the worker's own once it has registered");
        PodSpec passthrough = pod(Configs.nvidia().gpuMode(GpuModePreference.PASSTHROUGH).requireGpuMode(true));
        assertEquals(List.of(List.of("kubernetes.io/arch In [amd64]", "nvidia.com/vgpu.present NotIn [true]",
                "cuda-wasm.io/gpu-mode NotIn [vgpu]")), requiredTerms(passthrough), "anything not known to be a vGPU");
        assertTrue(preferredTerms(passthrough).stream().noneMatch(t -> t.contains(NodeLabels.GPU_MODE)),
                "no preference repeats the requirement");
    }

    @Test
    void anyModeAddsNoModeTerm() {
        PodSpec spec = pod(Configs.nvidia().gpuMode(GpuModePreference.ANY));
        assertTrue(preferredTerms(spec).stream().noneMatch(t -> t.contains("gpu-mode") || t.contains("vgpu")), preferredTerms(spec).toString());
    }

    @Test
    void podsSpreadOverHostsAsAPreference() {
        PodSpec spec = pod(Configs.nvidia().hpa(1, 8, 70));
        var anti = spec.getAffinity().getPodAntiAffinity();
        assertTrue(anti.getRequiredDuringSchedulingIgnoredDuringExecution() == null
                || anti.getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty());
        var term = anti.getPreferredDuringSchedulingIgnoredDuringExecution().get(0);
        assertEquals("kubernetes.io/hostname", term.getPodAffinityTerm().getTopologyKey());
        assertEquals(new DeploymentGenerator(Configs.nvidia().build()).selectorLabels(),
                term.getPodAffinityTerm().getLabelSelector().getMatchLabels());
    }

    @Test
    void overridesReplaceTolerationsAndAddNodeSelectorAndRuntimeClass() {
        PodSpec spec = pod(Configs.nvidia()
                .toleration(TolerationSpec.parse("dedicated=gpu:NoSchedule"))
                .toleration(TolerationSpec.parse("nvidia.com/gpu"))
                .nodeSelector("nutanix.com/prism-element-name", "pe-gpu")
                .runtimeClassName("nvidia"));
        assertEquals(2, spec.getTolerations().size());
        Toleration dedicated = spec.getTolerations().get(0);
        assertEquals("dedicated", dedicated.getKey());
        assertEquals("Equal", dedicated.getOperator());
        assertEquals("gpu", dedicated.getValue());
        assertEquals("NoSchedule", dedicated.getEffect());
        assertNull(spec.getTolerations().get(1).getEffect(), "no effect given: tolerate every effect");
        assertEquals(Map.of("nutanix.com/prism-element-name", "pe-gpu"), spec.getNodeSelector());
        assertEquals("nvidia", spec.getRuntimeClassName());
    }

    @Test
    void defaultsHaveNoNodeSelectorOrRuntimeClass() {
        PodSpec spec = pod(Configs.nvidia());
        assertTrue(spec.getNodeSelector().isEmpty());
        assertNull(spec.getRuntimeClassName());
    }
}
