package io.cudawasm.nutanix.prism;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Retries against injected faults, over v3 and over v4 (one retry policy for both). A recording sleeper stands
 * in for waiting, so each test asserts the delays the client asked for without spending them.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
class RetryTest {
    private static PrismSimulator sim;

    @Parameter
    PrismApiVersion version;

    private RecordingSleeper sleeper;

    /** Requests for the first call of {@code listHosts()}: the one the faults below hit. */
    private long hostListRequests() {
        return version == PrismApiVersion.V4 ? sim.requestCount("GET", "config/hosts")
                : sim.requestCount("POST", "hosts/list");
    }

    private long clusterListRequests() {
        return version == PrismApiVersion.V4 ? sim.requestCount("GET", "config/clusters")
                : sim.requestCount("POST", "clusters/list");
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
    }

    /** Jitter pinned to 1.0, so every delay is the full exponential ceiling. */
    private NutanixClient clientWithFullJitter(RetryPolicy policy) {
        return NutanixClient.builder(TestPrism.config(sim, version).retryPolicy(policy).build())
                .sleeper(sleeper).jitter(() -> 1.0).build();
    }

    private static List<Duration> millis(long... ms) {
        return java.util.Arrays.stream(ms).mapToObj(Duration::ofMillis).toList();
    }

    @Test
    void burstOf503IsRetriedWithExponentialBackoff() {
        sim.faults().failNext(3, 503);
        assertEquals(13, clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts().size());
        assertEquals(4, hostListRequests());
        assertEquals(millis(10, 20, 40), sleeper.delays());
    }

    @Test
    void jitterKeepsEachDelayBetweenHalfAndAllOfTheCeiling() {
        RetryPolicy policy = new RetryPolicy(5, Duration.ofMillis(10), Duration.ofMillis(25));
        sim.faults().failNext(4, 503);
        NutanixClient client = NutanixClient.builder(TestPrism.config(sim, version).retryPolicy(policy).build())
                .sleeper(sleeper).build();
        assertEquals(13, client.listHosts().size());
        List<Duration> delays = sleeper.delays();
        assertEquals(4, delays.size());
        long[] ceilings = {10, 20, 25, 25};
        for (int i = 0; i < 4; i++) {
            long ms = delays.get(i).toNanos();
            assertTrue(ms >= ceilings[i] * 1_000_000 / 2 && ms <= ceilings[i] * 1_000_000,
                    "delay " + delays.get(i) + " outside [" + ceilings[i] / 2.0 + ", " + ceilings[i] + "] ms");
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {408, 502, 504})
    void otherTransientStatusesAreRetried(int status) {
        sim.faults().failNext(1, status);
        assertEquals(3, clientWithFullJitter(TestPrism.FAST_RETRIES).listClusters().size());
        assertEquals(2, clusterListRequests());
        assertEquals(millis(10), sleeper.delays());
    }

    @Test
    void givesUpAfterMaxAttempts() {
        sim.faults().failNext(10, 503);
        PrismServerException e = assertThrows(PrismServerException.class,
                () -> clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts());
        assertEquals(503, e.httpStatus());
        assertEquals("SERVICE_UNAVAILABLE", e.reason());
        assertTrue(e.getMessage().contains("after 5 attempts"), e.getMessage());
        assertEquals(5, hostListRequests());
        assertEquals(millis(10, 20, 40, 80), sleeper.delays(), "the last delay is capped at maxDelay");
    }

    @Test
    void retryAfterInSecondsReplacesTheBackoff() {
        RetryPolicy patient = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(30));
        sim.faults().rateLimitNext(1, "7");
        assertEquals(13, clientWithFullJitter(patient).listHosts().size());
        assertEquals(List.of(Duration.ofSeconds(7)), sleeper.delays());
    }

    @Test
    void retryAfterIsCappedAtMaxDelay() {
        sim.faults().rateLimitNext(1, "3600");
        assertEquals(13, clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts().size());
        assertEquals(millis(80), sleeper.delays());
    }

