package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.SyntheticEstate;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Paging over a large synthetic estate (1,000 hosts with 4,000 GPUs, 1,234 VMs, four clusters): v3 pages
 * {@code length}/{@code offset} 500 at a time, v4 {@code $page}/{@code $limit} 100 at a time, both until the
 * total the server reports.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class PagingTest {
    private static PrismSimulator sim;

    @Parameter
    PrismApiVersion version;

    private NutanixClient client;

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SyntheticEstate.builder().hosts(1_000).gpusPerHost(4).vms(1_234).build());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void forget() {
        client = TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper());
        sim.clearRequests();
    }

    private static List<String> v4Pages(int pages) {
        return IntStream.range(0, pages).mapToObj(p -> "$page=" + p + "&$limit=100").toList();
    }

    /** The queries of these requests by page number: pages after the first are asked for in parallel. */
    private static List<String> byPage(java.util.stream.Stream<RecordedRequest> requests) {
        return requests.map(RecordedRequest::query)
                .sorted(java.util.Comparator.comparingInt(q -> Integer.parseInt(q.replaceAll("^\\$page=(\\d+).*$", "$1"))))
                .toList();
    }

    @Test
    void listVmsPagesUntilTheTotal() {
        List<PrismVm> vms = client.listVms();
        assertEquals(1_234, vms.size());
        Set<String> uuids = new HashSet<>();
        vms.forEach(v -> uuids.add(v.uuid()));
        assertEquals(new HashSet<>(sim.estate().vmUuids()), uuids, "every VM exactly once");
        if (version == PrismApiVersion.V4) {
            assertEquals(v4Pages(13), byPage(sim.requests().stream()));
            assertEquals("$page=0&$limit=100", sim.requests().get(0).query(), "the first page first: it gives the total");
            return;
        }
        List<String> bodies = sim.requests().stream().map(RecordedRequest::body).toList();
        assertEquals(List.of(
                "{\"kind\":\"vm\",\"length\":500,\"offset\":0}",
                "{\"kind\":\"vm\",\"length\":500,\"offset\":500}",
                "{\"kind\":\"vm\",\"length\":500,\"offset\":1000}"), bodies);
    }

    @Test
    void aThousandHostsWithFourThousandGpus() {
        List<GpuNode> nodes = client.discoverGpuNodes();
        assertEquals(1_000, nodes.size());
        assertEquals(4_000, nodes.stream().mapToInt(n -> n.gpus().size()).sum());
        assertEquals(4_000 - 1_234, nodes.stream().mapToInt(n -> n.availableGpus().size()).sum(), "one GPU per VM");
        assertEquals(100, nodes.stream().filter(n -> n.architecture().isArm()).count());
        if (version == PrismApiVersion.V4) {
            // 10 pages of hosts; per cluster 10 pages of its 1,000 host GPUs and, GPUs being in use, 10 of physical
            // GPU profiles (for their VMs), none of vGPU profiles (no vGPU); 13 pages of VMs
            List<RecordedRequest> requests = sim.requests();
            assertEquals(v4Pages(10), byPage(requests.stream().filter(r -> r.path().endsWith("config/hosts"))));
            List<String> clusters = requests.stream().filter(r -> r.path().endsWith("/host-gpus"))
                    .map(RecordedRequest::path).distinct().toList();
            assertEquals(4, clusters.size());
            for (String cluster : clusters) {
                assertEquals(v4Pages(10), byPage(requests.stream().filter(r -> r.path().equals(cluster))),
                        "1,000 host GPUs in pages of 100");
            }
            assertEquals(40, requests.stream().filter(r -> r.path().endsWith("physical-gpu-profiles")).count());
            assertEquals(0, requests.stream().filter(r -> r.path().endsWith("virtual-gpu-profiles")).count());
            assertEquals(v4Pages(13), byPage(requests.stream().filter(r -> r.path().endsWith("vms"))));
            assertEquals(103, requests.size(), "every cpu model is recognised, so clusters are not needed");
            assertTrue(requests.stream().allMatch(r -> r.status() == 200));
            return;
        }
        assertEquals(1, sim.requestCount("POST", "hosts/list"), "v3 hosts come in one call even for a thousand");
        assertEquals(1, sim.requests().size(), "every cpu_model is recognised, so clusters are not needed");
    }

    @Test
    void clustersArePagedAndPrismCentralIsLeftOut() throws Exception {
        try (PrismSimulator many = TestPrism.start(
                SyntheticEstate.builder().clusters(1_100).hosts(1_100).gpusPerHost(0).vms(0).build())) {
            NutanixClient c = TestPrism.client(TestPrism.config(many, version).build(), new RecordingSleeper());
            List<PrismCluster> clusters = c.listClusters();
            assertEquals(1_100, clusters.size());
            if (version == PrismApiVersion.V4) {
                assertEquals(12, many.requestCount("GET", "config/clusters"), "1,101 entries in pages of 100");
            } else {
                assertEquals(3, many.requestCount("POST", "clusters/list"), "1,101 entries in pages of 500");
            }
        }
    }
}
