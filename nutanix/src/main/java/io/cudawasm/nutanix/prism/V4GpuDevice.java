package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuStatus;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One GPU entry as Prism Central v4 describes it: a physical GPU or a vGPU slot, read either from
 * {@code clusters/{c}/host-gpus} (a {@code HostGpu}: it names its host, {@code nodeUuid}, but not the VMs it is
 * allocated to) or from a cluster's {@code physical-gpu-profiles}/{@code virtual-gpu-profiles} (the VMs, no
 * host). Fields a release leaves out are tolerated: every read has a default.
 *
 * @param order             position in the listing it came from, used to keep a stable order
 * @param config            {@code config}, {@code physicalGpuConfig} or {@code virtualGpuConfig}
 * @param nodeUuid          the host's extId; "" when the entry came from a profile
 * @param vgpusAllocated    a {@code HostGpu}'s {@code numberOfVgpusAllocated}, when present
 */
record V4GpuDevice(int order, String extId, String name, boolean virtual, JsonNode config,
        List<String> allocatedVmExtIds, String nodeUuid, OptionalInt vgpusAllocated) {
    private static final Logger LOG = LoggerFactory.getLogger(V4GpuDevice.class);

    V4GpuDevice {
        name = name == null ? "" : name;
        allocatedVmExtIds = List.copyOf(allocatedVmExtIds);
        nodeUuid = nodeUuid == null ? "" : nodeUuid;
    }

    /** Reads a profile entry; {@code virtual} says which list it came from. */
    static V4GpuDevice ofProfile(int order, JsonNode profile, boolean virtual) {
        JsonNode config = profile.path(virtual ? "virtualGpuConfig" : "physicalGpuConfig");
        List<String> vms = new ArrayList<>();
        profile.path("allocatedVmExtIds").forEach(v -> {
            if (!v.asText("").isEmpty()) {
                vms.add(v.asText());
            }
        });
        return new V4GpuDevice(order, profile.path("extId").asText(""), config.path("deviceName").asText(""),
                virtual, config, vms, "", OptionalInt.empty());
    }

    /** Reads a {@code HostGpu}; its {@code config.type} says whether it is a vGPU slot. */
    static V4GpuDevice ofHostGpu(int order, JsonNode hostGpu) {
        JsonNode config = hostGpu.path("config");
        JsonNode vgpus = hostGpu.path("numberOfVgpusAllocated");
        return new V4GpuDevice(order, hostGpu.path("extId").asText(""), config.path("deviceName").asText(""),
                "VIRTUAL".equals(config.path("type").asText("")), config, List.of(),
                hostGpu.path("nodeUuid").asText(""), vgpus.isNumber() ? OptionalInt.of(vgpus.asInt()) : OptionalInt.empty());
    }

    /** Whether Prism counts it as taken: in use, allocated to a VM, or backing vGPUs. */
    boolean inUse() {
        return config.path("isInUse").asBoolean(false) || !allocatedVmExtIds.isEmpty()
                || vgpusAllocated.orElse(0) > 0;
    }

    String sbdf() {
        return config.path("sbdf").asText("");
    }

    int deviceId() {
        return config.path("deviceId").asInt(0);
    }

    /** Whether two entries describe the same kind of GPU: the device id where both have one, else the name. */
    boolean sameDeviceAs(V4GpuDevice other) {
        if (virtual != other.virtual) {
            return false;
        }
        return deviceId() != 0 && other.deviceId() != 0 ? deviceId() == other.deviceId() : name.equals(other.name);
    }

    /**
     * This host GPU with what its profile entry adds: the VMs it is allocated to, and (a {@code HostGpu}'s
     * configuration having no {@code mode}) the profile's {@code mode}, the physical GPU's use.
     */
    V4GpuDevice heldAs(V4GpuDevice profile) {
        JsonNode merged = config;
        if (!config.hasNonNull("mode") && profile.config().hasNonNull("mode") && config.isObject()) {
            merged = ((ObjectNode) config.deepCopy()).put("mode", profile.config().path("mode").asText());
        }
        return new V4GpuDevice(order, extId, name, virtual, merged, profile.allocatedVmExtIds(), nodeUuid,
                vgpusAllocated);
    }

    /**
     * The model's entry; skipped (with a warning) when vendor or type is not one the model knows.
     *
     * @param position the entry's place among its host's GPUs
     * @param vms      VMs by lower-case extId, for the consumer's name
     */
    Optional<HostGpu> toHostGpu(String hostUuid, int position, Map<String, PrismVm> vms) {
        Optional<GpuVendor> vendor = GpuVendor.parse(config.path("vendorName").asText(null));
        Optional<GpuMode> mode = virtual ? Optional.of(GpuMode.VIRTUAL) : GpuMode.parse(config.path("type").asText(null));
        if (vendor.isEmpty() || mode.isEmpty() || mode.get().isPassthrough() == virtual) {
            LOG.warn("host {}: skipping a GPU entry with vendorName '{}' and type '{}'", hostUuid,
                    config.path("vendorName").asText(""), config.path("type").asText(""));
            return Optional.empty();
        }
        String uuid = extId.isEmpty() ? hostUuid + "/" + config.path("sbdf").asText("gpu-" + position) : extId;
        boolean inUse = inUse();
        boolean assignable = config.path("assignable").asLong(0) > 0;
        Optional<EntityReference> consumer = allocatedVmExtIds.stream().findFirst()
                .map(id -> new EntityReference("vm", id,
                        Optional.ofNullable(vms.get(V4GpuAttribution.key(id))).map(PrismVm::name).orElse("")));
        long frameBufferMib = config.path("frameBufferSizeBytes").asLong(0) / V4GpuAttribution.MIB;
        if (virtual) {
            GpuStatus status = inUse ? GpuStatus.USED_FOR_VIRTUAL : GpuStatus.UNUSED;
            return Optional.of(new VirtualGpu(uuid, name, vendor.get(), deviceId(), status, assignable, consumer,
                    frameBufferMib, position, vgpusAllocated.orElse(inUse ? 1 : 0), config.path("fraction").asInt(0),
                    config.path("maxInstancesPerVm").asLong(0)));
        }
        String sbdf = sbdf();
        return Optional.of(new PassthroughGpu(uuid, name, vendor.get(), mode.get(), deviceId(),
                GpuCatalog.lookup(vendor.get(), deviceId()), physicalStatus(inUse, consumer.isPresent()), assignable,
                consumer, frameBufferMib, sbdf.isEmpty() ? Optional.empty() : Optional.of(sbdf),
                numaNode(config.path("numaNode"))));
    }

    /**
     * A physical GPU's use: {@code physicalGpuConfig.mode} ({@code UNUSED}, {@code USED_FOR_PASSTHROUGH},
     * {@code USED_FOR_VIRTUAL}) when known; otherwise what the rest says, {@code UNKNOWN} when it says too little.
     */
    private GpuStatus physicalStatus(boolean inUse, boolean held) {
        if (config.hasNonNull("mode")) {
            return GpuStatus.parse(config.path("mode").asText());
        }
        if (!inUse) {
            return GpuStatus.UNUSED;
        }
        if (vgpusAllocated.orElse(0) > 0) {
            return GpuStatus.USED_FOR_VIRTUAL;
        }
        return held ? GpuStatus.USED_FOR_PASSTHROUGH : GpuStatus.UNKNOWN;
    }

    /** v4 sends the NUMA node as a string. */
    private static OptionalInt numaNode(JsonNode n) {
        if (n.isNumber()) {
            return OptionalInt.of(n.asInt());
        }
        try {
            return n.isTextual() ? OptionalInt.of(Integer.parseInt(n.asText().trim())) : OptionalInt.empty();
        } catch (NumberFormatException e) {
            return OptionalInt.empty();
        }
    }
}
