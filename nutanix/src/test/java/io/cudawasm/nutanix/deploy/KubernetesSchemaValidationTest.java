package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** Generated manifests validate against the Kubernetes 1.31 API schema; malformed ones do not. */
class KubernetesSchemaValidationTest {
    private static final KubernetesSchema SCHEMA = new KubernetesSchema();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    static Stream<Arguments> manifests() throws IOException {
        List<Arguments> sets = new ArrayList<>();
        Configs.variety().forEach((label, config) -> sets.add(Arguments.of(label, new DeploymentGenerator(config).generate())));
        sets.add(Arguments.of("benchmark", DeploymentGenerator.benchmarkObjects(BenchmarkJobConfig.builder("bench", "img").build())));
        Configs.benchmarks().forEach((label, objects) -> sets.add(Arguments.of(label, objects)));
        Path k8s = RepositoryRoot.find().resolve("k8s");
        for (String file : GenerateCommittedManifests.manifests().keySet()) {
            sets.add(Arguments.of("k8s/" + file, Manifests.parse(Files.readString(k8s.resolve(file)))));
        }
        return sets.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("manifests")
    void everyDocumentValidates(String label, List<HasMetadata> objects) {
        assertFalse(objects.isEmpty());
        for (HasMetadata o : objects) {
            if (o.getApiVersion().startsWith("monitoring.coreos.com/")) {
                continue; // the Prometheus Operator's PodMonitor is a custom resource, outside the Kubernetes schema
            }
            List<String> errors = SCHEMA.validate(Manifests.serialization().asJson(o));
            assertEquals(List.of(), errors, label + ": " + o.getKind() + "/" + o.getMetadata().getName());
        }
    }

    @Test
    void schemaCoversEveryKindTheGeneratorWrites() {
        assertEquals("1.31", KubernetesSchema.KUBERNETES_VERSION);
        for (String kind : List.of("v1 Namespace", "v1 ServiceAccount", "v1 ConfigMap", "v1 Service", "v1 PersistentVolumeClaim",
                "apps/v1 Deployment", "apps/v1 StatefulSet", "autoscaling/v2 HorizontalPodAutoscaler", "policy/v1 PodDisruptionBudget",
                "rbac.authorization.k8s.io/v1 ClusterRole", "rbac.authorization.k8s.io/v1 ClusterRoleBinding",
                "rbac.authorization.k8s.io/v1 Role", "rbac.authorization.k8s.io/v1 RoleBinding", "batch/v1 Job",
                "networking.k8s.io/v1 NetworkPolicy")) {
            assertTrue(SCHEMA.kinds().contains(kind), kind);
        }
    }

    private static String statefulSetJson(Consumer<ObjectNode> mutate) {
        HasMetadata workload = new DeploymentGenerator(Configs.nvidia().replicas(3).build()).workload();
        ObjectNode doc = (ObjectNode) JSON.readTree(Manifests.serialization().asJson(workload));
        mutate.accept(doc);
        return JSON.writeValueAsString(doc);
    }

    private static void rejected(String expectedInMessage, Consumer<ObjectNode> mutate) {
        List<String> errors = SCHEMA.validate(statefulSetJson(mutate));
        assertFalse(errors.isEmpty(), "the schema accepted a manifest broken at " + expectedInMessage);
        assertTrue(errors.stream().anyMatch(e -> e.contains(expectedInMessage)), errors.toString());
    }

    @Test
    void theUnbrokenBaselineValidates() {
        assertEquals(List.of(), SCHEMA.validate(statefulSetJson(doc -> { })));
    }

    @Test
    void wrongTypeForReplicasFails() {
        rejected("replicas", doc -> ((ObjectNode) doc.get("spec")).put("replicas", "three"));
    }

    @Test
    void missingRequiredFieldsFail() {
        rejected("template", doc -> ((ObjectNode) doc.get("spec")).remove("template"));
        rejected("containers", doc -> ((ObjectNode) doc.at("/spec/template/spec")).remove("containers"));
    }

    @Test
    void unknownFieldsAndValuesFail() {
        rejected("replica", doc -> ((ObjectNode) doc.get("spec")).put("replica", 3));
        rejected("imagePullPolicy", doc -> ((ObjectNode) doc.at("/spec/template/spec/containers/0")).put("imagePullPolicy", "Sometimes"));
        rejected("storage", doc -> ((ObjectNode) doc.at("/spec/volumeClaimTemplates/0/spec/resources/requests")).put("storage", "10 GB"));
        rejected("no schema for apps/v1beta1 StatefulSet", doc -> doc.put("apiVersion", "apps/v1beta1"));
        rejected("port", doc -> ((ObjectNode) doc.at("/spec/template/spec/containers/0/ports/0")).put("containerPort", "http"));
    }

    @Test
    void unknownKindsAreReported() {
        assertEquals(List.of("no schema for v1 Secret"), SCHEMA.validate("{\"apiVersion\":\"v1\",\"kind\":\"Secret\"}"));
    }

    @Test
    void schemaFileIsSmallAndDocumented() throws IOException {
        Path dir = RepositoryRoot.find().resolve("nutanix/src/test/resources/deploy/k8s-schema");
        assertTrue(Files.size(dir.resolve("kubernetes-1.31-subset.schema.json")) < 100_000);
        String readme = Files.readString(dir.resolve("README.md"));
        assertTrue(readme.contains("v1.31"), "README names the Kubernetes version");
        assertTrue(readme.contains("api/openapi-spec/v3"), "README names the source");
    }
}
