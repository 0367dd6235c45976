package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** A host that has at least one GPU entry, as found by GPU discovery. */
public record GpuNode(PrismHost host, CpuArchitecture architecture) {

    public GpuNode {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(architecture, "architecture");
    }

    public String hostUuid() {
        return host.uuid();
    }

    public String hostName() {
        return host.name();
    }

    public Optional<String> clusterUuid() {
        return host.clusterUuid();
    }

    public String clusterName() {
        return host.clusterName();
    }

    public List<HostGpu> gpus() {
        return host.gpus();
    }

    /** Entries that are free now (see {@link HostGpu#isAvailable()}). */
    public List<HostGpu> availableGpus() {
        return host.gpus().stream().filter(HostGpu::isAvailable).toList();
    }

    public List<PassthroughGpu> physicalGpus() {
        return host.gpus().stream()
                .filter(PassthroughGpu.class::isInstance)
                .map(PassthroughGpu.class::cast)
                .toList();
    }

    public List<VirtualGpu> virtualGpus() {
        return host.gpus().stream().filter(VirtualGpu.class::isInstance).map(VirtualGpu.class::cast).toList();
    }

    public Set<GpuVendor> vendors() {
        Set<GpuVendor> vendors = EnumSet.noneOf(GpuVendor.class);
        host.gpus().forEach(g -> vendors.add(g.vendor()));
        return vendors;
    }
}
