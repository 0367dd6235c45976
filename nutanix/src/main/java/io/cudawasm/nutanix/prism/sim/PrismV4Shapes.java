package io.cudawasm.nutanix.prism.sim;

import static io.cudawasm.nutanix.prism.sim.PrismJsonShapes.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Renders the estate's v3 entities as Prism Central v4 entities ({@code clustermgmt} v4 {@code Host},
 * {@code Cluster}, {@code HostGpu}, {@code PhysicalGpuProfile}, {@code VirtualGpuProfile}; {@code vmm} v4 {@code Vm}), so both
 * APIs serve one estate. Sizes become bytes, vendors become {@code kNvidia}/{@code kAmd}/{@code kIntel},
 * references keep only what v4 references carry. Fields the v3 entity lacks are left out rather than invented.
 */
final class PrismV4Shapes {
    static final long MIB = 1024L * 1024L;
    private static final Pattern SBDF = Pattern.compile("(\\p{XDigit}{4}):(\\p{XDigit}{2}):(\\p{XDigit}{2})\\.(\\p{XDigit})");

    private PrismV4Shapes() {}

    static ObjectNode host(JsonNode v3) {
        JsonNode status = v3.path("status");
        JsonNode res = status.path("resources");
        ObjectNode h = MAPPER.createObjectNode().put("$objectType", "clustermgmt.v4.config.Host");
        h.put("extId", SimulatedEstate.uuidOf(v3)).put("hostName", SimulatedEstate.nameOf(v3));
        JsonNode cluster = status.path("cluster_reference");
        if (cluster.path("uuid").isTextual()) {
            h.putObject("cluster").put("uuid", cluster.path("uuid").asText()).put("name", cluster.path("name").asText(""));
        }
        copyText(res, "host_type", h, "hostType");
        copyText(res, "cpu_model", h, "cpuModel");
        copyNumber(res, "num_cpu_sockets", h, "numberOfCpuSockets", 1);
        copyNumber(res, "num_cpu_cores", h, "numberOfCpuCores", 1);
        copyNumber(res, "cpu_capacity_hz", h, "cpuCapacityHz", 1);
        copyNumber(res, "memory_capacity_mib", h, "memorySizeBytes", MIB);
        JsonNode hv = res.path("hypervisor");
        if (hv.isObject()) {
            ObjectNode hypervisor = h.putObject("hypervisor").put("type", "AHV");
            copyText(hv, "hypervisor_full_name", hypervisor, "fullName");
            copyNumber(hv, "num_vms", hypervisor, "numberOfVms", 1);
            if (hv.path("ip").isTextual()) {
                hypervisor.putObject("externalAddress").putObject("ipv4").put("value", hv.path("ip").asText());
            }
        }
        copyText(res, "gpu_driver_version", h, "gpuDriverVersion");
        JsonNode gpus = res.path("gpu_list");
        if (gpus.isArray() && !gpus.isEmpty()) {
            ArrayNode names = h.putArray("gpuList");
            gpus.forEach(g -> names.add(g.path("name").asText("")));
        }
        return h;
    }

    static ObjectNode cluster(JsonNode v3, int hostCount) {
        JsonNode res = v3.path("status").path("resources");
        JsonNode config = res.path("config");
        ObjectNode c = MAPPER.createObjectNode().put("$objectType", "clustermgmt.v4.config.Cluster");
        c.put("extId", SimulatedEstate.uuidOf(v3)).put("name", SimulatedEstate.nameOf(v3));
        ObjectNode cfg = c.putObject("config");
        ArrayNode functions = cfg.putArray("clusterFunction");
        config.path("service_list").forEach(s -> functions.add(s.asText()));
        copyText(config, "cluster_arch", cfg, "clusterArch");
        JsonNode build = config.path("build");
        if (build.isObject()) {
            ObjectNode b = cfg.putObject("buildInfo");
            copyText(build, "version", b, "version");
            copyText(build, "full_version", b, "fullVersion");
        }
        ArrayNode hypervisors = cfg.putArray("hypervisorTypes");
        List<String> seen = new ArrayList<>();
        res.path("nodes").path("hypervisor_server_list").forEach(n -> {
            String type = n.path("type").asText("");
            if (!type.isEmpty() && !seen.contains(type)) {
                seen.add(type);
                hypervisors.add(type);
            }
        });
        if (config.has("is_available")) {
            cfg.put("isAvailable", config.path("is_available").asBoolean());
        }
        c.putObject("nodes").put("numberOfNodes", hostCount);
        return c;
    }

