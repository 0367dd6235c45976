package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One entry of a cluster's v4 {@code physical-gpu-profiles} or {@code virtual-gpu-profiles}: a physical GPU
 * or a vGPU slot, with the VMs it is allocated to. v4 does not say which host holds it; see
 * {@link V4GpuAttribution}.
 *
 * @param order  position in the cluster's listing (physical entries first), used to keep a stable order
 * @param config {@code physicalGpuConfig} or {@code virtualGpuConfig}
 */
record V4GpuDevice(int order, String extId, String name, boolean virtual, JsonNode config,
        List<String> allocatedVmExtIds) {

    V4GpuDevice {
        name = name == null ? "" : name;
        allocatedVmExtIds = List.copyOf(allocatedVmExtIds);
    }

    /** Reads a profile entry; {@code virtual} says which list it came from. */
    static V4GpuDevice of(int order, JsonNode profile, boolean virtual) {
        JsonNode config = profile.path(virtual ? "virtualGpuConfig" : "physicalGpuConfig");
        List<String> vms = new ArrayList<>();
        profile.path("allocatedVmExtIds").forEach(v -> {
            if (!v.asText("").isEmpty()) {
                vms.add(v.asText());
            }
        });
        return new V4GpuDevice(order, profile.path("extId").asText(""), config.path("deviceName").asText(""),
                virtual, config, vms);
    }
}
