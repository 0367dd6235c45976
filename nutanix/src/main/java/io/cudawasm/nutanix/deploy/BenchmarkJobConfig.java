package io.cudawasm.nutanix.deploy;

import io.cudawasm.nutanix.GpuVendor;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A one-off run of the benchmark suite ({@code java -jar /opt/cuda-wasm/benchmarks.jar ARGS}) on one node
 * type, chosen by vendor and GPU mode with the worker's own affinity rules; the result file (tagged with
 * the node's capabilities) goes to a claim mounted at {@code /results}: a claim of its own, or a folder
 * on the worker fleet's shared kernel-cache volume.
 *
 * @param gpuModeRequired by default the mode is required: a benchmark should measure the node type it names
 * @param args suite arguments; the default runs the full preset and writes its result file to {@code /results}
 * @param resultsSubPath the folder of the claim that is mounted at {@code /results}; empty: its root
 * @param createResultsClaim whether {@link DeploymentGenerator#benchmarkObjects} also emits the claim
 * @param activeDeadlineSeconds the Job fails after this long
 * @param architectures the {@code kubernetes.io/arch} values the image runs on
 */
public record BenchmarkJobConfig(
        String name,
        String namespace,
        String image,
        Optional<GpuVendor> vendor,
        int gpus,
        GpuModePreference gpuMode,
        boolean gpuModeRequired,
        IntelGpuResource intelResource,
        ComputeResources resources,
        List<String> args,
        String resultsClaimName,
        String resultsStorageClass,
        String resultsSize,
        boolean createResultsClaim,
        long activeDeadlineSeconds,
        Optional<String> runtimeClassName,
        Optional<String> resultsSubPath,
        List<String> architectures) {

    public static final List<String> DEFAULT_ARGS = List.of("--preset", "full", "--result-dir", WorkerEnvironment.RESULTS_PATH);
    /** Where results land on the worker's kernel-cache volume (next to {@code kernels/}). */
    public static final String CACHE_RESULTS_FOLDER = "bench-results";

    public BenchmarkJobConfig {
        args = List.copyOf(args);
        architectures = List.copyOf(architectures);
        ImageReference.parse(image);
        if (architectures.isEmpty()) {
            throw new IllegalArgumentException("name at least one architecture (kubernetes.io/arch), e.g. amd64");
        }
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(gpuMode, "gpuMode");
        Objects.requireNonNull(intelResource, "intelResource");
        Objects.requireNonNull(resources, "resources");
        Objects.requireNonNull(runtimeClassName, "runtimeClassName");
        Objects.requireNonNull(resultsSubPath, "resultsSubPath");
        if (resultsSubPath.isPresent() && (resultsSubPath.get().isBlank() || resultsSubPath.get().startsWith("/")
                || List.of(resultsSubPath.get().split("/")).contains(".."))) {
            throw new IllegalArgumentException("results sub-path '" + resultsSubPath.get() + "' must be a relative folder");
        }
        if (!KubernetesNames.isDns1123Label(name) || name.length() > DeploymentConfig.MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("benchmark name '" + name + "' must be a DNS-1123 label of at most "
                    + DeploymentConfig.MAX_NAME_LENGTH + " characters");
        }
        if (!KubernetesNames.isDns1123Label(namespace)) {
            throw new IllegalArgumentException("namespace '" + namespace + "' must be a DNS-1123 label");
        }
        if (image == null || image.isBlank()) {
            throw new IllegalArgumentException("benchmark image must not be empty");
        }
        if (gpus < 0) {
            throw new IllegalArgumentException("GPUs must not be negative, got " + gpus);
        }
        if (vendor.isEmpty() && gpus > 0) {
            throw new IllegalArgumentException("vendor none (CPU only) cannot request " + gpus + " GPUs");
        }
        if (vendor.isPresent() && gpus == 0) {
            throw new IllegalArgumentException("vendor " + vendor.get() + " needs at least 1 GPU; use vendor none for CPU-only runs");
        }
        if (gpuModeRequired && gpuMode == GpuModePreference.ANY) {
            gpuModeRequired = false;
        }
        if (!KubernetesNames.isDns1123Subdomain(resultsClaimName)) {
            throw new IllegalArgumentException("results claim name '" + resultsClaimName + "' is not a valid object name");
        }
        if (!KubernetesNames.isDns1123Subdomain(resultsStorageClass)) {
            throw new IllegalArgumentException("storage class '" + resultsStorageClass + "' is not a valid object name");
        }
        if (!KubernetesNames.isQuantity(resultsSize) || KubernetesNames.bytes(resultsSize).signum() <= 0) {
            throw new IllegalArgumentException("results size '" + resultsSize + "' must be a positive quantity such as 1Gi");
        }
        if (activeDeadlineSeconds < 1) {
            throw new IllegalArgumentException("active deadline must be positive, got " + activeDeadlineSeconds);
        }
    }

    /** Benchmark settings that match a worker configuration: same namespace, image, vendor, GPUs, mode and architectures. */
    public static Builder from(DeploymentConfig worker) {
        Builder b = new Builder(worker.name() + "-benchmark", worker.image())
                .namespace(worker.namespace())
                .gpuMode(worker.gpuMode())
                .intelResource(worker.intelResource())
                .resources(worker.resources())
                .resultsStorageClass(worker.storageClass());
        worker.vendor().ifPresentOrElse(b::gpuVendor, b::cpuOnly);
        b.gpus(worker.gpusPerPod());
        worker.runtimeClassName().ifPresent(b::runtimeClassName);
        b.architectures(worker.architectures());
        return b;
    }

    public static Builder builder(String name, String image) {
        return new Builder(name, image);
    }

    /** Fluent construction; {@link #build()} validates. */
    public static final class Builder {
        private final String name;
        private final String image;
        private String namespace = DeploymentConfig.DEFAULT_NAMESPACE;
        private Optional<GpuVendor> vendor = Optional.of(GpuVendor.NVIDIA);
        private Integer gpus;
        private GpuModePreference gpuMode = GpuModePreference.PASSTHROUGH;
        private boolean gpuModeRequired = true;
        private IntelGpuResource intelResource = IntelGpuResource.I915;
        private ComputeResources resources = ComputeResources.DEFAULT;
        private List<String> args = DEFAULT_ARGS;
        private String resultsClaimName;
        private String resultsStorageClass = NutanixStorageClasses.VOLUME;
        private String resultsSize = "1Gi";
        private boolean createResultsClaim = true;
        private long activeDeadlineSeconds = 4 * 3600;
        private Optional<String> runtimeClassName = Optional.empty();
        private Optional<String> resultsSubPath = Optional.empty();
        private List<String> architectures = DeploymentConfig.DEFAULT_ARCHITECTURES;

        private Builder(String name, String image) {
            this.name = name;
            this.image = image;
        }

        public Builder namespace(String namespace) { this.namespace = namespace; return this; }
        public Builder gpuVendor(GpuVendor vendor) { this.vendor = Optional.of(vendor); return this; }
        public Builder cpuOnly() { this.vendor = Optional.empty(); return this; }
        public Builder gpus(int gpus) { this.gpus = gpus; return this; }
        public Builder gpuMode(GpuModePreference mode) { this.gpuMode = mode; return this; }
        public Builder requireGpuMode(boolean required) { this.gpuModeRequired = required; return this; }
        public Builder intelResource(IntelGpuResource resource) { this.intelResource = resource; return this; }
        public Builder resources(ComputeResources resources) { this.resources = resources; return this; }
        public Builder args(List<String> args) { this.args = args; return this; }
        public Builder resultsClaimName(String claim) { this.resultsClaimName = claim; return this; }
        public Builder resultsStorageClass(String storageClass) { this.resultsStorageClass = storageClass; return this; }
        public Builder resultsSize(String size) { this.resultsSize = size; return this; }
        public Builder createResultsClaim(boolean create) { this.createResultsClaim = create; return this; }
        public Builder activeDeadlineSeconds(long seconds) { this.activeDeadlineSeconds = seconds; return this; }
        public Builder runtimeClassName(String runtimeClass) { this.runtimeClassName = Optional.of(runtimeClass); return this; }
        public Builder resultsSubPath(String folder) { this.resultsSubPath = Optional.of(folder); return this; }
        public Builder architectures(List<String> arches) { this.architectures = List.copyOf(arches); return this; }

        /**
         * Keeps the results on the fleet's kernel-cache claim, in {@value #CACHE_RESULTS_FOLDER}/, instead of a
         * claim of their own. Only a claim that mounts on many nodes (ReadWriteMany, Nutanix Files) can be shared:
         * the Job runs on the node type it measures, which need not be where a worker holds the claim.
         *
         * @throws IllegalArgumentException when the fleet's cache claims attach to one node
         */
        public Builder resultsOnCacheOf(DeploymentConfig worker) {
            DeploymentGenerator fleet = new DeploymentGenerator(worker);
            if (!worker.cacheAccessMode().sharedAcrossNodes() || fleet.cacheClaim().isEmpty()) {
                throw new IllegalArgumentException("the kernel cache of '" + worker.name() + "' (storage class "
                        + worker.storageClass() + ", " + worker.cacheAccessMode().shortName() + ") attaches to one node, so a "
                        + "benchmark Job cannot share it; use a ReadWriteMany class such as "
                        + NutanixStorageClasses.DYNAMIC_FILE + ", or a results claim of its own");
            }
            return resultsClaimName(fleet.cacheClaimName()).createResultsClaim(false).resultsSubPath(CACHE_RESULTS_FOLDER);
        }

        public BenchmarkJobConfig build() {
            int g = gpus != null ? gpus : vendor.isPresent() ? 1 : 0;
            GpuModePreference mode = vendor.isEmpty() ? GpuModePreference.ANY : gpuMode;
            return new BenchmarkJobConfig(name, namespace, image, vendor, g, mode, gpuModeRequired && vendor.isPresent(),
                    intelResource, resources, args, resultsClaimName != null ? resultsClaimName : name + "-results",
                    resultsStorageClass, resultsSize, createResultsClaim, activeDeadlineSeconds, runtimeClassName, resultsSubPath,
                    architectures);
        }
    }
}
