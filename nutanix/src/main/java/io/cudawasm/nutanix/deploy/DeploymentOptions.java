package io.cudawasm.nutanix.deploy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The command-line form of {@link DeploymentConfig}, shared by {@code generate} and {@code deploy}
 * as a picocli mixin. Values are checked by the configuration itself, so the messages match.
 */
public final class DeploymentOptions {
    @Option(names = "--name", description = "Name of the workload and its objects (default: ${DEFAULT-VALUE}).")
    String name = DeploymentConfig.DEFAULT_NAME;

    @Option(names = "--namespace", description = "Namespace (default: ${DEFAULT-VALUE}).")
    String namespace = DeploymentConfig.DEFAULT_NAMESPACE;

    @Option(names = "--image", description = "Worker image (default: " + GenerateCommittedManifests.IMAGE_PREFIX + "<vendor>).")
    String image;

    @Option(names = "--image-digest", paramLabel = "sha256:HEX",
            description = "Pin the image to this digest (released images are pinned without it).")
    String imageDigest;

    @Option(names = "--image-pull-policy",
            description = "Always, IfNotPresent or Never (default: Always for a latest or missing tag, else IfNotPresent).")
    String imagePullPolicy;

    @Option(names = "--arch", split = ",", paramLabel = "ARCH",
            description = "kubernetes.io/arch values the image runs on (default: amd64, as the images are built).")
    List<String> architectures = new ArrayList<>(DeploymentConfig.DEFAULT_ARCHITECTURES);

    @Option(names = "--vendor", description = "nvidia, amd, intel, or none for CPU-only workers (default: ${DEFAULT-VALUE}).")
    String vendor = "nvidia";

    @Option(names = "--gpus", description = "GPUs per pod (default: 1, or 0 with --vendor none).")
    Integer gpus;

    @Option(names = "--gpu-mode", description = "passthrough, vgpu or any (default: ${DEFAULT-VALUE}); preferred unless --require-gpu-mode.")
    String gpuMode = "passthrough";

    @Option(names = "--require-gpu-mode", description = "Schedule only on nodes labelled with the GPU mode.")
    boolean requireGpuMode;

    @Option(names = "--intel-resource", description = "i915 or xe: the Intel device plugin's resource (default: ${DEFAULT-VALUE}).")
    String intelResource = "i915";

    @Option(names = "--cpu-request", description = "Default: ${DEFAULT-VALUE}.")
    String cpuRequest = ComputeResources.DEFAULT.cpuRequest();

    @Option(names = "--cpu-limit", description = "Default: ${DEFAULT-VALUE}.")
    String cpuLimit = ComputeResources.DEFAULT.cpuLimit();

    @Option(names = "--memory-request", description = "Default: ${DEFAULT-VALUE}.")
    String memoryRequest = ComputeResources.DEFAULT.memoryRequest();

    @Option(names = "--memory-limit", description = "Default: ${DEFAULT-VALUE}.")
    String memoryLimit = ComputeResources.DEFAULT.memoryLimit();

    @Option(names = "--ephemeral-storage-request", description = "Default: ${DEFAULT-VALUE}.")
    String ephemeralStorageRequest = ComputeResources.DEFAULT.ephemeralStorageRequest();

    @Option(names = "--ephemeral-storage-limit", description = "Default: ${DEFAULT-VALUE} (/tmp is an emptyDir of 1Gi).")
    String ephemeralStorageLimit = ComputeResources.DEFAULT.ephemeralStorageLimit();

    @Option(names = "--replicas", description = "Fixed replica count when there is no HPA (default: ${DEFAULT-VALUE}).")
    int replicas = 1;

    @Option(names = "--hpa", paramLabel = "MIN:MAX[:CPU%]", description = "Autoscale, e.g. 1:8:70.")
    String hpa;

    @Option(names = "--hpa-pods-metric", paramLabel = "NAME=AVERAGE", description = "Custom per-pod HPA metric through a metrics adapter, e.g. cudawasm_jobs_queued=5 (repeatable).")
    List<String> hpaPodsMetrics = new ArrayList<>();