    @Test
    void retryAfterAsHttpDateIsMeasuredAgainstTheClock() {
        Instant now = Instant.parse("2025-03-01T12:00:00Z");
        String in3s = DateTimeFormatter.RFC_1123_DATE_TIME.format(now.plusSeconds(3).atOffset(ZoneOffset.UTC));
        sim.faults().rateLimitNext(1, in3s);
        NutanixClient client = NutanixClient.builder(TestPrism.config(sim, version)
                        .retryPolicy(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofSeconds(30))).build())
                .sleeper(sleeper).clock(Clock.fixed(now, ZoneOffset.UTC)).build();
        assertEquals(13, client.listHosts().size());
        assertEquals(List.of(Duration.ofSeconds(3)), sleeper.delays());
    }

    @Test
    void persistentRateLimitEndsInATypedError() {
        sim.faults().rateLimitNext(5, "1");
        PrismRateLimitedException e = assertThrows(PrismRateLimitedException.class,
                () -> clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts());
        assertEquals(429, e.httpStatus());
        assertEquals("TOO_MANY_REQUESTS", e.reason());
        assertEquals(Duration.ofSeconds(1), e.retryAfter().orElseThrow());
        assertEquals(millis(80, 80, 80, 80), sleeper.delays(), "1 s asked for, capped at 80 ms");
    }

    @Test
    void rateLimitWithoutRetryAfterUsesBackoff() {
        sim.faults().rateLimitNext(2, null);
        assertEquals(13, clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts().size());
        assertEquals(millis(10, 20), sleeper.delays());
    }

    @Test
    void droppedConnectionIsRetried() {
        sim.faults().dropNext(1);
        assertEquals(13, clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts().size());
        assertEquals(2, hostListRequests());
        assertEquals(0, sim.requests().get(0).status(), "the first request got no answer");
        // the JDK's HttpClient itself resends an idempotent GET (v4) once, at once, when the connection closes
        // before an answer, as it does for a stale pooled connection; v3's POST is left to the retry policy
        assertEquals(version == PrismApiVersion.V4 ? List.of() : millis(10), sleeper.delays());
    }

    @Test
    void connectionsDroppedEveryTimeEndUnreachable() {
        int sends = version == PrismApiVersion.V4 ? 10 : 5; // five attempts; each GET sent twice by the JDK
        sim.faults().dropNext(sends);
        PrismUnreachableException e = assertThrows(PrismUnreachableException.class,
                () -> clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts());
        assertEquals(0, e.httpStatus());
        assertEquals(sends, hostListRequests());
        assertEquals(4, sleeper.delays().size());
    }

    @Test
    void refusedConnectionEndsUnreachable() throws Exception {
        URI closed;
        try (PrismSimulator gone = TestPrism.start(SimulatedEstate.empty())) {
            closed = gone.baseUrl();
        }
        NutanixConfig config = TestPrism.config(sim, version).baseUrl(closed).build();
        PrismUnreachableException e = assertThrows(PrismUnreachableException.class,
                () -> NutanixClient.builder(config).sleeper(sleeper).build().listHosts());
        assertTrue(e.getMessage().contains("cannot reach " + closed), e.getMessage());
        assertEquals(4, sleeper.delays().size());
    }

    @Test
    void slowAnswersHitTheReadTimeoutAndAreRetried() throws Exception {
        // A simulator of its own: its handler threads are still asleep when the test ends, and closing it stops them.
        try (PrismSimulator slow = TestPrism.start(SimulatedEstate.bundled())) {
            slow.faults().latency(Duration.ofMillis(400));
            NutanixConfig config = TestPrism.config(slow, version).readTimeout(Duration.ofMillis(100))
                    .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(1))).build();
            PrismUnreachableException e = assertThrows(PrismUnreachableException.class,
                    () -> TestPrism.client(config, sleeper).listHosts());
            assertTrue(e.getMessage().contains("read timeout"), e.getMessage());
            assertEquals(1, sleeper.delays().size());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 422, 500})
    void clientErrorsAndPlain500AreNeverRetried(int status) {
        sim.faults().failNext(1, status);
        assertThrows(PrismException.class, () -> clientWithFullJitter(TestPrism.FAST_RETRIES).listHosts());
        assertEquals(1, hostListRequests());
        assertTrue(sleeper.delays().isEmpty());
    }

    @Test
    void retryPolicyArithmetic() {
        RetryPolicy p = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(30));
        assertEquals(Duration.ofSeconds(1), p.ceilingForRetry(1));
        assertEquals(Duration.ofSeconds(16), p.ceilingForRetry(5));
        assertEquals(Duration.ofSeconds(30), p.ceilingForRetry(6));
        assertEquals(Duration.ofSeconds(30), p.ceilingForRetry(500), "no overflow for large retry numbers");
        assertEquals(Duration.ofMillis(2000), p.delayForRetry(3, 0.0));
        assertEquals(Duration.ofMillis(4000), p.delayForRetry(3, 1.0));
        assertEquals(Duration.ofSeconds(30), p.capped(Duration.ofHours(1)));
        assertEquals(RetryPolicy.DEFAULT, p);
        assertThrows(IllegalArgumentException.class, () -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO));
        assertThrows(IllegalArgumentException.class,
                () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