    /** A host's {@code gpu_list} entry as a {@code PhysicalGpuProfile} or {@code VirtualGpuProfile}. */
    static ObjectNode gpuProfile(JsonNode g) {
        boolean virtual = isVirtual(g);
        ObjectNode p = MAPPER.createObjectNode().put("$objectType",
                virtual ? "clustermgmt.v4.config.VirtualGpuProfile" : "clustermgmt.v4.config.PhysicalGpuProfile");
        if (g.path("uuid").isTextual()) {
            p.put("extId", g.path("uuid").asText());
        }
        ObjectNode c = p.putObject(virtual ? "virtualGpuConfig" : "physicalGpuConfig");
        gpuConfig(g, c);
        if (!virtual) {
            // only PhysicalGpuConfig has mode (the use: UNUSED, USED_FOR_PASSTHROUGH, USED_FOR_VIRTUAL)
            c.put("mode", g.path("status").asText("UNUSED"));
        }
        ArrayNode vms = p.putArray("allocatedVmExtIds");
        if (isConsumed(g)) {
            vms.add(g.path("consumer_reference").path("uuid").asText());
        }
        return p;
    }

    /**
     * A host's {@code gpu_list} entry as a {@code HostGpu} of {@code clusters/{c}/host-gpus}: every entry, physical
     * and vGPU slot alike, with the host it sits in ({@code nodeUuid}). Its {@code config} is a
     * {@code VirtualGpuConfig}, as in Nutanix's v4.0 model: no {@code mode}, and no VMs it is allocated to.
     */
    static ObjectNode hostGpu(JsonNode g, String hostUuid, JsonNode clusterReference) {
        ObjectNode h = MAPPER.createObjectNode().put("$objectType", "clustermgmt.v4.config.HostGpu");
        if (g.path("uuid").isTextual()) {
            h.put("extId", g.path("uuid").asText());
        }
        h.put("nodeUuid", hostUuid);
        if (clusterReference.path("uuid").isTextual()) {
            h.putObject("cluster").put("uuid", clusterReference.path("uuid").asText())
                    .put("name", clusterReference.path("name").asText(""));
        }
        copyNumber(g, "num_vgpus_allocated", h, "numberOfVgpusAllocated", 1);
        gpuConfig(g, h.putObject("config"));
        return h;
    }

    private static boolean isVirtual(JsonNode g) {
        return "VIRTUAL".equals(g.path("mode").asText());
    }

    private static boolean isConsumed(JsonNode g) {
        return g.path("consumer_reference").path("uuid").isTextual();
    }

    /** The fields a physical and a virtual GPU configuration share, plus the vGPU ones an entry has. */
    private static void gpuConfig(JsonNode g, ObjectNode c) {
        copyNumber(g, "device_id", c, "deviceId", 1);
        copyText(g, "name", c, "deviceName");
        c.put("vendorName", vendorName(g.path("vendor").asText("")));
        copyText(g, "mode", c, "type");
        c.put("isInUse", !"UNUSED".equals(g.path("status").asText("UNUSED")) || isConsumed(g));
        c.put("assignable", g.path("assignable").asBoolean(false) ? 1 : 0);
        copyText(g, "pci_address", c, "sbdf");
        if (g.has("numa_node")) {
            c.put("numaNode", g.path("numa_node").asText());
        }
        copyNumber(g, "frame_buffer_size_mib", c, "frameBufferSizeBytes", MIB);
        if (isVirtual(g)) {
            copyNumber(g, "fraction", c, "fraction", 1);
            copyNumber(g, "max_instances_per_vm", c, "maxInstancesPerVm", 1);
            copyNumber(g, "num_virtual_display_heads", c, "numberOfVirtualDisplayHeads", 1);
            copyText(g, "max_resolution", c, "maxResolution");
            copyText(g, "guest_driver_version", c, "guestDriverVersion");
            if (g.path("license_list").isArray()) {
                c.set("licenses", g.path("license_list").deepCopy());
            }
        }
    }

