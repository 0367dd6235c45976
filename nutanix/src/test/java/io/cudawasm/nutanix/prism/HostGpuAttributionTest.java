package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.prism.model.GpuMode;
import io.cudawasm.nutanix.prism.model.GpuStatus;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PassthroughGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.report.InventoryJson;
import io.cudawasm.nutanix.prism.sim.GpuProfileOrder;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Which GPU is in which host over v4, now read from {@code clusters/{c}/host-gpus}, against v3 over the same
 * estate. The estate ({@code /prism/alike-gpus.json}) has three hosts of one cluster with GPUs of one model
 * at the same PCI addresses: host a has two A40s passed through to two VMs, one idle, one backing vGPUs and
 * three A40-8C slots (two in use by two VMs); host b likewise with other addresses in use; host c has one
 * idle and one held by a VM that is powered off. The simulator lists the GPU profiles in the reverse of the
 * host order, which the older assembly from the profiles alone cannot tell.
 */
class HostGpuAttributionTest {
    static final String HOST_A = "a11ce000-0000-4000-8000-00000000000a";
    static final String HOST_B = "a11ce000-0000-4000-8000-00000000000b";
    static final String HOST_C = "a11ce000-0000-4000-8000-00000000000c";

    static SimulatedEstate alikeGpus() throws IOException {
        try (InputStream in = HostGpuAttributionTest.class.getResourceAsStream("/prism/alike-gpus.json")) {
            return SimulatedEstate.fromJson(in);
        }
    }

