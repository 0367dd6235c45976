package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.registration.LocalView;
import io.cudawasm.runtime.registration.RegistrationFixture;
import io.cudawasm.runtime.registration.SelfRegistration;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.cudawasm.runtime.testing.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Self-registration inside a running worker: its document in /v1/capabilities, its metrics, and jobs unaffected by outages. */
class WorkerRegistrationTest {
    @TempDir
    Path cache;

    private static final Map<String, Object> VECTOR_ADD_JOB = Map.of("kernel", Map.of("library", "vector_add"),
            "launches", List.of(Map.of("grid", 4, "block", 256, "args", Map.of(
                    "A", "iota:1000", "B", "const:1000:1", "C", "zeros:1000", "numElements", "1000"))));

    @Test
    void thePrismViewIsServedAndAnOutageLeavesJobsRunningAndTheDataMarkedStale() {
        try (RegistrationFixture fx = new RegistrationFixture(); TestWorker worker = TestWorker.start(cache)) {
            SelfRegistration registration = SelfRegistration.builder(new RegistrationSettings(true,
                            Duration.ofSeconds(60), "labels").withVmUuid(fx.vm("nke-train-gpu-worker-3").uuid()),
                    worker.service.metrics().registry())
                    .prism(fx.prism).localView(() -> LocalView.of(List.of("wasm"), List.of())).build();
            worker.service.attach(registration);
            registration.refresh();

            JsonNode node = worker.get("/v1/capabilities").json().at("/extensions/node");
            assertEquals("ahv-west-h100-01", node.at("/nutanix/host/name").asText());
            assertEquals("nke-train-gpu-worker-3", node.at("/nutanix/vm/name").asText());
            assertEquals("v4", node.at("/nutanix/apiVersion").asText(), "auto found v4 on the simulator");
            assertEquals("NVIDIA-H100-80GB-HBM3", node.at("/labels/cuda-wasm.io~1gpu-model").asText());
            assertEquals("passthrough", node.at("/gpus/mode").asText());
            assertEquals("ok", node.at("/sources/prism/state").asText());
            assertEquals("unconfigured", node.at("/sources/kubernetes/state").asText());
            assertEquals(false, node.get("stale").asBoolean());

            fx.sim.faults().failNext(1_000, 503);
            registration.refresh();
            Reply job = worker.post("/v1/jobs", VECTOR_ADD_JOB);
            assertEquals(200, job.status(), job.toString());
            assertEquals(500500.0, job.json().at("/outputs/C/summary/sum").asDouble());
            JsonNode stale = worker.get("/v1/capabilities").json().at("/extensions/node");
            assertTrue(stale.get("stale").asBoolean(), stale.toString());
            assertEquals("failing", stale.at("/sources/prism/state").asText());
            assertTrue(stale.at("/sources/prism/lastError").asText().contains("503"), stale.toString());
            assertEquals("ahv-west-h100-01", stale.at("/nutanix/host/name").asText(), "the last known placement");
            String metrics = worker.get("/metrics").text();
            assertTrue(metrics.contains("cudawasm_registration_stale 1.0"), metrics);
            assertTrue(metrics.contains("cudawasm_registration_up{source=\"prism\"} 0.0"), metrics);
            assertTrue(metrics.contains("cudawasm_node_gpus 1.0"), metrics);
            assertTrue(metrics.contains("cudawasm_node_gpu_info{host=\"ahv-west-h100-01\",mode=\"passthrough\","
                    + "model=\"NVIDIA H100 80GB HBM3\",vendor=\"nvidia\"} 1"), metrics);
        }
    }

    @Test
    void enabledWithoutPrismOrKubernetesTheWorkerPublishesItsLocalView() throws InterruptedException {
        try (TestWorker worker = TestWorker.start(cache, b -> b.registration(
                new RegistrationSettings(true, Duration.ofSeconds(60), "labels")))) {
            JsonNode node = Await.until(Duration.ofSeconds(30), "the first capabilities document",
                    () -> worker.get("/v1/capabilities").json().at("/extensions/node"), n -> n.hasNonNull("generatedAt"));
            assertTrue(node.hasNonNull("generatedAt"), String.valueOf(node));
            assertEquals("unconfigured", node.at("/sources/prism/state").asText());
            assertEquals("unconfigured", node.at("/sources/kubernetes/state").asText());
            assertEquals("local", node.at("/gpus/source").asText());
            assertTrue(node.at("/local/backends").toString().contains("wasm"), node.toString());
            assertTrue(worker.get("/v1/capabilities").json().at("/registration/enabled").asBoolean());
        }
    }
}
