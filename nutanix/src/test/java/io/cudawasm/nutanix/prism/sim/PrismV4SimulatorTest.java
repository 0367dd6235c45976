package io.cudawasm.nutanix.prism.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.prism.TestPrism;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The simulator's v4 API on its own terms: raw requests, OData paging and filters, v4 shapes and errors. */
class PrismV4SimulatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String CM = "/api/clustermgmt/v4.0/config/";
    static final String VMM = "/api/vmm/v4.0/ahv/config/";
    static final String EAST = "0005f2a1-9c2e-7b11-0000-000000000101";
    static final String PRISM_CENTRAL = "0005f2a1-9c2e-7b11-0000-000000000001";
    private PrismSimulator sim;
    private HttpClient raw;

    @BeforeEach
    void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
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

    private HttpResponse<String> get(PrismSimulator target, String pathAndQuery, boolean authenticated)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.baseUrl() + pathAndQuery))
                .timeout(Duration.ofSeconds(10)).GET();
        if (authenticated) {
            b.header("X-ntnx-api-key", TestPrism.API_KEY);
        }
        return raw.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode ok(String pathAndQuery) throws Exception {
        return ok(sim, pathAndQuery);
    }

    private JsonNode ok(PrismSimulator target, String pathAndQuery) throws Exception {
        HttpResponse<String> r = get(target, pathAndQuery, true);
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    private static String filter(String expression) {
        return "$filter=" + URLEncoder.encode(expression, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private static List<String> field(JsonNode list, String name) {
        List<String> values = new ArrayList<>();
        list.path("data").forEach(e -> values.add(e.path(name).asText()));
        return values;
    }

    @Test
    void hostsClustersAndVmsInV4Shape() throws Exception {
        JsonNode hosts = ok(CM + "hosts?$limit=100");
        assertEquals(13, hosts.path("metadata").path("totalAvailableResults").asInt());
        assertEquals("clustermgmt.v4.config.ListHostsApiResponse", hosts.path("$objectType").asText());
        JsonNode east = hosts.path("data").get(0);
        assertEquals("ahv-east-gpu01", east.path("hostName").asText());
        assertEquals(EAST, east.path("cluster").path("uuid").asText());
        assertEquals(1_048_576L * 1024 * 1024, east.path("memorySizeBytes").asLong(), "1 TiB in bytes");
        assertEquals("10.10.1.11", east.path("hypervisor").path("externalAddress").path("ipv4").path("value").asText());
        assertEquals(List.of("Lovelace 40S", "Lovelace 40S", "Lovelace 40S", "Lovelace 40S"),
                JSON.convertValue(east.path("gpuList"), List.class), "names only, as v4 has them");
        assertEquals(128, east.path("numberOfCpuThreads").asInt(), "a v4-only field from the fixture's v4 section");
        assertFalse(east.has("gpu_list"));

        JsonNode clusters = ok(CM + "clusters");
        assertEquals(4, clusters.path("metadata").path("totalAvailableResults").asInt(), "Prism Central included");
        JsonNode pc = ok(CM + "clusters/" + PRISM_CENTRAL).path("data");
        assertEquals(List.of("PRISM_CENTRAL"), JSON.convertValue(pc.path("config").path("clusterFunction"), List.class));
        assertEquals("6.8.1", ok(CM + "clusters/" + EAST).path("data").path("config").path("buildInfo")
                .path("version").asText());

        JsonNode vms = ok(VMM + "vms?$limit=100&" + filter("name eq 'nke-prod-gpu-worker-0'"));
        assertEquals(1, vms.path("metadata").path("totalAvailableResults").asInt());
        JsonNode vm = vms.path("data").get(0);
        assertEquals(east.path("extId").asText(), vm.path("host").path("extId").asText());
        JsonNode gpu = vm.path("gpus").get(0);
        assertEquals("NVIDIA", gpu.path("vendor").asText(), "VM GPUs spell vendors as v3 does");
        assertEquals(0x41, gpu.path("pciAddress").path("bus").asInt());
        assertEquals(49_152L * 1024 * 1024, gpu.path("frameBufferSizeBytes").asLong());
        assertEquals(vm, ok(VMM + "vms/" + vm.path("extId").asText()).path("data"));
    }

    @Test
    void gpuProfilesPerClusterWithUseAndVms() throws Exception {
        JsonNode physical = ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?$limit=100");
        assertEquals(8, physical.path("metadata").path("totalAvailableResults").asInt(),
                "4 L40S, 2 A100, 2 A40 backing vGPUs");
        JsonNode used = physical.path("data").get(0);
        JsonNode config = used.path("physicalGpuConfig");
        assertEquals("kNvidia", config.path("vendorName").asText());
        assertEquals("PASSTHROUGH_COMPUTE", config.path("type").asText());
        assertEquals("USED_FOR_PASSTHROUGH", config.path("mode").asText());
        assertTrue(config.path("isInUse").asBoolean());
        assertEquals(0, config.path("assignable").asInt());
        assertEquals("0", config.path("numaNode").asText(), "v4 sends the NUMA node as text");
        assertEquals(1, used.path("allocatedVmExtIds").size());
        JsonNode a40 = ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?"
                + filter("physicalGpuConfig/deviceName eq 'Ampere 40'"));
        assertEquals(2, a40.path("data").size());
        assertEquals("USED_FOR_VIRTUAL", a40.path("data").get(0).path("physicalGpuConfig").path("mode").asText());
        JsonNode byId = ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?"
                + filter("physicalGpuConfig/deviceId eq 9913 and physicalGpuConfig/isInUse eq false"));
        assertEquals(2, byId.path("data").size(), "two free L40S");

        JsonNode virtual = ok(CM + "clusters/" + EAST + "/virtual-gpu-profiles?$limit=100");
        assertEquals(8, virtual.path("data").size());
        JsonNode slot = virtual.path("data").get(0).path("virtualGpuConfig");
        assertEquals("NVIDIA A40-12C", slot.path("deviceName").asText());
        assertEquals(12L * 1024 * 1024 * 1024, slot.path("frameBufferSizeBytes").asLong());
        assertFalse(slot.has("mode"), "v4's VirtualGpuConfig has no mode");
        assertEquals("550.90.07", slot.path("guestDriverVersion").asText());
    }

    @Test
    void odataPaging() throws Exception {
        try (PrismSimulator big = TestPrism.start(SyntheticEstate.builder().hosts(250).gpusPerHost(1).vms(0).build())) {
            assertEquals(50, ok(big, CM + "hosts").path("data").size(), "$limit defaults to 50");
            assertEquals(100, ok(big, CM + "hosts?$limit=500").path("data").size(), "more than 100 becomes 100");
            assertEquals(100, ok(big, CM + "hosts?$limit=0").path("data").size());
            JsonNode third = ok(big, CM + "hosts?$page=2&$limit=100");
            assertEquals(50, third.path("data").size());
            assertEquals(250, third.path("metadata").path("totalAvailableResults").asInt());
            assertEquals("ahv-synth-0200", third.path("data").get(0).path("hostName").asText());
            assertEquals(field(third, "extId"), field(ok(big, CM + "hosts?$page=9&$limit=100"), "extId"),
                    "a page past the end is the last page");
            assertEquals(400, get(big, CM + "hosts?$page=two", true).statusCode());
        }
    }

    @Test
    void odataFilters() throws Exception {
        List<String> both = field(ok(CM + "hosts?" + filter("hostName eq 'ahv-east-gpu01' or hostName eq 'ahv-arm-edge02'")),
                "hostName");
        assertEquals(List.of("ahv-east-gpu01", "ahv-arm-edge02"), both);
        assertEquals(4, ok(CM + "hosts?" + filter("cluster/uuid eq '" + EAST + "'")).path("data").size());
        assertEquals(9, ok(CM + "hosts?" + filter("cluster/uuid ne '" + EAST + "'")).path("data").size());
        assertEquals(0, ok(CM + "hosts?" + filter("hostName eq 'AHV-EAST-GPU01'")).path("data").size(),
                "eq is case-sensitive");
        assertEquals(1, ok(VMM + "vms?" + filter("name eq 'it''s not there' or biosUuid eq "
                + "'6a1d2c3b-4e5f-4a6b-8c7d-9e0f1a2b3c4d'")).path("data").size(), "quotes doubled inside a string");
        HttpResponse<String> bad = get(sim, CM + "hosts?" + filter("startswith(hostName, 'ahv')"), true);
        assertEquals(400, bad.statusCode());
        JsonNode error = JSON.readTree(bad.body()).path("data").path("error").get(0);
        assertEquals("INVALID_ARGUMENT", error.path("errorGroup").asText());
        assertTrue(error.path("message").asText().startsWith("Invalid $filter"), error.toString());
    }

    @Test
    void errorsInTheV4Envelope() throws Exception {
        HttpResponse<String> anonymous = get(sim, CM + "hosts", false);
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.headers().firstValue("WWW-Authenticate").isPresent());
        JsonNode auth = JSON.readTree(anonymous.body()).path("data").path("error").get(0);
        assertEquals("AUTHENTICATION_REQUIRED", auth.path("errorGroup").asText());
        assertEquals("ERROR", auth.path("severity").asText());

        HttpResponse<String> noVm = get(sim, VMM + "vms/dc3b4a5e-0000-4000-8000-000000000001", true);
        assertEquals(404, noVm.statusCode());
        JsonNode e = JSON.readTree(noVm.body());
        assertEquals("vmm.v4.error.ErrorResponse", e.path("data").path("$objectType").asText());
        assertEquals("VM_NOT_FOUND", e.path("data").path("error").get(0).path("errorGroup").asText());
        assertEquals(404, get(sim, CM + "clusters/dc3b4a5e-0000-4000-8000-000000000001/hosts", true).statusCode());
        assertEquals(400, get(sim, CM + "clusters/not-a-uuid", true).statusCode());
        assertEquals(404, get(sim, CM + "images", true).statusCode());
        assertEquals(200, get(sim, "/api/clustermgmt/v4.3/config/clusters", true).statusCode(), "any v4 minor");
        HttpRequest post = HttpRequest.newBuilder(URI.create(sim.baseUrl() + CM + "hosts"))
                .header("X-ntnx-api-key", TestPrism.API_KEY).POST(HttpRequest.BodyPublishers.ofString("{}")).build();
        assertEquals(405, raw.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void faultsHitV4PathsInTheirOwnEnvelope() throws Exception {
        sim.faults().failNext(1, 503, "physical-gpu-profiles").rateLimitNext(1, "3", "config/hosts");
        assertEquals(200, get(sim, CM + "clusters", true).statusCode(), "the filters leave this path alone");
        HttpResponse<String> limited = get(sim, CM + "hosts", true);
        assertEquals(429, limited.statusCode());
        assertEquals("3", limited.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("TOO_MANY_REQUESTS",
                JSON.readTree(limited.body()).path("data").path("error").get(0).path("errorGroup").asText());
        HttpResponse<String> failed = get(sim, CM + "clusters/" + EAST + "/physical-gpu-profiles", true);
        assertEquals(503, failed.statusCode());
        assertEquals("SERVICE_UNAVAILABLE",
                JSON.readTree(failed.body()).path("data").path("error").get(0).path("errorGroup").asText());
        sim.faults().malformedNext(1);
        assertTrue(get(sim, VMM + "vms", true).body().startsWith("{\"data\":[{"));
        assertEquals(List.of(429, 503), sim.requests().stream().map(RecordedRequest::status)
                .filter(s -> s != 200).toList());
    }

    @Test
    void servingOneApiOnly() throws Exception {
        try (PrismSimulator v3 = PrismSimulator.builder(SimulatedEstate.bundled()).https(TestPrism.PKI.serverContext())
                .apiKey(TestPrism.API_KEY).apis(ServedApis.V3_ONLY).start();
                PrismSimulator v4 = PrismSimulator.builder(SimulatedEstate.bundled())
                        .https(TestPrism.PKI.serverContext()).apiKey(TestPrism.API_KEY).apis(ServedApis.V4_ONLY)
                        .start()) {
            assertEquals(404, get(v3, CM + "clusters?$limit=1", true).statusCode());
            assertEquals(404, get(v3, VMM + "vms", true).statusCode());
            assertEquals(200, get(v3, "/api/nutanix/v3/hosts/" + ok(CM + "hosts").path("data").get(0)
                    .path("extId").asText(), true).statusCode());
            assertEquals(200, get(v4, CM + "clusters?$limit=1", true).statusCode());
            assertEquals(404, get(v4, "/api/nutanix/v3/hosts/" + ok(CM + "hosts").path("data").get(0)
                    .path("extId").asText(), true).statusCode());
            assertEquals(ServedApis.V3_ONLY, v3.apis());
            assertEquals(List.of(404, 404, 200), v3.requests().stream().map(RecordedRequest::status).toList(),
                    "the paths not served are still recorded");
        }
    }

    @Test
    void mutationsShowInV4AtOnce() throws Exception {
        String host = ok(CM + "hosts?" + filter("hostName eq 'ahv-east-gpu02'")).path("data").get(0)
                .path("extId").asText();
        String free = sim.estate().gpuUuids(host).get(1);
        String vm = field(ok(VMM + "vms?" + filter("name eq 'nke-prod-worker-restored-0'")), "extId").get(0);
        sim.assignGpu(host, free, vm);
        JsonNode a100 = ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?" + filter("extId eq '" + free + "'"))
                .path("data").get(0);
        assertEquals(List.of(vm), JSON.convertValue(a100.path("allocatedVmExtIds"), List.class));
        assertTrue(a100.path("physicalGpuConfig").path("isInUse").asBoolean());
        JsonNode vmGpus = ok(VMM + "vms/" + vm).path("data").path("gpus");
        assertEquals(free, vmGpus.get(0).path("extId").asText());
        sim.freeGpu(host, free);
        assertFalse(ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?" + filter("extId eq '" + free + "'"))
                .path("data").get(0).path("physicalGpuConfig").path("isInUse").asBoolean());
    }

    @Test
    void theV4SectionOfAFixtureSurvivesARoundTrip() throws Exception {
        SimulatedEstate estate = SimulatedEstate.bundled();
        SimulatedEstate again = SimulatedEstate.fromJson(new ByteArrayInputStream(
                estate.toJson().getBytes(StandardCharsets.UTF_8)));
        assertEquals(estate.v4().hosts(), again.v4().hosts());
        assertEquals(128, again.v4().hosts().get(0).path("numberOfCpuThreads").asInt());
    }
}
