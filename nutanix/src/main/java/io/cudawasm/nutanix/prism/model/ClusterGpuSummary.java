package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * GPU totals over all Prism Element clusters, or over one.
 *
 * <p>Physical GPUs (passthrough entries) and vGPU profile instances are counted apart: a physical GPU
 * that backs vGPUs appears once as a physical entry ({@code USED_FOR_VIRTUAL}) and again as each of its
 * profile instances, so adding the two would count the card twice.
 *
 * @param clusterUuid   the cluster summarised, or empty for all of them
 * @param hostCount     hosts considered
 * @param gpuHostCount  hosts with at least one GPU entry
 * @param physical      physical GPUs
 * @param virtual       vGPU profile instances
 * @param byVendor      physical GPUs per vendor
 * @param byModel       physical GPUs per {@link HostGpu#displayName()}, sorted by name
 * @param byProfile     vGPU instances per profile name, sorted by name
 * @param memoryMib     frame buffer of all physical GPUs
 * @param availableMemoryMib frame buffer of the free physical GPUs
 */
public record ClusterGpuSummary(
        Optional<String> clusterUuid,
        int hostCount,
        int gpuHostCount,
        GpuCount physical,
        GpuCount virtual,
        Map<GpuVendor, GpuCount> byVendor,
        Map<String, GpuCount> byModel,
        Map<String, GpuCount> byProfile,
        long memoryMib,
        long availableMemoryMib) {

    public ClusterGpuSummary {
        Objects.requireNonNull(clusterUuid, "clusterUuid");
        Objects.requireNonNull(physical, "physical");
        Objects.requireNonNull(virtual, "virtual");
        Map<GpuVendor, GpuCount> vendors = new EnumMap<>(GpuVendor.class);
        vendors.putAll(byVendor);
        byVendor = Collections.unmodifiableMap(vendors);
        byModel = Collections.unmodifiableMap(new TreeMap<>(byModel));
        byProfile = Collections.unmodifiableMap(new TreeMap<>(byProfile));
    }

    /** Physical GPUs in total (the seed API's {@code total_gpu_count}). */
    public int totalGpuCount() {
        return physical.total();
    }

    /** Free physical GPUs (the seed API's {@code available_gpu_count}). */
    public int availableGpuCount() {
        return physical.available();
    }

    /** Adds up the GPU entries of these hosts. */
    public static ClusterGpuSummary of(Optional<String> clusterUuid, Collection<PrismHost> hosts) {
        GpuCount physical = GpuCount.ZERO;
        GpuCount virtual = GpuCount.ZERO;
        Map<GpuVendor, GpuCount> byVendor = new EnumMap<>(GpuVendor.class);
        Map<String, GpuCount> byModel = new TreeMap<>();
        Map<String, GpuCount> byProfile = new TreeMap<>();
        long memory = 0;
        long availableMemory = 0;
        int gpuHosts = 0;
        for (PrismHost host : hosts) {
            if (host.hasGpus()) {
                gpuHosts++;
            }
            for (HostGpu gpu : host.gpus()) {
                if (gpu instanceof PassthroughGpu) {
                    physical = physical.plus(gpu);
                    byVendor.merge(gpu.vendor(), GpuCount.ZERO.plus(gpu), ClusterGpuSummary::add);
                    byModel.merge(gpu.displayName(), GpuCount.ZERO.plus(gpu), ClusterGpuSummary::add);
                    memory += gpu.memoryMib();
                    availableMemory += gpu.isAvailable() ? gpu.memoryMib() : 0;
                } else {
                    virtual = virtual.plus(gpu);
                    byProfile.merge(gpu.displayName(), GpuCount.ZERO.plus(gpu), ClusterGpuSummary::add);
                }
            }
        }
        return new ClusterGpuSummary(clusterUuid, hosts.size(), gpuHosts, physical, virtual, byVendor, byModel,
                byProfile, memory, availableMemory);
    }

    private static GpuCount add(GpuCount a, GpuCount b) {
        return new GpuCount(a.total() + b.total(), a.available() + b.available());
    }
}
