package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
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
                .map(t -> t.getMatchExpressions().stream().map(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
                        .toList())
                .toList();
    }

    @ParameterizedTest
    @CsvSource({
        "NVIDIA, nvidia.com/gpu, feature.node.kubernetes.io/pci-10de.present, nvidia.com/gpu.present",
        "AMD,    amd.com/gpu,    feature.node.kubernetes.io/pci-1002.present, ",
        "INTEL,  gpu.intel.com/i915, feature.node.kubernetes.io/pci-8086.present, intel.feature.node.kubernetes.io/gpu",
    })
    void vendorResourceAffinityAndToleration(GpuVendor vendor, String resource, String nfdLabel, String otherLabel) {
        PodSpec spec = pod(Configs.nvidia().gpuVendor(vendor).gpus(2).gpuMode(GpuModePreference.ANY));
        Map<String, Quantity> limits = worker(spec).getResources().getLimits();
        assertEquals(new Quantity("2"), limits.get(resource));
        assertEquals(Set.of("cpu", "memory", resource), limits.keySet());
        assertFalse(worker(spec).getResources().getRequests().containsKey(resource), "extended resources need only a limit");

        List<List<String>> expected = otherLabel == null
                ? List.of(List.of(nfdLabel + " In [true]"))
                : List.of(List.of(nfdLabel + " In [true]"), List.of(otherLabel + " In [true]"));
        assertEquals(expected, requiredTerms(spec), "one ORed term per presence label");

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
    void cpuOnlyPodsHaveNoGpuResourcesNodeAffinityOrTolerations() {
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().cpuOnly().hpa(1, 4, 70).build());
        PodSpec spec = Configs.template(g.workload()).getSpec();
        assertEquals(Set.of("cpu", "memory"), worker(spec).getResources().getLimits().keySet());
        assertNull(spec.getAffinity().getNodeAffinity());
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

    @ParameterizedTest
    @CsvSource({"PASSTHROUGH, passthrough", "VGPU, vgpu"})
    void gpuModeIsAPreferenceByDefault(GpuModePreference mode, String labelValue) {
        NodeAffinity affinity = pod(Configs.nvidia().gpuMode(mode)).getAffinity().getNodeAffinity();
        assertEquals(1, affinity.getPreferredDuringSchedulingIgnoredDuringExecution().size());
        NodeSelectorRequirement preferred = affinity.getPreferredDuringSchedulingIgnoredDuringExecution().get(0)
                .getPreference().getMatchExpressions().get(0);
        assertEquals(NodeLabels.GPU_MODE, preferred.getKey());
        assertEquals("In", preferred.getOperator());
        assertEquals(List.of(labelValue), preferred.getValues());
        for (NodeSelectorTerm term : affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms()) {
            assertTrue(term.getMatchExpressions().stream().noneMatch(e -> e.getKey().equals(NodeLabels.GPU_MODE)),
                    "a preference must not be required");
        }
    }

    @Test
    void requiredGpuModeIsAndedIntoEveryTerm() {
        NodeAffinity affinity = pod(Configs.nvidia().gpuMode(GpuModePreference.VGPU).requireGpuMode(true))
                .getAffinity().getNodeAffinity();
        assertTrue(affinity.getPreferredDuringSchedulingIgnoredDuringExecution() == null
                || affinity.getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
        List<NodeSelectorTerm> terms = affinity.getRequiredDuringSchedulingIgnoredDuringExecution().getNodeSelectorTerms();
        assertEquals(2, terms.size());
        for (NodeSelectorTerm term : terms) {
            Set<String> keys = term.getMatchExpressions().stream().map(NodeSelectorRequirement::getKey).collect(Collectors.toSet());
            assertTrue(keys.contains(NodeLabels.GPU_MODE), "term " + keys + " lacks the mode");
            assertEquals(2, keys.size());
        }
    }

    @Test
    void anyModeAddsNoModeTerm() {
        NodeAffinity affinity = pod(Configs.nvidia().gpuMode(GpuModePreference.ANY)).getAffinity().getNodeAffinity();
        assertTrue(affinity.getPreferredDuringSchedulingIgnoredDuringExecution() == null
                || affinity.getPreferredDuringSchedulingIgnoredDuringExecution().isEmpty());
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
