package io.cudawasm.nutanix.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Pod Security Standards "restricted", probes, scratch volumes and the worker's environment. */
class HardeningTest {
    private final PodSpec spec = Configs.podSpec(Configs.nvidia().hpa(1, 8, 70).build());
    private final Container worker = spec.getContainers().get(0);

    private Map<String, EnvVar> env() {
        return worker.getEnv().stream().collect(Collectors.toMap(EnvVar::getName, Function.identity()));
    }

    private Map<String, Volume> volumes() {
        return spec.getVolumes().stream().collect(Collectors.toMap(Volume::getName, Function.identity()));
    }

    private Map<String, VolumeMount> mountsByPath() {
        return worker.getVolumeMounts().stream().collect(Collectors.toMap(VolumeMount::getMountPath, Function.identity()));
    }

    @Test
    void podRunsAsNumericNonRootUserWithFsGroupAndSeccomp() {
        var pod = spec.getSecurityContext();
        assertEquals(Boolean.TRUE, pod.getRunAsNonRoot());
        assertEquals(10001L, pod.getRunAsUser());
        assertEquals(10001L, pod.getRunAsGroup());
        assertEquals(10001L, pod.getFsGroup(), "fsGroup makes the cache volume writable for the user");
        assertEquals("RuntimeDefault", pod.getSeccompProfile().getType());
    }

    @Test
    void containerIsRestricted() {
        SecurityContext sc = worker.getSecurityContext();
        assertEquals(Boolean.FALSE, sc.getAllowPrivilegeEscalation());
        assertEquals(Boolean.TRUE, sc.getReadOnlyRootFilesystem());
        assertEquals(Boolean.TRUE, sc.getRunAsNonRoot());
        assertEquals(List.of("ALL"), sc.getCapabilities().getDrop());
        assertTrue(sc.getCapabilities().getAdd() == null || sc.getCapabilities().getAdd().isEmpty());
        assertNull(sc.getPrivileged());
        assertEquals("RuntimeDefault", sc.getSeccompProfile().getType());
    }

    @Test
    void writablePathsAreVolumes() {
        Map<String, VolumeMount> mounts = mountsByPath();
        assertEquals("tmp", mounts.get("/tmp").getName());
        assertEquals("dshm", mounts.get("/dev/shm").getName());
        assertEquals(PodTemplates.CACHE_VOLUME, mounts.get("/cache/kernels").getName());
        assertNull(volumes().get("tmp").getEmptyDir().getMedium(), "/tmp on disk");
        assertEquals("Memory", volumes().get("dshm").getEmptyDir().getMedium());
    }

    @Test
    void probesUseTheNamedHttpPort() {
        assertEquals("http", worker.getPorts().get(0).getName());
        assertEquals(8080, worker.getPorts().get(0).getContainerPort());
        check(worker.getLivenessProbe(), "/healthz");
        check(worker.getReadinessProbe(), "/readyz");
        check(worker.getStartupProbe(), "/healthz");
        assertTrue(worker.getStartupProbe().getFailureThreshold() * worker.getStartupProbe().getPeriodSeconds() >= 120,
                "start-up may take minutes (GPU init, cache warm-up)");
    }

    private static void check(Probe probe, String path) {
        assertEquals(path, probe.getHttpGet().getPath());
        assertEquals("http", probe.getHttpGet().getPort().getStrVal());
    }

