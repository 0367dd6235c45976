package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyIngressRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * What a fleet (more than one pod) needs in its manifests: peer discovery settings, a headless
 * Service that keeps draining pods reachable, the pod's IP for DNS discovery, RBAC for EndpointSlice
 * discovery, a NetworkPolicy on the API port, and optionally a PodMonitor.
 */
class FleetManifestsTest {
    private static final String HEADLESS = "cuda-wasm-worker-headless";

    private static Map<String, EnvVar> env(DeploymentConfig c) {
        return Configs.podSpec(c).getContainers().get(0).getEnv().stream()
                .collect(Collectors.toMap(EnvVar::getName, Function.identity()));
    }

    @Test
    void aStatefulSetFleetFindsItsPeersThroughTheHeadlessServicesDns() {
        DeploymentConfig c = Configs.nvidia().hpa(1, 8, 70).build();
        DeploymentGenerator g = new DeploymentGenerator(c);
        Map<String, String> data = g.configMap().getData();
        assertEquals("dns", data.get(WorkerEnvironment.PEER_DISCOVERY));
        assertEquals(HEADLESS, data.get(WorkerEnvironment.PEER_SERVICE));
        assertEquals("15", data.get(WorkerEnvironment.DRAIN_LINGER_SECONDS));

        Service headless = g.headlessService().orElseThrow();
        assertEquals("None", headless.getSpec().getClusterIP());
        assertTrue(headless.getSpec().getPublishNotReadyAddresses(), "a draining pod stays reachable for its jobs");

        Map<String, EnvVar> env = env(c);
        assertEquals("status.podIP", env.get("POD_IP").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.name", env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertTrue(env.get("JAVA_TOOL_OPTIONS").getValue().contains("-Dsun.net.inetaddr.ttl=5"));
        assertTrue(Configs.all(g.generate(), Role.class).isEmpty(), "DNS discovery needs no API access");

        // Shutdown grace (30 s) + linger + response drain fit in the pod's termination grace period.
        long terminationGrace = Configs.podSpec(c).getTerminationGracePeriodSeconds();
        assertTrue(30 + DeploymentGenerator.DRAIN_LINGER_SECONDS + 2 < terminationGrace, "" + terminationGrace);
    }

    @Test
    void aSharedCacheDeploymentFleetReadsEndpointSlicesWithItsOwnRole() {
        DeploymentConfig c = Configs.nvidia().storageClass(NutanixStorageClasses.DYNAMIC_FILE).replicas(3).build();
        DeploymentGenerator g = new DeploymentGenerator(c);
        assertEquals(WorkloadKind.DEPLOYMENT_SHARED_CLAIM, g.workloadDecision().kind());
        assertEquals("endpointslices", g.configMap().getData().get(WorkerEnvironment.PEER_DISCOVERY));
        assertTrue(g.headlessService().isPresent(), "the slices belong to the headless Service");
        Role role = Configs.only(g.generate(), Role.class);
        assertEquals("cuda-wasm-worker-peers", role.getMetadata().getName());
        assertEquals(List.of("discovery.k8s.io"), role.getRules().get(0).getApiGroups());
        assertEquals(List.of("endpointslices"), role.getRules().get(0).getResources());
        assertEquals(List.of("get", "list"), role.getRules().get(0).getVerbs());
        assertFalse(env(c).containsKey("POD_IP"));
    }

    @Test
    void aSinglePodHasNoFleetObjects() {
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().replicas(1).build());
        assertFalse(g.configMap().getData().containsKey(WorkerEnvironment.PEER_DISCOVERY));
        assertTrue(g.headlessService().isEmpty());
        assertTrue(g.peerDiscovery().isEmpty());
        NetworkPolicy np = g.networkPolicy().orElseThrow();
        assertEquals(1, np.getSpec().getIngress().size(), "clients only: there are no peers");
        assertTrue(np.getSpec().getEgress().stream().noneMatch(e -> e.getTo().stream().anyMatch(t -> t.getPodSelector() != null)),
                "no egress to peers");
    }

    @Test
    void theNetworkPolicyOpensTheApiPortOnlyToPeersAndClients() {
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().replicas(3)
                .apiClientNamespace("cuda-wasm.io/client", "true").build());
        NetworkPolicy np = g.networkPolicy().orElseThrow();
        assertEquals(g.selectorLabels(), np.getSpec().getPodSelector().getMatchLabels());
        assertEquals(List.of("Ingress", "Egress"), np.getSpec().getPolicyTypes());
        List<NetworkPolicyIngressRule> rules = np.getSpec().getIngress();
        assertEquals(2, rules.size());
        for (NetworkPolicyIngressRule rule : rules) {
            assertEquals(1, rule.getPorts().size());
            assertEquals("http", rule.getPorts().get(0).getPort().getStrVal(), "the API port only");
            assertEquals("TCP", rule.getPorts().get(0).getProtocol());
        }
        assertEquals(g.selectorLabels(), rules.get(0).getFrom().get(0).getPodSelector().getMatchLabels(),
                "worker to worker");
        assertNull(rules.get(0).getFrom().get(0).getNamespaceSelector());
        assertEquals(Map.of("cuda-wasm.io/client", "true"), rules.get(1).getFrom().get(0).getNamespaceSelector()
                .getMatchLabels());

