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
 * taint to tolerate. Only labels that real components set are used: Node Feature Discovery's PCI
 * labels, the NVIDIA GPU Operator's {@code nvidia.com/gpu.present} and Intel's NFD rule
 * {@code intel.feature.node.kubernetes.io/gpu}. No vendor's pods ever get another vendor's labels.
 */
public final class GpuScheduling {
    /** Weight of the passthrough/vGPU preference among preferred node-affinity terms (1..100). */
    static final int GPU_MODE_PREFERENCE_WEIGHT = 80;

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
     * Node labels (value {@code "true"}) any of which shows a GPU of the vendor. NFD's PCI label comes
     * first: it is there as soon as NFD runs, before any vendor operator.
     */
    public static List<String> presenceLabels(GpuVendor vendor) {
        String nfd = "feature.node.kubernetes.io/pci-" + vendor.pciVendorId() + ".present";
        return switch (vendor) {
            case NVIDIA -> List.of(nfd, "nvidia.com/gpu.present");
            case AMD -> List.of(nfd);
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
     * Node affinity for a GPU pod: required — one ORed term per presence label (each ANDed with the
     * GPU mode when {@code modeRequired}); preferred — the GPU mode label when a mode is preferred.
     */
    public static NodeAffinity nodeAffinity(GpuVendor vendor, GpuModePreference mode, boolean modeRequired) {
        Optional<NodeSelectorRequirement> modeRequirement = mode.labelValue().map(GpuScheduling::modeRequirement);
        List<NodeSelectorTerm> terms = new ArrayList<>();
        for (String label : presenceLabels(vendor)) {
            NodeSelectorTermBuilder term = new NodeSelectorTermBuilder().addToMatchExpressions(isTrue(label));
            if (modeRequired) {
                modeRequirement.ifPresent(term::addToMatchExpressions);
            }
            terms.add(term.build());
        }
        NodeAffinityBuilder affinity = new NodeAffinityBuilder()
                .withNewRequiredDuringSchedulingIgnoredDuringExecution()
                .withNodeSelectorTerms(terms)
                .endRequiredDuringSchedulingIgnoredDuringExecution();
        if (!modeRequired && modeRequirement.isPresent()) {
            PreferredSchedulingTerm preferred = new PreferredSchedulingTermBuilder()
                    .withWeight(GPU_MODE_PREFERENCE_WEIGHT)
                    .withNewPreference()
                    .addToMatchExpressions(modeRequirement.get())
                    .endPreference()
                    .build();
            affinity.addToPreferredDuringSchedulingIgnoredDuringExecution(preferred);
        }
        return affinity.build();
    }

    private static NodeSelectorRequirement isTrue(String label) {
        return new NodeSelectorRequirementBuilder().withKey(label).withOperator("In").withValues("true").build();
    }

    private static NodeSelectorRequirement modeRequirement(String modeValue) {
        return new NodeSelectorRequirementBuilder()
                .withKey(NodeLabels.GPU_MODE)
                .withOperator("In")
                .withValues(modeValue)
                .build();
    }
}
