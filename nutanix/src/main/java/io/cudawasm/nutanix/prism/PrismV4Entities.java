package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PowerState;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VmGpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads v4 entities ({@code clustermgmt} {@code Host} and {@code Cluster}, {@code vmm} {@code Vm}) into the
 * same model the v3 reader fills. Sizes arrive in bytes and are kept in MiB like v3's; references carry
 * only an {@code extId}, so names the v4 reference lacks are "".
 */
final class PrismV4Entities {
    private PrismV4Entities() {}

    /** The host with the GPU entries {@link V4HostGpus} (or, without host-gpus, {@link V4GpuAttribution}) found for it. */
    static PrismHost host(String operation, JsonNode h, List<HostGpu> gpus) {
        JsonNode cluster = h.path("cluster");
        String clusterUuid = text(cluster, "uuid");
        JsonNode hypervisor = h.path("hypervisor");
        String ip = text(hypervisor.path("externalAddress").path("ipv4"), "value");
        return new PrismHost(
                extIdOf(operation, h),
                text(h, "hostName"),
                clusterUuid.isEmpty() ? Optional.empty()
                        : Optional.of(new EntityReference("cluster", clusterUuid, text(cluster, "name"))),
                text(h, "cpuModel"),
                h.path("numberOfCpuSockets").asInt(0),
                h.path("numberOfCpuCores").asInt(0),
                h.path("memorySizeBytes").asLong(0) / V4GpuAttribution.MIB,
                text(hypervisor, "fullName"),
                ip.isEmpty() ? Optional.empty() : Optional.of(ip),
                text(h, "gpuDriverVersion"),
                gpus);
    }

    static boolean hasGpus(JsonNode h) {
        return h.path("gpuList").isArray() && !h.path("gpuList").isEmpty();
    }

    static Optional<String> clusterUuidOf(JsonNode h) {
        String uuid = text(h.path("cluster"), "uuid");
        return uuid.isEmpty() ? Optional.empty() : Optional.of(uuid);
    }

    static PrismCluster cluster(String operation, JsonNode c) {
        JsonNode config = c.path("config");
        List<String> functions = new ArrayList<>();
        config.path("clusterFunction").forEach(f -> functions.add(f.asText()));
        List<String> hypervisors = new ArrayList<>();
        config.path("hypervisorTypes").forEach(t -> hypervisors.add(t.asText()));
        String arch = text(config, "clusterArch");
        return new PrismCluster(
                extIdOf(operation, c),
                text(c, "name"),
                functions,
                arch.isEmpty() ? Optional.empty() : Optional.of(arch),
                text(config.path("buildInfo"), "version"),
                "",
                hypervisors,
                config.path("isAvailable").asBoolean(true));
    }

    static PrismVm vm(String operation, JsonNode v) {
        List<VmGpu> gpus = new ArrayList<>();
        for (JsonNode g : v.path("gpus")) {
            String extId = text(g, "extId");
            gpus.add(new VmGpu(
                    extId.isEmpty() ? Optional.empty() : Optional.of(extId),
                    text(g, "name"),
                    text(g, "vendor"),
                    GpuMode.parse(g.path("mode").asText(null)),
                    g.path("deviceId").asInt(0),
                    sbdf(g.path("pciAddress")),
                    g.path("frameBufferSizeBytes").asLong(0) / V4GpuAttribution.MIB));
        }
        String host = text(v.path("host"), "extId");
        String cluster = text(v.path("cluster"), "extId");
        String bios = text(v, "biosUuid");
        return new PrismVm(
                extIdOf(operation, v),
                text(v, "name"),
                cluster.isEmpty() ? Optional.empty() : Optional.of(new EntityReference("cluster", cluster, "")),
                host.isEmpty() ? Optional.empty() : Optional.of(new EntityReference("host", host, "")),
                PowerState.parse(v.path("powerState").asText(null)),
                bios.isEmpty() ? Optional.empty() : Optional.of(bios),
                "AHV",
                v.path("numSockets").asInt(0),
                v.path("numCoresPerSocket").asInt(0),
                v.path("memorySizeBytes").asLong(0) / V4GpuAttribution.MIB,
                gpus);
    }

    /** {@code {segment,bus,device,func}} as {@code 0000:41:00.0}; empty when absent. */
    static Optional<String> sbdf(JsonNode a) {
        if (!a.isObject() || !a.has("bus")) {
            return Optional.empty();
        }
        return Optional.of(String.format(Locale.ROOT, "%04x:%02x:%02x.%x", a.path("segment").asInt(0),
                a.path("bus").asInt(0), a.path("device").asInt(0), a.path("func").asInt(0)));
    }

    static String extIdOf(String operation, JsonNode entity) {
        String id = text(entity, "extId");
        if (id.isEmpty()) {
            throw new PrismMalformedResponseException(operation, 200, List.of(), "an entity has no extId");
        }
        return id;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }
}
