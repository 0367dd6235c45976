package io.cudawasm.runtime.registration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.cudawasm.runtime.testing.Await;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** The background loop: it keeps going through outages, backs off, and recovers on its own. */
class RegistrationLoopTest {

    private static void await(String what, BooleanSupplier condition) {
        Await.until(Duration.ofSeconds(30), what, condition);
    }

    @Test
    void theLoopRidesOutAPrismOutageAndRecovers() throws Exception {
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (RegistrationFixture fx = new RegistrationFixture();
                SelfRegistration r = SelfRegistration.builder(
                        new RegistrationSettings(true, Duration.ofMillis(50), "labels")
                                .withVmUuid(fx.vm("nke-infer-vgpu-worker-1").uuid()), metrics)
                        .prism(fx.prism).build()) {
            fx.sim.faults().failNext(1_000_000, 503);
            r.start();
            await("three failed rounds", () -> metrics.get("cudawasm.registration.failures").tag("source", "prism")
                    .counter().count() >= 3);
            NodeCapabilities during = r.current();
            assertEquals(SourceStatus.State.FAILING, during.sources().get("prism").state());
            assertFalse(during.stale(), "nothing was known before the outage, so nothing is stale");
            assertEquals("local", during.gpus().source());

            fx.sim.faults().clear();
            await("Prism answers again", () -> r.current().sources().get("prism").state() == SourceStatus.State.OK);
            assertEquals("ahv-east-vgpu01", r.current().nutanix().host().name());
            assertEquals("vgpu", r.current().gpus().mode());
        }
    }

    @Test
    void anUnreachableApiServerIsReportedAndRetriedWhileTheDocumentStaysCurrent() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Config config = new ConfigBuilder().withMasterUrl("http://127.0.0.1:" + deadPort)
                .withRequestRetryBackoffLimit(0).withConnectionTimeout(500).withRequestTimeout(500).build();
        SimpleMeterRegistry metrics = new SimpleMeterRegistry();
        try (KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
                SelfRegistration r = SelfRegistration.builder(
                        new RegistrationSettings(true, Duration.ofMillis(50), "labels").withNodeName("node-x"), metrics)
                        .publisher(new NodeLabelPublisher(client))
                        .localView(() -> LocalView.of(List.of("wasm"), List.of())).build()) {
            r.start();
            await("two failed rounds", () -> metrics.get("cudawasm.registration.failures").tag("source", "kubernetes")
                    .counter().count() >= 2);
            NodeCapabilities doc = r.current();
            SourceStatus k8s = doc.sources().get("kubernetes");
            assertEquals(SourceStatus.State.FAILING, k8s.state());
            assertTrue(k8s.lastError().contains("node-x"), k8s.lastError());
            assertEquals("none", doc.labels().get("cuda-wasm.io/gpu-mode"), "the document is still computed");
            assertEquals(0.0, metrics.get("cudawasm.registration.up").tag("source", "kubernetes").gauge().value());
        }
    }

    @Test
    void theDelayIsTheIntervalWithJitterAndBacksOffWhileFailing() {
        try (RegistrationFixture fx = new RegistrationFixture()) {
            double[] random = {0.5};
            try (SelfRegistration r = SelfRegistration.builder(new RegistrationSettings(true, Duration.ofSeconds(60),
                    "labels").withVmUuid(fx.vm("nke-edge-worker-0").uuid()), new SimpleMeterRegistry())
                    .prism(fx.prism).random(() -> random[0]).build()) {
                r.refresh();
                assertEquals(Duration.ofSeconds(60), r.nextDelay());
                random[0] = 1.0;
                assertEquals(Duration.ofSeconds(66), r.nextDelay(), "+10% at the top of the jitter range");
                random[0] = 0.0;
                assertEquals(Duration.ofSeconds(54), r.nextDelay(), "-10% at the bottom");

                random[0] = 0.5;
                fx.sim.faults().failNext(1_000, 503);
                List<Duration> backoff = new java.util.ArrayList<>();
                for (int i = 0; i < 7; i++) {
                    r.refresh();
                    backoff.add(r.nextDelay());
                }
                assertEquals(List.of(2, 4, 8, 16, 32, 60, 60), backoff.stream().map(d -> (int) d.toSeconds()).toList());
                fx.sim.faults().clear();
                r.refresh();
                assertEquals(Duration.ofSeconds(60), r.nextDelay());
            }
        }
    }
}
