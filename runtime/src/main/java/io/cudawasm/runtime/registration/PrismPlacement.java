package io.cudawasm.runtime.registration;

import java.util.List;
import java.util.Objects;

/**
 * Where Prism Central says this worker runs: its VM, the host and cluster, the GPUs attached to the
 * VM, and how the host's other GPUs are used.
 *
 * @param resolvedVia   {@code vm} (the VM's {@code host_reference}) or {@code ccm-label} (the cloud
 *                      controller's {@code nutanix.com/prism-host-uuid}, used when Prism has no VM for the
 *                      node's system UUID)
 * @param gpuDriverVersion the host's NVIDIA driver (vGPU manager) version, "" when Prism reports none
 * @param apiVersion    the Prism Central API that answered: {@code v3} or {@code v4}
 */
public record PrismPlacement(Entity vm, Entity host, Entity cluster, String resolvedVia, String cpuModel,
        String gpuDriverVersion, List<AssignedGpu> gpus, HostGpus hostGpus, String apiVersion) {

    public PrismPlacement {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(resolvedVia, "resolvedVia");
        Objects.requireNonNull(apiVersion, "apiVersion");
        cpuModel = cpuModel == null ? "" : cpuModel;
        gpuDriverVersion = gpuDriverVersion == null ? "" : gpuDriverVersion;
        gpus = List.copyOf(gpus);
        Objects.requireNonNull(hostGpus, "hostGpus");
    }

    /** Whether {@link #gpus()} is what the VM has: only when the VM itself was found (not for a host label). */
    @com.fasterxml.jackson.annotation.JsonIgnore
    public boolean knowsVmGpus() {
        return vm != null;
    }

    /** A Prism entity named in the document: uuid and name. */
    public record Entity(String uuid, String name) {}

    /** The host's GPU entries (physical GPUs and vGPU profile slots) by use. */
    public record HostGpus(int total, int free, int assignedToThisVm, int assignedToOthers) {}
}
