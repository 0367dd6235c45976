package io.cudawasm.nutanix.prism.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A VM from {@code vms/list} or {@code GET vms/{uuid}}.
 *
 * @param host     {@code status.resources.host_reference}; Prism omits it while the VM is powered off
 * @param biosUuid {@code status.resources.bios_uuid}: what the guest sees as its SMBIOS/system UUID; normally
 *                 equal to the VM uuid, but it can differ after a restore
 */
public record PrismVm(
        String uuid,
        String name,
        Optional<EntityReference> cluster,
        Optional<EntityReference> host,
        PowerState powerState,
        Optional<String> biosUuid,
        String hypervisorType,
        int numSockets,
        int numVcpusPerSocket,
        long memorySizeMib,
        List<VmGpu> gpus) {

    public PrismVm {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        Objects.requireNonNull(cluster, "cluster");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(powerState, "powerState");
        Objects.requireNonNull(biosUuid, "biosUuid");
        hypervisorType = hypervisorType == null ? "" : hypervisorType;
        gpus = List.copyOf(gpus);
    }

    /** The host the VM runs on; empty while it is not running there (powered off, or no host reported). */
    public Optional<EntityReference> runningOn() {
        return powerState == PowerState.OFF ? Optional.empty() : host;
    }
}
