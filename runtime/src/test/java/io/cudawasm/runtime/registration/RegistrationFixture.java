package io.cudawasm.runtime.registration;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.NodeLabels;
import io.cudawasm.nutanix.prism.ApiVersionChoice;
import io.cudawasm.nutanix.prism.NutanixClient;
import io.cudawasm.nutanix.prism.NutanixConfig;
import io.cudawasm.nutanix.prism.RetryPolicy;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.sim.PrismSimulator;
import io.cudawasm.nutanix.prism.sim.SelfSignedCertificate;
import io.cudawasm.nutanix.prism.sim.SimulatedEstate;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A Prism simulator over HTTPS on the bundled estate (serving v3 and v4), a client of the chosen API, and
 * helpers for nodes in a mock API server.
 */
public final class RegistrationFixture implements AutoCloseable {
    static final String API_KEY = "reg-test-key";
    static final SelfSignedCertificate CERT = SelfSignedCertificate.forLocalhost();
    private static final ObjectMapper JSON = new ObjectMapper();

    public final PrismSimulator sim;
    public final NutanixClient prism;
    private final ApiVersionChoice apiVersion;

    /** A client left to choose ({@code auto}), as a worker without {@code NUTANIX_API_VERSION} is. */
    public RegistrationFixture() {
        this(ApiVersionChoice.AUTO);
    }

    public RegistrationFixture(ApiVersionChoice apiVersion) {
        this.apiVersion = apiVersion;
        try {
            sim = PrismSimulator.builder(SimulatedEstate.bundled()).https(CERT.serverContext()).apiKey(API_KEY).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        prism = NutanixClient.builder(config()).sleeper(d -> { }).build();
    }

    /** Real TLS against the simulator's certificate; two quick attempts so outages show at once. */
    public NutanixConfig config() {
        return NutanixConfig.builder().baseUrl(sim.baseUrl()).apiKey(API_KEY).caBundlePem(CERT.certificatePem())
                .retryPolicy(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(2)))
                .connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).apiVersion(apiVersion).build();
    }

    public PrismVm vm(String name) {
        return prism.listVms().stream().filter(v -> v.name().equals(name)).findFirst().orElseThrow();
    }

    public PrismHost host(String name) {
        return prism.listHosts().stream().filter(h -> h.name().equals(name)).findFirst().orElseThrow();
    }

    String gpuOf(String hostName, String vmUuid) {
        return host(hostName).gpus().stream()
                .filter(g -> g.consumer().map(c -> c.uuid().equals(vmUuid)).orElse(false))
                .map(HostGpu::uuid).findFirst().orElseThrow();
    }

    String freeGpu(String hostName) {
        return host(hostName).gpus().stream().filter(HostGpu::isAvailable).map(HostGpu::uuid).findFirst().orElseThrow();
    }

    /** A node whose VM is {@code vmName}: the system UUID in upper case, as some hypervisors report it. */
    public Node createNode(KubernetesClient client, String nodeName, String vmName, Map<String, String> labels) {
        return client.nodes().resource(new NodeBuilder()
                .withNewMetadata().withName(nodeName).addToLabels(labels).endMetadata()
                .withNewStatus().withNewNodeInfo().withSystemUUID(vm(vmName).uuid().toUpperCase(Locale.ROOT))
                .endNodeInfo().endStatus()
                .build()).create();
    }

    /**
     * The node's {@code cuda-wasm.io/} labels. A label the merge patch set to null counts as removed: the
     * API server deletes it (RFC 7386), while the mock server applies merge patches with Jackson's
     * readerForUpdating and keeps the key with a null value. Tests check the patch itself carries the null.
     */
    static Map<String, String> managedLabels(Node node) {
        Map<String, String> labels = node.getMetadata().getLabels() == null ? Map.of() : node.getMetadata().getLabels();
        Map<String, String> managed = new java.util.TreeMap<>();
        labels.forEach((k, v) -> {
            if (k.startsWith(NodeLabels.PREFIX) && v != null) {
                managed.put(k, v);
            }
        });
        return managed;
    }

    static JsonNode annotation(Node node) {
        try {
            return JSON.readTree(node.getMetadata().getAnnotations().get(NodeLabels.CAPABILITIES_ANNOTATION));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        sim.close();
    }
}
