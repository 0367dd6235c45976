package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeAffinityBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirementBuilder;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSelectorTermBuilder;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTermBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Per-vendor scheduling: the extended resource, the node labels that show a vendor's GPU, and the
 * taint to tolerate.
 *
 * <p>The GPU limit ({@code nvidia.com/gpu}, {@code amd.com/gpu}, {@code gpu.intel.com/i915}) is what
 * selects GPU nodes: only nodes whose device plugin advertises the resource can take the pod, whatever
 * their labels. Labels differ between set-ups (a plain device plugin sets none; NFD, the NVIDIA and AMD
 * GPU Operators and Intel's NFD rules each set their own), so they are <em>preferred</em>, never
 * required. The only hard requirements are the image's CPU architecture and, when asked for, a GPU mode
 * that a label existing before the worker runs can show (see {@link #nodeAffinity}).
 */
public final class GpuScheduling {
    /** Weight of the passthrough/vGPU preference among preferred node-affinity terms (1..100). */
    static final int GPU_MODE_PREFERENCE_WEIGHT = 80;
    /** Weight of the same preference read from NVIDIA's feature-discovery label. */
    static final int GPU_MODE_FROM_GFD_WEIGHT = 40;
    /** Weight of each vendor presence label: a node that says it has the GPU is a slightly better bet. */
    static final int PRESENCE_WEIGHT = 20;
    /** The well-known node label of the CPU architecture. */
    public static final String ARCH_LABEL = "kubernetes.io/arch";
    /** NVIDIA's GPU feature discovery (with the GPU Operator, or the device plugin's GFD) sets it on vGPU guests only. */
    public static final String NVIDIA_VGPU_PRESENT = "nvidia.com/vgpu.present";

    private GpuScheduling() {}

    /** The device plugin's resource: {@code nvidia.com/gpu}, {@code amd.com/gpu}, {@code gpu.intel.com/i915|xe}. */
    public static String resourceName(GpuVendor vendor, IntelGpuResource intelResource) {
        return switch (vendor) {
            case NVIDIA -> "nvidia.com/gpu";
            case AMD -> "amd.com/gpu";
            case INTEL -> intelResource.resourceName();
        };
    }

    /**
     * Node labels (value {@code "true"}) any of which shows a GPU of the vendor, as common set-ups write
     * them: NFD's PCI label (with the GPU Operators' vendor-only label fields), the NVIDIA GPU Operator's
     * {@code nvidia.com/gpu.present}, the AMD GPU Operator's {@code feature.node.kubernetes.io/amd-gpu},
     * Intel's NFD rule {@code intel.feature.node.kubernetes.io/gpu}. A plain device plugin sets none.
     */
    public static List<String> presenceLabels(GpuVendor vendor) {
        String nfd = "feature.node.kubernetes.io/pci-" + vendor.pciVendorId() + ".present";
        return switch (vendor) {
            case NVIDIA -> List.of(nfd, "nvidia.com/gpu.present");
            case AMD -> List.of(nfd, "feature.node.kubernetes.io/amd-gpu");
            case INTEL -> List.of(nfd, "intel.feature.node.kubernetes.io/gpu");
        };
    }

    /** The taint GPU node pools carry for the vendor, tolerated with {@code Exists}/{@code NoSchedule}. */
    public static Toleration defaultToleration(GpuVendor vendor, IntelGpuResource intelResource) {
        return new TolerationBuilder()
                .withKey(resourceName(vendor, intelResource))
                .withOperator("Exists")
                .withEffect("NoSchedule")
                .build();
    }

    /**
     * Node affinity of a worker or benchmark pod.
     *
     * <p>Required: the node's architecture is one the image runs on. With {@code modeRequired}, also
     * the GPU mode, from labels that exist before any worker runs, ORed with the worker's own
     * {@code cuda-wasm.io/gpu-mode} (written by self-registration):
     * <ul>
     *   <li>vGPU: {@code nvidia.com/vgpu.present=true} (NVIDIA feature discovery) or {@code gpu-mode=vgpu};
     *   <li>passthrough: not known to be a vGPU, i.e. neither label says vGPU. A node nothing is known
     *       about (a plain device plugin) qualifies; AHV gives AMD and Intel GPUs to VMs only in passthrough.
     * </ul>
     * Preferred: each of the vendor's presence labels, and the GPU mode unless it is required.
     *
     * @param vendor empty for CPU-only pods: only the architecture is required
     */
    public static NodeAffinity nodeAffinity(Optional<GpuVendor> vendor, GpuModePreference mode, boolean modeRequired,
            List<String> architectures) {
        NodeSelectorRequirement arch = new NodeSelectorRequirementBuilder()
                .withKey(ARCH_LABEL).withOperator("In").withValues(architectures).build();
        List<List<NodeSelectorRequirement>> modeTerms = vendor.isPresent() && modeRequired
                ? requiredModeTerms(vendor.get(), mode) : List.of(List.of());
        List<NodeSelectorTerm> required = new ArrayList<>();
        for (List<NodeSelectorRequirement> modeTerm : modeTerms) {
            required.add(new NodeSelectorTermBuilder().addToMatchExpressions(arch).addAllToMatchExpressions(modeTerm).build());
        }
        NodeAffinityBuilder affinity = new NodeAffinityBuilder()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(required)
                .endRequiredDuringSchedulingIgnoredDuringExecution();
        vendor.ifPresent(v -> {
            if (!modeRequired) {
                preferredModeTerms(v, mode).forEach(affinity::addToPreferredDuringSchedulingIgnoredDuringExecution);
            }
            for (String label : presenceLabels(v)) {
                affinity.addToPreferredDuringSchedulingIgnoredDuringExecution(preferred(PRESENCE_WEIGHT, isTrue(label)));
            }
        });
        return affinity.build();
    }

    /** ORed alternatives, each a list of ANDed requirements, that show the mode before the worker has run. */
    private static List<List<NodeSelectorRequirement>> requiredModeTerms(GpuVendor vendor, GpuModePreference mode) {
        return switch (mode) {
            case VGPU -> List.of(List.of(isTrue(NVIDIA_VGPU_PRESENT)), List.of(modeIs("In", NodeLabels.MODE_VGPU)));
            case PASSTHROUGH -> vendor == GpuVendor.NVIDIA
                    ? List.of(List.of(requirement(NVIDIA_VGPU_PRESENT, "NotIn", "true"), modeIs("NotIn", NodeLabels.MODE_VGPU)))
                    : List.of(List.of(modeIs("NotIn", NodeLabels.MODE_VGPU)));
            case ANY -> List.of(List.of());
        };
    }

    private static List<PreferredSchedulingTerm> preferredModeTerms(GpuVendor vendor, GpuModePreference mode) {
        List<PreferredSchedulingTerm> terms = new ArrayList<>();
        mode.labelValue().ifPresent(value -> terms.add(preferred(GPU_MODE_PREFERENCE_WEIGHT, modeIs("In", value))));
        if (vendor == GpuVendor.NVIDIA) {
            switch (mode) {
                case VGPU -> terms.add(preferred(GPU_MODE_FROM_GFD_WEIGHT, isTrue(NVIDIA_VGPU_PRESENT)));
                case PASSTHROUGH -> terms.add(preferred(GPU_MODE_FROM_GFD_WEIGHT,
                        requirement(NVIDIA_VGPU_PRESENT, "NotIn", "true")));
                case ANY -> { }
            }
        }
        return terms;
    }

    private static PreferredSchedulingTerm preferred(int weight, NodeSelectorRequirement requirement) {
        return new PreferredSchedulingTermBuilder()
                .withWeight(weight)
                .withNewPreference().addToMatchExpressions(requirement).endPreference()
                .build();
    }

    private static NodeSelectorRequirement isTrue(String label) {
        return requirement(label, "In", "true");
    }

    private static NodeSelectorRequirement modeIs(String operator, String modeValue) {
        return requirement(NodeLabels.GPU_MODE, operator, modeValue);
    }

    private static NodeSelectorRequirement requirement(String key, String operator, String value) {
        return new NodeSelectorRequirementBuilder().withKey(key).withOperator(operator).withValues(value).build();
    }
}