        assertTrue(new DeploymentGenerator(Configs.nvidia().replicas(3).networkPolicy(false).build())
                .networkPolicy().isEmpty());
    }

    private static List<String> egress(NetworkPolicy np) {
        return np.getSpec().getEgress().stream().map(e -> e.getTo().stream()
                        .map(t -> t.getIpBlock() != null ? t.getIpBlock().getCidr() : t.getPodSelector() != null ? "peers" : "?")
                        .toList() + " " + e.getPorts().stream().map(p -> p.getProtocol() + "/" + (p.getPort().getIntVal() != null
                                ? p.getPort().getIntVal().toString() : p.getPort().getStrVal())).toList())
                .toList();
    }

    @Test
    void egressReachesOnlyDnsPeersTheKubernetesApiAndPrism() {
        DeploymentGenerator fleet = new DeploymentGenerator(Configs.nvidia().replicas(3).build());
        assertEquals(List.of("[] [UDP/53, TCP/53]", "[peers] [TCP/http]", "[] [TCP/443, TCP/6443]", "[] [TCP/9440]"),
                egress(fleet.networkPolicy().orElseThrow()), "by port, to any address unless CIDRs are given");

        DeploymentGenerator narrowed = new DeploymentGenerator(Configs.nvidia().replicas(3).kubeApiCidr("10.96.0.1/32")
                .kubeApiCidr("192.168.5.10/32").prismCidr("10.0.0.40/32").prismUrl("https://pc.example.com:9441").build());
        assertEquals(List.of("[] [UDP/53, TCP/53]", "[peers] [TCP/http]", "[10.96.0.1/32, 192.168.5.10/32] [TCP/443, TCP/6443]",
                "[10.0.0.40/32] [TCP/9441]"), egress(narrowed.networkPolicy().orElseThrow()), "the Prism port follows --prism-url");

        DeploymentGenerator isolated = new DeploymentGenerator(Configs.nvidia().replicas(1).selfRegister(false).noPrismSecret().build());
        assertEquals(List.of("[] [UDP/53, TCP/53]"), egress(isolated.networkPolicy().orElseThrow()),
                "no API access, no Prism: DNS only");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> Configs.nvidia().prismCidr("10.0.0.300/32").build());
    }

    @Test
    void aPodMonitorScrapesEveryReplicaWhenAskedFor() {
        DeploymentConfig c = Configs.nvidia().hpa(1, 8, 70).podMonitor(true).build();
        DeploymentGenerator g = new DeploymentGenerator(c);
        List<HasMetadata> objects = Manifests.parse(g.generateAll());
        GenericKubernetesResource monitor = Configs.only(objects, GenericKubernetesResource.class);
        assertEquals("monitoring.coreos.com/v1", monitor.getApiVersion());
        assertEquals("PodMonitor", monitor.getKind());
        assertEquals("cuda-wasm", monitor.getMetadata().getNamespace());
        @SuppressWarnings("unchecked")
        Map<String, Object> spec = (Map<String, Object>) monitor.getAdditionalProperties().get("spec");
        assertEquals(Map.of("matchLabels", g.selectorLabels()), spec.get("selector"));
        assertEquals(List.of(Map.of("port", "http", "path", "/metrics", "interval", "30s")), spec.get("podMetricsEndpoints"));
        assertTrue(new DeploymentGenerator(Configs.nvidia().hpa(1, 8, 70).build()).podMonitor().isEmpty(),
                "optional: the Prometheus Operator may not be installed");
    }

    @Test
    void customHpaMetricsMustBeGaugesTheWorkerExports() {
        HpaConfig h = new DeploymentGenerator(Configs.nvidia().hpa(1, 8, 70).hpaPodsMetric("cudawasm_jobs_queued", "5")
                .build()).config().hpa().orElseThrow();
        assertEquals("cudawasm_jobs_queued", h.podsMetrics().get(0).name());
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> PodsMetricTarget.parse("cudawasm_jobs_pending=5"));
        assertTrue(e.getMessage().contains("cudawasm_jobs_queued"), e.getMessage());
        assertEquals("DCGM_FI_DEV_GPU_UTIL", PodsMetricTarget.parse("DCGM_FI_DEV_GPU_UTIL=80").name(),
                "other exporters' metrics are not checked");
    }
}
