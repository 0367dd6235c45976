package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Applies generated manifests to Fabric8's mock API server in CRUD mode. */
@EnableKubernetesMockClient(crud = true, https = false)
class MockApiServerTest {
    static KubernetesClient client;
    static KubernetesMockServer server;

    private static Map<String, String> resourceVersions(List<HasMetadata> objects) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (HasMetadata o : objects) {
            HasMetadata live = client.resource(o).get();
            assertNotNull(live, o.getKind() + "/" + o.getMetadata().getName() + " missing");
            versions.put(o.getKind() + "/" + o.getMetadata().getName(), live.getMetadata().getResourceVersion());
        }
        return versions;
    }

    private static int countInCluster(String namespace) {
        return client.configMaps().inNamespace(namespace).list().getItems().size()
                + client.serviceAccounts().inNamespace(namespace).list().getItems().size()
                + client.services().inNamespace(namespace).list().getItems().size()
                + client.persistentVolumeClaims().inNamespace(namespace).list().getItems().size()
                + client.apps().statefulSets().inNamespace(namespace).list().getItems().size()
                + client.apps().deployments().inNamespace(namespace).list().getItems().size()
                + client.autoscaling().v2().horizontalPodAutoscalers().inNamespace(namespace).list().getItems().size()
                + client.policy().v1().podDisruptionBudget().inNamespace(namespace).list().getItems().size()
                + client.rbac().roles().inNamespace(namespace).list().getItems().size()
                + client.rbac().roleBindings().inNamespace(namespace).list().getItems().size()
                + client.network().v1().networkPolicies().inNamespace(namespace).list().getItems().size();
    }

    @ParameterizedTest
    @ValueSource(strings = {"nvidia-hpa", "nvidia-vgpu-required", "amd-single", "intel-xe-rwx", "cpu-nodefeature",
        "nvidia-no-api-access", "intel-passthrough-required", "cpu-shared-cache"}) // amd-fleet-monitored: PodMonitor needs its CRD
    void appliesEverythingThenReapplyingChangesNothing(String variant) {
        String namespace = "ns-" + variant;
        DeploymentConfig config = Configs.variety().get(variant).toBuilder().namespace(namespace).build();
        List<HasMetadata> objects = new DeploymentGenerator(config).generate();
        ManifestApplier applier = new ManifestApplier(client);

        List<AppliedObject> first = applier.apply(objects, false, r -> { });
        assertEquals(objects.size(), first.size());
        first.forEach(r -> assertEquals(ApplyAction.CREATED, r.action(), r.describe()));
        for (HasMetadata o : objects) {
            HasMetadata live = client.resource(o).get();
            assertNotNull(live, o.getKind() + " was not created");
            assertTrue(DesiredState.isSatisfiedBy(o, live), o.getKind() + " stored differently");
        }
        Map<String, String> versions = resourceVersions(objects);
        int namespaced = countInCluster(namespace);
        assertEquals(objects.stream().filter(o -> o.getMetadata().getNamespace() != null).count(), namespaced);

        List<AppliedObject> second = applier.apply(new DeploymentGenerator(config).generate(), false, r -> { });
        second.forEach(r -> assertEquals(ApplyAction.UNCHANGED, r.action(), r.describe()));
        assertEquals(versions, resourceVersions(objects), "re-applying must not write");
        assertEquals(namespaced, countInCluster(namespace), "re-applying must not duplicate");
    }

    @Test
    void changedConfigurationUpdatesOnlyWhatChanged() {
        DeploymentConfig config = Configs.nvidia().namespace("ns-update").hpa(1, 8, 70).build();
        ManifestApplier applier = new ManifestApplier(client);
        List<HasMetadata> objects = new DeploymentGenerator(config).generate();
        applier.apply(objects, false, r -> { });
        Map<String, String> before = resourceVersions(objects);

        // the HPA has scaled the StatefulSet meanwhile; a new image must not reset that
        client.apps().statefulSets().inNamespace("ns-update").withName("cuda-wasm-worker")
                .edit(s -> { s.getSpec().setReplicas(5); return s; });

        DeploymentConfig newImage = config.toBuilder().image("cuda-wasm:next").build();
        List<AppliedObject> dry = applier.apply(new DeploymentGenerator(newImage).generate(), true, r -> { });
        assertEquals(List.of("StatefulSet"), dry.stream().filter(r -> r.action() == ApplyAction.WOULD_UPDATE)
                .map(AppliedObject::kind).toList());
        assertEquals("cuda-wasm:test", liveStatefulSet().getSpec().getTemplate().getSpec().getContainers().get(0).getImage(),
                "a dry run writes nothing");

        List<AppliedObject> results = applier.apply(new DeploymentGenerator(newImage).generate(), false, r -> { });
        List<String> updated = new ArrayList<>();
        results.stream().filter(r -> r.action() == ApplyAction.UPDATED).forEach(r -> updated.add(r.kind()));
        assertEquals(List.of("StatefulSet"), updated);
        StatefulSet live = liveStatefulSet();
        assertEquals("cuda-wasm:next", live.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
        assertEquals(5, live.getSpec().getReplicas(), "the HPA's replica count survives an update");
        Map<String, String> after = resourceVersions(objects);
        before.forEach((k, v) -> {
            if (k.startsWith("StatefulSet/")) {
                assertNotEquals(v, after.get(k));
            } else {
                assertEquals(v, after.get(k), k + " was rewritten");
            }
        });
    }

    private static StatefulSet liveStatefulSet() {
        return client.apps().statefulSets().inNamespace("ns-update").withName("cuda-wasm-worker").get();
    }

    @Test
    void benchmarkJobIsAccepted() {
        BenchmarkJobConfig b = BenchmarkJobConfig.builder("bench", "cuda-wasm:test").namespace("ns-bench").build();
        List<AppliedObject> results = new ManifestApplier(client).apply(DeploymentGenerator.benchmarkObjects(b), false, r -> { });
        assertEquals(List.of(ApplyAction.CREATED, ApplyAction.CREATED, ApplyAction.CREATED, ApplyAction.CREATED, ApplyAction.CREATED),
                results.stream().map(AppliedObject::action).toList());
        assertNotNull(client.serviceAccounts().inNamespace("ns-bench").withName("bench").get());
        assertNotNull(client.network().v1().networkPolicies().inNamespace("ns-bench").withName("bench").get());
        assertNotNull(client.batch().v1().jobs().inNamespace("ns-bench").withName("bench").get());
        assertNotNull(client.persistentVolumeClaims().inNamespace("ns-bench").withName("bench-results").get());
    }
}
