package io.cudawasm.runtime.registration;

import static io.cudawasm.runtime.registration.RegistrationFixture.annotation;
import static io.cudawasm.runtime.registration.RegistrationFixture.managedLabels;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.NodeLabels;
import io.cudawasm.nutanix.prism.ApiVersionChoice;
import io.cudawasm.nutanix.prism.PrismApiVersion;
import io.cudawasm.nutanix.prism.model.GpuCatalog;
import io.cudawasm.nutanix.prism.sim.SimulatedGpu;
import io.cudawasm.runtime.service.config.RegistrationSettings;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Self-registration against the Prism simulator (real HTTPS) and Fabric8's mock API server in CRUD
 * mode: the right labels on the right node, and nothing else touched, through moves, outages and
 * removed GPUs. Every test runs with the Prism client on v3 and on v4, with the same expectations.
 */
@ParameterizedClass
@EnumSource(PrismApiVersion.class)
@EnableKubernetesMockClient(crud = true, https = false)
class SelfRegistrationTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static final String NODE = "nke-prod-gpu-worker-0";
    private static final String OTHER = "nke-prod-gpu-worker-1";
    private static final Map<String, String> OTHER_LABELS = Map.of(NodeLabels.GPU_VENDOR, "nvidia",
            NodeLabels.GPU_MODEL, "hand-set", "team", "ml");

    @Parameter
    PrismApiVersion version;

    private RegistrationFixture fx;
    private SimpleMeterRegistry metrics;
    private final List<SelfRegistration> started = new ArrayList<>();

    @BeforeEach
    void setUp() throws InterruptedException {
        client.nodes().delete();
        fx = new RegistrationFixture(version == PrismApiVersion.V3 ? ApiVersionChoice.V3 : ApiVersionChoice.V4);
        metrics = new SimpleMeterRegistry();
        fx.createNode(client, NODE, "nke-prod-gpu-worker-0", Map.of("kubernetes.io/hostname", NODE));
        fx.createNode(client, OTHER, "nke-prod-gpu-worker-1", OTHER_LABELS);
        drainRequests();
    }

    @AfterEach
    void tearDown() {
        started.forEach(SelfRegistration::close);
        if (fx != null) {
            fx.close();
        }
    }

    private SelfRegistration registration(String node, NodePublisher publisher, LocalView local) {
        SelfRegistration r = SelfRegistration.builder(settings(node), metrics)
                .prism(fx.prism).publisher(publisher).localView(() -> local).build();
        started.add(r);
        return r;
    }

    private SelfRegistration registration() {
        return registration(NODE, new NodeLabelPublisher(client), LocalView.of(List.of("opencl", "wasm"), List.of()));
    }

    private static RegistrationSettings settings(String node) {
        return new RegistrationSettings(true, Duration.ofMillis(100), "labels").withNodeName(node);
    }

    private static Node node(String name) {
        return client.nodes().withName(name).get();
    }

    private static List<RecordedRequest> drainRequests() throws InterruptedException {
        List<RecordedRequest> requests = new ArrayList<>();
        RecordedRequest r;
        while ((r = server.takeRequest(10, TimeUnit.MILLISECONDS)) != null) {
            requests.add(r);
        }
        return requests;
    }

    private static Map<String, String> labels(String... keysAndValues) {
        Map<String, String> m = new TreeMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    private static final Map<String, String> L40S = labels(NodeLabels.GPU_VENDOR, "nvidia",
            NodeLabels.GPU_MODEL, "NVIDIA-L40S", NodeLabels.GPU_MODE, "passthrough", NodeLabels.GPU_COUNT, "1",
            NodeLabels.GPU_MEMORY, "49152", NodeLabels.BACKENDS, "opencl.wasm");
    private static final Map<String, String> NO_GPU = labels(NodeLabels.GPU_VENDOR, "none",
            NodeLabels.GPU_MODE, "none", NodeLabels.GPU_COUNT, "0", NodeLabels.BACKENDS, "opencl.wasm");

    @Test
    void labelsAndTheDocumentAppearOnTheWorkersOwnNodeAndNowhereElse() throws InterruptedException {
        NodeCapabilities doc = registration().refresh();

        Node own = node(NODE);
        assertEquals(L40S, managedLabels(own));
        assertEquals(NODE, own.getMetadata().getLabels().get("kubernetes.io/hostname"), "foreign labels stay");
        JsonNode published = annotation(own);
        assertEquals(NodeCapabilities.SCHEMA, published.get("schema").asText());
        assertEquals("ahv-east-gpu01", published.at("/nutanix/host/name").asText());
        assertEquals("pe-gpu-east", published.at("/nutanix/cluster/name").asText());
        assertEquals("nke-prod-gpu-worker-0", published.at("/nutanix/vm/name").asText());
        assertEquals("vm", published.at("/nutanix/resolvedVia").asText());
        assertEquals(version.label(), published.at("/nutanix/apiVersion").asText(), "which Prism API answered");
        assertEquals(version.label(), doc.nutanix().apiVersion());
        assertEquals("550.90.07", published.at("/nutanix/gpuDriverVersion").asText());
        // the host's four L40S: this VM's, worker-1's, two free
        assertEquals(4, published.at("/nutanix/hostGpus/total").asInt());
        assertEquals(2, published.at("/nutanix/hostGpus/free").asInt());
        assertEquals(1, published.at("/nutanix/hostGpus/assignedToThisVm").asInt());
        assertEquals(1, published.at("/nutanix/hostGpus/assignedToOthers").asInt());
        assertEquals("ok", published.at("/sources/prism/state").asText());
        assertFalse(published.get("stale").asBoolean());
        assertEquals(doc.nutanix().host().uuid(), published.at("/nutanix/host/uuid").asText());

        Node other = node(OTHER);
        assertEquals(OTHER_LABELS, other.getMetadata().getLabels(), "another node's labels are never touched");
        assertTrue(other.getMetadata().getAnnotations() == null
                || !other.getMetadata().getAnnotations().containsKey(NodeLabels.CAPABILITIES_ANNOTATION));
        List<RecordedRequest> writes = drainRequests().stream().filter(r -> !r.getMethod().equals("GET")).toList();
        assertEquals(1, writes.size(), writes.toString());
        assertEquals("PATCH", writes.get(0).getMethod());
        assertEquals("/api/v1/nodes/" + NODE, writes.get(0).getPath());
        assertEquals("application/merge-patch+json", writes.get(0).getHeader("Content-Type").replaceAll(";.*", ""));
    }

    @Test
    void anUnchangedNodeIsNotPatchedAgainButAHandEditedLabelIsRestored() throws InterruptedException {
        SelfRegistration r = registration();
        r.refresh();
        drainRequests();
        r.refresh();
        assertTrue(drainRequests().stream().allMatch(q -> q.getMethod().equals("GET")), "nothing changed, nothing written");

        client.nodes().withName(NODE).edit(n -> {
            n.getMetadata().getLabels().put(NodeLabels.GPU_MODE, "vgpu");
            return n;
        });
        r.refresh();
        assertEquals(L40S, managedLabels(node(NODE)));
    }

    @Test
    void aVmMovedToAnotherHostUpdatesTheLabels() {
        SelfRegistration r = registration();
        r.refresh();
        String vm = fx.vm("nke-prod-gpu-worker-0").uuid();

        // HA restart onto the H100 host: no L40S there, so the VM comes up without a GPU...
        fx.sim.moveVm(vm, fx.host("ahv-west-h100-01").uuid());
        NodeCapabilities moved = r.refresh();
        assertEquals("ahv-west-h100-01", moved.nutanix().host().name());
        assertEquals(NO_GPU, managedLabels(node(NODE)));
        assertEquals("ahv-west-h100-01", annotation(node(NODE)).at("/nutanix/host/name").asText());
        assertEquals("pe-gpu-west", annotation(node(NODE)).at("/nutanix/cluster/name").asText());

        // ...until the operator gives it one of the host's H100s
        fx.sim.assignGpu(fx.host("ahv-west-h100-01").uuid(), fx.freeGpu("ahv-west-h100-01"), vm);
        r.refresh();
        assertEquals(labels(NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "NVIDIA-H100-80GB-HBM3",
                NodeLabels.GPU_MODE, "passthrough", NodeLabels.GPU_COUNT, "1", NodeLabels.GPU_MEMORY, "81920",
                NodeLabels.BACKENDS, "opencl.wasm"), managedLabels(node(NODE)));
        assertEquals(Map.of("team", "ml", NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "hand-set"),
                node(OTHER).getMetadata().getLabels());
    }

    @Test
    void aVmMovedToAHostWithTheSameGpuKeepsItsLabelsAndReportsTheNewHost() {
        SelfRegistration r = registration();
        r.refresh();
        String cpuHost = fx.host("ahv-east-cpu01").uuid();
        fx.sim.addGpu(cpuHost, SimulatedGpu.passthrough(GpuCatalog.byName("NVIDIA L40S").orElseThrow(),
                "0000:41:00.0", 0));
        fx.sim.moveVm(fx.vm("nke-prod-gpu-worker-0").uuid(), cpuHost);

        NodeCapabilities doc = r.refresh();
        assertEquals(L40S, managedLabels(node(NODE)));
        assertEquals("ahv-east-cpu01", doc.nutanix().host().name());
        assertEquals("ahv-east-cpu01", annotation(node(NODE)).at("/nutanix/host/name").asText());
        assertEquals(1, doc.nutanix().hostGpus().assignedToThisVm());
    }

    @Test
    void aPrismOutageKeepsTheLastKnownLabelsMarksThemStaleAndRecovers() {
        SelfRegistration r = registration();
        r.refresh();
        fx.sim.faults().failNext(1_000, 503);

        NodeCapabilities stale = r.refresh();
        assertTrue(stale.stale());
        assertEquals(SourceStatus.State.FAILING, stale.sources().get("prism").state());
        assertTrue(stale.sources().get("prism").lastError().contains("503"), stale.sources().get("prism").lastError());
        assertEquals(1, stale.sources().get("prism").consecutiveFailures());
        assertEquals("ahv-east-gpu01", stale.nutanix().host().name(), "the last known placement is kept");
        assertEquals(L40S, managedLabels(node(NODE)), "labels are not withdrawn because Prism is away");
        assertTrue(annotation(node(NODE)).get("stale").asBoolean(), "the node says its data is stale");
        assertEquals(1.0, metrics.get("cudawasm.registration.stale").gauge().value());
        assertEquals(0.0, metrics.get("cudawasm.registration.up").tag("source", "prism").gauge().value());
        assertEquals(1.0, metrics.get("cudawasm.registration.up").tag("source", "kubernetes").gauge().value());
        assertEquals(1.0, metrics.get("cudawasm.registration.failures").tag("source", "prism").counter().count());

        fx.sim.faults().clear();
        NodeCapabilities fresh = r.refresh();
        assertFalse(fresh.stale());
        assertEquals(SourceStatus.State.OK, fresh.sources().get("prism").state());
        assertFalse(annotation(node(NODE)).get("stale").asBoolean());
        assertEquals(0.0, metrics.get("cudawasm.registration.stale").gauge().value());
    }

    @Test
    void aRemovedGpuClearsItsLabels() throws Exception {
        SelfRegistration r = registration();
        r.refresh();
        String vm = fx.vm("nke-prod-gpu-worker-0").uuid();
        fx.sim.removeGpu(fx.host("ahv-east-gpu01").uuid(), fx.gpuOf("ahv-east-gpu01", vm));

        NodeCapabilities doc = r.refresh();
        assertEquals(0, doc.gpus().count());
        Map<String, String> labels = managedLabels(node(NODE));
        assertEquals(NO_GPU, labels);
        assertFalse(labels.containsKey(NodeLabels.GPU_MODEL));
        assertFalse(labels.containsKey(NodeLabels.GPU_MEMORY));
        // what goes over the wire: every managed label, the removed ones as explicit nulls, nothing else
        JsonNode sent = new com.fasterxml.jackson.databind.ObjectMapper().readTree(
                NodeLabelPublisher.mergePatch(doc.labels(), "{}")).get("metadata");
        assertTrue(sent.get("labels").get(NodeLabels.GPU_MODEL).isNull());
        assertTrue(sent.get("labels").get(NodeLabels.GPU_MEMORY).isNull());
        assertEquals("none", sent.get("labels").get(NodeLabels.GPU_MODE).asText());
        assertEquals(CapabilityLabels.MANAGED.size(), sent.get("labels").size(), "only managed keys");
        assertEquals(1, sent.get("annotations").size());
        assertEquals(0.0, metrics.get("cudawasm.node.gpus").gauge().value());
    }

    @Test
    void aVgpuWorkerIsLabelledWithItsProfile() {
        fx.createNode(client, "nke-infer-vgpu-worker-0", "nke-infer-vgpu-worker-0", Map.of());
        registration("nke-infer-vgpu-worker-0", new NodeLabelPublisher(client), LocalView.of(List.of("wasm"), List.of()))
                .refresh();
        assertEquals(labels(NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "NVIDIA-A40-12C",
                NodeLabels.GPU_MODE, "vgpu", NodeLabels.GPU_COUNT, "1", NodeLabels.GPU_MEMORY, "12288",
                NodeLabels.BACKENDS, "wasm"), managedLabels(node("nke-infer-vgpu-worker-0")));
    }

    @Test
    void aNodeFeatureObjectInsteadOfNodeLabels() throws InterruptedException {
        registration(NODE, new NodeFeaturePublisher(client, "cuda-wasm"), LocalView.of(List.of("wasm"), List.of()))
                .refresh();
        GenericKubernetesResource feature = client.genericKubernetesResources(NodeFeaturePublisher.NODE_FEATURE)
                .inNamespace("cuda-wasm").withName(NodeFeaturePublisher.objectName(NODE)).get();
        assertEquals(NODE, feature.getMetadata().getLabels().get(NodeFeaturePublisher.NODE_NAME_LABEL));
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) feature.getAdditionalProperties().get("spec");
        assertEquals(Map.of(NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "NVIDIA-L40S",
                NodeLabels.GPU_MODE, "passthrough", NodeLabels.GPU_COUNT, "1", NodeLabels.GPU_MEMORY, "49152",
                NodeLabels.BACKENDS, "wasm"), spec.get("labels"));
        assertTrue(feature.getMetadata().getAnnotations().get(NodeLabels.CAPABILITIES_ANNOTATION).contains("ahv-east-gpu01"));
        assertEquals(Map.of(), managedLabels(node(NODE)), "in NodeFeature mode nodes are only read");
        assertTrue(drainRequests().stream().noneMatch(q -> q.getPath().startsWith("/api/v1/nodes")
                && !q.getMethod().equals("GET")));
    }

    @Test
    void theCloudControllersHostLabelLocatesANodeWhoseVmPrismDoesNotKnow() {
        String host = fx.host("ahv-west-t4-01").uuid();
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder()
                .withNewMetadata().withName("imported-node").addToLabels(NodeIdentity.CCM_HOST_UUID_LABEL, host)
                .endMetadata().withNewStatus().withNewNodeInfo().withSystemUUID("00000000-0000-0000-0000-00000000beef")
                .endNodeInfo().endStatus().build()).create();
        LocalView local = LocalView.of(List.of("cuda", "wasm"),
                List.of(new LocalGpu("cuda", "nvidia", "Tesla T4", 15_360, "12.4")));
        NodeCapabilities doc = registration("imported-node", new NodeLabelPublisher(client), local).refresh();
        assertEquals("ccm-label", doc.nutanix().resolvedVia());
        assertEquals("ahv-west-t4-01", doc.nutanix().host().name());
        assertNull(doc.nutanix().vm());
        // which GPUs are this VM's is unknown to Prism here: the local view speaks, without a mode
        assertEquals(labels(NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "Tesla-T4",
                NodeLabels.GPU_COUNT, "1", NodeLabels.GPU_MEMORY, "15360", NodeLabels.BACKENDS, "cuda.wasm"),
                managedLabels(node("imported-node")));
    }

    @Test
    void withoutPrismOrKubernetesTheLocalViewIsTheDocument() {
        SelfRegistration r = SelfRegistration.builder(new RegistrationSettings(true, Duration.ofSeconds(60), "labels"),
                metrics).localView(() -> LocalView.of(List.of("cuda", "wasm"),
                List.of(new LocalGpu("cuda", "nvidia", "NVIDIA H200", 143_771, "13.0")))).build();
        started.add(r);
        NodeCapabilities doc = r.refresh();
        assertNull(doc.node());
        assertNull(doc.nutanix());
        assertFalse(doc.stale());
        assertEquals(SourceStatus.State.UNCONFIGURED, doc.sources().get("prism").state());
        assertEquals(SourceStatus.State.UNCONFIGURED, doc.sources().get("kubernetes").state());
        assertEquals("local", doc.gpus().source());
        assertEquals(labels(NodeLabels.GPU_VENDOR, "nvidia", NodeLabels.GPU_MODEL, "NVIDIA-H200",
                NodeLabels.GPU_COUNT, "1", NodeLabels.GPU_MEMORY, "143771", NodeLabels.BACKENDS, "cuda.wasm"),
                new TreeMap<>(doc.labels()));
    }
}
