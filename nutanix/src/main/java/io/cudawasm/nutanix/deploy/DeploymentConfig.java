package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the {@link DeploymentGenerator} needs to describe one worker fleet. Immutable; build it
 * with {@link #builder(String, String)}. The canonical constructor validates every field and throws
 * {@link IllegalArgumentException} with a message that names the offending value.
 *
 * @param vendor GPU vendor, or empty for CPU-only workers (WebAssembly and PoCL back ends)
 * @param gpuModeRequired make the passthrough/vGPU preference a hard scheduling requirement
 * @param replicas fixed replica count; ignored in the manifests when {@code hpa} is set (the HPA owns the scale)
 * @param nkeAnnotations annotations for the Nutanix Kubernetes platform, on the workload and its pods
 * @param cacheAccessMode access mode of the kernel-cache claim; decides StatefulSet versus Deployment
 * @param prismSecretName Secret with the Prism Central credentials, referenced optionally; empty: no Prism access
 * @param prismUrl Prism Central URL to put in the ConfigMap; empty: taken from the Secret's {@code NUTANIX_PRISM_URL}
 * @param tolerations tolerations that replace the vendor's default toleration; empty: the vendor's
 * @param networkPolicy for a fleet (more than one pod): a NetworkPolicy that lets the pods receive
 *     traffic on the API port only, from each other and from API clients
 * @param apiClientNamespaces namespace labels of the API's clients in that NetworkPolicy; empty: every namespace
 * @param podMonitor a Prometheus Operator PodMonitor that scrapes every replica's {@code /metrics}
 * @param architectures the CPU architectures the image runs on ({@code kubernetes.io/arch} values); the
 *     images are built for {@code amd64} only, because the JCuda natives are
 * @param kubeApiCidrs where the Kubernetes API server is, for the NetworkPolicy's egress rule; empty:
 *     any address on ports 443 and 6443
 * @param prismCidrs where Prism Central is, for the NetworkPolicy's egress rule; empty: any address on
 *     Prism Central's port
 */
public record DeploymentConfig(
        String name,
        String namespace,
        String image,
        String imagePullPolicy,
        Optional<GpuVendor> vendor,
        int gpusPerPod,
        GpuModePreference gpuMode,
        boolean gpuModeRequired,
        IntelGpuResource intelResource,
        ComputeResources resources,
        int replicas,
        Optional<HpaConfig> hpa,
        Map<String, String> nkeAnnotations,
        Map<String, String> extraLabels,
        Map<String, String> extraAnnotations,
        Map<String, String> extraEnv,
        String storageClass,
        CacheAccessMode cacheAccessMode,
        String cacheSize,
        int servicePort,
        Optional<String> prismSecretName,
        Optional<String> prismUrl,
        Map<String, String> nodeSelector,
        Optional<List<TolerationSpec>> tolerations,
        Optional<String> runtimeClassName,
        WorkerSettings worker,
        boolean networkPolicy,
        Map<String, String> apiClientNamespaces,
        boolean podMonitor,
        List<String> architectures,
        List<String> kubeApiCidrs,
        List<String> prismCidrs) {

    public static final String DEFAULT_NAME = "cuda-wasm-worker";
    public static final String DEFAULT_NAMESPACE = "cuda-wasm";
    public static final String DEFAULT_CACHE_SIZE = "10Gi";
    public static final String DEFAULT_PRISM_SECRET = "cuda-wasm-prism";
    /** The architectures the images are built for (docker/README.md): JCuda ships natives for x86-64 only. */
    public static final List<String> DEFAULT_ARCHITECTURES = List.of("amd64");
    /** Longest name that leaves room for StatefulSet pod and controller-revision names (63 characters). */
    public static final int MAX_NAME_LENGTH = 52;

    private static final Set<String> PULL_POLICIES = Set.of("Always", "IfNotPresent", "Never");

    public DeploymentConfig {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(gpuMode, "gpuMode");
        Objects.requireNonNull(intelResource, "intelResource");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(hpa, "hpa");
        Objects.requireNonNull(cacheAccessMode, "cacheAccessMode");
        Objects.requireNonNull(prismSecretName, "prismSecretName");
        Objects.requireNonNull(prismUrl, "prismUrl");
        Objects.requireNonNull(tolerations, "tolerations");
        Objects.requireNonNull(runtimeClassName, "runtimeClassName");
        Objects.requireNonNull(worker, "worker");
        nkeAnnotations = frozen(nkeAnnotations);
        extraLabels = frozen(extraLabels);
        extraAnnotations = frozen(extraAnnotations);
        extraEnv = frozen(extraEnv);
        nodeSelector = frozen(nodeSelector);
        apiClientNamespaces = frozen(apiClientNamespaces);
        tolerations = tolerations.map(List::copyOf);
        architectures = List.copyOf(architectures);
        kubeApiCidrs = List.copyOf(kubeApiCidrs);
        prismCidrs = List.copyOf(prismCidrs);

        if (!KubernetesNames.isDns1123Label(name) || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("name '" + name + "' must be a DNS-1123 label (lower-case letters, digits, '-') of at most "
                    + MAX_NAME_LENGTH + " characters");
        }
        if (!KubernetesNames.isDns1123Label(namespace)) {
            throw new IllegalArgumentException("namespace '" + namespace + "' must be a DNS-1123 label of at most 63 characters");
        }
        ImageReference reference = ImageReference.parse(image);
        if (!PULL_POLICIES.contains(imagePullPolicy)) {
            throw new IllegalArgumentException("image pull policy '" + imagePullPolicy + "' must be Always, IfNotPresent or Never");
        }
        if (reference.mutable() && imagePullPolicy.equals("IfNotPresent")) {
            throw new IllegalArgumentException("image " + image + " has no version tag or digest, so IfNotPresent could run a "
                    + "stale copy; use a version tag, a digest (--image-digest) or the pull policy Always");
        }
        if (gpusPerPod < 0) {
            throw new IllegalArgumentException("GPUs per pod must not be negative, got " + gpusPerPod);
        }
        if (vendor.isEmpty() && gpusPerPod > 0) {
            throw new IllegalArgumentException("vendor none (CPU only) cannot request " + gpusPerPod + " GPUs per pod");
        }
        if (vendor.isPresent() && gpusPerPod == 0) {
            throw new IllegalArgumentException("vendor " + vendor.get() + " needs at least 1 GPU per pod; use vendor none for CPU-only workers");
        }
        if (gpuMode == GpuModePreference.VGPU && vendor.isPresent() && vendor.get() != GpuVendor.NVIDIA) {
            throw new IllegalArgumentException("GPU mode vgpu exists only for NVIDIA GPUs, not " + vendor.get());
        }
        if (gpuModeRequired && gpuMode == GpuModePreference.ANY) {
            throw new IllegalArgumentException("a required GPU mode must be passthrough or vgpu, not any");
        }
        if (gpuModeRequired && vendor.isEmpty()) {
            throw new IllegalArgumentException("vendor none (CPU only) cannot require a GPU mode");
        }
        if (replicas < 0) {
            throw new IllegalArgumentException("replicas must not be negative, got " + replicas);
        }
        requireMap("NKE annotation", nkeAnnotations, false);
        requireMap("label", extraLabels, true);
        requireMap("annotation", extraAnnotations, false);
        requireMap("node selector", nodeSelector, true);
        requireMap("API client namespace label", apiClientNamespaces, true);
        for (String env : extraEnv.keySet()) {
            if (!KubernetesNames.isEnvVarName(env)) {
                throw new IllegalArgumentException("environment variable name '" + env + "' is not valid");
            }
            if (PodTemplates.GENERATED_ENV.contains(env)) {
                throw new IllegalArgumentException("environment variable " + env + " is set by the generator; use its own option");
            }
        }
        if (!KubernetesNames.isDns1123Subdomain(storageClass)) {
            throw new IllegalArgumentException("storage class '" + storageClass + "' is not a valid object name");
        }
        if (!KubernetesNames.isQuantity(cacheSize) || KubernetesNames.bytes(cacheSize).signum() <= 0) {
            throw new IllegalArgumentException("cache size '" + cacheSize + "' must be a positive quantity such as 10Gi");
        }
        if (servicePort < 1 || servicePort > 65535) {
            throw new IllegalArgumentException("service port must be 1..65535, got " + servicePort);
        }
        prismSecretName.ifPresent(s -> {
            if (!KubernetesNames.isDns1123Subdomain(s)) {
                throw new IllegalArgumentException("Prism Secret name '" + s + "' is not a valid object name");
            }
        });
        prismUrl.ifPresent(DeploymentConfig::requireHttpUrl);
        tolerations.ifPresent(list -> list.forEach(Objects::requireNonNull));
        runtimeClassName.ifPresent(r -> {
            if (!KubernetesNames.isDns1123Subdomain(r)) {
                throw new IllegalArgumentException("runtime class '" + r + "' is not a valid object name");
            }
        });
        if (architectures.isEmpty()) {
            throw new IllegalArgumentException("name at least one architecture (kubernetes.io/arch), e.g. amd64");
        }
        for (String arch : architectures) {
            if (!KubernetesNames.isDns1123Label(arch)) {
                throw new IllegalArgumentException("architecture '" + arch + "' is not a kubernetes.io/arch value such as amd64 or arm64");
            }
        }
        kubeApiCidrs.forEach(c -> Cidr.require("Kubernetes API", c));
        prismCidrs.forEach(c -> Cidr.require("Prism Central", c));
    }

    /** Starts a configuration with the defaults: one NVIDIA GPU per pod, namespace {@code cuda-wasm}, 10Gi cache on nutanix-volume. */
    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** A builder holding this configuration's values, to derive a variant. */
    public Builder toBuilder() {
        return new Builder(this);
    }

    public boolean cpuOnly() {
        return vendor.isEmpty();
    }

    /** More than one pod can run: the replicas form a fleet that forwards requests among its pods. */
    public boolean fleet() {
        return maxReplicas() > 1;
    }

    /** The most pods that can exist at once: the HPA maximum, or the fixed replica count. */
    public int maxReplicas() {
        return hpa.map(HpaConfig::maxReplicas).orElse(replicas);
    }

    /** The extended resource the pods request, e.g. {@code nvidia.com/gpu}; empty for CPU-only. */
    public Optional<String> gpuResourceName() {
        return vendor.map(v -> GpuScheduling.resourceName(v, intelResource));
    }

    /** The image reference, parsed: tag, digest, and whether it can change under the same name. */
    public ImageReference imageReference() {
        return ImageReference.parse(image);
    }

    /** The pod may talk to Prism Central: a credentials Secret or a URL is configured. */
    public boolean usesPrism() {
        return prismSecretName.isPresent() || prismUrl.isPresent();
    }

    /** Cache budget for the worker: 90% of the volume, leaving room for file-system overhead and entries being written. */
    public long cacheMaxBytes() {
        return KubernetesNames.bytes(cacheSize)
                .multiply(BigDecimal.valueOf(9))
                .divide(BigDecimal.TEN, 0, RoundingMode.FLOOR)
                .longValueExact();
    }

    private static Map<String, String> frozen(Map<String, String> map) {
        return Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(map)));
    }

    private static void requireMap(String what, Map<String, String> map, boolean labelValues) {
        map.forEach((k, v) -> {
            if (!KubernetesNames.isQualifiedName(k)) {
                throw new IllegalArgumentException(what + " key '" + k + "' is not a valid key (prefix/name, name at most 63 characters)");
            }
            if (v == null || (labelValues && !KubernetesNames.isLabelValue(v))) {
                throw new IllegalArgumentException(what + " value '" + v + "' of " + k + " is not a valid label value");
            }
        });
    }

    private static void requireHttpUrl(String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null || !("https".equals(uri.getScheme()) || "http".equals(uri.getScheme()))) {
                throw new IllegalArgumentException("Prism URL '" + url + "' must be an http(s) URL with a host, e.g. https://pc.example.com:9440");
            }
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("Prism URL '" + url + "' is not a URL: " + e.getMessage(), e);
        }
    }

    /** Fluent construction of a {@link DeploymentConfig}; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private String namespace = DEFAULT_NAMESPACE;
        private String image;
        private String imageDigest;
        private String imagePullPolicy;
        private Optional<GpuVendor> vendor = Optional.of(GpuVendor.NVIDIA);
        private Integer gpusPerPod;
        private GpuModePreference gpuMode = GpuModePreference.PASSTHROUGH;
        private boolean gpuModeRequired;
        private IntelGpuResource intelResource = IntelGpuResource.I915;
        private ComputeResources resources = ComputeResources.DEFAULT;
        private int replicas = 1;
        private Optional<HpaConfig> hpa = Optional.empty();
        private final Map<String, String> nkeAnnotations = new LinkedHashMap<>();
        private final Map<String, String> extraLabels = new LinkedHashMap<>();
        private final Map<String, String> extraAnnotations = new LinkedHashMap<>();
        private final Map<String, String> extraEnv = new LinkedHashMap<>();
        private String storageClass = NutanixStorageClasses.VOLUME;
        private CacheAccessMode cacheAccessMode;
        private String cacheSize = DEFAULT_CACHE_SIZE;
        private int servicePort = WorkerEnvironment.HTTP_PORT;
        private Optional<String> prismSecretName = Optional.of(DEFAULT_PRISM_SECRET);
        private Optional<String> prismUrl = Optional.empty();
        private final Map<String, String> nodeSelector = new LinkedHashMap<>();
        private List<TolerationSpec> tolerations;
        private Optional<String> runtimeClassName = Optional.empty();
        private int maxConcurrentKernels = WorkerSettings.DEFAULT.maxConcurrentKernels();
        private String backend = WorkerSettings.DEFAULT.backend();
        private String logLevel = WorkerSettings.DEFAULT.logLevel();
        private boolean selfRegister = WorkerSettings.DEFAULT.selfRegister();
        private int registerIntervalSeconds = WorkerSettings.DEFAULT.registerIntervalSeconds();
        private RegisterMode registerMode = WorkerSettings.DEFAULT.registerMode();
        private boolean networkPolicy = true;
        private final Map<String, String> apiClientNamespaces = new LinkedHashMap<>();
        private boolean podMonitor;
        private List<String> architectures = DEFAULT_ARCHITECTURES;
        private final List<String> kubeApiCidrs = new ArrayList<>();
        private final List<String> prismCidrs = new ArrayList<>();

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        private Builder(DeploymentConfig c) {
            name = c.name;
            namespace = c.namespace;
            image = c.image;
            imagePullPolicy = c.imagePullPolicy;
            vendor = c.vendor;
            gpusPerPod = c.gpusPerPod;
            gpuMode = c.gpuMode;
            gpuModeRequired = c.gpuModeRequired;
            intelResource = c.intelResource;
            resources = c.resources;
            replicas = c.replicas;
            hpa = c.hpa;
            nkeAnnotations.putAll(c.nkeAnnotations);
            extraLabels.putAll(c.extraLabels);
            extraAnnotations.putAll(c.extraAnnotations);
            extraEnv.putAll(c.extraEnv);
            storageClass = c.storageClass;
            cacheAccessMode = c.cacheAccessMode;
            cacheSize = c.cacheSize;
            servicePort = c.servicePort;
            prismSecretName = c.prismSecretName;
            prismUrl = c.prismUrl;
            nodeSelector.putAll(c.nodeSelector);
            tolerations = c.tolerations.orElse(null);
            runtimeClassName = c.runtimeClassName;
            maxConcurrentKernels = c.worker.maxConcurrentKernels();
            backend = c.worker.backend();
            logLevel = c.worker.logLevel();
            selfRegister = c.worker.selfRegister();
            registerIntervalSeconds = c.worker.registerIntervalSeconds();
            registerMode = c.worker.registerMode();
            networkPolicy = c.networkPolicy;
            apiClientNamespaces.putAll(c.apiClientNamespaces);
            podMonitor = c.podMonitor;
            architectures = c.architectures;
            kubeApiCidrs.addAll(c.kubeApiCidrs);
            prismCidrs.addAll(c.prismCidrs);
        }

        public Builder name(String name) { this.name = name; return this; }
        public Builder namespace(String namespace) { this.namespace = namespace; return this; }
        public Builder image(String image) { this.image = image; return this; }

        /**
         * Pins the image to this digest ({@code sha256:...}). Released images are pinned without it
         * ({@link ReleasedImages}); an image given as {@code name:tag@sha256:...} is pinned already.
         */
        public Builder imageDigest(String digest) { this.imageDigest = digest; return this; }

        /** Always, IfNotPresent or Never; by default what the image reference calls for ({@link ImageReference#defaultPullPolicy()}). */
        public Builder imagePullPolicy(String policy) { this.imagePullPolicy = policy; return this; }

        /** GPU vendor of the nodes to run on. */
        public Builder gpuVendor(GpuVendor vendor) { this.vendor = Optional.of(vendor); return this; }

        /** Vendor by name: {@code nvidia}, {@code amd}, {@code intel}, or {@code none} for CPU only. */
        public Builder gpuVendor(String vendorName) {
            if ("none".equalsIgnoreCase(vendorName == null ? "" : vendorName.strip())) {
                return cpuOnly();
            }
            GpuVendor v = GpuVendor.parse(vendorName).orElseThrow(() -> new IllegalArgumentException(
                    "unknown GPU vendor '" + vendorName + "': expected nvidia, amd, intel or none"));
            return gpuVendor(v);
        }

        /** No GPU: the pods run the WebAssembly and CPU OpenCL back ends anywhere. */
        public Builder cpuOnly() { this.vendor = Optional.empty(); return this; }

        public Builder gpus(int gpusPerPod) { this.gpusPerPod = gpusPerPod; return this; }
        public Builder gpuMode(GpuModePreference mode) { this.gpuMode = mode; return this; }
        public Builder requireGpuMode(boolean required) { this.gpuModeRequired = required; return this; }
        public Builder intelResource(IntelGpuResource resource) { this.intelResource = resource; return this; }
        public Builder resources(ComputeResources resources) { this.resources = resources; return this; }
        public Builder replicas(int replicas) { this.replicas = replicas; return this; }
        public Builder hpa(HpaConfig hpa) { this.hpa = Optional.of(hpa); return this; }

        /** Autoscales between {@code min} and {@code max} replicas at {@code cpuPercent} average CPU. */
        public Builder hpa(int min, int max, int cpuPercent) { return hpa(HpaConfig.onCpu(min, max, cpuPercent)); }

        public Builder noHpa() { this.hpa = Optional.empty(); return this; }

        /** Adds a custom Pods metric to the HPA, which must be configured first. */
        public Builder hpaPodsMetric(String metricName, String averageValue) {
            HpaConfig current = hpa.orElseThrow(() -> new IllegalArgumentException(
                    "metric " + metricName + " needs an HPA: set it first"));
            this.hpa = Optional.of(current.withPodsMetric(new PodsMetricTarget(metricName, averageValue)));
            return this;
        }

        public Builder nkeAnnotation(String key, String value) { nkeAnnotations.put(key, value); return this; }
        public Builder label(String key, String value) { extraLabels.put(key, value); return this; }
        public Builder annotation(String key, String value) { extraAnnotations.put(key, value); return this; }
        public Builder env(String name, String value) { extraEnv.put(name, value); return this; }

        /** Storage class of the kernel cache; its default access mode follows unless set explicitly. */
        public Builder storageClass(String storageClass) { this.storageClass = storageClass; return this; }
        public Builder cacheAccessMode(CacheAccessMode mode) { this.cacheAccessMode = mode; return this; }
        public Builder cacheSize(String size) { this.cacheSize = size; return this; }
        public Builder servicePort(int port) { this.servicePort = port; return this; }
        public Builder prismSecret(String secretName) { this.prismSecretName = Optional.of(secretName); return this; }
        public Builder noPrismSecret() { this.prismSecretName = Optional.empty(); return this; }
        public Builder prismUrl(String url) { this.prismUrl = Optional.of(url); return this; }
        public Builder nodeSelector(String key, String value) { nodeSelector.put(key, value); return this; }

        /** Adds a toleration; any toleration given replaces the vendor's default one. */
        public Builder toleration(TolerationSpec toleration) {
            if (tolerations == null) {
                tolerations = new ArrayList<>();
            }
            tolerations.add(toleration);
            return this;
        }

        public Builder runtimeClassName(String runtimeClass) { this.runtimeClassName = Optional.of(runtimeClass); return this; }
        public Builder maxConcurrentKernels(int n) { this.maxConcurrentKernels = n; return this; }
        public Builder backend(String backend) { this.backend = backend; return this; }
        public Builder logLevel(String level) { this.logLevel = level; return this; }
        public Builder selfRegister(boolean enabled) { this.selfRegister = enabled; return this; }
        public Builder registerIntervalSeconds(int seconds) { this.registerIntervalSeconds = seconds; return this; }
        public Builder registerMode(RegisterMode mode) { this.registerMode = mode; return this; }

        /** Whether a fleet gets its NetworkPolicy (default: yes). */
        public Builder networkPolicy(boolean enabled) { this.networkPolicy = enabled; return this; }

        /** Narrows the API's clients in the NetworkPolicy to namespaces with this label (repeatable: all must match). */
        public Builder apiClientNamespace(String labelKey, String labelValue) { apiClientNamespaces.put(labelKey, labelValue); return this; }

        /** Adds a Prometheus Operator PodMonitor for the workers' {@code /metrics}. */
        public Builder podMonitor(boolean enabled) { this.podMonitor = enabled; return this; }

        /** The {@code kubernetes.io/arch} values the image runs on (default: amd64). */
        public Builder architectures(List<String> arches) { this.architectures = List.copyOf(arches); return this; }

        /** Narrows the NetworkPolicy's egress to the Kubernetes API to this CIDR (repeatable). */
        public Builder kubeApiCidr(String cidr) { kubeApiCidrs.add(cidr); return this; }

        /** Narrows the NetworkPolicy's egress to Prism Central to this CIDR (repeatable). */
        public Builder prismCidr(String cidr) { prismCidrs.add(cidr); return this; }

        /** Validates and returns the configuration. */
        public DeploymentConfig build() {
            int gpus = gpusPerPod != null ? gpusPerPod : vendor.isPresent() ? 1 : 0;
            CacheAccessMode access = cacheAccessMode != null
                    ? cacheAccessMode
                    : NutanixStorageClasses.defaultAccessMode(storageClass);
            GpuModePreference mode = vendor.isEmpty() && !gpuModeRequired ? GpuModePreference.ANY : gpuMode;
            WorkerSettings worker = new WorkerSettings(maxConcurrentKernels, backend, logLevel, selfRegister,
                    registerIntervalSeconds, registerMode);
            ImageReference reference = ImageReference.parse(image);
            if (imageDigest != null) {
                if (reference.digest().filter(d -> !d.equals(imageDigest)).isPresent()) {
                    throw new IllegalArgumentException("image " + image + " already names a different digest than " + imageDigest);
                }
                reference = reference.withDigest(imageDigest);
            } else if (!reference.pinned()) {
                reference = ReleasedImages.digestOf(reference).map(reference::withDigest).orElse(reference);
            }
            String pullPolicy = imagePullPolicy != null ? imagePullPolicy : reference.defaultPullPolicy();
            return new DeploymentConfig(name, namespace, reference.toString(), pullPolicy, vendor, gpus, mode, gpuModeRequired,
                    intelResource, resources, replicas, hpa, nkeAnnotations, extraLabels, extraAnnotations, extraEnv,
                    storageClass, access, cacheSize, servicePort, prismSecretName, prismUrl, nodeSelector,
                    Optional.ofNullable(tolerations), runtimeClassName, worker, networkPolicy, apiClientNamespaces,
                    podMonitor, architectures, kubeApiCidrs, prismCidrs);
        }
    }
}