    @Test
    void downwardApiAndJvmFlags() {
        Map<String, EnvVar> env = env();
        assertEquals("metadata.name", env.get("POD_NAME").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("metadata.namespace", env.get("POD_NAMESPACE").getValueFrom().getFieldRef().getFieldPath());
        assertEquals("spec.nodeName", env.get("NODE_NAME").getValueFrom().getFieldRef().getFieldPath());
        String jvm = env.get("JAVA_TOOL_OPTIONS").getValue();
        assertTrue(jvm.contains("-XX:MaxRAMPercentage=75"), jvm);
        assertTrue(jvm.contains("-Djava.io.tmpdir=/tmp"), jvm);
        assertTrue(jvm.contains("-XX:-DontCompileHugeMethods"), "unrolled kernels run compiled: " + jvm);
    }

    @Test
    void serviceAccountTokenIsMountedOnlyWhereThePodUsesTheApi() {
        assertEquals(Boolean.TRUE, spec.getAutomountServiceAccountToken(), "self-registration reads and labels its Node");
        assertEquals("cuda-wasm-worker", spec.getServiceAccountName());
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().hpa(1, 8, 70).build());
        assertEquals(Boolean.FALSE, g.serviceAccount().getAutomountServiceAccountToken(), "off unless a pod asks");
        PodSpec quiet = Configs.podSpec(Configs.nvidia().hpa(1, 8, 70).selfRegister(false).build());
        assertEquals(Boolean.FALSE, quiet.getAutomountServiceAccountToken(), "a DNS fleet without registration never calls the API");
        PodSpec slices = Configs.podSpec(Configs.nvidia().storageClass(NutanixStorageClasses.DYNAMIC_FILE).replicas(3)
                .selfRegister(false).build());
        assertEquals(Boolean.TRUE, slices.getAutomountServiceAccountToken(), "EndpointSlice discovery lists its slices");
        assertTrue(new DeploymentGenerator(Configs.nvidia().selfRegister(false).build()).rbac().isEmpty(),
                "no grants for a pod that does not use them");
    }

    @Test
    void namespaceEnforcesPodSecurityRestricted() {
        Map<String, String> labels = new DeploymentGenerator(Configs.nvidia().build()).namespace().getMetadata().getLabels();
        assertEquals("restricted", labels.get("pod-security.kubernetes.io/enforce"));
        assertEquals("restricted", labels.get("pod-security.kubernetes.io/warn"));
        assertEquals("restricted", labels.get("pod-security.kubernetes.io/audit"));
    }

    @Test
    void ephemeralStorageIsRequestedAndLimitedAboveTheScratchVolume() {
        var r = worker.getResources();
        assertEquals("256Mi", r.getRequests().get("ephemeral-storage").toString());
        assertEquals("2Gi", r.getLimits().get("ephemeral-storage").toString());
        assertTrue(KubernetesNames.bytes("2Gi").compareTo(KubernetesNames.bytes(volumes().get("tmp").getEmptyDir()
                .getSizeLimit().toString())) > 0, "the /tmp volume's own limit is reached first");
    }

    @Test
    void prismCredentialsAreFilesFromAnOptionalSecretNeverEnvironmentVariables() {
        Map<String, EnvVar> env = env();
        for (String key : List.of("NUTANIX_PRISM_URL", "NUTANIX_API_KEY", "NUTANIX_USERNAME", "NUTANIX_PASSWORD", "NUTANIX_CA_BUNDLE")) {
            assertFalse(env.containsKey(key), key + " must not be in the environment");
        }
        assertTrue(worker.getEnv().stream().noneMatch(e -> e.getValueFrom() != null && e.getValueFrom().getSecretKeyRef() != null));
        assertEquals("/etc/cuda-wasm/prism", env.get("NUTANIX_CREDENTIALS_DIR").getValue());
        var secret = volumes().get("prism-credentials").getSecret();
        assertEquals("cuda-wasm-prism", secret.getSecretName());
        assertEquals(Boolean.TRUE, secret.getOptional(), "the pod must start without the Secret");
        assertTrue(secret.getItems() == null || secret.getItems().isEmpty(), "every key becomes a file");
        assertEquals(0440, secret.getDefaultMode(), "readable by the pod's group (fsGroup) only");
        assertEquals(Boolean.TRUE, mountsByPath().get("/etc/cuda-wasm/prism").getReadOnly());
        assertEquals("cuda-wasm-worker-config", worker.getEnvFrom().get(0).getConfigMapRef().getName());
    }

    @Test
    void noSecretIsEverGenerated() {
        for (DeploymentConfig c : Configs.variety().values()) {
            assertFalse(new DeploymentGenerator(c).generate().stream().anyMatch(o -> o.getKind().equals("Secret")));
        }
    }

    @Test
    void withoutPrismSecretNothingReferencesIt() {
        DeploymentConfig c = Configs.nvidia().noPrismSecret().prismUrl("https://pc.example.com:9440").build();
        PodSpec pod = Configs.podSpec(c);
        assertTrue(pod.getVolumes().stream().noneMatch(v -> v.getSecret() != null));
        assertTrue(pod.getContainers().get(0).getEnv().stream().noneMatch(e -> e.getName().startsWith("NUTANIX_")));
        assertEquals("https://pc.example.com:9440",
                new DeploymentGenerator(c).configMap().getData().get("NUTANIX_PRISM_URL"));
    }

