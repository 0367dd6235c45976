package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.CpuArchitecture;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuCount;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.GpuStatus;
import io.cudawasm.nutanix.prism.model.HostCapabilities;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PowerState;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every client call against the simulator serving the bundled estate, over HTTPS, once over v3 and once over
 * v4: the answers are asserted the same way; only the requests behind them differ.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class NutanixClientTest {
    static final String EAST = "0005f2a1-9c2e-7b11-0000-000000000101";
    static final String WEST = "0005f2a1-9c2e-7b11-0000-000000000102";
    static final String EDGE = "0005f2a1-9c2e-7b11-0000-000000000103";
    static final String PRISM_CENTRAL = "0005f2a1-9c2e-7b11-0000-000000000001";
    static final String RESTORED_BIOS_UUID = "6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    private static PrismSimulator sim;

    @Parameter
    PrismApiVersion version;

    private NutanixClient client;

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void forgetRequests() {
        client = TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper());
        sim.clearRequests();
    }

    private boolean v4() {
        return version == PrismApiVersion.V4;
    }

    private PrismHost host(String name) {
        return client.listHosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    private PrismVm vm(String name) {
        return client.listVms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    @Test
    void listHostsAsksWhatEachApiNeeds() {
        List<PrismHost> hosts = client.listHosts();
        assertEquals(13, hosts.size());
        List<RecordedRequest> requests = sim.requests();
        if (v4()) {
            // hosts, then each GPU cluster's host GPUs and the profiles of the kinds in use there (the edge
            // cluster has no vGPU), then the VMs holding GPUs
            assertEquals(List.of("/api/clustermgmt/v4.0/config/hosts",
                    "/api/clustermgmt/v4.0/config/clusters/" + EAST + "/host-gpus",
                    "/api/clustermgmt/v4.0/config/clusters/" + EAST + "/physical-gpu-profiles",
                    "/api/clustermgmt/v4.0/config/clusters/" + EAST + "/virtual-gpu-profiles",
                    "/api/clustermgmt/v4.0/config/clusters/" + WEST + "/host-gpus",
                    "/api/clustermgmt/v4.0/config/clusters/" + WEST + "/physical-gpu-profiles",
                    "/api/clustermgmt/v4.0/config/clusters/" + WEST + "/virtual-gpu-profiles",
                    "/api/clustermgmt/v4.0/config/clusters/" + EDGE + "/host-gpus",
                    "/api/clustermgmt/v4.0/config/clusters/" + EDGE + "/physical-gpu-profiles",
                    "/api/vmm/v4.0/ahv/config/vms"), requests.stream().map(RecordedRequest::path).toList());
            assertTrue(requests.stream().allMatch(r -> r.method().equals("GET")
                    && r.query().startsWith("$page=0&$limit=100")), "one page each, 100 at most");
            return;
        }
        assertEquals(1, requests.size());
        assertEquals("/api/nutanix/v3/hosts/list", requests.get(0).path());
        assertEquals("{\"kind\":\"host\"}", requests.get(0).body());
    }

    @Test
    void parsesHostsWithTheirGpus() {
        PrismHost east = host("ahv-east-gpu01");
        assertEquals("pe-gpu-east", east.clusterName());
        assertEquals(Optional.of(EAST), east.clusterUuid());
        assertEquals("Intel(R) Xeon(R) Gold 6442Y", east.cpuModel());
        assertEquals(Optional.of("10.10.1.11"), east.hypervisorIp());
        assertEquals(4, east.gpus().size());
        PassthroughGpu used = (PassthroughGpu) east.gpus().get(0);
        assertEquals("Lovelace 40S", used.name());
        assertEquals("NVIDIA L40S", used.displayName());
        assertEquals(9913, used.deviceId());
        assertEquals("10de:26b9", used.model().orElseThrow().pciId());
        assertEquals(GpuMode.PASSTHROUGH_COMPUTE, used.mode());
        assertEquals(GpuStatus.USED_FOR_PASSTHROUGH, used.status());
        assertEquals("nke-prod-gpu-worker-0", used.consumer().orElseThrow().name());
        assertFalse(used.isAvailable());
        PassthroughGpu free = (PassthroughGpu) east.gpus().get(2);
        assertTrue(free.isAvailable());
        assertEquals(Optional.of("0000:c1:00.0"), free.pciAddress());
        assertEquals(1, free.numaNode().orElseThrow());
        assertEquals(49_152, free.memoryMib());

        PrismHost vgpuHost = host("ahv-east-vgpu01");
        assertEquals(2, vgpuHost.gpus().stream().filter(g -> g instanceof PassthroughGpu p
                && p.status() == GpuStatus.USED_FOR_VIRTUAL && !p.isAvailable()).count());
        List<VirtualGpu> profiles = vgpuHost.gpus().stream()
                .filter(VirtualGpu.class::isInstance).map(VirtualGpu.class::cast).toList();
        assertEquals(8, profiles.size());
        assertEquals(6, profiles.stream().filter(VirtualGpu::isComputeProfile).count());
        assertEquals(12, profiles.get(0).computeFrameBufferGb().orElseThrow());
        assertEquals(4, profiles.stream().filter(HostGpu::isAvailable).count());

        PassthroughGpu unknown = (PassthroughGpu) host("ahv-west-rtx01").gpus().get(0);
        assertTrue(unknown.model().isEmpty());
        assertEquals("NVIDIA RTX A6000", unknown.displayName(), "Prism's name when the device id is unknown");
        assertEquals(GpuMode.PASSTHROUGH_GRAPHICS, unknown.mode());
    }

    @Test
    void getHostReturnsOneHost() {
        PrismHost listed = host("ahv-west-amd01");
        PrismHost fetched = client.getHost(listed.uuid());
        assertEquals(listed, fetched);
        assertEquals(GpuVendor.AMD, fetched.gpus().get(0).vendor());
        assertEquals("AMD Instinct MI300X", fetched.gpus().get(0).displayName());
    }

    @Test
    void discoverGpuNodesFindsEveryGpuHostAndItsArchitecture() {
        List<GpuNode> nodes = client.discoverGpuNodes();
        assertEquals(12, nodes.size(), "the CPU-only host is left out");
        assertEquals(List.of("ahv-arm-edge01", "ahv-arm-edge02", "ahv-east-gpu01"),
                nodes.subList(0, 3).stream().map(GpuNode::hostName).toList(), "sorted by cluster, then host");
        GpuNode edge01 = nodes.get(0);
        GpuNode edge02 = nodes.get(1);
        assertEquals(CpuArchitecture.AARCH64, edge01.architecture(), "from cpu_model Ampere Altra");
        assertEquals(CpuArchitecture.AARCH64, edge02.architecture(), "no cpu_model: from the cluster's cluster_arch");
        if (v4()) {
            assertEquals(1, sim.requestCount("GET", "config/hosts"));
            assertEquals(1, sim.requestCount("GET", "config/clusters"), "clusters read once, for the host without cpuModel");
        } else {
            assertEquals(1, sim.requestCount("POST", "hosts/list"));
            assertEquals(1, sim.requestCount("POST", "clusters/list"), "clusters read once, for the host without cpu_model");
        }
        GpuNode h100 = nodes.stream().filter(n -> n.hostName().equals("ahv-west-h100-01")).findFirst().orElseThrow();
        assertEquals(8, h100.physicalGpus().size());
        assertEquals(3, h100.availableGpus().size());
        assertEquals(CpuArchitecture.X86_64, h100.architecture());
    }

    @Test
    void summaryOverAllClusters() {
        ClusterGpuSummary s = client.getClusterGpuSummary(Optional.empty());
        assertEquals(13, s.hostCount());
        assertEquals(12, s.gpuHostCount());
        assertEquals(32, s.totalGpuCount());
        assertEquals(17, s.availableGpuCount());
        assertEquals(new GpuCount(10, 5), s.virtual());
        assertEquals(new GpuCount(23, 10), s.byVendor().get(GpuVendor.NVIDIA));
        assertEquals(new GpuCount(6, 5), s.byVendor().get(GpuVendor.AMD));
        assertEquals(new GpuCount(3, 2), s.byVendor().get(GpuVendor.INTEL));
        assertEquals(new GpuCount(8, 3), s.byModel().get("NVIDIA H100 80GB HBM3"));
        assertEquals(new GpuCount(6, 3), s.byProfile().get("NVIDIA A40-12C"));
        assertTrue(s.availableMemoryMib() > 0 && s.availableMemoryMib() < s.memoryMib());
    }

    @Test
    void summaryOfOneCluster() {
        ClusterGpuSummary east = client.getClusterGpuSummary(Optional.of(EAST));
        assertEquals(Optional.of(EAST), east.clusterUuid());
        assertEquals(4, east.hostCount());
        assertEquals(3, east.gpuHostCount());
        assertEquals(new GpuCount(8, 3), east.physical());
        assertEquals(new GpuCount(8, 4), east.virtual());
    }

    @Test
    void summaryOfPrismCentralOrAnUnknownClusterIsNotFound() {
        assertThrows(PrismNotFoundException.class, () -> client.getClusterGpuSummary(Optional.of(PRISM_CENTRAL)));
        assertThrows(PrismNotFoundException.class,
                () -> client.getClusterGpuSummary(Optional.of("0005f2a1-9c2e-7b11-0000-000000009999")));
    }

    private static List<String> names(List<NodeCandidate> candidates) {
        return candidates.stream().map(c -> c.node().hostName()).toList();
    }

    @Test
    void findBestNodesRanksByFreeGpusThenMemoryThenName() {
        List<NodeCandidate> best = client.findBestNodes(GpuVendor.NVIDIA, 2, NodeSelection.DEFAULT);
        // H100 host has 3 free; the L40S host and the RTX host tie on count (2) and memory (96 GiB): name decides.
        assertEquals(List.of("ahv-west-h100-01", "ahv-east-gpu01", "ahv-west-rtx01"), names(best));
        NodeCandidate top = best.get(0);
        assertEquals(3, top.matchingGpuCount());
        assertEquals(3 * 81_920L, top.matchingMemoryMib());
        assertTrue(top.passthroughOnly());
        assertTrue(top.matchingGpus().stream().allMatch(HostGpu::isAvailable));
    }

    @Test
    void findBestNodesCountsVgpuComputeProfilesOnlyWhenAllowed() {
        NodeSelection vgpu = NodeSelection.builder().allowVgpu(true).build();
        List<NodeCandidate> best = client.findBestNodes(GpuVendor.NVIDIA, 2, vgpu);
        assertEquals(List.of("ahv-west-h100-01", "ahv-east-vgpu01", "ahv-east-gpu01", "ahv-west-rtx01"), names(best));
        NodeCandidate vgpuHost = best.get(1);
        assertEquals(3, vgpuHost.matchingGpuCount(), "three free A40-12C; the free A40-4Q (graphics) is not counted");
        assertEquals(0, vgpuHost.passthroughGpuCount());
        assertTrue(vgpuHost.matchingGpus().stream().allMatch(g -> g.name().equals("NVIDIA A40-12C")));
    }

    @Test
    void findBestNodesHonoursArmMemoryClusterAndVendor() {
        NodeSelection arm = NodeSelection.builder().requireArm(true).build();
        assertEquals(List.of("ahv-arm-edge01", "ahv-arm-edge02"), names(client.findBestNodes(GpuVendor.NVIDIA, 1, arm)));

        NodeSelection big = NodeSelection.builder().minGpuMemoryMib(80 * 1024).build();
        assertEquals(List.of("ahv-west-h100-01", "ahv-east-gpu02"), names(client.findBestNodes(GpuVendor.NVIDIA, 1, big)));

        NodeSelection west = NodeSelection.builder().cluster(WEST).build();
        assertEquals(List.of("ahv-west-h100-01", "ahv-west-rtx01"), names(client.findBestNodes(GpuVendor.NVIDIA, 1, west)));

        assertEquals(List.of("ahv-west-amd01", "ahv-west-amd02"),
                names(client.findBestNodes(GpuVendor.AMD, 2, NodeSelection.DEFAULT)));
        // One free GPU each: the Max 1550 (128 GiB) outranks the Flex 170 (16 GiB) on memory.
        assertEquals(List.of("ahv-west-intel02", "ahv-west-intel01"),
                names(client.findBestNodes(GpuVendor.INTEL, 1, NodeSelection.DEFAULT)));
        assertTrue(client.findBestNodes(GpuVendor.AMD, 4, NodeSelection.DEFAULT).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> client.findBestNodes(GpuVendor.AMD, 0, NodeSelection.DEFAULT));
    }

    @Test
    void hostCapabilitiesFromCpuModel() {
        String uuid = host("ahv-east-gpu01").uuid();
        sim.clearRequests();
        HostCapabilities caps = client.getHostCapabilities(uuid);
        assertEquals(CpuArchitecture.X86_64, caps.cpuArchitecture());
        assertFalse(caps.isArm());
        assertTrue(caps.hasNvidia());
        assertFalse(caps.hasAmd());
        assertFalse(caps.hasIntel());
        assertEquals(2, caps.availableGpus().size());
        if (v4()) {
            // the host by $filter, its own host GPUs, its cluster's physical GPU profiles (passthrough GPUs are in
            // use: their VMs) and that cluster's VMs; neither the cluster nor its other hosts
            assertEquals(List.of("/api/clustermgmt/v4.0/config/hosts", "/api/clustermgmt/v4.0/config/clusters/" + EAST
                    + "/hosts/" + uuid + "/host-gpus",
                    "/api/clustermgmt/v4.0/config/clusters/" + EAST + "/physical-gpu-profiles",
                    "/api/vmm/v4.0/ahv/config/vms"), sim.requests().stream().map(RecordedRequest::path).toList());
            assertEquals(Optional.of("extId eq '" + uuid + "'"), sim.requests().get(0).queryParameter("$filter"));
            assertEquals(Optional.of("cluster/extId eq '" + EAST + "'"), sim.requests().get(3).queryParameter("$filter"));
            return;
        }
        assertEquals(1, sim.requestCount("GET", "/hosts/" + uuid));
        assertEquals(0, sim.requests().stream().filter(r -> r.path().contains("/clusters/")).count());
    }

    @Test
    void hostCapabilitiesFallBackToClusterArchitecture() {
        String uuid = host("ahv-arm-edge02").uuid();
        sim.clearRequests();
        HostCapabilities caps = client.getHostCapabilities(uuid);
        assertTrue(caps.isArm());
        assertEquals(1, sim.requestCount("GET", "/clusters/" + EDGE));
        HostCapabilities amd = client.getHostCapabilities(host("ahv-west-amd01").uuid());
        assertTrue(amd.hasAmd());
        assertFalse(amd.hasNvidia());
        assertEquals(CpuArchitecture.X86_64, amd.cpuArchitecture(), "AMD EPYC is x86-64");
    }

    @Test
    void listClustersLeavesOutPrismCentral() {
        List<PrismCluster> clusters = client.listClusters();
        assertEquals(List.of("pe-gpu-east", "pe-gpu-west", "pe-edge-arm"), clusters.stream().map(PrismCluster::name).toList());
        assertTrue(clusters.stream().allMatch(PrismCluster::isPrismElement));
        PrismCluster edge = clusters.get(2);
        assertEquals(CpuArchitecture.AARCH64, edge.architecture());
        assertEquals("6.10", edge.aosVersion());
        assertEquals(List.of("AHV"), edge.hypervisorTypes());
        RecordedRequest request = sim.requests().get(0);
        if (v4()) {
            assertEquals("/api/clustermgmt/v4.0/config/clusters", request.path());
            assertEquals("$page=0&$limit=100", request.query());
        } else {
            assertEquals("{\"kind\":\"cluster\",\"length\":500,\"offset\":0}", request.body());
        }
        assertEquals(EDGE, client.getCluster(EDGE).uuid());
    }

    @Test
    void listAndGetVms() {
        List<PrismVm> vms = client.listVms();
        assertEquals(25, vms.size());
        PrismVm worker = vm("nke-prod-gpu-worker-0");
        assertEquals(PowerState.ON, worker.powerState());
        assertEquals(host("ahv-east-gpu01").uuid(), worker.host().orElseThrow().uuid());
        // v4 references carry only the extId
        assertEquals(v4() ? "" : "ahv-east-gpu01", worker.host().orElseThrow().name());
        assertEquals(1, worker.gpus().size());
        assertEquals(Optional.of(GpuMode.PASSTHROUGH_COMPUTE), worker.gpus().get(0).mode());
        assertEquals(worker, client.getVm(worker.uuid()));
        assertEquals(client.getVm(worker.uuid()), client.getVm(worker.uuid().toUpperCase(Locale.ROOT)));
    }

    @Test
    void findHostOfVmFollowsHostReference() {
        PrismVm worker = vm("nke-prod-gpu-worker-1");
        Optional<EntityReference> host = client.findHostOfVm(worker.uuid().toUpperCase(Locale.ROOT));
        assertEquals("ahv-east-gpu01", host.orElseThrow().name());
        assertEquals("host", host.get().kind());
    }

    @Test
    void findHostOfAPoweredOffVmIsEmpty() {
        PrismVm off = vm("nke-prod-gpu-worker-3");
        assertEquals(PowerState.OFF, off.powerState());
        assertTrue(off.host().isEmpty());
        assertEquals(Optional.empty(), client.findHostOfVm(off.uuid()));
    }

    @Test
    void findHostOfVmFallsBackToBiosUuid() {
        PrismVm restored = vm("nke-prod-worker-restored-0");
        assertFalse(restored.uuid().equals(RESTORED_BIOS_UUID));
        sim.clearRequests();
        assertEquals("ahv-east-cpu01", client.findHostOfVm(RESTORED_BIOS_UUID).orElseThrow().name());
        if (v4()) {
            assertEquals(Optional.of("biosUuid eq '" + RESTORED_BIOS_UUID + "'"),
                    sim.requests().get(1).queryParameter("$filter"), "v4 filters where v3 reads every VM");
        }
        assertThrows(PrismNotFoundException.class, () -> client.findHostOfVm("00000000-1111-4222-8333-444444444444"));
    }

    @Test
    void apiKeyAndBasicAuthAreSentAsPrismExpects() {
        client.listHosts();
        int byKey = sim.requests().size();
        NutanixClient basic = TestPrism.client(TestPrism.config(sim, version)
                .basicAuth(TestPrism.USER, TestPrism.PASSWORD).build(), new RecordingSleeper());
        basic.listHosts();
        List<RecordedRequest> requests = sim.requests();
        assertTrue(requests.subList(0, byKey).stream().allMatch(r -> r.authScheme().equals("api-key")));
        assertTrue(requests.subList(byKey, requests.size()).stream()
                .allMatch(r -> r.authScheme().equals("basic") && r.principal().equals(TestPrism.USER)));
        assertEquals(2 * byKey, requests.size());
    }

    @Test
    void clientIsSafeToShareBetweenThreads() throws Exception {
        List<Thread> threads = new java.util.ArrayList<>();
        java.util.concurrent.ConcurrentLinkedQueue<Integer> sizes = new java.util.concurrent.ConcurrentLinkedQueue<>();
        for (int i = 0; i < 6; i++) {
            Thread t = new Thread(() -> sizes.add(client.discoverGpuNodes().size()));
            threads.add(t);
            t.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(List.of(12, 12, 12, 12, 12, 12), List.copyOf(sizes));
    }
}
