package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/** Builds v3 entities and error bodies in the shapes Prism Central uses. */
final class PrismJsonShapes {
    static final ObjectMapper MAPPER = new ObjectMapper();
    static final String API_VERSION = "3.1";

    private PrismJsonShapes() {}

    static ObjectNode reference(String kind, String uuid, String name) {
        return MAPPER.createObjectNode().put("kind", kind).put("uuid", uuid).put("name", name);
    }

    static ObjectNode metadata(String kind, String uuid, String name) {
        return MAPPER.createObjectNode().put("kind", kind).put("uuid", uuid).put("name", name)
                .put("spec_version", 1).put("creation_time", "2024-05-06T10:00:00Z")
                .put("last_update_time", "2024-11-20T08:30:00Z");
    }

    static ObjectNode cluster(String uuid, String name, List<String> services, String arch, String aosVersion) {
        ObjectNode c = MAPPER.createObjectNode();
        c.set("metadata", metadata("cluster", uuid, name));
        c.set("spec", MAPPER.createObjectNode().put("name", name));
        ObjectNode status = c.putObject("status").put("name", name).put("state", "COMPLETE");
        ObjectNode res = status.putObject("resources");
        ObjectNode config = res.putObject("config");
        ArrayNode sl = config.putArray("service_list");
        services.forEach(sl::add);
        config.put("cluster_arch", arch).put("is_available", true).put("gpu_driver_version", "550.90.07");
        config.putObject("build").put("version", aosVersion).put("full_version", "el8.5-release-" + aosVersion);
        return c;
    }

    static ObjectNode host(String uuid, String name, ObjectNode clusterRef, String cpuModel, String hypervisorIp) {
        ObjectNode h = MAPPER.createObjectNode();
        h.set("metadata", metadata("host", uuid, name));
        h.putObject("spec").put("name", name).putObject("resources");
        ObjectNode status = h.putObject("status").put("name", name).put("state", "COMPLETE");
        status.set("cluster_reference", clusterRef);
        ObjectNode res = status.putObject("resources");
        res.put("cpu_model", cpuModel).put("num_cpu_sockets", 2).put("num_cpu_cores", 64)
                .put("cpu_capacity_hz", 166_400_000_000L).put("memory_capacity_mib", 1_048_576L)
                .put("host_type", "HYPER_CONVERGED").put("monitoring_state", "MONITORED")
                .put("gpu_driver_version", "550.90.07");
        res.putObject("hypervisor").put("ip", hypervisorIp)
                .put("hypervisor_full_name", "Nutanix 20230302.101026").put("num_vms", 0);
        res.putArray("gpu_list");
        return h;
    }

    static ObjectNode gpu(String uuid, SimulatedGpu g, int index) {
        ObjectNode n = MAPPER.createObjectNode().put("uuid", uuid).put("name", g.name())
                .put("vendor", g.vendor().name()).put("mode", g.mode().name()).put("device_id", g.deviceId())
                .put("status", "UNUSED").put("assignable", true).put("index", index)
                .put("frame_buffer_size_mib", g.frameBufferMib());
        if (g.mode().isPassthrough()) {
            n.put("pci_address", g.pciAddress()).put("numa_node", g.numaNode());
        } else {
            n.put("num_vgpus_allocated", 0).put("fraction", 1).put("max_instances_per_vm", 1)
                    .put("num_virtual_display_heads", 1).put("max_resolution", "1280x1024");
            n.putArray("license_list").add("NVIDIA-vComputeServer,9.0");
        }
        return n;
    }

    static ObjectNode vm(String uuid, String name, ObjectNode clusterRef, ObjectNode hostRef, boolean poweredOn) {
        ObjectNode v = MAPPER.createObjectNode();
        v.set("metadata", metadata("vm", uuid, name));
        ObjectNode spec = v.putObject("spec").put("name", name);
        spec.set("cluster_reference", clusterRef.deepCopy());
        spec.putObject("resources").put("power_state", poweredOn ? "ON" : "OFF").put("num_sockets", 4)
                .put("num_vcpus_per_socket", 2).put("memory_size_mib", 32_768).putArray("gpu_list");
        ObjectNode status = v.putObject("status").put("name", name).put("state", "COMPLETE");
        status.set("cluster_reference", clusterRef.deepCopy());
        ObjectNode res = status.putObject("resources").put("power_state", poweredOn ? "ON" : "OFF")
                .put("bios_uuid", uuid).put("hypervisor_type", "AHV").put("num_sockets", 4)
                .put("num_vcpus_per_socket", 2).put("memory_size_mib", 32_768);
        if (poweredOn && hostRef != null) {
            res.set("host_reference", hostRef.deepCopy());
        }
        res.putArray("gpu_list");
        return v;
    }

    /** {@code {"api_version":"3.1","code":…,"kind":…,"state":"ERROR","message_list":[…]}}. */
    static ObjectNode error(int code, String kind, String reason, String message, Object details) {
        ObjectNode e = MAPPER.createObjectNode().put("api_version", API_VERSION).put("code", code)
                .put("kind", kind).put("state", "ERROR");
        ObjectNode m = e.putArray("message_list").addObject().put("message", message).put("reason", reason);
        if (details instanceof String s) {
            m.put("details", s);
        } else if (details instanceof ObjectNode o) {
            m.set("details", o);
        } else {
            m.putObject("details");
        }
        return e;
    }
}
