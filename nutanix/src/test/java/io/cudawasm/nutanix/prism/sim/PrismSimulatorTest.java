package io.cudawasm.nutanix.prism.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.RecordingSleeper;
import io.cudawasm.nutanix.prism.TestPrism;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.NoSuchElementException;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator on its own terms: raw v3 requests, mutations, the admin endpoint, estates. */
class PrismSimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private PrismSimulator sim;
    private NutanixClient client;
    private HttpClient raw;

    @BeforeEach
    void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
        client = TestPrism.client(sim, new RecordingSleeper());
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", TestPrism.PKI.ca());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        raw = HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1).build();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private HttpResponse<String> send(String method, String path, String body, boolean authenticated) throws Exception {
        return send(sim, method, path, body, authenticated);
    }

    private HttpResponse<String> send(PrismSimulator target, String method, String path, String body,
            boolean authenticated) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUrl() + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (authenticated) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (TestPrism.USER + ":" + TestPrism.PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode post(PrismSimulator target, String path, String body) throws Exception {
        HttpResponse<String> r = send(target, "POST", path, body, true);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    @Test
    void vmPagesDefaultToTwentyAndAreCappedAtFiveHundred() throws Exception {
        try (PrismSimulator big = TestPrism.start(SyntheticEstate.builder().hosts(10).vms(700).build())) {
            JsonNode first = post(big, "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\"}");
            assertEquals(20, first.path("entities").size());
            assertEquals(700, first.path("metadata").path("total_matches").asInt());
            JsonNode capped = post(big, "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\",\"length\":1000,\"offset\":0}");
            assertEquals(500, capped.path("entities").size());
            JsonNode tail = post(big, "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\",\"length\":500,\"offset\":690}");
            assertEquals(10, tail.path("entities").size());
            assertEquals(690, tail.path("metadata").path("offset").asInt());
            JsonNode beyond = post(big, "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\",\"length\":5,\"offset\":5000}");
            assertEquals(0, beyond.path("entities").size());
            JsonNode hosts = post(big, "/api/nutanix/v3/hosts/list", "{\"kind\":\"host\",\"length\":2}");
            assertEquals(10, hosts.path("entities").size(), "hosts/list ignores paging, like Prism");
        }
    }

    @Test
    void vmNameFilterIsSupported() throws Exception {
        JsonNode r = post(sim, "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\",\"filter\":\"vm_name==nke-edge-worker-0\"}");
        assertEquals(1, r.path("metadata").path("total_matches").asInt());
        assertEquals("nke-edge-worker-0", r.path("entities").get(0).path("status").path("name").asText());
    }

    @Test
    void answersLikePrismToBadRequests() throws Exception {
        HttpResponse<String> anonymous = send("POST", "/api/nutanix/v3/hosts/list", "{\"kind\":\"host\"}", false);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").orElseThrow().contains("Intent Gateway"));
        assertEquals("AUTHENTICATION_REQUIRED",
                JSON.readTree(anonymous.body()).path("message_list").get(0).path("reason").asText());

        HttpResponse<String> notJson = send("POST", "/api/nutanix/v3/vms/list", "{oops", true);
        assertEquals(400, notJson.statusCode());
        HttpResponse<String> noKind = send("POST", "/api/nutanix/v3/vms/list", "{\"length\":5}", true);
        assertEquals(422, noKind.statusCode());
        JsonNode error = JSON.readTree(noKind.body());
        assertEquals("ERROR", error.path("state").asText());
        assertEquals(422, error.path("code").asInt());
        assertEquals("'kind' is a required property",
                error.path("message_list").get(0).path("details").path("").get(0).asText());
        assertEquals(422, send("POST", "/api/nutanix/v3/vms/list", "{\"kind\":\"host\"}", true).statusCode());
        assertEquals(422, send("POST", "/api/nutanix/v3/vms/list", "{\"kind\":\"vm\",\"offset\":-1}", true)
                .statusCode());
        assertEquals(405, send("GET", "/api/nutanix/v3/vms/list", null, true).statusCode());
        assertEquals(404, send("GET", "/api/nutanix/v3/images/list", null, true).statusCode());
        assertEquals(400, send("GET", "/api/nutanix/v3/hosts/xyz", null, true).statusCode());
    }

    @Test
    void movingAVmChangesItsHost() {
        PrismVm worker = client.listVms().stream().filter(v -> v.name().equals("nke-prod-gpu-worker-0"))
                .findFirst().orElseThrow();
        PrismHost target = client.listHosts().stream().filter(h -> h.name().equals("ahv-west-h100-01"))
                .findFirst().orElseThrow();
        sim.moveVm(worker.uuid(), target.uuid());
        assertEquals(target.uuid(), client.findHostOfVm(worker.uuid()).orElseThrow().uuid());
        assertEquals("pe-gpu-west", client.getVm(worker.uuid()).cluster().orElseThrow().name());
        sim.powerOffVm(worker.uuid());
        assertEquals(Optional.empty(), client.findHostOfVm(worker.uuid()));
        assertThrows(NoSuchElementException.class, () -> sim.moveVm(worker.uuid(), "no-such-host"));
    }

    @Test
    void gpusCanBeAddedAssignedFreedAndRemoved() {
        PrismHost cpuOnly = client.listHosts().stream().filter(h -> h.name().equals("ahv-east-cpu01"))
                .findFirst().orElseThrow();
        PrismVm vm = client.listVms().stream().filter(v -> v.name().equals("nke-prod-etcd-0")).findFirst().orElseThrow();
        assertTrue(cpuOnly.gpus().isEmpty());
        int before = client.discoverGpuNodes().size();

        String gpu = sim.addGpu(cpuOnly.uuid(), SimulatedGpu.passthrough(
                GpuCatalog.lookup(GpuVendor.NVIDIA, 10168).orElseThrow(), "0000:17:00.0", 0));
        assertEquals(before + 1, client.discoverGpuNodes().size());
        HostGpu added = client.getHost(cpuOnly.uuid()).gpus().get(0);
        assertEquals(gpu, added.uuid());
        assertTrue(added.isAvailable());
        assertEquals("NVIDIA L4", added.displayName());

        sim.assignGpu(cpuOnly.uuid(), gpu, vm.uuid());
        HostGpu assigned = client.getHost(cpuOnly.uuid()).gpus().get(0);
        assertFalse(assigned.isAvailable());
        assertEquals(vm.uuid(), assigned.consumer().orElseThrow().uuid());
        assertEquals(gpu, client.getVm(vm.uuid()).gpus().get(0).uuid().orElseThrow());

        sim.freeGpu(cpuOnly.uuid(), gpu);
        assertTrue(client.getHost(cpuOnly.uuid()).gpus().get(0).isAvailable());
        assertTrue(client.getVm(vm.uuid()).gpus().isEmpty());

        String profile = sim.addGpu(cpuOnly.uuid(), SimulatedGpu.vgpuProfile(GpuVendor.NVIDIA, "NVIDIA L4-4C", 900, 4096));
        sim.assignGpu(cpuOnly.uuid(), profile, vm.uuid());
        sim.removeGpu(cpuOnly.uuid(), profile);
        sim.removeGpu(cpuOnly.uuid(), gpu);
        assertTrue(client.getHost(cpuOnly.uuid()).gpus().isEmpty());
        assertTrue(client.getVm(vm.uuid()).gpus().isEmpty(), "removing an assigned GPU detaches it from the VM");
        assertEquals(before, client.discoverGpuNodes().size());
    }

    @Test
    void faultsCanBeSetOverTheAdminEndpoint() throws Exception {
        HttpResponse<String> set = send("POST", "/sim/faults",
                "{\"inject\":[{\"type\":\"error\",\"status\":503,\"times\":2,\"path\":\"vms/list\"},{\"type\":\"drop\"}]}",
                true);
        assertEquals(200, set.statusCode(), set.body());
        assertEquals(3, sim.faults().pending().size());
        assertEquals(401, send("GET", "/sim/faults", null, false).statusCode());
        assertEquals(400, send("POST", "/sim/faults", "{\"inject\":[{\"type\":\"meteor\"}]}", true).statusCode());
        assertEquals(200, send("DELETE", "/sim/faults", null, true).statusCode());
        assertTrue(sim.faults().pending().isEmpty());
    }

    @Test
    void pathFilteredFaultsHitOnlyTheirPath() {
        sim.faults().inject(new Fault.ErrorResponse(500, "text/plain", "boom"), 1, "vms/list");
        assertEquals(13, client.listHosts().size());
        assertEquals(1, sim.faults().pending().size());
    }

    @Test
    void estatesRoundTripThroughJson() throws Exception {
        SimulatedEstate bundled = SimulatedEstate.bundled();
        SimulatedEstate copy = SimulatedEstate.fromJson(
                new ByteArrayInputStream(bundled.toJson().getBytes(StandardCharsets.UTF_8)));
        assertEquals(bundled.hostUuids(), copy.hostUuids());
        assertEquals(bundled.vmUuids(), copy.vmUuids());
        assertEquals(42, copy.gpuCount());
        assertEquals(4, copy.clusterCount());
        assertThrows(IllegalArgumentException.class,
                () -> SimulatedEstate.fromJson(new ByteArrayInputStream("[]".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void syntheticEstateHasTheRequestedSize() {
        SimulatedEstate estate = SyntheticEstate.builder().hosts(1_000).gpusPerHost(4).vms(550).build();
        assertEquals(1_000, estate.hostCount());
        assertEquals(4_000, estate.gpuCount());
        assertEquals(550, estate.vmCount());
        assertEquals(5, estate.clusterCount(), "four Prism Element clusters and Prism Central");
        assertEquals(estate.toJson(), SyntheticEstate.builder().hosts(1_000).gpusPerHost(4).vms(550).build().toJson(),
                "deterministic for a seed");
    }

    @Test
    void needsCredentialsAndATransport() {
        assertThrows(IllegalStateException.class, () -> PrismSimulator.builder(SimulatedEstate.empty()).plainHttp().start());
        assertThrows(IllegalStateException.class, () -> PrismSimulator.builder(SimulatedEstate.empty()).user("u", "p").start());
    }
}
