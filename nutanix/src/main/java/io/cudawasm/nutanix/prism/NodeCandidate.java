package io.cudawasm.nutanix.prism;

import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import java.util.List;
import java.util.Objects;

/**
 * A node that satisfies a {@link NutanixClient#findBestNodes} request, with the free GPUs that matched.
 *
 * @param node         the host
 * @param matchingGpus free GPU entries of the requested vendor that meet the selection, passthrough first
 */
public record NodeCandidate(GpuNode node, List<HostGpu> matchingGpus) {

    public NodeCandidate {
        Objects.requireNonNull(node, "node");
        matchingGpus = List.copyOf(matchingGpus);
    }

    public int matchingGpuCount() {
        return matchingGpus.size();
    }

    /** The frame buffer of all matching GPUs together, in MiB. */
    public long matchingMemoryMib() {
        return matchingGpus.stream().mapToLong(HostGpu::memoryMib).sum();
    }

    public int passthroughGpuCount() {
        return (int) matchingGpus.stream().filter(HostGpu::isPassthrough).count();
    }

    /** True when every matching GPU is a whole physical GPU. */
    public boolean passthroughOnly() {
        return passthroughGpuCount() == matchingGpus.size();
    }
}
