package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import java.util.List;
import org.junit.jupiter.api.Test;

class RbacTest {

    @Test
    void labelsModeGrantsExactlyGetAndPatchOnNodes() {
        List<HasMetadata> objects = new DeploymentGenerator(Configs.nvidia().build()).generate();
        ClusterRole role = Configs.only(objects, ClusterRole.class);
        assertEquals(1, role.getRules().size());
        PolicyRule rule = role.getRules().get(0);
        assertEquals(List.of(""), rule.getApiGroups());
        assertEquals(List.of("nodes"), rule.getResources());
        assertEquals(List.of("get", "patch"), rule.getVerbs());
        assertTrue(rule.getResourceNames() == null || rule.getResourceNames().isEmpty());
        assertTrue(rule.getNonResourceURLs() == null || rule.getNonResourceURLs().isEmpty());
        assertTrue(Configs.all(objects, Role.class).isEmpty(), "no namespaced grants in labels mode");
        assertTrue(Configs.all(objects, RoleBinding.class).isEmpty());

        ClusterRoleBinding binding = Configs.only(objects, ClusterRoleBinding.class);
        assertEquals("ClusterRole", binding.getRoleRef().getKind());
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals(1, binding.getSubjects().size());
        assertEquals("ServiceAccount", binding.getSubjects().get(0).getKind());
        assertEquals("cuda-wasm-worker", binding.getSubjects().get(0).getName());
        assertEquals("cuda-wasm", binding.getSubjects().get(0).getNamespace());
    }

    @Test
    void nodeFeatureModeGrantsNamespacedNodeFeaturesAndOnlyReadsNodes() {
        List<HasMetadata> objects = new DeploymentGenerator(
                Configs.nvidia().namespace("gpu-workers").registerMode(RegisterMode.NODE_FEATURE).build()).generate();
        Role role = Configs.only(objects, Role.class);
        assertEquals("gpu-workers", role.getMetadata().getNamespace());
        assertEquals(1, role.getRules().size());
        PolicyRule rule = role.getRules().get(0);
        assertEquals(List.of("nfd.k8s-sigs.io"), rule.getApiGroups());
        assertEquals(List.of("nodefeatures"), rule.getResources());
        assertEquals(List.of("create", "get", "update"), rule.getVerbs());
        RoleBinding binding = Configs.only(objects, RoleBinding.class);
        assertEquals(role.getMetadata().getName(), binding.getRoleRef().getName());
        assertEquals("Role", binding.getRoleRef().getKind());
        assertEquals("gpu-workers", binding.getSubjects().get(0).getNamespace());

        PolicyRule nodes = Configs.only(objects, ClusterRole.class).getRules().get(0);
        assertEquals(List.of("nodes"), nodes.getResources());
        assertEquals(List.of("get"), nodes.getVerbs(), "NodeFeature mode never patches nodes");
    }

    @Test
    void clusterScopedNamesIncludeTheNamespaceSoTwoFleetsDoNotCollide() {
        String a = Configs.only(new DeploymentGenerator(Configs.nvidia().namespace("a").build()).generate(), ClusterRole.class)
                .getMetadata().getName();
        String b = Configs.only(new DeploymentGenerator(Configs.nvidia().namespace("b").build()).generate(), ClusterRole.class)
                .getMetadata().getName();
        assertTrue(!a.equals(b), a + " vs " + b);
    }
}
