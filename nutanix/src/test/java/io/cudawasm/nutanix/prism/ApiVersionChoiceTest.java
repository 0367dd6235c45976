package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.RecordedRequest;
import io.cudawasm.nutanix.prism.sim.ServedApis;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@code NUTANIX_API_VERSION}: {@code auto} asks once with one cheap v4 request and takes v4 unless the path
 * is not there; {@code v3} and {@code v4} ask nothing and use what they name.
 */
class ApiVersionChoiceTest {
    private static final String PROBE = "/api/clustermgmt/v4.0/config/clusters";

    private static PrismSimulator start(ServedApis apis) throws IOException {
        return PrismSimulator.builder(SimulatedEstate.bundled()).https(TestPrism.PKI.serverContext())
                .apiKey(TestPrism.API_KEY).user(TestPrism.USER, TestPrism.PASSWORD).apis(apis).start();
    }

    private static NutanixClient client(PrismSimulator sim, ApiVersionChoice choice) {
        return TestPrism.client(TestPrism.config(sim).apiVersion(choice).build(), new RecordingSleeper());
    }

    @Test
    void autoPicksV4WhenPrismCentralOffersIt() throws Exception {
        for (ServedApis apis : List.of(ServedApis.BOTH, ServedApis.V4_ONLY)) {
            try (PrismSimulator sim = start(apis)) {
                NutanixClient client = client(sim, ApiVersionChoice.AUTO);
                assertEquals(12, client.discoverGpuNodes().size());
                assertEquals(new ApiSelection(PrismApiVersion.V4, ApiVersionChoice.AUTO), client.apiSelection());
                assertEquals("v4 (auto)", client.apiSelection().describe());
                RecordedRequest probe = sim.requests().get(0);
                assertEquals(PROBE, probe.path());
                assertEquals("$limit=1", probe.query());
                assertEquals(200, probe.status());
                client.listVms();
                assertEquals(1, sim.requests().stream().filter(r -> r.query().equals("$limit=1")).count(),
                        "asked once per client");
                assertTrue(sim.requests().stream().noneMatch(r -> r.path().startsWith("/api/nutanix/v3/")));
            }
        }
    }

    @Test
    void autoFallsBackToV3WhenV4IsNotThere() throws Exception {
        try (PrismSimulator sim = start(ServedApis.V3_ONLY)) {
            NutanixClient client = client(sim, ApiVersionChoice.AUTO);
            assertEquals(12, client.discoverGpuNodes().size());
            assertEquals(PrismApiVersion.V3, client.apiVersion());
            assertEquals("v3 (auto: v4 not offered)", client.apiSelection().describe());
            List<RecordedRequest> requests = sim.requests();
            assertEquals(PROBE, requests.get(0).path());
            assertEquals(404, requests.get(0).status());
            assertEquals("/api/nutanix/v3/hosts/list", requests.get(1).path());
            assertEquals(1, requests.stream().filter(r -> r.status() == 404).count(), "404 is not retried");
        }
    }

    @Test
    void aFixedVersionAsksNothingFirst() throws Exception {
        try (PrismSimulator sim = start(ServedApis.BOTH)) {
            NutanixClient v3 = client(sim, ApiVersionChoice.V3);
            v3.listClusters();
            assertEquals(List.of("/api/nutanix/v3/clusters/list"),
                    sim.requests().stream().map(RecordedRequest::path).toList());
            assertEquals("v3 (configured)", v3.apiSelection().describe());
            sim.clearRequests();
            NutanixClient v4 = client(sim, ApiVersionChoice.V4);
            v4.listClusters();
            assertEquals(List.of(PROBE), sim.requests().stream().map(RecordedRequest::path).toList());
            assertEquals("$page=0&$limit=100", sim.requests().get(0).query(), "a list call, not the probe");
        }
        try (PrismSimulator sim = start(ServedApis.V3_ONLY)) {
            PrismNotFoundException e = assertThrows(PrismNotFoundException.class,
                    () -> client(sim, ApiVersionChoice.V4).discoverGpuNodes());
            assertEquals(404, e.httpStatus(), "v4 asked of a Prism Central without it fails plainly");
        }
        try (PrismSimulator sim = start(ServedApis.V4_ONLY)) {
            assertThrows(PrismNotFoundException.class, () -> client(sim, ApiVersionChoice.V3).listHosts());
        }
    }

    @Test
    void aFailedProbeIsThrownAndAskedAgainNextTime() throws Exception {
        try (PrismSimulator sim = start(ServedApis.BOTH)) {
            NutanixClient wrongKey = TestPrism.client(TestPrism.config(sim).apiVersion(ApiVersionChoice.AUTO)
                    .apiKey("not-the-key").build(), new RecordingSleeper());
            assertThrows(PrismAuthenticationException.class, wrongKey::discoverGpuNodes,
                    "refused credentials are not mistaken for 'no v4'");

            sim.clearRequests();
            NutanixClient client = client(sim, ApiVersionChoice.AUTO);
            sim.faults().failNext(5, 503);
            assertThrows(PrismServerException.class, client::discoverGpuNodes, "five attempts, then the error");
            assertEquals(5, sim.requests().size());
            assertEquals(12, client.discoverGpuNodes().size(), "the next call asks again");
            assertEquals(PrismApiVersion.V4, client.apiVersion());
            assertEquals(6, sim.requests().stream().filter(r -> r.query().equals("$limit=1")).count());
        }
    }

    @Test
    void theLogSaysWhichApiIsUsed() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (PrismSimulator both = start(ServedApis.BOTH); PrismSimulator v3Only = start(ServedApis.V3_ONLY)) {
            client(both, ApiVersionChoice.AUTO).listClusters();
            client(v3Only, ApiVersionChoice.AUTO).listClusters();
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("using API v4 (auto)"), log);
        assertTrue(log.contains("does not offer the v4 API"), log);
        assertTrue(log.contains("using API v3 (auto: v4 not offered)"), log);
    }
}
