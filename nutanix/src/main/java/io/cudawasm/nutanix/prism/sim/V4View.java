package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The estate rendered once as v4 entities, until the next mutation: what {@link PrismV4Handler} filters and
 * pages. Maps are keyed by lower-case uuid; lists keep the estate's order.
 *
 * @param physicalGpus per cluster, its hosts' physical GPUs in host order, then gpu_list order
 * @param virtualGpus  per cluster, its hosts' vGPU slots in the same order
 * @param hostGpus     per cluster, every GPU entry of its hosts as a {@code HostGpu}, in host then gpu_list order
 */
record V4View(List<ObjectNode> hosts, List<ObjectNode> clusters, List<ObjectNode> vms,
        Map<String, List<ObjectNode>> physicalGpus, Map<String, List<ObjectNode>> virtualGpus,
        Map<String, List<ObjectNode>> hostGpus, Map<String, ObjectNode> clusterById, Map<String, ObjectNode> vmById) {

    Optional<ObjectNode> cluster(String uuid) {
        return Optional.ofNullable(clusterById.get(SimulatedEstate.key(uuid)));
    }

    Optional<ObjectNode> vm(String uuid) {
        return Optional.ofNullable(vmById.get(SimulatedEstate.key(uuid)));
    }

    List<ObjectNode> hostGpusOf(String clusterUuid) {
        return hostGpus.getOrDefault(SimulatedEstate.key(clusterUuid), List.of());
    }

    List<ObjectNode> hostsOf(String clusterUuid) {
        return hosts.stream()
                .filter(h -> h.path("cluster").path("uuid").asText("").equalsIgnoreCase(clusterUuid))
                .toList();
    }
}
