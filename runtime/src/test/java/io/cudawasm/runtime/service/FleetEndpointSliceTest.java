package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.service.TestWorker.Reply;
import io.cudawasm.runtime.service.config.FleetSettings;
import io.cudawasm.runtime.testing.Await;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Peer discovery through the headless Service's EndpointSlices, against Fabric8's mock API server
 * in CRUD mode: the slices name each pod ({@code targetRef}) and give its address and the
 * {@code http} port, as the EndpointSlice controller writes them.
 */
@EnableKubernetesMockClient(crud = true, https = false)
class FleetEndpointSliceTest {
    private static final String NAMESPACE = "gpu";
    private static final String SERVICE = "cuda-wasm-worker-headless";
    private static final Duration WAIT = Duration.ofSeconds(30);

    static KubernetesClient client;
    static KubernetesMockServer server;

    @TempDir
    Path dir;
    private final List<TestWorker> workers = new ArrayList<>();

    @AfterEach
    void stop() {
        workers.forEach(TestWorker::close);
    }

    private TestWorker replica(String pod) {
        TestWorker w = TestWorker.start(dir.resolve(pod), b -> b.fleet(FleetSettings.endpointSlices(pod, SERVICE,
                NAMESPACE, context -> server.createClient())));
        workers.add(w);
        return w;
    }

    /** One slice of the Service with one port and the given pods (name, address, terminating). */
    private static EndpointSlice slice(String name, String service, int port, Object... podAddressTerminating) {
        EndpointSliceBuilder b = new EndpointSliceBuilder()
                .withNewMetadata().withName(name).withNamespace(NAMESPACE)
                .addToLabels("kubernetes.io/service-name", service).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(port).withProtocol("TCP").endPort();
        for (int i = 0; i < podAddressTerminating.length; i += 3) {
            boolean terminating = (Boolean) podAddressTerminating[i + 2];
            b.addNewEndpoint().withAddresses((String) podAddressTerminating[i + 1])
                    .withNewConditions().withReady(!terminating).withServing(true).withTerminating(terminating).endConditions()
                    .withNewTargetRef().withKind("Pod").withName((String) podAddressTerminating[i])
                    .withNamespace(NAMESPACE).endTargetRef()
                    .endEndpoint();
        }
        return b.build();
    }

    @Test
    void theReplicaSeesEveryPodOfItsHeadlessServiceButItself() {
        TestWorker w = replica("cuda-wasm-worker-0");
        client.resource(slice("workers-x1", SERVICE, 8080,
                "cuda-wasm-worker-0", "10.1.0.10", false,
                "cuda-wasm-worker-1", "10.1.0.11", false,
                "cuda-wasm-worker-2", "10.1.0.12", true)).create();
        client.resource(slice("other-x1", "some-other-service", 9090, "other-0", "10.9.0.1", false)).create();

        Reply fleet = w.get("/v1/fleet");
        assertEquals(200, fleet.status(), fleet.toString());
        assertEquals("cuda-wasm-worker-0", fleet.json().get("replica").asText());
        assertEquals("endpointslices", fleet.json().get("discovery").asText());
        Map<String, String> peers = new java.util.TreeMap<>();
        fleet.json().get("peers").forEach(p -> peers.put(p.get("name").asText(), p.get("url").asText()));
        // A terminating pod stays a peer: it still answers for its jobs while it drains.
        assertEquals(Map.of("cuda-wasm-worker-1", "http://10.1.0.11:8080", "cuda-wasm-worker-2", "http://10.1.0.12:8080"),
                peers);
    }

    @Test
    void jobsAndKernelsAreFoundThroughTheSlicesAndAGonePodAnswers410() {
        TestWorker a = replica("cuda-wasm-worker-0");
        TestWorker b = replica("cuda-wasm-worker-1");
        // Both replicas listen on loopback, on different ports: one slice per port.
        client.resource(slice("workers-a", SERVICE, a.service.port(), "cuda-wasm-worker-0", "127.0.0.1", false)).create();
        client.resource(slice("workers-b", SERVICE, b.service.port(), "cuda-wasm-worker-1", "127.0.0.1", false)).create();

        String kernel = a.post("/v1/kernels", Map.of("source", TestKernels.TINY, "fileName", "tiny.cu")).json()
                .get("id").asText();
        Reply accepted = a.post("/v1/jobs?async=true", Map.of("kernel", Map.of("id", kernel),
                "launches", List.of(Map.of("grid", 1, "block", 32, "args", List.of("zeros:32"))),
                "outputs", Map.of("out", "summary")));
        assertEquals(202, accepted.status(), accepted.toString());
        String href = accepted.header("Location");
        assertTrue(accepted.json().get("id").asText().startsWith("cuda-wasm-worker-0_"), accepted.toString());

        JsonNode done = Await.until(WAIT, "the job read through the other replica", () -> b.get(href),
                r -> r.status() == 200 && r.json().get("status").asText().equals("succeeded")).json();
        assertEquals(496.0, done.at("/outputs/out/summary/sum").asDouble());
        assertEquals("cuda-wasm-worker-0", b.get(href).header("X-CudaWasm-Replica"));

        Reply byId = b.post("/v1/jobs", Map.of("kernel", Map.of("id", kernel),
                "launches", List.of(Map.of("grid", 1, "block", 32, "args", List.of("zeros:32")))));
        assertEquals(200, byId.status(), byId.toString());
        assertEquals("peer", byId.json().get("kernelCache").asText(), "b found a's kernel through the slices");

        // Scale-down: the pod is removed, its endpoint with it.
        client.resource(client.discovery().v1().endpointSlices().inNamespace(NAMESPACE).withName("workers-a").get())
                .delete();
        a.close();
        workers.remove(a);
        Reply gone = Await.until(WAIT, "410 for the removed replica's job", () -> b.get(href), r -> r.status() != 200);
        assertEquals(410, gone.status(), gone.toString());
        assertEquals("job_owner_gone", gone.json().get("error").asText());
        assertEquals("cuda-wasm-worker-0", gone.json().at("/details/owner").asText());
        assertTrue(List.of("not_in_fleet", "unreachable").contains(gone.json().at("/details/reason").asText()),
                gone.toString());
    }
}