    @Option(names = "--scale-down-stabilization", paramLabel = "SECONDS", description = "HPA scale-down window (default: ${DEFAULT-VALUE}).")
    int scaleDownStabilization = HpaConfig.DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS;

    @Option(names = "--nke-annotation", paramLabel = "KEY=VALUE", description = "Annotation for NKE/NKP on the workload and pods (repeatable).")
    Map<String, String> nkeAnnotations = new LinkedHashMap<>();

    @Option(names = "--label", paramLabel = "KEY=VALUE", description = "Extra label on every object (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--annotation", paramLabel = "KEY=VALUE", description = "Extra annotation on the workload and pods (repeatable).")
    Map<String, String> annotations = new LinkedHashMap<>();

    @Option(names = "--env", paramLabel = "NAME=VALUE", description = "Extra environment variable for the worker (repeatable).")
    Map<String, String> env = new LinkedHashMap<>();

    @Option(names = "--storage-class", description = "Kernel-cache storage class (default: ${DEFAULT-VALUE}).")
    String storageClass = NutanixStorageClasses.VOLUME;

    @Option(names = "--cache-access-mode", paramLabel = "RWO|RWX|RWOP", description = "Override the class's access mode (nutanix-volume: RWO, nutanix-dynamicfile/nutanix-file: RWX).")
    String cacheAccessMode;

    @Option(names = "--cache-size", description = "Kernel-cache volume size (default: ${DEFAULT-VALUE}).")
    String cacheSize = DeploymentConfig.DEFAULT_CACHE_SIZE;

    @Option(names = "--service-port", description = "Service port (default: ${DEFAULT-VALUE}).")
    int servicePort = WorkerEnvironment.HTTP_PORT;

    @Option(names = "--prism-secret", description = "Secret with NUTANIX_* keys and ca.pem, referenced optionally (default: ${DEFAULT-VALUE}).")
    String prismSecret = DeploymentConfig.DEFAULT_PRISM_SECRET;

    @Option(names = "--no-prism-secret", description = "Do not reference a Prism Secret (no Prism Central access).")
    boolean noPrismSecret;

    @Option(names = "--prism-url", description = "Prism Central URL for the ConfigMap (default: the Secret's NUTANIX_PRISM_URL).")
    String prismUrl;

    @Option(names = "--node-selector", paramLabel = "KEY=VALUE", description = "Extra nodeSelector entry (repeatable).")
    Map<String, String> nodeSelector = new LinkedHashMap<>();

    @Option(names = "--toleration", paramLabel = "KEY[=VALUE][:EFFECT]", description = "Replaces the vendor's default toleration (repeatable).")
    List<String> tolerations = new ArrayList<>();

    @Option(names = "--runtime-class", description = "runtimeClassName for the pods, e.g. nvidia.")
    String runtimeClass;

    @Option(names = "--max-concurrent-kernels", description = "CUDA_WASM_MAX_CONCURRENT_KERNELS (default: ${DEFAULT-VALUE}).")
    int maxConcurrentKernels = WorkerSettings.DEFAULT.maxConcurrentKernels();

    @Option(names = "--backend", description = "CUDA_WASM_BACKEND: auto, cuda, opencl, wasm, tornadovm (default: ${DEFAULT-VALUE}).")
    String backend = WorkerSettings.DEFAULT.backend();

    @Option(names = "--log-level", description = "CUDA_WASM_LOG_LEVEL (default: ${DEFAULT-VALUE}).")
    String logLevel = WorkerSettings.DEFAULT.logLevel();

    @Option(names = "--no-self-register", description = "Do not publish node labels (CUDA_WASM_SELF_REGISTER=false).")
    boolean noSelfRegister;

    @Option(names = "--register-interval", paramLabel = "SECONDS", description = "CUDA_WASM_REGISTER_INTERVAL_SECONDS (default: ${DEFAULT-VALUE}).")
    int registerInterval = WorkerSettings.DEFAULT.registerIntervalSeconds();

    @Option(names = "--register-mode", description = "labels (patch the Node) or nodefeature (NFD NodeFeature objects) (default: ${DEFAULT-VALUE}).")
    String registerMode = WorkerSettings.DEFAULT.registerMode().configValue();

