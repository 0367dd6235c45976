package io.cudawasm.nutanix.prism;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.io.IOException;
import java.time.Duration;
import java.util.List;

/**
 * Shared test set-up: one private CA per JVM, simulators with known users, and clients with fast retries.
 * The secrets are distinctive strings so tests can search for them in logs and messages.
 */
public final class TestPrism {
    public static final String USER = "operator";
    public static final String PASSWORD = "Pw-7c1e-SECRET-d4a2";
    public static final String API_KEY = "ak-0f9e8d7c-SECRET-6b5a4938";
    public static final String VIEWER = "viewer";
    public static final String VIEWER_PASSWORD = "Pw-viewer-SECRET-11";

    /** Base 10 ms, cap 80 ms, 5 attempts: real retries, no real waiting (tests use a recording sleeper). */
    public static final RetryPolicy FAST_RETRIES = new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(80));

    public static final TestCertificates.Pki PKI =
            TestCertificates.create("cuda-wasm test CA", List.of("localhost", "127.0.0.1"));

    private TestPrism() {}

    public static PrismSimulator start(SimulatedEstate estate) throws IOException {
        return builder(estate).start();
    }

    /** A simulator over HTTPS with the test CA and the known users, to configure further before it starts. */
    public static PrismSimulator.Builder builder(SimulatedEstate estate) {
        return PrismSimulator.builder(estate)
                .https(PKI.serverContext())
                .user(USER, PASSWORD)
                .apiKey(API_KEY)
                .readForbiddenUser(VIEWER, VIEWER_PASSWORD);
    }

    /** API key, the test CA as bundle, fast retries, the v3 API. */
    public static NutanixConfig.Builder config(PrismSimulator sim) {
        return config(sim, PrismApiVersion.V3);
    }

    /** API key, the test CA as bundle, fast retries, this API. */
    public static NutanixConfig.Builder config(PrismSimulator sim, PrismApiVersion version) {
        return NutanixConfig.builder()
                .baseUrl(sim.baseUrl())
                .apiVersion(version == PrismApiVersion.V3 ? ApiVersionChoice.V3 : ApiVersionChoice.V4)
                .apiKey(API_KEY)
                .caBundlePem(PKI.caPem())
                .retryPolicy(FAST_RETRIES)
                .connectTimeout(Duration.ofSeconds(5))
                .readTimeout(Duration.ofSeconds(10));
    }

    public static NutanixClient client(PrismSimulator sim, RecordingSleeper sleeper) {
        return NutanixClient.builder(config(sim).build()).sleeper(sleeper).build();
    }

    public static NutanixClient client(NutanixConfig config, RecordingSleeper sleeper) {
        return NutanixClient.builder(config).sleeper(sleeper).build();
    }
}
