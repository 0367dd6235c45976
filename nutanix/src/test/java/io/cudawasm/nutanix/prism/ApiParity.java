package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.report.InventoryJson;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Asks two clients (v3 and v4, over one estate) every discovery question and checks the answers agree, in
 * their JSON rendering ({@link InventoryJson}), which names every field: GPU hosts, summaries (all and per
 * cluster), each host's capabilities, and the best nodes for every vendor, count 1 to 4 and selection.
 */
final class ApiParity {
    private ApiParity() {}

    /** Asks both clients and checks the answers agree; returns v3's for further checks. */
    static <T> JsonNode same(NutanixClient v3, NutanixClient v4, String what, Function<NutanixClient, T> question,
            Function<T, JsonNode> render) {
        JsonNode viaV3 = render.apply(question.apply(v3));
        JsonNode viaV4 = render.apply(question.apply(v4));
        assertEquals(viaV3, viaV4, what + " differs between v3 and v4");
        return viaV3;
    }

    static void assertAllAnswersAgree(NutanixClient v3, NutanixClient v4) {
        JsonNode nodes = same(v3, v4, "discoverGpuNodes", NutanixClient::discoverGpuNodes, InventoryJson::nodes);
        assertFalse(nodes.isEmpty());
        same(v3, v4, "summary", c -> c.getClusterGpuSummary(Optional.empty()), InventoryJson::summary);
        for (PrismCluster cluster : v3.listClusters()) {
            same(v3, v4, "summary of " + cluster.name(), c -> c.getClusterGpuSummary(Optional.of(cluster.uuid())),
                    InventoryJson::summary);
        }
        for (PrismHost host : v3.listHosts()) {
            same(v3, v4, "capabilities of " + host.name(), c -> c.getHostCapabilities(host.uuid()),
                    InventoryJson::capabilities);
        }
        List<NodeSelection> selections = new ArrayList<>(List.of(NodeSelection.DEFAULT,
                NodeSelection.builder().allowVgpu(true).build(), NodeSelection.builder().requireArm(true).build(),
                NodeSelection.builder().minGpuMemoryMib(80 * 1024).build()));
        v3.listClusters().forEach(c -> selections.add(NodeSelection.builder().cluster(c.uuid()).allowVgpu(true).build()));
        for (GpuVendor vendor : GpuVendor.values()) {
            for (int count = 1; count <= 4; count++) {
                for (NodeSelection s : selections) {
                    int n = count;
                    same(v3, v4, "best " + vendor + ":" + count + " " + s, c -> c.findBestNodes(vendor, n, s),
                            InventoryJson::candidates);
                }
            }
        }
    }
}