    @Option(names = "--no-network-policy", description = "Do not generate the fleet's NetworkPolicy (API port only, from peers and clients).")
    boolean noNetworkPolicy;

    @Option(names = "--api-client-namespace", paramLabel = "LABEL=VALUE", description = "Only namespaces with this label may call the API (NetworkPolicy; repeatable; default: every namespace).")
    Map<String, String> apiClientNamespaces = new LinkedHashMap<>();

    @Option(names = "--kube-api-cidr", paramLabel = "CIDR",
            description = "Where the Kubernetes API server is, for the NetworkPolicy's egress (repeatable; default: any address on 443/6443).")
    List<String> kubeApiCidrs = new ArrayList<>();

    @Option(names = "--prism-cidr", paramLabel = "CIDR",
            description = "Where Prism Central is, for the NetworkPolicy's egress (repeatable; default: any address on its port).")
    List<String> prismCidrs = new ArrayList<>();

    @Option(names = "--pod-monitor", description = "Add a Prometheus Operator PodMonitor (monitoring.coreos.com/v1) for /metrics.")
    boolean podMonitor;

    /** Builds and validates the configuration; throws {@link IllegalArgumentException} on a bad value. */
    public DeploymentConfig toConfig() {
        DeploymentConfig.Builder b = DeploymentConfig.builder(name, image != null ? image : defaultImage())
                .namespace(namespace)
                .imageDigest(imageDigest)
                .imagePullPolicy(imagePullPolicy)
                .architectures(architectures)
                .gpuVendor(vendor)
                .gpuMode(GpuModePreference.parse(gpuMode))
                .requireGpuMode(requireGpuMode)
                .intelResource(IntelGpuResource.parse(intelResource))
                .resources(new ComputeResources(cpuRequest, cpuLimit, memoryRequest, memoryLimit,
                        ephemeralStorageRequest, ephemeralStorageLimit))
                .replicas(replicas)
                .storageClass(storageClass)
                .cacheSize(cacheSize)
                .servicePort(servicePort)
                .maxConcurrentKernels(maxConcurrentKernels)
                .backend(backend)
                .logLevel(logLevel)
                .selfRegister(!noSelfRegister)
                .registerIntervalSeconds(registerInterval)
                .registerMode(RegisterMode.parse(registerMode))
                .networkPolicy(!noNetworkPolicy)
                .podMonitor(podMonitor);
        apiClientNamespaces.forEach(b::apiClientNamespace);
        kubeApiCidrs.forEach(b::kubeApiCidr);
        prismCidrs.forEach(b::prismCidr);
        if (gpus != null) {
            b.gpus(gpus);
        }
        if (hpa != null) {
            HpaConfig h = HpaConfig.parse(hpa);
            for (String metric : hpaPodsMetrics) {
                h = h.withPodsMetric(PodsMetricTarget.parse(metric));
            }
            b.hpa(new HpaConfig(h.minReplicas(), h.maxReplicas(), h.cpuTargetPercent(), h.podsMetrics(), scaleDownStabilization));
        } else if (!hpaPodsMetrics.isEmpty()) {
            throw new IllegalArgumentException("--hpa-pods-metric needs --hpa MIN:MAX[:CPU%]");
        }
        nkeAnnotations.forEach(b::nkeAnnotation);
        labels.forEach(b::label);
        annotations.forEach(b::annotation);
        env.forEach(b::env);
        nodeSelector.forEach(b::nodeSelector);
        tolerations.forEach(t -> b.toleration(TolerationSpec.parse(t)));
        if (cacheAccessMode != null) {
            b.cacheAccessMode(CacheAccessMode.parse(cacheAccessMode));
        }
        if (noPrismSecret) {
            b.noPrismSecret();
        } else {
            b.prismSecret(prismSecret);
        }
        if (prismUrl != null) {
            b.prismUrl(prismUrl);
        }
        if (runtimeClass != null) {
            b.runtimeClassName(runtimeClass);
        }
        return b.build();
    }

    private String defaultImage() {
        String v = vendor == null ? "" : vendor.strip().toLowerCase(java.util.Locale.ROOT);
        return GenerateCommittedManifests.IMAGE_PREFIX + ("none".equals(v) ? "cpu" : v);
    }
}
