package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.TaintBuilder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Nodes labelled as common GPU set-ups label them, for {@link SchedulingFilter}: with each vendor's
 * operator (NFD and feature discovery labels), with only the plain device plugin (no labels at all,
 * just the extended resource), without a GPU, and on another architecture.
 */
final class ClusterNodes {
    private ClusterNodes() {}

    /** What every kubelet labels its node with. */
    private static Map<String, String> base(String name, String arch) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("kubernetes.io/arch", arch);
        labels.put("kubernetes.io/os", "linux");
        labels.put("kubernetes.io/hostname", name);
        labels.put("beta.kubernetes.io/arch", arch);
        return labels;
    }

    private static Taint taint(String key) {
        return new TaintBuilder().withKey(key).withEffect("NoSchedule").build();
    }

    static SchedulingFilter.Node cpuOnly() {
        return new SchedulingFilter.Node("cpu-0", base("cpu-0", "amd64"), Map.of(), List.of());
    }

    /** NVIDIA GPU Operator on a passthrough VM: NFD's vendor label, gpu.present, GFD's product labels. */
    static SchedulingFilter.Node nvidiaGpuOperator() {
        Map<String, String> l = base("nvidia-op-0", "amd64");
        l.put("feature.node.kubernetes.io/pci-10de.present", "true");
        l.put("nvidia.com/gpu.present", "true");
        l.put("nvidia.com/gpu.product", "NVIDIA-L40S");
        l.put("nvidia.com/gpu.count", "1");
        l.put("nvidia.com/gpu.memory", "46068");
        l.put("nvidia.com/cuda.driver.major", "550");
        return new SchedulingFilter.Node("nvidia-op-0", l, Map.of("nvidia.com/gpu", "1"), List.of(taint("nvidia.com/gpu")));
    }

    /** NVIDIA GPU Operator on a vGPU VM: GFD adds vgpu.present. */
    static SchedulingFilter.Node nvidiaGpuOperatorVgpu() {
        Map<String, String> l = new LinkedHashMap<>(nvidiaGpuOperator().labels());
        l.put("kubernetes.io/hostname", "nvidia-vgpu-0");
        l.put("nvidia.com/gpu.product", "NVIDIA-A40-12C");
        l.put("nvidia.com/vgpu.present", "true");
        l.put("nvidia.com/vgpu.host-driver-version", "550.90.05");
        return new SchedulingFilter.Node("nvidia-vgpu-0", l, Map.of("nvidia.com/gpu", "1"), List.of(taint("nvidia.com/gpu")));
    }

    /** The NVIDIA device plugin alone (no NFD, no GFD): only the resource, and the node pool's taint. */
    static SchedulingFilter.Node nvidiaPlainDevicePlugin() {
        return new SchedulingFilter.Node("nvidia-plain-0", base("nvidia-plain-0", "amd64"), Map.of("nvidia.com/gpu", "2"),
                List.of(taint("nvidia.com/gpu")));
    }

    /** A plain-device-plugin node after a worker's self-registration labelled it as a vGPU node. */
    static SchedulingFilter.Node nvidiaPlainLabelledVgpuByWorker() {
        Map<String, String> l = base("nvidia-plain-1", "amd64");
        l.put("cuda-wasm.io/gpu-mode", "vgpu");
        l.put("cuda-wasm.io/gpu-vendor", "nvidia");
        return new SchedulingFilter.Node("nvidia-plain-1", l, Map.of("nvidia.com/gpu", "1"), List.of());
    }

    /** An ARM node with an NVIDIA GPU (Grace Hopper): the images do not run there. */
    static SchedulingFilter.Node nvidiaArm64() {
        Map<String, String> l = base("gh-0", "arm64");
        l.put("feature.node.kubernetes.io/pci-10de.present", "true");
        l.put("nvidia.com/gpu.present", "true");
        return new SchedulingFilter.Node("gh-0", l, Map.of("nvidia.com/gpu", "1"), List.of());
    }

    /** AMD GPU Operator: its NFD rule labels amd-gpu; the labeller adds amd.com/gpu.* properties. */
    static SchedulingFilter.Node amdGpuOperator() {
        Map<String, String> l = base("amd-op-0", "amd64");
        l.put("feature.node.kubernetes.io/amd-gpu", "true");
        l.put("amd.com/gpu.product-name", "AMD_Instinct_MI300X_OAM");
        l.put("amd.com/gpu.vram", "192G");
        return new SchedulingFilter.Node("amd-op-0", l, Map.of("amd.com/gpu", "1"), List.of());
    }

    /** ROCm's k8s-device-plugin alone: no label at all. */
    static SchedulingFilter.Node amdPlainDevicePlugin() {
        return new SchedulingFilter.Node("amd-plain-0", base("amd-plain-0", "amd64"), Map.of("amd.com/gpu", "1"), List.of());
    }

    /** Intel's GPU plugin with its NFD rules: intel.feature...gpu and gpu.intel.com/* labels. */
    static SchedulingFilter.Node intelWithNfdRules() {
        Map<String, String> l = base("intel-nfd-0", "amd64");
        l.put("intel.feature.node.kubernetes.io/gpu", "true");
        l.put("gpu.intel.com/family", "Flex_Series");
        l.put("gpu.intel.com/device-id.0380-56c0.present", "true");
        return new SchedulingFilter.Node("intel-nfd-0", l, Map.of("gpu.intel.com/i915", "1"), List.of());
    }

    /** Intel's GPU plugin alone. */
    static SchedulingFilter.Node intelPlainDevicePlugin() {
        return new SchedulingFilter.Node("intel-plain-0", base("intel-plain-0", "amd64"), Map.of("gpu.intel.com/i915", "1"),
                List.of());
    }

    /** Each vendor's labelled (operator / NFD) node. */
    static SchedulingFilter.Node withOperator(GpuVendor v) {
        return switch (v) {
            case NVIDIA -> nvidiaGpuOperator();
            case AMD -> amdGpuOperator();
            case INTEL -> intelWithNfdRules();
        };
    }

    /** Each vendor's unlabelled (plain device plugin) node. */
    static SchedulingFilter.Node plainDevicePlugin(GpuVendor v) {
        return switch (v) {
            case NVIDIA -> nvidiaPlainDevicePlugin();
            case AMD -> amdPlainDevicePlugin();
            case INTEL -> intelPlainDevicePlugin();
        };
    }

    /** Every GPU node of the other vendors. */
    static List<SchedulingFilter.Node> otherVendors(GpuVendor v) {
        return List.of(GpuVendor.values()).stream().filter(o -> o != v)
                .flatMap(o -> java.util.stream.Stream.of(withOperator(o), plainDevicePlugin(o))).toList();
    }
}
