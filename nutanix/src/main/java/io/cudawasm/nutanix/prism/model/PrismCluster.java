package io.cudawasm.nutanix.prism.model;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A cluster from {@code clusters/list}. Prism Central lists itself as a cluster too; only entries whose
 * {@code service_list} contains {@code AOS} are Prism Element clusters that own hosts.
 *
 * @param services    {@code status.resources.config.service_list}
 * @param clusterArch {@code status.resources.config.cluster_arch}, when reported
 * @param aosVersion  {@code status.resources.config.build.version}, "" when not reported
 */
public record PrismCluster(
        String uuid,
        String name,
        List<String> services,
        Optional<String> clusterArch,
        String aosVersion,
        String gpuDriverVersion,
        List<String> hypervisorTypes,
        boolean available) {

    public PrismCluster {
        Objects.requireNonNull(uuid, "uuid");
        name = name == null ? "" : name;
        services = List.copyOf(services);
        Objects.requireNonNull(clusterArch, "clusterArch");
        aosVersion = aosVersion == null ? "" : aosVersion;
        gpuDriverVersion = gpuDriverVersion == null ? "" : gpuDriverVersion;
        hypervisorTypes = List.copyOf(hypervisorTypes);
    }

    /** True for a Prism Element cluster, false for Prism Central's own pseudo-cluster. */
    public boolean isPrismElement() {
        return services.contains("AOS");
    }

    public CpuArchitecture architecture() {
        return clusterArch.map(CpuArchitecture::fromClusterArch).orElse(CpuArchitecture.UNKNOWN);
    }
}