    static ObjectNode vm(JsonNode v3) {
        JsonNode status = v3.path("status");
        JsonNode res = status.path("resources");
        ObjectNode v = MAPPER.createObjectNode().put("$objectType", "vmm.v4.ahv.config.Vm");
        v.put("extId", SimulatedEstate.uuidOf(v3)).put("name", SimulatedEstate.nameOf(v3));
        copyText(res, "bios_uuid", v, "biosUuid");
        String power = res.path("power_state").asText(v3.path("spec").path("resources").path("power_state").asText(""));
        if (!power.isEmpty()) {
            v.put("powerState", power);
        }
        if (status.path("cluster_reference").path("uuid").isTextual()) {
            v.putObject("cluster").put("extId", status.path("cluster_reference").path("uuid").asText());
        }
        if (res.path("host_reference").path("uuid").isTextual()) {
            v.putObject("host").put("extId", res.path("host_reference").path("uuid").asText());
        }
        copyNumber(res, "num_sockets", v, "numSockets", 1);
        copyNumber(res, "num_vcpus_per_socket", v, "numCoresPerSocket", 1);
        copyNumber(res, "memory_size_mib", v, "memorySizeBytes", MIB);
        ArrayNode gpus = v.putArray("gpus");
        for (JsonNode g : res.path("gpu_list")) {
            ObjectNode gpu = gpus.addObject().put("$objectType", "vmm.v4.ahv.config.Gpu");
            copyText(g, "uuid", gpu, "extId");
            copyText(g, "name", gpu, "name");
            copyText(g, "vendor", gpu, "vendor");
            copyText(g, "mode", gpu, "mode");
            copyNumber(g, "device_id", gpu, "deviceId", 1);
            copyNumber(g, "frame_buffer_size_mib", gpu, "frameBufferSizeBytes", MIB);
            copyNumber(g, "fraction", gpu, "fraction", 1);
            copyText(g, "guest_driver_version", gpu, "guestDriverVersion");
            Matcher m = SBDF.matcher(g.path("pci_address").asText(""));
            if (m.matches()) {
                gpu.putObject("pciAddress").put("segment", Integer.parseInt(m.group(1), 16))
                        .put("bus", Integer.parseInt(m.group(2), 16)).put("device", Integer.parseInt(m.group(3), 16))
                        .put("func", Integer.parseInt(m.group(4), 16));
            }
        }
        return v;
    }

    /** {@code NVIDIA} → {@code kNvidia}: how v4 GPU profiles spell vendors. */
    static String vendorName(String v3Vendor) {
        return switch (v3Vendor.toUpperCase(Locale.ROOT)) {
            case "NVIDIA" -> "kNvidia";
            case "AMD" -> "kAmd";
            case "INTEL" -> "kIntel";
            default -> v3Vendor;
        };
    }

    // ---- Envelopes -----------------------------------------------------------------------------------

    /** {@code {"data":[…],"metadata":{…,"totalAvailableResults":N},"$objectType":…}}. */
    static ObjectNode listResponse(String objectType, List<? extends JsonNode> page, int total, String selfHref) {
        ObjectNode r = MAPPER.createObjectNode();
        r.putArray("data").addAll(page);
        ObjectNode meta = r.putObject("metadata");
        meta.putArray("flags").add(MAPPER.createObjectNode().put("name", "hasError").put("value", false))
                .add(MAPPER.createObjectNode().put("name", "isPaginated").put("value", true));
        meta.putArray("links").add(MAPPER.createObjectNode().put("href", selfHref).put("rel", "self"));
        meta.put("totalAvailableResults", total);
        r.put("$objectType", objectType);
        return r;
    }

    /** {@code {"data":{…},"metadata":{…},"$objectType":…}}. */
    static ObjectNode entityResponse(String objectType, JsonNode entity, String selfHref) {
        ObjectNode r = MAPPER.createObjectNode();
        r.set("data", entity);
        ObjectNode meta = r.putObject("metadata");
        meta.putArray("flags").add(MAPPER.createObjectNode().put("name", "hasError").put("value", false));
        meta.putArray("links").add(MAPPER.createObjectNode().put("href", selfHref).put("rel", "self"));
        r.put("$objectType", objectType);
        return r;
    }

    /**
     * {@code {"data":{"error":[AppMessage],"$objectType":"<ns>.v4.error.ErrorResponse"},"$objectType":…}}; the
     * v3-style reason becomes {@code errorGroup}, the code is {@code <NS>-<status>}.
     */
    static ObjectNode error(String namespace, int status, String errorGroup, String message) {
        ObjectNode r = MAPPER.createObjectNode();
        ObjectNode data = r.putObject("data");
        data.putArray("error").addObject()
                .put("$objectType", namespace + ".v4.error.AppMessage")
                .put("code", namespace.substring(0, 3).toUpperCase(Locale.ROOT) + "-" + (status * 100 + 1))
                .put("errorGroup", errorGroup)
                .put("message", message)
                .put("severity", "ERROR")
                .put("locale", "en_US");
        data.put("$objectType", namespace + ".v4.error.ErrorResponse");
        r.put("$objectType", namespace + ".v4.error.ErrorResponse");
        return r;
    }

    private static void copyText(JsonNode from, String field, ObjectNode to, String as) {
        JsonNode v = from.path(field);
        if (v.isValueNode() && !v.isNull()) {
            to.put(as, v.asText());
        }
    }

    private static void copyNumber(JsonNode from, String field, ObjectNode to, String as, long factor) {
        JsonNode v = from.path(field);
        if (v.isNumber()) {
            to.put(as, v.asLong() * factor);
        }
    }
}
