package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuStatus;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PowerState;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import io.cudawasm.nutanix.prism.model.VmGpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads v3 entities into the model. Lenient about missing optional fields, strict about identity: an
 * entity without {@code metadata.uuid} is a malformed response.
 */
final class PrismEntities {
    private static final Logger LOG = LoggerFactory.getLogger(PrismEntities.class);

    private PrismEntities() {}

    static PrismHost host(String operation, JsonNode entity) {
        JsonNode status = entity.path("status");
        JsonNode res = status.path("resources");
        String uuid = uuidOf(operation, entity);
        List<HostGpu> gpus = new ArrayList<>();
        for (JsonNode g : res.path("gpu_list")) {
            hostGpu(uuid, g).ifPresent(gpus::add);
        }
        JsonNode hypervisor = res.path("hypervisor");
        return new PrismHost(
                uuid,
                nameOf(entity),
                reference(status.path("cluster_reference")),
                text(res, "cpu_model"),
                res.path("num_cpu_sockets").asInt(0),
                res.path("num_cpu_cores").asInt(0),
                res.path("memory_capacity_mib").asLong(0),
                text(hypervisor, "hypervisor_full_name"),
                optionalText(hypervisor, "ip"),
                text(res, "gpu_driver_version"),
                gpus);
    }

    static PrismCluster cluster(String operation, JsonNode entity) {
        JsonNode res = entity.path("status").path("resources");
        JsonNode config = res.path("config");
        List<String> services = new ArrayList<>();
        config.path("service_list").forEach(s -> services.add(s.asText()));
        List<String> hypervisors = new ArrayList<>();
        res.path("nodes").path("hypervisor_server_list").forEach(h -> {
            String type = h.path("type").asText("");
            if (!type.isEmpty() && !hypervisors.contains(type)) {
                hypervisors.add(type);
            }
        });
        return new PrismCluster(
                uuidOf(operation, entity),
                nameOf(entity),
                services,
                optionalText(config, "cluster_arch"),
                text(config.path("build"), "version"),
                text(config, "gpu_driver_version"),
                hypervisors,
                config.path("is_available").asBoolean(true));
    }

    static PrismVm vm(String operation, JsonNode entity) {
        JsonNode status = entity.path("status");
        JsonNode res = status.path("resources");
        List<VmGpu> gpus = new ArrayList<>();
        for (JsonNode g : res.path("gpu_list")) {
            gpus.add(new VmGpu(
                    optionalText(g, "uuid"),
                    text(g, "name"),
                    text(g, "vendor"),
                    GpuMode.parse(g.path("mode").asText(null)),
                    g.path("device_id").asInt(0),
                    optionalText(g, "pci_address"),
                    g.path("frame_buffer_size_mib").asLong(0)));
        }
        String power = res.path("power_state").asText(entity.path("spec").path("resources").path("power_state")
                .asText(null));
        return new PrismVm(
                uuidOf(operation, entity),
                nameOf(entity),
                reference(status.path("cluster_reference")),
                reference(res.path("host_reference")),
                PowerState.parse(power),
                optionalText(res, "bios_uuid"),
                text(res, "hypervisor_type"),
                res.path("num_sockets").asInt(0),
                res.path("num_vcpus_per_socket").asInt(0),
                res.path("memory_size_mib").asLong(0),
                gpus);
    }

    private static Optional<HostGpu> hostGpu(String hostUuid, JsonNode g) {
        Optional<GpuVendor> vendor = GpuVendor.parse(g.path("vendor").asText(null));
        Optional<GpuMode> mode = GpuMode.parse(g.path("mode").asText(null));
        if (vendor.isEmpty() || mode.isEmpty()) {
            LOG.warn("host {}: skipping a GPU entry with vendor '{}' and mode '{}'", hostUuid,
                    g.path("vendor").asText(""), g.path("mode").asText(""));
            return Optional.empty();
        }
        String uuid = g.path("uuid").asText("");
        if (uuid.isEmpty()) {
            // Older AOS releases omit the uuid; the PCI address (or the index) is stable per host.
            uuid = hostUuid + "/" + g.path("pci_address").asText("gpu-" + g.path("index").asInt(0));
        }
        int deviceId = g.path("device_id").asInt(0);
        GpuStatus status = GpuStatus.parse(g.path("status").asText(null));
        boolean assignable = g.path("assignable").asBoolean(false);
        Optional<EntityReference> consumer = reference(g.path("consumer_reference"));
        long frameBuffer = g.path("frame_buffer_size_mib").asLong(0);
        if (mode.get() == GpuMode.VIRTUAL) {
            return Optional.of(new VirtualGpu(uuid, text(g, "name"), vendor.get(), deviceId, status, assignable,
                    consumer, frameBuffer, g.path("index").asInt(0), g.path("num_vgpus_allocated").asInt(0),
                    g.path("fraction").asInt(0), g.path("max_instances_per_vm").asLong(0)));
        }
        JsonNode numa = g.path("numa_node");
        return Optional.of(new PassthroughGpu(uuid, text(g, "name"), vendor.get(), mode.get(), deviceId,
                GpuCatalog.lookup(vendor.get(), deviceId), status, assignable, consumer, frameBuffer,
                optionalText(g, "pci_address"), numa.isNumber() ? OptionalInt.of(numa.asInt()) : OptionalInt.empty()));
    }

    static Optional<EntityReference> reference(JsonNode ref) {
        String uuid = ref.path("uuid").asText("");
        if (uuid.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new EntityReference(ref.path("kind").asText(""), uuid, ref.path("name").asText("")));
    }

    private static String uuidOf(String operation, JsonNode entity) {
        String uuid = entity.path("metadata").path("uuid").asText("");
        if (uuid.isEmpty()) {
            throw new PrismMalformedResponseException(operation, 200, List.of(), "an entity has no metadata.uuid");
        }
        return uuid;
    }

    private static String nameOf(JsonNode entity) {
        String name = entity.path("status").path("name").asText("");
        if (name.isEmpty()) {
            name = entity.path("spec").path("name").asText("");
        }
        return name.isEmpty() ? entity.path("metadata").path("name").asText("") : name;
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.path(field);
        return v.isValueNode() && !v.isNull() ? v.asText() : "";
    }

    private static Optional<String> optionalText(JsonNode node, String field) {
        String t = text(node, field);
        return t.isEmpty() ? Optional.empty() : Optional.of(t);
    }
}
