package io.cudawasm.runtime.registration;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.NodeLabels;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.PrismNotFoundException;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuModel;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VmGpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Finds this worker's VM and host in Prism Central: {@code vms/{systemUUID}} (or the VM whose BIOS uuid
 * matches) gives the host it runs on now, {@code hosts/{uuid}} gives the GPUs (the v3 or v4 calls, whichever
 * API the client uses; the placement names it). The VM is asked first
 * because it is current after an HA restart or a migration; the cloud controller's host label is the
 * fallback for a node whose VM Prism does not know by that uuid.
 */
public final class PrismLocator {
    private final NutanixClient prism;

    public PrismLocator(NutanixClient prism) {
        this.prism = prism;
    }

    /**
     * Resolves the placement of the VM with this system UUID.
     *
     * @param ccmHostUuid the {@code nutanix.com/prism-host-uuid} label, when the node has one
     * @throws PrismNotFoundException when neither the VM nor a labelled host can be found
     * @throws IllegalStateException when the VM is powered off in Prism (a running worker cannot be in it)
     */
    public PrismPlacement locate(String systemUuid, Optional<String> ccmHostUuid) {
        PrismVm vm;
        try {
            vm = prism.findVm(systemUuid);
        } catch (PrismNotFoundException e) {
            if (ccmHostUuid.isEmpty()) {
                throw e;
            }
            PrismHost host = prism.getHost(ccmHostUuid.get());
            return placement(null, host, List.of(), systemUuid, "ccm-label", apiVersion());
        }
        EntityReference hostRef = vm.runningOn().orElseThrow(() -> new IllegalStateException(
                "Prism reports VM " + vm.name() + " (" + vm.uuid() + ") as not running on any host"));
        PrismHost host = prism.getHost(hostRef.uuid());
        return placement(vm, host, vm.gpus(), vm.uuid(), "vm", apiVersion());
    }

    /** Known once the client has made its first call, which {@link #locate} has done by now. */
    private String apiVersion() {
        return prism.apiVersion().label();
    }

    private static PrismPlacement placement(PrismVm vm, PrismHost host, List<VmGpu> vmGpus, String vmUuid,
            String via, String apiVersion) {
        List<AssignedGpu> assigned = new ArrayList<>();
        int free = 0;
        int mine = 0;
        int others = 0;
        for (HostGpu g : host.gpus()) {
            boolean ours = g.consumer().map(c -> c.uuid().equalsIgnoreCase(vmUuid)).orElse(false);
            if (ours) {
                mine++;
                assigned.add(fromHost(g));
            } else if (g.isAvailable()) {
                free++;
            } else if (g.consumer().isPresent()) {
                others++;
            }
        }
        // Prism versions that leave consumer_reference out still list the VM's GPUs on the VM itself
        if (assigned.isEmpty()) {
            for (VmGpu g : vmGpus) {
                Optional<HostGpu> onHost = g.uuid().flatMap(u -> host.gpus().stream()
                        .filter(h -> h.uuid().equalsIgnoreCase(u)).findFirst());
                assigned.add(onHost.map(PrismLocator::fromHost).orElseGet(() -> fromVm(g)));
            }
            mine = assigned.size();
        }
        return placement(vm, host, assigned, via, new PrismPlacement.HostGpus(host.gpus().size(), free, mine, others),
                apiVersion);
    }

    private static PrismPlacement placement(PrismVm vm, PrismHost host, List<AssignedGpu> gpus, String via,
            PrismPlacement.HostGpus hostGpus, String apiVersion) {
        PrismPlacement.Entity cluster = host.cluster().map(c -> new PrismPlacement.Entity(c.uuid(), c.name()))
                .orElse(null);
        return new PrismPlacement(vm == null ? null : new PrismPlacement.Entity(vm.uuid(), vm.name()),
                new PrismPlacement.Entity(host.uuid(), host.name()), cluster, via, host.cpuModel(),
                host.gpuDriverVersion(), gpus, hostGpus, apiVersion);
    }

    private static AssignedGpu fromHost(HostGpu g) {
        String mode = g.mode().isPassthrough() ? NodeLabels.MODE_PASSTHROUGH : NodeLabels.MODE_VGPU;
        return new AssignedGpu(g.uuid(), g.vendor().name().toLowerCase(Locale.ROOT), g.displayName(), mode,
                g.memoryMib(), g.deviceId());
    }

    /** A GPU known only from the VM's own list: the catalog names passthrough models by PCI device id. */
    private static AssignedGpu fromVm(VmGpu g) {
        Optional<GpuVendor> vendor = GpuVendor.parse(g.vendor());
        boolean passthrough = g.mode().map(GpuMode::isPassthrough).orElse(true);
        Optional<GpuModel> known = passthrough ? vendor.flatMap(v -> GpuCatalog.lookup(v, g.deviceId()))
                : Optional.empty();
        String model = known.map(GpuModel::name).orElse(g.name());
        long memory = g.frameBufferMib() > 0 ? g.frameBufferMib() : known.map(GpuModel::memoryMib).orElse(0L);
        return new AssignedGpu(g.uuid().orElse(null), NodeLabels.vendorValue(vendor), model,
                passthrough ? NodeLabels.MODE_PASSTHROUGH : NodeLabels.MODE_VGPU, memory, g.deviceId());
    }
}
