package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.Fault;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Each HTTP failure becomes its own exception type, carrying Prism's messages (v3 {@code message_list} or v4
 * {@code data.error[]}) and the status; the same over both APIs.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class ErrorHandlingTest {
    private static PrismSimulator sim;

    @Parameter
    PrismApiVersion version;

    private RecordingSleeper sleeper;
    private NutanixClient client;

    private boolean v4() {
        return version == PrismApiVersion.V4;
    }

    /** Requests for the first call of {@code listHosts()} / {@code listClusters()}: the ones a fault hits. */
    private long hostListRequests() {
        return v4() ? sim.requestCount("GET", "config/hosts") : sim.requestCount("POST", "hosts/list");
    }

    private long clusterListRequests() {
        return v4() ? sim.requestCount("GET", "config/clusters") : sim.requestCount("POST", "clusters/list");
    }

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    @BeforeEach
    void reset() {
        sim.faults().clear();
        sim.clearRequests();
        sleeper = new RecordingSleeper();
        client = TestPrism.client(TestPrism.config(sim, version).build(), sleeper);
    }

    @Test
    void wrongApiKeyIsSentTwiceThenAuthenticationError() {
        NutanixClient wrong = TestPrism.client(TestPrism.config(sim, version).apiKey("not-the-key").build(), sleeper);
        PrismAuthenticationException e = assertThrows(PrismAuthenticationException.class, wrong::listHosts);
        assertEquals(401, e.httpStatus());
        assertEquals("AUTHENTICATION_REQUIRED", e.reason());
        assertEquals("Authentication required.", e.messages().get(0).message());
        assertEquals(v4() ? "CLU-40101" : "Basic realm=\"Intent Gateway Login Required\"", e.messages().get(0).details(),
                "v3's string details, v4's error code");
        assertEquals(2, hostListRequests(), "one retry after 401");
        assertTrue(sleeper.delays().isEmpty(), "the credentials are re-sent at once");
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorToo() {
        NutanixClient wrong = TestPrism.client(
                TestPrism.config(sim, version).basicAuth(TestPrism.USER, "wrong-password").build(), sleeper);
        assertThrows(PrismAuthenticationException.class, wrong::listClusters);
        assertEquals(2, clusterListRequests());
        assertTrue(sim.requests().stream().allMatch(r -> r.authScheme().equals("basic") && r.status() == 401));
    }

    @Test
    void aSingleSpurious401IsAbsorbed() {
        sim.faults().inject(new Fault.ErrorResponse(401, "text/plain", "Unauthorized"), 1);
        assertEquals(13, client.listHosts().size());
        assertEquals(2, hostListRequests());
    }

    @Test
    void forbiddenUserGetsPermissionError() {
        NutanixClient viewer = TestPrism.client(
                TestPrism.config(sim, version).basicAuth(TestPrism.VIEWER, TestPrism.VIEWER_PASSWORD).build(), sleeper);
        PrismPermissionException e = assertThrows(PrismPermissionException.class, viewer::discoverGpuNodes);
        assertEquals(403, e.httpStatus());
        assertEquals("ACCESS_DENIED", e.reason());
        assertEquals("No permission to access the resource.", e.messages().get(0).message());
        assertEquals(1, sim.requests().size());
    }

    @Test
    void unknownVmIsNotFound() {
        String uuid = "dc3b4a5e-0000-4000-8000-000000000001";
        PrismNotFoundException e = assertThrows(PrismNotFoundException.class, () -> client.getVm(uuid));
        assertEquals(404, e.httpStatus());
        if (v4()) {
            // v4's AppMessage: errorGroup is the reason, the code goes to details
            assertEquals("VM_NOT_FOUND", e.reason());
            assertEquals("VM with extId " + uuid + " does not exist.", e.messages().get(0).message());
            assertEquals("VMM-40401", e.messages().get(0).details());
            assertEquals("GET /api/vmm/v4.0/ahv/config/vms/" + uuid, e.operation());
        } else {
            assertEquals("ENTITY_NOT_FOUND", e.reason());
            assertEquals("vm : " + uuid + " does not exist.", e.messages().get(0).message());
            assertEquals("GET /api/nutanix/v3/vms/" + uuid, e.operation());
        }
        assertEquals(1, sim.requests().size());
        PrismNotFoundException host = assertThrows(PrismNotFoundException.class, () -> client.getHost(uuid));
        assertEquals("ENTITY_NOT_FOUND", host.reason());
    }

    @Test
    void malformedUuidIsAnInvalidRequest() {
        PrismInvalidRequestException e = assertThrows(PrismInvalidRequestException.class,
                () -> client.getVm("not-a-uuid"));
        assertEquals(400, e.httpStatus());
        assertEquals(v4() ? "INVALID_ARGUMENT" : "INVALID_UUID", e.reason());
    }

    @Test
    void v4SchemaValidationErrorIsAnInvalidRequestWithItsMessages() {
        String body = "{\"data\":{\"error\":{\"statusCode\":400,\"error\":\"Bad Request\",\"path\":\"/api/vmm\","
                + "\"validationErrorMessages\":[{\"message\":\"must be a UUID\",\"attributePath\":\"extId\"}]},"
                + "\"$objectType\":\"vmm.v4.error.ErrorResponse\"}}";
        sim.faults().inject(new Fault.ErrorResponse(400, "application/json", body), 1);
        PrismInvalidRequestException e = assertThrows(PrismInvalidRequestException.class, client::listHosts);
        assertEquals("SCHEMA_VALIDATION", e.reason());
        assertEquals("Bad Request", e.messages().get(0).message());
        assertEquals("extId: must be a UUID", e.messages().get(0).details());
    }

    @Test
    void unprocessableRequestCarriesMapDetails() {
        String body = "{\"api_version\":\"3.1\",\"code\":422,\"kind\":\"host\",\"state\":\"ERROR\",\"message_list\":"
                + "[{\"message\":\"Request could not be processed.\",\"reason\":\"INVALID_REQUEST\","
                + "\"details\":{\"\":[\"'api_version' is a required property\"]}}]}";
        sim.faults().inject(new Fault.ErrorResponse(422, "application/json", body), 1);
        PrismInvalidRequestException e = assertThrows(PrismInvalidRequestException.class, client::listHosts);
        assertEquals(422, e.httpStatus());
        assertEquals("INVALID_REQUEST", e.reason());
        assertTrue(e.messages().get(0).details().contains("'api_version' is a required property"));
        assertTrue(e.getMessage().contains("INVALID_REQUEST: Request could not be processed."), e.getMessage());
    }

    @Test
    void htmlErrorPageBecomesAReadableServerError() {
        sim.faults().failNextWithHtml(1, 500);
        PrismServerException e = assertThrows(PrismServerException.class, client::listHosts);
        assertEquals(500, e.httpStatus());
        assertEquals("", e.reason());
        assertEquals(1, e.messages().size());
        String text = e.messages().get(0).message();
        assertTrue(text.contains("Internal Server Error"), text);
        assertTrue(!text.contains("<") && !text.contains(">"), "tags are stripped: " + text);
        assertEquals(1, hostListRequests(), "500 is not retried");
    }

    @Test
    void plainTextErrorBodyIsKept() {
        sim.faults().inject(new Fault.ErrorResponse(500, "text/plain", "Internal Server Error"), 1);
        PrismServerException e = assertThrows(PrismServerException.class, client::listClusters);
        assertEquals("Internal Server Error", e.messages().get(0).message());
    }

    @Test
    void truncatedJsonIsAMalformedResponse() {
        sim.faults().malformedNext(1);
        PrismMalformedResponseException e = assertThrows(PrismMalformedResponseException.class, client::listHosts);
        assertEquals(200, e.httpStatus());
        assertTrue(e.getMessage().contains("not valid JSON"), e.getMessage());
        assertEquals(1, hostListRequests());
    }

    @Test
    void everyErrorIsAPrismExceptionWithAnOperation() {
        List<Class<? extends PrismException>> types = List.of(PrismAuthenticationException.class,
                PrismPermissionException.class, PrismNotFoundException.class, PrismInvalidRequestException.class,
                PrismRateLimitedException.class, PrismServerException.class, PrismUnreachableException.class,
                PrismTlsException.class, PrismMalformedResponseException.class);
        assertEquals(types.size(), PrismException.class.getPermittedSubclasses().length);
        for (Class<? extends PrismException> t : types) {
            assertTrue(RuntimeException.class.isAssignableFrom(t), t + " is unchecked");
        }
    }
}
