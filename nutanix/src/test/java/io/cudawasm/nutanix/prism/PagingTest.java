package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.SyntheticEstate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Paging over a large synthetic estate: 1,000 hosts with 4,000 GPUs and 1,234 VMs. */
class PagingTest {
    private static PrismSimulator sim;
    private static NutanixClient client;

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SyntheticEstate.builder().hosts(1_000).gpusPerHost(4).vms(1_234).build());
        client = TestPrism.client(sim, new RecordingSleeper());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void forget() {
        sim.clearRequests();
    }

    @Test
    void listVmsPagesFiveHundredAtATimeUntilTotalMatches() {
        List<PrismVm> vms = client.listVms();
        assertEquals(1_234, vms.size());
        Set<String> uuids = new HashSet<>();
        vms.forEach(v -> uuids.add(v.uuid()));
        assertEquals(new HashSet<>(sim.estate().vmUuids()), uuids, "every VM exactly once");
        List<String> bodies = sim.requests().stream().map(RecordedRequest::body).toList();
        assertEquals(List.of(
                "{\"kind\":\"vm\",\"length\":500,\"offset\":0}",
                "{\"kind\":\"vm\",\"length\":500,\"offset\":500}",
                "{\"kind\":\"vm\",\"length\":500,\"offset\":1000}"), bodies);
    }

    @Test
    void hostsComeInOneCallEvenWhenThereAreAThousand() {
        List<GpuNode> nodes = client.discoverGpuNodes();
        assertEquals(1_000, nodes.size());
        assertEquals(4_000, nodes.stream().mapToInt(n -> n.gpus().size()).sum());
        assertEquals(1, sim.requestCount("POST", "hosts/list"));
        assertEquals(1, sim.requests().size(), "every cpu_model is recognised, so clusters are not needed");
        assertEquals(100, nodes.stream().filter(n -> n.architecture().isArm()).count());
    }

    @Test
    void clustersArePagedAndPrismCentralIsLeftOut() throws Exception {
        try (PrismSimulator many = TestPrism.start(
                SyntheticEstate.builder().clusters(1_100).hosts(1_100).gpusPerHost(0).vms(0).build())) {
            List<PrismCluster> clusters = TestPrism.client(many, new RecordingSleeper()).listClusters();
            assertEquals(1_100, clusters.size());
            assertEquals(3, many.requestCount("POST", "clusters/list"), "1,101 entries in pages of 500");
        }
    }
}
