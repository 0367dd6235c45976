package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SelfSignedCertificate;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real HTTPS on loopback, over v3 and v4 (one TLS set-up for both): the CA bundle is honoured, a foreign CA is
 * refused, insecure mode is explicit.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class TlsTest {
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

    @Test
    void trustsTheServerWhenGivenItsCaBundle() {
        NutanixClient client = TestPrism.client(TestPrism.config(sim, version).build(), new RecordingSleeper());
        assertEquals(3, client.listClusters().size());
    }

    @Test
    void readsTheCaBundleFromAFileNamedInTheEnvironment(@TempDir Path dir) throws Exception {
        Path pem = Files.writeString(dir.resolve("ca.pem"), TestPrism.PKI.caPem());
        NutanixConfig config = NutanixConfig.fromEnvironment(Map.of(
                "NUTANIX_PRISM_URL", sim.baseUrl().toString(),
                "NUTANIX_API_KEY", TestPrism.API_KEY,
                "NUTANIX_CA_BUNDLE", pem.toString(),
                "NUTANIX_API_VERSION", version.label()));
        NutanixClient client = NutanixClient.create(config);
        assertEquals(13, client.listHosts().size());
        assertEquals(version, client.apiVersion());
    }

    @Test
    void refusesAServerSignedByAnotherCa() {
        TestCertificates.Pki other = TestCertificates.create("some other CA", List.of("localhost", "127.0.0.1"));
        NutanixConfig config = TestPrism.config(sim, version).caBundlePem(other.caPem()).build();
        RecordingSleeper sleeper = new RecordingSleeper();
        long before = sim.requests().size();
        PrismTlsException e = assertThrows(PrismTlsException.class, () -> TestPrism.client(config, sleeper).listHosts());
        assertEquals(0, e.httpStatus());
        assertTrue(e.getMessage().contains("TLS handshake"), e.getMessage());
        assertTrue(e.getMessage().contains("the CA bundle given (1 certificate(s), NUTANIX_CA_BUNDLE or --ca-bundle) does not verify"),
                e.getMessage());
        assertTrue(sleeper.delays().isEmpty(), "certificate failures are not retried");
        assertEquals(before, sim.requests().size(), "no request reached the server");
    }

    @Test
    void refusesTheServerWithoutABundleBecauseItsCaIsPrivate() {
        NutanixConfig config = NutanixConfig.builder().baseUrl(sim.baseUrl()).apiKey(TestPrism.API_KEY)
                .retryPolicy(TestPrism.FAST_RETRIES).build();
        PrismTlsException e = assertThrows(PrismTlsException.class, () -> TestPrism.client(config, new RecordingSleeper()).listHosts());
        assertTrue(e.getMessage().contains("give that CA as a PEM file with NUTANIX_CA_BUNDLE=ca.pem (discover: --ca-bundle"),
                "the message names the setting that fixes it: " + e.getMessage());
    }

    @Test
    void refusesACertificateForAnotherHostName() throws Exception {
        TestCertificates.Pki wrongName = TestCertificates.create("name CA", List.of("prism.example.com"));
        try (PrismSimulator other = PrismSimulator.builder(SimulatedEstate.bundled())
                .https(wrongName.serverContext()).apiKey(TestPrism.API_KEY).start()) {
            NutanixConfig verified = TestPrism.config(other, version).caBundlePem(wrongName.caPem()).build();
            assertThrows(PrismTlsException.class, () -> TestPrism.client(verified, new RecordingSleeper()).listHosts());

            NutanixConfig insecure = TestPrism.config(other, version).caBundlePem(null).insecure(true).build();
            assertEquals(13, TestPrism.client(insecure, new RecordingSleeper()).listHosts().size(),
                    "insecure mode skips both the chain and the host-name check");
        }
    }

    @Test
    void insecureSwitchAcceptsAnyCertificate() {
        NutanixConfig config = TestPrism.config(sim, version).caBundlePem(null).insecure(true).build();
        assertTrue(config.insecure());
        assertEquals(13, TestPrism.client(config, new RecordingSleeper()).listHosts().size());
    }

    @Test
    void verificationIsOnByDefault() {
        NutanixConfig config = NutanixConfig.withApiKey("https://pc.example.com:9440", "k");
        assertFalse(config.insecure());
        assertTrue(config.caBundlePem().isEmpty());
    }

    @Test
    void simulatorAcceptsItsOwnSelfSignedCertificateAndPlainHttp() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.forLocalhost();
        try (PrismSimulator https = PrismSimulator.builder(SimulatedEstate.bundled())
                        .https(cert.serverContext()).user("u", "p").start();
                PrismSimulator http = PrismSimulator.builder(SimulatedEstate.bundled())
                        .plainHttp().user("u", "p").start()) {
            NutanixConfig viaTls = NutanixConfig.builder().baseUrl(https.baseUrl()).basicAuth("u", "p")
                    .caBundlePem(cert.certificatePem()).build();
            assertEquals(3, NutanixClient.create(viaTls).listClusters().size());
            NutanixConfig viaHttp = NutanixConfig.builder().baseUrl(http.baseUrl()).basicAuth("u", "p").build();
            assertTrue(http.baseUrl().toString().startsWith("http://"));
            assertEquals(3, NutanixClient.create(viaHttp).listClusters().size());
        }
    }
}
