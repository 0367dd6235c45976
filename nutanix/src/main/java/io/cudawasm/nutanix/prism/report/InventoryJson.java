package io.cudawasm.nutanix.prism.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.NodeCandidate;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.GpuCount;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostCapabilities;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import java.util.List;
import java.util.Map;

/**
 * A stable JSON rendering of the GPU inventory (snake_case, like Prism), written explicitly rather
 * than by reflection so that the output does not change when a record gains a helper method.
 */
public final class InventoryJson {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private InventoryJson() {}

    public static ObjectMapper mapper() {
        return MAPPER;
    }

    public static ArrayNode nodes(List<GpuNode> nodes) {
        ArrayNode array = MAPPER.createArrayNode();
        nodes.forEach(n -> array.add(node(n)));
        return array;
    }

    public static ObjectNode node(GpuNode node) {
        ObjectNode o = host(node.host());
        o.put("cpu_arch", node.architecture().label());
        o.put("gpu_count", node.gpus().size());
        o.put("available_gpu_count", node.availableGpus().size());
        o.set("gpus", gpus(node.gpus()));
        return o;
    }

    public static ArrayNode candidates(List<NodeCandidate> candidates) {
        ArrayNode array = MAPPER.createArrayNode();
        int rank = 1;
        for (NodeCandidate c : candidates) {
            ObjectNode o = MAPPER.createObjectNode().put("rank", rank++);
            o.setAll(host(c.node().host()));
            o.put("cpu_arch", c.node().architecture().label());
            o.put("matching_gpu_count", c.matchingGpuCount());
            o.put("matching_memory_mib", c.matchingMemoryMib());
            o.put("passthrough_only", c.passthroughOnly());
            o.set("matching_gpus", gpus(c.matchingGpus()));
            array.add(o);
        }
        return array;
    }

    public static ObjectNode capabilities(HostCapabilities caps) {
        ObjectNode o = host(caps.host());
        o.put("cpu_arch", caps.cpuArchitecture().label());
        o.put("is_arm", caps.isArm());
        o.put("cpu_model", caps.host().cpuModel());
        o.put("cpu_sockets", caps.host().cpuSockets());
        o.put("cpu_cores", caps.host().cpuCores());
        o.put("memory_capacity_mib", caps.host().memoryCapacityMib());
        o.put("hypervisor", caps.host().hypervisorName());
        o.put("gpu_driver_version", caps.host().gpuDriverVersion());
        o.put("has_nvidia", caps.hasNvidia());
        o.put("has_amd", caps.hasAmd());
        o.put("has_intel", caps.hasIntel());
        o.set("gpus", gpus(caps.gpus()));
        return o;
    }

    public static ObjectNode summary(ClusterGpuSummary s) {
        ObjectNode o = MAPPER.createObjectNode();
        if (s.clusterUuid().isPresent()) {
            o.put("cluster_uuid", s.clusterUuid().get());
        } else {
            o.putNull("cluster_uuid");
        }
        o.put("host_count", s.hostCount());
        o.put("gpu_host_count", s.gpuHostCount());
        o.put("total_gpu_count", s.totalGpuCount());
        o.put("available_gpu_count", s.availableGpuCount());
        o.put("vgpu_count", s.virtual().total());
        o.put("available_vgpu_count", s.virtual().available());
        o.put("gpu_memory_mib", s.memoryMib());
        o.put("available_gpu_memory_mib", s.availableMemoryMib());
        ObjectNode vendors = o.putObject("by_vendor");
        for (Map.Entry<GpuVendor, GpuCount> e : s.byVendor().entrySet()) {
            vendors.set(e.getKey().name(), count(e.getValue()));
        }
        ObjectNode models = o.putObject("by_model");
        s.byModel().forEach((k, v) -> models.set(k, count(v)));
        ObjectNode profiles = o.putObject("by_vgpu_profile");
        s.byProfile().forEach((k, v) -> profiles.set(k, count(v)));
        return o;
    }

    public static ArrayNode gpus(List<HostGpu> gpus) {
        ArrayNode array = MAPPER.createArrayNode();
        gpus.forEach(g -> array.add(gpu(g)));
        return array;
    }

    public static ObjectNode gpu(HostGpu g) {
        ObjectNode o = MAPPER.createObjectNode()
                .put("uuid", g.uuid())
                .put("name", g.name())
                .put("display_name", g.displayName())
                .put("vendor", g.vendor().name())
                .put("mode", g.mode().name())
                .put("device_id", g.deviceId())
                .put("status", g.status().name())
                .put("assignable", g.assignable())
                .put("available", g.isAvailable())
                .put("memory_mib", g.memoryMib());
        if (g instanceof PassthroughGpu p) {
            p.model().ifPresent(m -> o.put("pci_id", m.pciId()));
            p.pciAddress().ifPresent(a -> o.put("pci_address", a));
            p.numaNode().ifPresent(n -> o.put("numa_node", n));
        } else if (g instanceof VirtualGpu v) {
            o.put("compute_profile", v.isComputeProfile());
        }
        g.consumer().ifPresent(c -> o.putObject("consumer").put("uuid", c.uuid()).put("name", c.name()));
        return o;
    }

    private static ObjectNode host(PrismHost h) {
        ObjectNode o = MAPPER.createObjectNode().put("host_uuid", h.uuid()).put("host_name", h.name());
        h.cluster().ifPresent(c -> o.put("cluster_uuid", c.uuid()).put("cluster_name", c.name()));
        return o;
    }

    private static ObjectNode count(GpuCount c) {
        return MAPPER.createObjectNode().put("total", c.total()).put("available", c.available());
    }
}
