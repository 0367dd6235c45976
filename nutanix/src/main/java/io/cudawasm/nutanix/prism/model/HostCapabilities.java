package io.cudawasm.nutanix.prism.model;

import io.cudawasm.nutanix.GpuVendor;
import java.util.List;
import java.util.Objects;

/** What one host offers a GPU worker: CPU architecture, CPU and memory, and its GPUs with their state. */
public record HostCapabilities(PrismHost host, CpuArchitecture cpuArchitecture) {

    public HostCapabilities {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(cpuArchitecture, "cpuArchitecture");
    }

    public String hostUuid() {
        return host.uuid();
    }

    public String hostName() {
        return host.name();
    }

    public boolean isArm() {
        return cpuArchitecture.isArm();
    }

    public boolean hasVendor(GpuVendor vendor) {
        return host.gpus().stream().anyMatch(g -> g.vendor() == vendor);
    }

    public boolean hasNvidia() {
        return hasVendor(GpuVendor.NVIDIA);
    }

    public boolean hasAmd() {
        return hasVendor(GpuVendor.AMD);
    }

    public boolean hasIntel() {
        return hasVendor(GpuVendor.INTEL);
    }

    public List<HostGpu> gpus() {
        return host.gpus();
    }

    public List<HostGpu> availableGpus() {
        return host.gpus().stream().filter(HostGpu::isAvailable).toList();
    }
}
