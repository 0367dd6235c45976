package io.cudawasm.nutanix.prism.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A host (AHV node) as Prism Central v3 describes it in {@code hosts/list} and {@code GET hosts/{uuid}}.
 *
 * @param cluster          {@code status.cluster_reference}; absent only for hosts not yet in a cluster
 * @param cpuModel         {@code status.resources.cpu_model}, "" when not reported
 * @param hypervisorName   {@code status.resources.hypervisor.hypervisor_full_name}, "" when not reported
 * @param gpuDriverVersion {@code status.resources.gpu_driver_version}, "" when not reported
 * @param gpus             {@code status.resources.gpu_list} in Prism's order
 */
public record PrismHost(
        String uuid,
        String name,
        Optional<EntityReference> cluster,
        String cpuModel,
        int cpuSockets,
        int cpuCores,
        long memoryCapacityMib,
        String hypervisorName,
        Optional<String> hypervisorIp,
        String gpuDriverVersion,
        List<HostGpu> gpus) {

    public PrismHost {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        Objects.requireNonNull(cluster, "cluster");
        cpuModel = cpuModel == null ? "" : cpuModel;
        hypervisorName = hypervisorName == null ? "" : hypervisorName;
        Objects.requireNonNull(hypervisorIp, "hypervisorIp");
        gpuDriverVersion = gpuDriverVersion == null ? "" : gpuDriverVersion;
        gpus = List.copyOf(gpus);
    }

    public Optional<String> clusterUuid() {
        return cluster.map(EntityReference::uuid);
    }

    public String clusterName() {
        return cluster.map(EntityReference::name).orElse("");
    }

    public boolean hasGpus() {
        return !gpus.isEmpty();
    }
}
