package io.cudawasm.runtime.registration;

import io.cudawasm.nutanix.NodeLabels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns what is known about a node into its {@code cuda-wasm.io/} labels.
 *
 * <p>GPU facts come from Prism when the VM's placement is known (fresh or the last one before an
 * outage): it says what is attached to the VM and how. Without one they come from the local back ends, which cannot
 * tell passthrough from vGPU, so {@link NodeLabels#GPU_MODE} is then left off. A label a source cannot
 * back is absent from the result, and {@link #mergePatch} turns absence into removal on the node.
 */
public final class CapabilityLabels {
    /** Every label self-registration owns; the only keys it ever writes or removes. */
    public static final List<String> MANAGED = List.of(NodeLabels.GPU_VENDOR, NodeLabels.GPU_MODEL,
            NodeLabels.GPU_MODE, NodeLabels.GPU_COUNT, NodeLabels.GPU_MEMORY, NodeLabels.BACKENDS);

    private CapabilityLabels() {}

    public static GpuSummary summarize(PrismPlacement placement, LocalView local) {
        if (placement != null && placement.knowsVmGpus()) {
            List<AssignedGpu> gpus = placement.gpus();
            if (gpus.isEmpty()) {
                return new GpuSummary(NodeLabels.VENDOR_NONE, null, NodeLabels.MODE_NONE, 0, 0, "prism");
            }
            AssignedGpu first = mostCommon(gpus);
            return new GpuSummary(first.vendor(), first.model(), first.mode(), gpus.size(), first.memoryMib(), "prism");
        }
        if (local.gpus().isEmpty()) {
            return new GpuSummary(NodeLabels.VENDOR_NONE, null, NodeLabels.MODE_NONE, 0, 0, "local");
        }
        LocalGpu first = local.gpus().get(0);
        return new GpuSummary(first.vendor(), first.name(), null, local.gpus().size(), first.memoryMib(), "local");
    }

    /** The labels for a summary and the usable back ends, in {@link #MANAGED} order. */
    public static Map<String, String> labels(GpuSummary gpus, List<String> backends) {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put(NodeLabels.GPU_VENDOR, NodeLabels.sanitizeValue(gpus.vendor()));
        if (gpus.model() != null && !NodeLabels.sanitizeValue(gpus.model()).isEmpty()) {
            labels.put(NodeLabels.GPU_MODEL, NodeLabels.sanitizeValue(gpus.model()));
        }
        if (gpus.mode() != null) {
            labels.put(NodeLabels.GPU_MODE, gpus.mode());
        }
        labels.put(NodeLabels.GPU_COUNT, Integer.toString(gpus.count()));
        if (gpus.memoryMib() > 0) {
            labels.put(NodeLabels.GPU_MEMORY, Long.toString(gpus.memoryMib()));
        }
        if (!backends.isEmpty()) {
            labels.put(NodeLabels.BACKENDS, NodeLabels.backendsValue(backends));
        }
        return labels;
    }

    /**
     * The {@code metadata.labels} of a JSON merge patch: every managed label set to its new value, or to
     * null (removed) when the new set lacks it. Labels outside {@link #MANAGED} are never mentioned.
     */
    public static Map<String, String> mergePatch(Map<String, String> labels) {
        Map<String, String> patch = new LinkedHashMap<>();
        for (String key : MANAGED) {
            patch.put(key, labels.get(key));
        }
        return patch;
    }

    private static AssignedGpu mostCommon(List<AssignedGpu> gpus) {
        Map<String, Long> counts = gpus.stream().collect(Collectors.groupingBy(AssignedGpu::model, Collectors.counting()));
        return gpus.stream().max((a, b) -> Long.compare(counts.get(a.model()), counts.get(b.model()))).orElseThrow();
    }
}