    @Test
    void prismUrlInConfigMapWinsOverTheSecretsFile() {
        DeploymentConfig c = Configs.nvidia().prismUrl("https://pc.example.com:9440").build();
        var env = Configs.podSpec(c).getContainers().get(0).getEnv();
        assertTrue(env.stream().noneMatch(e -> e.getName().equals("NUTANIX_PRISM_URL")),
                "an explicit env entry would shadow the ConfigMap's URL");
        assertEquals("https://pc.example.com:9440", new DeploymentGenerator(c).configMap().getData().get("NUTANIX_PRISM_URL"),
                "a variable wins over the Secret's NUTANIX_PRISM_URL file");
        assertTrue(env.stream().anyMatch(e -> e.getName().equals("NUTANIX_CREDENTIALS_DIR")));
    }

    @Test
    void extraEnvLabelsAndAnnotationsAreApplied() {
        DeploymentConfig c = Configs.nvidia().env("HTTPS_PROXY", "http://proxy:3128").label("team", "ml")
                .annotation("example.com/owner", "ml-platform").nkeAnnotation("nke.nutanix.com/priority", "high").build();
        DeploymentGenerator g = new DeploymentGenerator(c);
        var template = Configs.template(g.workload());
        assertTrue(template.getSpec().getContainers().get(0).getEnv().stream()
                .anyMatch(e -> e.getName().equals("HTTPS_PROXY") && e.getValue().equals("http://proxy:3128")));
        assertEquals("ml", template.getMetadata().getLabels().get("team"));
        g.generate().forEach(o -> assertEquals("ml", o.getMetadata().getLabels().get("team"), o.getKind()));
        assertEquals("high", g.workload().getMetadata().getAnnotations().get("nke.nutanix.com/priority"));
        assertEquals("high", template.getMetadata().getAnnotations().get("nke.nutanix.com/priority"));
        assertEquals("ml-platform", template.getMetadata().getAnnotations().get("example.com/owner"));
    }

    @Test
    void configMapHoldsTheWorkerSettings() {
        DeploymentGenerator g = new DeploymentGenerator(Configs.nvidia().cacheSize("20Gi").maxConcurrentKernels(8)
                .registerMode(RegisterMode.NODE_FEATURE).registerIntervalSeconds(120).logLevel("debug").build());
        Map<String, String> data = g.configMap().getData();
        assertEquals("8080", data.get("CUDA_WASM_PORT"));
        assertEquals("/cache/kernels", data.get("CUDA_WASM_KERNEL_CACHE_DIR"));
        assertEquals(Long.toString(20L * 1024 * 1024 * 1024 * 9 / 10), data.get("CUDA_WASM_CACHE_MAX_BYTES"));
        assertEquals("8", data.get("CUDA_WASM_MAX_CONCURRENT_KERNELS"));
        assertEquals("auto", data.get("CUDA_WASM_BACKEND"));
        assertEquals("debug", data.get("CUDA_WASM_LOG_LEVEL"));
        assertEquals("true", data.get("CUDA_WASM_SELF_REGISTER"));
        assertEquals("120", data.get("CUDA_WASM_REGISTER_INTERVAL_SECONDS"));
        assertEquals("nodefeature", data.get("CUDA_WASM_REGISTER_MODE"));
        assertEquals(9, data.size(), "no Prism URL unless given: " + data.keySet());
    }

    @Test
    void serviceIsClusterIpOnNamedPort() {
        var service = new DeploymentGenerator(Configs.nvidia().servicePort(80).build()).service();
        assertEquals("ClusterIP", service.getSpec().getType());
        var port = service.getSpec().getPorts().get(0);
        assertEquals("http", port.getName());
        assertEquals(80, port.getPort());
        assertEquals("http", port.getTargetPort().getStrVal());
    }

    @Test
    void disruptionBudgetAllowsOneDown() {
        var pdb = new DeploymentGenerator(Configs.nvidia().hpa(1, 8, 70).build()).podDisruptionBudget();
        assertEquals(1, pdb.getSpec().getMaxUnavailable().getIntVal());
        assertNull(pdb.getSpec().getMinAvailable(), "minAvailable with one replica would block node drains");
    }
}
