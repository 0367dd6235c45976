package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.AffinityBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.ProbeBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.ResourceRequirementsBuilder;
import io.fabric8.kubernetes.api.model.SecurityContext;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TolerationBuilder;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeBuilder;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.VolumeMountBuilder;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTermBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Builds pod templates: the worker's and the pieces the benchmark Job shares with it (hardening,
 * scratch volumes, GPU scheduling). Hardened to the Pod Security Standards' "restricted" profile.
 */
final class PodTemplates {
    static final String CONTAINER_NAME = "worker";
    static final String CACHE_VOLUME = "kernel-cache";
    static final String TMP_VOLUME = "tmp";
    static final String SHM_VOLUME = "dshm";
    static final String PRISM_VOLUME = "prism-credentials";
    /** Secret files readable by the pod's group (fsGroup) only. */
    static final int SECRET_FILE_MODE = 0440;
    /** Anti-affinity weight: spread over hosts, but run stacked rather than not at all. */
    static final int SPREAD_WEIGHT = 100;

    /** Variables the generator sets itself; user-supplied env must not shadow them. */
    static final Set<String> GENERATED_ENV = Set.of(
            WorkerEnvironment.PORT, WorkerEnvironment.KERNEL_CACHE_DIR, WorkerEnvironment.CACHE_MAX_BYTES,
            WorkerEnvironment.MAX_CONCURRENT_KERNELS, WorkerEnvironment.BACKEND, WorkerEnvironment.LOG_LEVEL,
            WorkerEnvironment.SELF_REGISTER, WorkerEnvironment.REGISTER_INTERVAL_SECONDS,
            WorkerEnvironment.REGISTER_MODE, WorkerEnvironment.PRISM_URL, WorkerEnvironment.PRISM_API_KEY,
            WorkerEnvironment.PRISM_USERNAME, WorkerEnvironment.PRISM_PASSWORD, WorkerEnvironment.PRISM_CA_BUNDLE,
            WorkerEnvironment.PRISM_CREDENTIALS_DIR,
            WorkerEnvironment.POD_NAME, WorkerEnvironment.POD_NAMESPACE, WorkerEnvironment.NODE_NAME,
            WorkerEnvironment.JAVA_TOOL_OPTIONS, WorkerEnvironment.POD_IP, WorkerEnvironment.PEER_DISCOVERY,
            WorkerEnvironment.PEER_SERVICE, WorkerEnvironment.DRAIN_LINGER_SECONDS);

    private PodTemplates() {}