    private static NutanixClient client(PrismSimulator sim, PrismApiVersion version) {
        return TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper());
    }

    private static List<String> uuids(PrismHost host) {
        return host.gpus().stream().map(HostGpu::uuid).toList();
    }

    @Test
    void whichGpuIsInWhichHostNoLongerDependsOnTheProfileOrder() throws Exception {
        SimulatedEstate estate = alikeGpus();
        try (PrismSimulator sim = TestPrism.builder(estate).gpuProfileOrder(GpuProfileOrder.HOSTS_REVERSED).start();
                PrismSimulator older = TestPrism.builder(estate).gpuProfileOrder(GpuProfileOrder.HOSTS_REVERSED)
                        .hostGpus(false).start()) {
            NutanixClient v3 = client(sim, PrismApiVersion.V3);
            NutanixClient v4 = client(sim, PrismApiVersion.V4);
            ApiParity.assertAllAnswersAgree(v3, v4);
            for (String host : List.of(HOST_A, HOST_B, HOST_C)) {
                assertEquals(estate.gpuUuids(host), uuids(v4.getHost(host)), "each GPU in its own host, in order");
            }
            PrismHost a = v4.getHost(HOST_A);
            assertEquals(List.of("0000:41:00.0", "0000:61:00.0", "0000:81:00.0", "0000:a1:00.0"), pciAddresses(a));
            assertEquals(List.of(GpuStatus.USED_FOR_PASSTHROUGH, GpuStatus.USED_FOR_PASSTHROUGH, GpuStatus.UNUSED,
                    GpuStatus.USED_FOR_VIRTUAL, GpuStatus.USED_FOR_VIRTUAL, GpuStatus.USED_FOR_VIRTUAL,
                    GpuStatus.UNUSED), a.gpus().stream().map(HostGpu::status).toList(),
                    "passthrough in use, idle, backing vGPUs; slots in use and free: one model throughout");
            assertEquals(List.of("nke-alike-worker-a1", "nke-alike-worker-a2", "", "", "nke-alike-worker-a3",
                    "nke-alike-worker-a4", ""), consumers(a));
            assertEquals(List.of("", "nke-alike-worker-off"), consumers(v4.getHost(HOST_C)),
                    "the GPU a powered-off VM holds, paired by its address");

            // The same questions answered from the profiles alone: counts and models still right, but host a is
            // given host c's two A40s (the first idle ones listed) instead of its own idle and vGPU-backing ones.
            NutanixClient inferred = client(older, PrismApiVersion.V4);
            PrismHost guessed = inferred.getHost(HOST_A);
            assertEquals(a.gpus().size(), guessed.gpus().size());
            assertEquals(a.gpus().stream().map(HostGpu::name).toList(), guessed.gpus().stream().map(HostGpu::name).toList());
            assertNotEquals(uuids(a), uuids(guessed));
            assertEquals(Set.copyOf(estate.gpuUuids(HOST_C)), guessed.gpus().stream().map(HostGpu::uuid)
                    .filter(estate.gpuUuids(HOST_C)::contains).collect(Collectors.toSet()),
                    "both of host c's GPUs end up in host a: " + uuids(guessed));
            assertTrue(!pciAddresses(guessed).contains("0000:81:00.0"), "host a's idle A40 is missing");
            assertNotEquals(InventoryJson.nodes(v3.discoverGpuNodes()), InventoryJson.nodes(inferred.discoverGpuNodes()));
        }
    }

    @Test
    void withoutProfileExtIdsOnlyWhichVmHoldsWhichAlikeVgpuSlotIsInferred() throws Exception {
        SimulatedEstate estate = alikeGpus();
        try (PrismSimulator sim = TestPrism.builder(estate).gpuProfileOrder(GpuProfileOrder.HOSTS_REVERSED)
                .gpuProfileExtIds(false).start()) {
            NutanixClient v3 = client(sim, PrismApiVersion.V3);
            NutanixClient v4 = client(sim, PrismApiVersion.V4);
            JsonNode truth = InventoryJson.nodes(v3.discoverGpuNodes());
            ArrayNode answer = InventoryJson.nodes(v4.discoverGpuNodes());
            // passthrough GPUs pair with their VM by host and PCI address, the vGPU-backing ones by address alone;
            // host a's two A40-8C slots in use (no address) go to its two VMs in listing order: here swapped
            ArrayNode slots = (ArrayNode) answer.get(0).path("gpus");
            assertEquals("ahv-alike-a", answer.get(0).path("host_name").asText());
            assertEquals(List.of("nke-alike-worker-a4", "nke-alike-worker-a3"),
                    List.of(slots.get(4).path("consumer").path("name").asText(),
                            slots.get(5).path("consumer").path("name").asText()));
            JsonNode first = slots.get(4).path("consumer");
            ((ObjectNode) slots.get(4)).set("consumer", slots.get(5).path("consumer"));
            ((ObjectNode) slots.get(5)).set("consumer", first);
            assertEquals(truth, answer, "everything else as v3 says");
            ApiParity.same(v3, v4, "summary", c -> c.getClusterGpuSummary(Optional.empty()), InventoryJson::summary);
            for (String host : List.of(HOST_B, HOST_C)) {
                ApiParity.same(v3, v4, "capabilities of " + host, c -> c.getHostCapabilities(host),
                        InventoryJson::capabilities);
            }
            assertTrue(sim.requests().stream().filter(r -> r.path().endsWith("gpu-profiles"))
                    .noneMatch(r -> r.status() != 200));
        }
    }

    @Test
    void aPrismCentralWithoutHostGpusGetsTheProfileAssemblyAndTheLogSaysSoOnce() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (PrismSimulator older = TestPrism.builder(SimulatedEstate.bundled()).hostGpus(false).start()) {
            NutanixClient v3 = client(older, PrismApiVersion.V3);
            NutanixClient v4 = client(older, PrismApiVersion.V4);
            assertEquals(InventoryJson.nodes(v3.discoverGpuNodes()), InventoryJson.nodes(v4.discoverGpuNodes()));
            String host = v3.listHosts().get(0).uuid();
            assertEquals(InventoryJson.capabilities(v3.getHostCapabilities(host)),
                    InventoryJson.capabilities(v4.getHostCapabilities(host)));
            v4.discoverGpuNodes();
            assertEquals(1, older.requestCount("GET", "/host-gpus"), "asked once: the first answer is kept");
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertEquals(1, log.split("does not serve GET", -1).length - 1, log);
        assertTrue(log.contains("INFO"), log);
        assertTrue(log.contains("/host-gpus (HTTP 404)"), log);
    }

    @Test
    void a400IsTakenForNotServedWhileA503IsRetriedAndA500Thrown() throws Exception {
        try (PrismSimulator sim = TestPrism.start(SimulatedEstate.bundled())) {
            JsonNode truth = InventoryJson.nodes(client(sim, PrismApiVersion.V3).discoverGpuNodes());

            sim.clearRequests();
            sim.faults().failNext(1, 400, "/host-gpus");
            NutanixClient unknownPath = client(sim, PrismApiVersion.V4);
            assertEquals(truth, InventoryJson.nodes(unknownPath.discoverGpuNodes()));
            unknownPath.discoverGpuNodes();
            assertEquals(List.of(400), hostGpuStatuses(sim), "a 400 there means an older Prism Central");

            sim.clearRequests();
            sim.faults().failNext(2, 503, "/host-gpus");
            NutanixClient busy = client(sim, PrismApiVersion.V4);
            assertEquals(truth, InventoryJson.nodes(busy.discoverGpuNodes()));
            assertEquals(List.of(503, 503, 200, 200, 200), hostGpuStatuses(sim), "retried, then all three clusters");
            assertEquals(0, sim.requests().stream().filter(r -> r.path().endsWith("-gpu-profiles")
                    && r.path().contains(NutanixClientTest.EDGE)).filter(r -> r.path().contains("virtual")).count(),
                    "the exact way: no vGPU profiles where no vGPU is");

            sim.clearRequests();
            sim.faults().failNext(1, 500, "/host-gpus");
            PrismServerException broken = assertThrows(PrismServerException.class,
                    client(sim, PrismApiVersion.V4)::discoverGpuNodes);
            assertEquals(500, broken.httpStatus());
        }
    }

    @Test
    void theUseOfAGpuBackingVgpusComesFromItsProfileByAddress() throws Exception {
        // once its passthrough GPU and vGPU slot are freed, host b's only GPU in use is the A40 backing vGPUs,
        // held by no VM: its use comes from the physical profile (a HostGpu has no mode), paired by PCI address
        SimulatedEstate estate = alikeGpus();
        try (PrismSimulator sim = TestPrism.start(estate)) {
            String b1 = "a11ce0f0-0000-4000-8000-0000000000b1";
            String b2 = "a11ce0f0-0000-4000-8000-0000000000b2";
            String passthrough = estate.gpuUuids(HOST_B).get(1);
            String slot = estate.gpuUuids(HOST_B).get(4);
            sim.freeGpu(HOST_B, passthrough);
            sim.freeGpu(HOST_B, slot);
            NutanixClient v3 = client(sim, PrismApiVersion.V3);
            NutanixClient v4 = client(sim, PrismApiVersion.V4);
            sim.clearRequests();
            PrismHost b = v4.getHost(HOST_B);
            assertEquals(InventoryJson.capabilities(v3.getHostCapabilities(HOST_B)),
                    InventoryJson.capabilities(v4.getHostCapabilities(HOST_B)));
            PassthroughGpu backing = (PassthroughGpu) b.gpus().get(3);
            assertEquals(GpuStatus.USED_FOR_VIRTUAL, backing.status());
            assertEquals(GpuMode.PASSTHROUGH_COMPUTE, backing.mode());
            assertTrue(b.gpus().stream().allMatch(g -> g.consumer().isEmpty()), "no VM holds any of b's GPUs now");
            assertTrue(sim.requests().stream().map(RecordedRequest::path).noneMatch(p -> p.endsWith("virtual-gpu-profiles")),
                    "no vGPU slot in use: the vGPU profiles are not read");
            assertTrue(v3.listVms().stream().filter(vm -> vm.uuid().equals(b1) || vm.uuid().equals(b2))
                    .allMatch(vm -> vm.gpus().isEmpty()));
        }
    }

    private static List<Integer> hostGpuStatuses(PrismSimulator sim) {
        return sim.requests().stream().filter(r -> r.path().endsWith("/host-gpus")).map(RecordedRequest::status)
                .toList();
    }

    private static List<String> pciAddresses(PrismHost host) {
        return host.gpus().stream().filter(g -> g instanceof PassthroughGpu).map(g -> (PassthroughGpu) g)
                .map(g -> g.pciAddress().orElse("")).toList();
    }

    private static List<String> consumers(PrismHost host) {
        return host.gpus().stream().map(g -> g.consumer().map(c -> c.name()).orElse("")).toList();
    }
}
