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

/** Each HTTP failure becomes its own exception type, carrying Prism's message_list and the status. */
class ErrorHandlingTest {
    private static PrismSimulator sim;
    private RecordingSleeper sleeper;
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
    void reset() {
        sim.faults().clear();
        sim.clearRequests();
        sleeper = new RecordingSleeper();
        client = TestPrism.client(sim, sleeper);
    }

    @Test
    void wrongApiKeyIsSentTwiceThenAuthenticationError() {
        NutanixClient wrong = TestPrism.client(TestPrism.config(sim).apiKey("not-the-key").build(), sleeper);
        PrismAuthenticationException e = assertThrows(PrismAuthenticationException.class, wrong::listHosts);
        assertEquals(401, e.httpStatus());
        assertEquals("AUTHENTICATION_REQUIRED", e.reason());
        assertEquals("Authentication required.", e.messages().get(0).message());
        assertTrue(e.messages().get(0).details().contains("Intent Gateway Login Required"), "string details kept");
        assertEquals(2, sim.requestCount("POST", "hosts/list"), "one retry after 401");
        assertTrue(sleeper.delays().isEmpty(), "the credentials are re-sent at once");
    }

    @Test
    void wrongPasswordIsAnAuthenticationErrorToo() {
        NutanixClient wrong = TestPrism.client(
                TestPrism.config(sim).basicAuth(TestPrism.USER, "wrong-password").build(), sleeper);
        assertThrows(PrismAuthenticationException.class, wrong::listClusters);
        assertEquals(2, sim.requestCount("POST", "clusters/list"));
        assertTrue(sim.requests().stream().allMatch(r -> r.authScheme().equals("basic") && r.status() == 401));
    }

    @Test
    void aSingleSpurious401IsAbsorbed() {
        sim.faults().inject(new Fault.ErrorResponse(401, "text/plain", "Unauthorized"), 1);
        assertEquals(13, client.listHosts().size());
        assertEquals(2, sim.requestCount("POST", "hosts/list"));
    }

    @Test
    void forbiddenUserGetsPermissionError() {
        NutanixClient viewer = TestPrism.client(
                TestPrism.config(sim).basicAuth(TestPrism.VIEWER, TestPrism.VIEWER_PASSWORD).build(), sleeper);
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
        assertEquals("ENTITY_NOT_FOUND", e.reason());
        assertEquals("vm : " + uuid + " does not exist.", e.messages().get(0).message());
        assertEquals("GET /api/nutanix/v3/vms/" + uuid, e.operation());
        assertEquals(1, sim.requests().size());
        assertThrows(PrismNotFoundException.class, () -> client.getHost(uuid));
    }

    @Test
    void malformedUuidIsAnInvalidRequest() {
        PrismInvalidRequestException e = assertThrows(PrismInvalidRequestException.class,
                () -> client.getVm("not-a-uuid"));
        assertEquals(400, e.httpStatus());
        assertEquals("INVALID_UUID", e.reason());
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
        assertEquals(1, sim.requestCount("POST", "hosts/list"), "500 is not retried");
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
        assertEquals(1, sim.requestCount("POST", "hosts/list"));
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