    /**
     * The worker's pod template.
     *
     * @param cacheClaimName the shared claim to mount, or empty when a StatefulSet's
     *     volumeClaimTemplate named {@value #CACHE_VOLUME} supplies the volume
     * @param peerDiscovery how the fleet's replicas find each other ({@code dns}, {@code endpointslices}),
     *     or empty for a single pod
     * @param apiToken whether the pod gets its service account's token (only to talk to the Kubernetes API)
     */
    static PodTemplateSpec worker(DeploymentConfig c, Map<String, String> labels, Map<String, String> selector,
            Map<String, String> annotations, String serviceAccount, String configMapName,
            Optional<String> cacheClaimName, Optional<String> peerDiscovery, boolean apiToken) {
        List<Volume> volumes = new ArrayList<>();
        cacheClaimName.ifPresent(claim -> volumes.add(new VolumeBuilder()
                .withName(CACHE_VOLUME)
                .withNewPersistentVolumeClaim().withClaimName(claim).endPersistentVolumeClaim()
                .build()));
        volumes.addAll(scratchVolumes());
        List<VolumeMount> mounts = new ArrayList<>();
        mounts.add(mount(CACHE_VOLUME, WorkerEnvironment.KERNEL_CACHE_PATH, false));
        mounts.addAll(scratchMounts());
        // The whole Secret as files (credentials stay out of the environment, where /proc, crash dumps
        // and child processes would see them); optional, so the worker starts without Prism.
        c.prismSecretName().ifPresent(secret -> {
            volumes.add(new VolumeBuilder()
                    .withName(PRISM_VOLUME)
                    .withNewSecret()
                    .withSecretName(secret)
                    .withOptional(true)
                    .withDefaultMode(SECRET_FILE_MODE)
                    .endSecret()
                    .build());
            mounts.add(mount(PRISM_VOLUME, WorkerEnvironment.PRISM_SECRET_DIR, true));
        });

        Container worker = new ContainerBuilder()
                .withName(CONTAINER_NAME)
                .withImage(c.image())
                .withImagePullPolicy(c.imagePullPolicy())
                .withArgs("serve")
                .addNewPort()
                .withName(WorkerEnvironment.PORT_NAME)
                .withContainerPort(WorkerEnvironment.HTTP_PORT)
                .withProtocol("TCP")
                .endPort()
                .addNewEnvFrom().withNewConfigMapRef().withName(configMapName).endConfigMapRef().endEnvFrom()
                .withEnv(workerEnv(c, peerDiscovery))
                .withResources(resources(c.resources(), c.gpuResourceName(), c.gpusPerPod()))
                .withVolumeMounts(mounts)
                .withStartupProbe(httpProbe(WorkerEnvironment.HEALTH_PATH, 5, 60))
                .withLivenessProbe(httpProbe(WorkerEnvironment.HEALTH_PATH, 10, 3))
                .withReadinessProbe(httpProbe(WorkerEnvironment.READY_PATH, 5, 3))
                .withSecurityContext(containerSecurityContext())
                .build();

        List<Toleration> tolerations = c.tolerations()
                .map(list -> list.stream().map(PodTemplates::toleration).toList())
                .orElseGet(() -> c.vendor()
                        .map(v -> List.of(GpuScheduling.defaultToleration(v, c.intelResource())))
                        .orElse(List.of()));

        return new PodTemplateSpecBuilder()
                .withNewMetadata().withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccount)
                .withAutomountServiceAccountToken(apiToken)
                .withEnableServiceLinks(false)
                .withTerminationGracePeriodSeconds(60L)
                .withRuntimeClassName(c.runtimeClassName().orElse(null))
                .withNodeSelector(new LinkedHashMap<>(c.nodeSelector()))
                .withAffinity(affinity(c.vendor(), c.gpuMode(), c.gpuModeRequired(), c.architectures(), Optional.of(selector)))
                .withTolerations(tolerations)
                .withSecurityContext(podSecurityContext())
                .withContainers(worker)
                .withVolumes(volumes)
                .endSpec()
                .build();
    }

    /**
     * Node affinity (the image's architectures; GPU preferences, see {@link GpuScheduling}) plus, when
     * {@code spreadSelector} is given, a preferred anti-affinity that puts replicas on different hosts.
     */
    static Affinity affinity(Optional<GpuVendor> vendor, GpuModePreference mode, boolean modeRequired,
            List<String> architectures, Optional<Map<String, String>> spreadSelector) {
        AffinityBuilder affinity = new AffinityBuilder()
                .withNodeAffinity(GpuScheduling.nodeAffinity(vendor, mode, modeRequired, architectures));
        spreadSelector.ifPresent(selector -> {
            WeightedPodAffinityTerm spread = new WeightedPodAffinityTermBuilder()
                    .withWeight(SPREAD_WEIGHT)
                    .withNewPodAffinityTerm()
                    .withNewLabelSelector().withMatchLabels(new LinkedHashMap<>(selector)).endLabelSelector()
                    .withTopologyKey("kubernetes.io/hostname")
                    .endPodAffinityTerm()
                    .build();
            affinity.withNewPodAntiAffinity()
                    .addToPreferredDuringSchedulingIgnoredDuringExecution(spread)
                    .endPodAntiAffinity();
        });
        return affinity.build();
    }

    /** CPU, memory and ephemeral storage from the configuration, plus the GPU limit (extended resources need no request). */
    static ResourceRequirements resources(ComputeResources r, Optional<String> gpuResource, int gpus) {
        Map<String, Quantity> limits = new LinkedHashMap<>();
        limits.put("cpu", new Quantity(r.cpuLimit()));
        limits.put("memory", new Quantity(r.memoryLimit()));
        limits.put("ephemeral-storage", new Quantity(r.ephemeralStorageLimit()));
        gpuResource.ifPresent(name -> limits.put(name, new Quantity(Integer.toString(gpus))));
        Map<String, Quantity> requests = new LinkedHashMap<>();
        requests.put("cpu", new Quantity(r.cpuRequest()));
        requests.put("memory", new Quantity(r.memoryRequest()));
        requests.put("ephemeral-storage", new Quantity(r.ephemeralStorageRequest()));
        return new ResourceRequirementsBuilder().withRequests(requests).withLimits(limits).build();
    }

    /** Non-root numeric user and group, fsGroup so the cache volume is writable, RuntimeDefault seccomp. */
    static PodSecurityContext podSecurityContext() {
        return new PodSecurityContextBuilder()
                .withRunAsNonRoot(true)
                .withRunAsUser(WorkerEnvironment.USER_ID)
                .withRunAsGroup(WorkerEnvironment.USER_ID)
                .withFsGroup(WorkerEnvironment.USER_ID)
                .withFsGroupChangePolicy("OnRootMismatch")
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** PSS restricted: no privilege escalation, no capabilities, read-only root file system. */
    static SecurityContext containerSecurityContext() {
        return new SecurityContextBuilder()
                .withAllowPrivilegeEscalation(false)
                .withReadOnlyRootFilesystem(true)
                .withRunAsNonRoot(true)
                .withRunAsUser(WorkerEnvironment.USER_ID)
                .withRunAsGroup(WorkerEnvironment.USER_ID)
                .withNewCapabilities().withDrop("ALL").endCapabilities()
                .withNewSeccompProfile().withType("RuntimeDefault").endSeccompProfile()
                .build();
    }

    /** {@code /tmp} for the JVM and native libraries (the root file system is read-only) and a RAM-backed {@code /dev/shm}. */
    static List<Volume> scratchVolumes() {
        return List.of(
                new VolumeBuilder().withName(TMP_VOLUME)
                        .withNewEmptyDir().withSizeLimit(new Quantity("1Gi")).endEmptyDir().build(),
                new VolumeBuilder().withName(SHM_VOLUME)
                        .withNewEmptyDir().withMedium("Memory").withSizeLimit(new Quantity("1Gi")).endEmptyDir().build());
    }

    static List<VolumeMount> scratchMounts() {
        return List.of(mount(TMP_VOLUME, "/tmp", false), mount(SHM_VOLUME, "/dev/shm", false));
    }

    static VolumeMount mount(String volume, String path, boolean readOnly) {
        return new VolumeMountBuilder().withName(volume).withMountPath(path).withReadOnly(readOnly ? true : null).build();
    }

    /** POD_NAME, POD_NAMESPACE and NODE_NAME from the downward API. */
    static List<EnvVar> downwardApiEnv() {
        return List.of(
                fieldRef(WorkerEnvironment.POD_NAME, "metadata.name"),
                fieldRef(WorkerEnvironment.POD_NAMESPACE, "metadata.namespace"),
                fieldRef(WorkerEnvironment.NODE_NAME, "spec.nodeName"));
    }

    static EnvVar literal(String name, String value) {
        return new EnvVarBuilder().withName(name).withValue(value).build();
    }

    private static List<EnvVar> workerEnv(DeploymentConfig c, Optional<String> peerDiscovery) {
        List<EnvVar> env = new ArrayList<>(downwardApiEnv());
        boolean dns = peerDiscovery.filter(WorkerEnvironment.PEER_DISCOVERY_DNS::equals).isPresent();
        if (dns) {
            // DNS discovery leaves the pod itself out of the Service's addresses by its IP.
            env.add(fieldRef(WorkerEnvironment.POD_IP, "status.podIP"));
        }
        env.add(literal(WorkerEnvironment.JAVA_TOOL_OPTIONS, dns
                ? WorkerEnvironment.JVM_OPTIONS + " " + WorkerEnvironment.DNS_CACHE_OPTIONS : WorkerEnvironment.JVM_OPTIONS));
        if (c.prismSecretName().isPresent()) {
            env.add(literal(WorkerEnvironment.PRISM_CREDENTIALS_DIR, WorkerEnvironment.PRISM_SECRET_DIR));
        }
        c.extraEnv().forEach((k, v) -> env.add(literal(k, v)));
        return env;
    }

    private static EnvVar fieldRef(String name, String path) {
        return new EnvVarBuilder().withName(name)
                .withNewValueFrom().withNewFieldRef().withApiVersion("v1").withFieldPath(path).endFieldRef().endValueFrom()
                .build();
    }

    private static Probe httpProbe(String path, int periodSeconds, int failureThreshold) {
        return new ProbeBuilder()
                .withNewHttpGet().withPath(path).withNewPort(WorkerEnvironment.PORT_NAME).endHttpGet()
                .withPeriodSeconds(periodSeconds)
                .withTimeoutSeconds(3)
                .withFailureThreshold(failureThreshold)
                .build();
    }

    private static Toleration toleration(TolerationSpec t) {
        return new TolerationBuilder()
                .withKey(t.key() == null || t.key().isEmpty() ? null : t.key())
                .withOperator(t.operator())
                .withValue(t.value().orElse(null))
                .withEffect(t.effect().orElse(null))
                .build();
    }
}
