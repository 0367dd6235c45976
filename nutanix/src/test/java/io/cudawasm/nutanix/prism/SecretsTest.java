package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Passwords and API keys never show up in toString, exception messages or log output, over v3 or v4. */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class SecretsTest {
    private static final String BASIC_TOKEN = Base64.getEncoder()
            .encodeToString((TestPrism.USER + ":" + TestPrism.PASSWORD).getBytes(StandardCharsets.UTF_8));
    private static PrismSimulator sim;

    @Parameter
    PrismApiVersion version;

    @BeforeAll
    static void start() throws Exception {
        sim = TestPrism.start(SimulatedEstate.bundled());
    }

    @AfterAll
    static void stop() {
        sim.close();
    }

    private static void assertNoSecret(String text) {
        for (String secret : List.of(TestPrism.PASSWORD, TestPrism.API_KEY, BASIC_TOKEN, "wrong-SECRET-key")) {
            assertFalse(text.contains(secret), "a secret leaked into: " + text);
        }
    }

    @Test
    void toStringHidesSecrets() {
        NutanixConfig apiKey = TestPrism.config(sim, version).build();
        NutanixConfig basic = TestPrism.config(sim, version).basicAuth(TestPrism.USER, TestPrism.PASSWORD).build();
        assertNoSecret(apiKey.toString());
        assertNoSecret(basic.toString());
        assertNoSecret(apiKey.credentials().toString());
        assertNoSecret(basic.credentials().toString());
        assertTrue(basic.toString().contains(TestPrism.USER), "the user name is not a secret: " + basic);
        assertTrue(apiKey.toString().contains("****"));
        assertTrue(apiKey.toString().contains("caBundle=1 certificate(s)"), apiKey.toString());
    }

    @Test
    void exceptionsAndLogsHideSecrets() {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream original = System.err;
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            sim.faults().clear().failNext(2, 503);
            NutanixClient basic = TestPrism.client(
                    TestPrism.config(sim, version).basicAuth(TestPrism.USER, TestPrism.PASSWORD).build(), new RecordingSleeper());
            basic.listHosts();

            NutanixClient wrongKey = TestPrism.client(
                    TestPrism.config(sim, version).apiKey("wrong-SECRET-key").build(), new RecordingSleeper());
            PrismAuthenticationException auth = assertThrows(PrismAuthenticationException.class, wrongKey::listHosts);
            assertNoSecret(auth.getMessage());
            assertNoSecret(String.valueOf(auth.messages()));

            NutanixClient wrongPassword = TestPrism.client(
                    TestPrism.config(sim, version).basicAuth(TestPrism.USER, "wrong-SECRET-key").build(), new RecordingSleeper());
            assertNoSecret(assertThrows(PrismAuthenticationException.class, wrongPassword::listVms).getMessage());
        } finally {
            System.setErr(original);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("answered 503"), "the retry warnings were captured: " + log);
        assertTrue(log.contains("answered 401"), log);
        assertNoSecret(log);
    }
}
