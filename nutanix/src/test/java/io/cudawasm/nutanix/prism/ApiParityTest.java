package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VmGpu;
import io.cudawasm.nutanix.prism.report.InventoryJson;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import io.cudawasm.nutanix.prism.sim.SimulatedGpu;
import io.cudawasm.nutanix.prism.sim.SyntheticEstate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One simulator serving both APIs over one estate, asked the same questions by a v3 client and a v4 client
 * over HTTPS: every answer must be the same, down to each GPU's uuid, state, memory, PCI address and VM.
 * Answers are compared in their JSON rendering ({@link InventoryJson}), which names every field.
 */
class ApiParityTest {
    private PrismSimulator sim;
    private NutanixClient v3;
    private NutanixClient v4;

    @BeforeEach
    void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
        v3 = client(sim, PrismApiVersion.V3);
        v4 = client(sim, PrismApiVersion.V4);
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static NutanixClient client(PrismSimulator sim, PrismApiVersion version) {
        return TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper());
    }

    private void assertAllAnswersAgree() {
        ApiParity.assertAllAnswersAgree(v3, v4);
    }

    @Test
    void everyDiscoveryAnswerIsTheSameOverV3AndV4() {
        assertEquals(PrismApiVersion.V3, v3.apiVersion());
        assertEquals(PrismApiVersion.V4, v4.apiVersion());
        assertAllAnswersAgree();
        JsonNode nodes = InventoryJson.nodes(v4.discoverGpuNodes());
        assertEquals(12, nodes.size());
        // the answers are not trivially empty: passthrough, vGPU, in use and free all appear
        List<HostGpu> gpus = v4.discoverGpuNodes().stream().flatMap(n -> n.gpus().stream()).toList();
        assertEquals(42, gpus.size());
        assertTrue(gpus.stream().anyMatch(g -> g.mode() == GpuMode.VIRTUAL && g.consumer().isPresent()));
        assertTrue(gpus.stream().anyMatch(g -> g.mode() == GpuMode.VIRTUAL && g.isAvailable()));
        assertTrue(gpus.stream().anyMatch(g -> g.isPassthrough() && g.consumer().isPresent()));
        assertTrue(gpus.stream().anyMatch(g -> g.isPassthrough() && g.isAvailable()));
    }

    @Test
    void theSameWithoutHostGpusFromTheProfilesAlone() throws Exception {
        // a Prism Central without clustermgmt host-gpus, over the same estate: the v4 client falls back to
        // assembling the GPUs from the profiles (listed host by host here, so the inference is right)
        try (PrismSimulator older = TestPrism.builder(sim.estate()).hostGpus(false).start()) {
            NutanixClient fallback = client(older, PrismApiVersion.V4);
            ApiParity.assertAllAnswersAgree(v3, fallback);
            assertEquals(1, older.requestCount("GET", "/host-gpus"), "asked once, then never again");
            assertEquals(List.of(404), older.requests().stream().filter(r -> r.path().endsWith("/host-gpus"))
                    .map(RecordedRequest::status).toList());
        }
    }

    @Test
    void v4AsksTheV4ApiOnly() {
        String hostUuid = v3.listHosts().get(0).uuid();
        sim.clearRequests();
        v4.discoverGpuNodes();
        v4.getHostCapabilities(hostUuid);
        assertTrue(sim.requests().stream().noneMatch(r -> r.path().startsWith("/api/nutanix/v3/")));
        sim.clearRequests();
        v3.discoverGpuNodes();
        assertTrue(sim.requests().stream().allMatch(r -> r.path().startsWith("/api/nutanix/v3/")));
    }

    @Test
    void vmsAndClustersAreTheSame() {
        List<PrismVm> viaV3 = v3.listVms();
        List<PrismVm> viaV4 = v4.listVms();
        assertEquals(25, viaV4.size());
        assertEquals(viaV3.stream().map(ApiParityTest::vmFacts).toList(), viaV4.stream().map(ApiParityTest::vmFacts).toList());
        for (PrismVm vm : viaV3) {
            assertEquals(vmFacts(vm), vmFacts(v4.getVm(vm.uuid())));
            assertEquals(v3.findHostOfVm(vm.uuid()), v4.findHostOfVm(vm.uuid().toUpperCase(Locale.ROOT)),
                    "host of " + vm.name() + ", name included");
        }
        String restoredBios = NutanixClientTest.RESTORED_BIOS_UUID;
        assertEquals(v3.findVm(restoredBios).uuid(), v4.findVm(restoredBios).uuid());
        assertEquals("ahv-east-cpu01", v4.findHostOfVm(restoredBios).orElseThrow().name());
        String nobody = "00000000-1111-4222-8333-444444444444";
        assertThrows(PrismNotFoundException.class, () -> v3.findVm(nobody));
        assertThrows(PrismNotFoundException.class, () -> v4.findVm(nobody));

        Function<PrismCluster, List<Object>> facts = c -> List.of(c.uuid(), c.name(), c.services(), c.clusterArch(),
                c.aosVersion(), c.hypervisorTypes(), c.available(), c.isPrismElement());
        assertEquals(v3.listClusters().stream().map(facts).toList(), v4.listClusters().stream().map(facts).toList());
        for (PrismCluster c : v3.listClusters()) {
            assertEquals(facts.apply(c), facts.apply(v4.getCluster(c.uuid())));
        }
    }

    /** What both APIs say about a VM; v4 references carry no names, so references are compared by uuid. */
    private static List<Object> vmFacts(PrismVm vm) {
        List<Object> gpus = new ArrayList<>();
        for (VmGpu g : vm.gpus()) {
            gpus.add(List.of(g.uuid(), g.name(), g.vendor(), g.mode(), g.deviceId(), g.pciAddress(), g.frameBufferMib()));
        }
        return List.of(vm.uuid(), vm.name(), vm.powerState(), vm.biosUuid(),
                vm.cluster().map(r -> r.uuid()), vm.host().map(r -> r.uuid()), vm.runningOn().map(r -> r.uuid()),
                vm.numSockets(), vm.numVcpusPerSocket(), vm.memorySizeMib(), gpus);
    }

    @Test
    void answersStayTheSameAfterTheEstateChanges() {
        PrismHost h100 = host("ahv-west-h100-01");
        PrismHost l40s = host("ahv-east-gpu01");
        PrismHost t4 = host("ahv-west-t4-01");
        PrismVm worker = v3.listVms().stream().filter(v -> v.name().equals("nke-prod-gpu-worker-0")).findFirst()
                .orElseThrow();
        PrismVm idle = v3.listVms().stream().filter(v -> v.name().equals("nke-prod-worker-restored-0")).findFirst()
                .orElseThrow();
        // migration to a host given a free GPU of the same kind: the GPU follows
        sim.addGpu(h100.uuid(), SimulatedGpu.passthrough(GpuCatalog.byName("NVIDIA L40S").orElseThrow(),
                "0000:e1:00.0", 1));
        sim.moveVm(worker.uuid(), h100.uuid());
        // a free GPU given to a VM, another freed, one pulled, one added, a VM powered off
        String free = h100.gpus().stream().filter(HostGpu::isAvailable).map(HostGpu::uuid).reduce((a, b) -> b)
                .orElseThrow();
        sim.assignGpu(h100.uuid(), free, idle.uuid());
        sim.freeGpu(t4.uuid(), t4.gpus().get(0).uuid());
        sim.removeGpu(l40s.uuid(), l40s.gpus().get(3).uuid());
        sim.addGpu(l40s.uuid(), SimulatedGpu.passthrough(GpuCatalog.byName("NVIDIA L40S").orElseThrow(),
                "0000:f1:00.0", 1));
        sim.addGpu(t4.uuid(), SimulatedGpu.vgpuProfile(GpuVendor.NVIDIA, "GRID T4-4C", 320, 4096));
        sim.powerOffVm(v3.listVms().stream().filter(v -> v.name().equals("nke-edge-worker-0")).findFirst()
                .orElseThrow().uuid());
        assertAllAnswersAgree();
        assertEquals(worker.uuid(), v4.getHostCapabilities(h100.uuid()).gpus().stream()
                .flatMap(g -> g.consumer().stream()).filter(c -> c.uuid().equals(worker.uuid())).findFirst()
                .orElseThrow().uuid(), "the moved VM's GPU is on its new host over v4 too");
    }

    @Test
    void aLargeEstateIsTheSameOverBothApis() throws Exception {
        try (PrismSimulator large = TestPrism.start(
                SyntheticEstate.builder().hosts(1_000).gpusPerHost(4).vms(1_234).build())) {
            NutanixClient a = client(large, PrismApiVersion.V3);
            NutanixClient b = client(large, PrismApiVersion.V4);
            List<GpuNode> viaV4 = b.discoverGpuNodes();
            assertEquals(1_000, viaV4.size());
            assertEquals(4_000, viaV4.stream().mapToInt(n -> n.gpus().size()).sum());
            assertEquals(InventoryJson.nodes(a.discoverGpuNodes()), InventoryJson.nodes(viaV4));
            assertEquals(InventoryJson.summary(a.getClusterGpuSummary(Optional.empty())),
                    InventoryJson.summary(b.getClusterGpuSummary(Optional.empty())));
            assertEquals(InventoryJson.candidates(a.findBestNodes(GpuVendor.NVIDIA, 3, NodeSelection.DEFAULT)),
                    InventoryJson.candidates(b.findBestNodes(GpuVendor.NVIDIA, 3, NodeSelection.DEFAULT)));
        }
    }

    private PrismHost host(String name) {
        return v3.listHosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }
}
