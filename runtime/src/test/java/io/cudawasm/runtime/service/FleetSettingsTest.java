package io.cudawasm.runtime.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.service.config.FleetSettings;
import io.cudawasm.runtime.service.config.PeerDiscoveryMode;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fleet's variables: defaults, each discovery mode, tokens, and errors that name the variable. */
class FleetSettingsTest {
    @TempDir
    Path dir;

    private static FleetSettings fleet(Map<String, String> env) {
        return WorkerConfig.fromEnvironment(env).build().fleet();
    }

    @Test
    void aSingleWorkerByDefault() {
        FleetSettings f = fleet(Map.of("HOSTNAME", "Edge-Box.lan"));
        assertEquals(PeerDiscoveryMode.OFF, f.discovery());
        assertEquals("Edge-Box.lan", f.replicaName(), "sanitized when the identity is made");
        assertEquals(Duration.ZERO, f.drainLinger());
    }

    @Test
    void aPeerListMeansStaticDiscovery() {
        FleetSettings f = fleet(Map.of("CUDA_WASM_PEERS", "10.0.0.1:8080, 10.0.0.2:8080", "POD_NAME", "w-1"));
        assertEquals(PeerDiscoveryMode.STATIC, f.discovery());
        assertEquals(List.of("10.0.0.1:8080", "10.0.0.2:8080"), f.staticPeers());
        assertEquals("w-1", f.replicaName());
        assertEquals(FleetSettings.DEFAULT_DRAIN_LINGER, f.drainLinger());
        assertNull(f.peerToken(), "the API token is used between replicas");
    }

    @Test
    void kubernetesModesReadTheGeneratedVariables() throws Exception {
        Path token = Files.writeString(dir.resolve("peer"), "peer-secret\n");
        FleetSettings f = fleet(Map.of("CUDA_WASM_PEER_DISCOVERY", "dns", "CUDA_WASM_PEER_SERVICE", "w-headless",
                "POD_NAMESPACE", "gpu", "POD_NAME", "w-0", "POD_IP", "10.1.2.3", "CUDA_WASM_REPLICA_NAME", "override",
                "CUDA_WASM_PEER_TOKEN_FILE", token.toString(), "CUDA_WASM_DRAIN_LINGER_SECONDS", "7.5",
                "CUDA_WASM_PEER_TIMEOUT_SECONDS", "3"));
        assertEquals(PeerDiscoveryMode.DNS, f.discovery());
        assertEquals("w-headless", f.peerService());
        assertEquals("gpu", f.namespace());
        assertEquals("override", f.replicaName());
        assertEquals("10.1.2.3", f.podIp());
        assertEquals("peer-secret", f.peerToken());
        assertEquals(Duration.ofMillis(7500), f.drainLinger());
        assertEquals(Duration.ofSeconds(3), f.peerTimeout());
        assertTrue(!f.toString().contains("peer-secret"), "the token is never printed");
    }

    @Test
    void theGaugesTheGeneratorOffersForHpaMetricsAreExported(@TempDir Path cache) {
        try (TestWorker w = TestWorker.start(cache)) {
            String metrics = w.get("/metrics").text();
            for (String gauge : io.cudawasm.nutanix.deploy.WorkerEnvironment.PER_POD_GAUGES) {
                assertTrue(metrics.contains("# TYPE " + gauge + " gauge"), gauge + " in\n" + metrics);
            }
        }
    }

    @Test
    void badValuesNameTheVariable() {
        assertMessage("CUDA_WASM_PEER_DISCOVERY", Map.of("CUDA_WASM_PEER_DISCOVERY", "gossip"));
        assertMessage("CUDA_WASM_PEER_SERVICE", Map.of("CUDA_WASM_PEER_DISCOVERY", "endpointslices"));
        assertMessage("CUDA_WASM_PEERS", Map.of("CUDA_WASM_PEER_DISCOVERY", "static"));
        assertMessage("CUDA_WASM_PEERS", Map.of("CUDA_WASM_PEERS", "10.0.0.1"));
        assertMessage("CUDA_WASM_PEERS", Map.of("CUDA_WASM_PEERS", "http://10.0.0.1:80/x"));
        assertMessage("CUDA_WASM_PEER_TIMEOUT_SECONDS", Map.of("CUDA_WASM_PEERS", "a:1", "CUDA_WASM_PEER_TIMEOUT_SECONDS", "0"));
    }

    private static void assertMessage(String variable, Map<String, String> env) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> fleet(env));
        assertTrue(e.getMessage().contains(variable), e.getMessage());
    }
}
