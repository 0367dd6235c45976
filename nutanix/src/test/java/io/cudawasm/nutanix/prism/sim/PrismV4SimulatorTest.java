package io.cudawasm.nutanix.prism.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
    void hostGpusPerClusterPerHostAndOne() throws Exception {
        JsonNode all = ok(CM + "clusters/" + EAST + "/host-gpus?$limit=100");
        assertEquals("clustermgmt.v4.config.ListHostGpusByClusterIdApiResponse", all.path("$objectType").asText());
        assertEquals(16, all.path("metadata").path("totalAvailableResults").asInt(),
                "every entry of the cluster's hosts: 4 L40S, 2 A100, 2 A40 and 8 vGPU slots");
        JsonNode first = all.path("data").get(0);
        String gpu01 = ok(CM + "hosts?" + filter("hostName eq 'ahv-east-gpu01'")).path("data").get(0).path("extId")
                .asText();
        assertEquals(sim.estate().gpuUuids(gpu01).get(0), first.path("extId").asText());
        assertEquals(gpu01, first.path("nodeUuid").asText(), "the host it sits in");
        assertEquals(EAST, first.path("cluster").path("uuid").asText());
        JsonNode config = first.path("config");
        assertEquals("PASSTHROUGH_COMPUTE", config.path("type").asText());
        assertEquals("kNvidia", config.path("vendorName").asText());
        assertEquals("0000:41:00.0", config.path("sbdf").asText());
        assertTrue(config.path("isInUse").asBoolean());
        assertFalse(config.has("mode"), "a HostGpu's config is a VirtualGpuConfig: no mode");
        assertFalse(first.has("allocatedVmExtIds"), "nor the VMs it is allocated to");
        JsonNode slot = ok(CM + "clusters/" + EAST + "/host-gpus?" + filter("config/type eq 'VIRTUAL' and "
                + "config/isInUse eq true")).path("data");
        assertEquals(4, slot.size(), "three A40-12C and one A40-4Q in use");
        assertEquals(1, slot.get(0).path("numberOfVgpusAllocated").asInt());
        assertEquals(12L * 1024 * 1024 * 1024, slot.get(0).path("config").path("frameBufferSizeBytes").asLong());

        JsonNode ofHost = ok(CM + "clusters/" + EAST + "/hosts/" + gpu01 + "/host-gpus");
        assertEquals("clustermgmt.v4.config.ListHostGpusByHostIdApiResponse", ofHost.path("$objectType").asText());
        assertEquals(sim.estate().gpuUuids(gpu01), field(ofHost, "extId"));
        assertEquals(ofHost.path("data"), ok(CM + "clusters/" + EAST + "/host-gpus?" + filter("nodeUuid eq '"
                + gpu01 + "'")).path("data"), "the same as the cluster's list filtered on nodeUuid");
        String id = first.path("extId").asText();
        JsonNode one = ok(CM + "clusters/" + EAST + "/hosts/" + gpu01 + "/host-gpus/" + id);
        assertEquals("clustermgmt.v4.config.GetHostGpuApiResponse", one.path("$objectType").asText());
        assertEquals(first, one.path("data"));

        String west = "0005f2a1-9c2e-7b11-0000-000000000102";
        assertEquals(404, get(sim, CM + "clusters/" + west + "/hosts/" + gpu01 + "/host-gpus", true).statusCode(),
                "a host of another cluster");
        assertEquals(404, get(sim, CM + "clusters/" + EAST + "/hosts/" + gpu01
                + "/host-gpus/dc3b4a5e-0000-4000-8000-000000000001", true).statusCode(), "a GPU the host does not have");
        assertEquals(400, get(sim, CM + "clusters/" + EAST + "/hosts/not-a-uuid/host-gpus", true).statusCode());
        assertEquals(0, ok(CM + "clusters/" + PRISM_CENTRAL + "/host-gpus").path("data").size());
    }

    @Test
    void hostGpusPageLikeTheOtherLists() throws Exception {
        try (PrismSimulator big = TestPrism.start(SyntheticEstate.builder().clusters(1).hosts(60).gpusPerHost(4).vms(0)
                .build())) {
            String cluster = big.estate().clusterUuids().get(1);
            String path = CM + "clusters/" + cluster + "/host-gpus";
            assertEquals(50, ok(big, path).path("data").size(), "$limit defaults to 50");
            JsonNode last = ok(big, path + "?$page=2&$limit=100");
            assertEquals(240, last.path("metadata").path("totalAvailableResults").asInt());
            assertEquals(40, last.path("data").size());
            List<String> ids = new ArrayList<>();
            for (int page = 0; page < 3; page++) {
                ids.addAll(field(ok(big, path + "?$page=" + page + "&$limit=100"), "extId"));
            }
            List<String> expected = new ArrayList<>();
            big.estate().hostUuids().forEach(h -> expected.addAll(big.estate().gpuUuids(h)));
            assertEquals(expected, ids, "every GPU once, host by host");
        }
    }

    @Test
    void hostGpusCanBeLeftOutAndProfilesReorderedWithoutExtIds() throws Exception {
        try (PrismSimulator older = TestPrism.builder(SimulatedEstate.bundled()).hostGpus(false)
                .gpuProfileOrder(GpuProfileOrder.HOSTS_REVERSED).gpuProfileExtIds(false).start()) {
            HttpResponse<String> missing = get(older, CM + "clusters/" + EAST + "/host-gpus", true);
            assertEquals(404, missing.statusCode());
            assertEquals("ENTITY_NOT_FOUND",
                    JSON.readTree(missing.body()).path("data").path("error").get(0).path("errorGroup").asText());
            String host = ok(older, CM + "hosts").path("data").get(0).path("extId").asText();
            assertEquals(404, get(older, CM + "clusters/" + EAST + "/hosts/" + host + "/host-gpus", true).statusCode());
            assertEquals(200, get(older, CM + "clusters/" + EAST + "/hosts/" + host, true).statusCode());
            JsonNode reversed = ok(older, CM + "clusters/" + EAST + "/physical-gpu-profiles?$limit=100").path("data");
            JsonNode inOrder = ok(CM + "clusters/" + EAST + "/physical-gpu-profiles?$limit=100").path("data");
            assertEquals(inOrder.size(), reversed.size());
            for (int i = 0; i < inOrder.size(); i++) {
                JsonNode expected = inOrder.get(inOrder.size() - 1 - i).deepCopy();
                ((ObjectNode) expected).remove("extId");
                assertEquals(expected, reversed.get(i));
            }
        }
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
