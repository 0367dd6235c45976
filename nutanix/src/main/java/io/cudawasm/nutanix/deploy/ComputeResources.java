package io.cudawasm.nutanix.deploy;

/**
 * CPU, memory and ephemeral-storage requests and limits of the worker container, as Kubernetes
 * quantities.
 *
 * <p>The JVM sizes its heap from the memory limit ({@code -XX:MaxRAMPercentage=75}), so the limit is
 * what matters for large kernels' buffers. Ephemeral storage covers the {@code /tmp} emptyDir (JNI
 * libraries extracted there, JVM scratch files) and the container's logs; the root file system is
 * read-only and the kernel cache is a volume of its own, so neither counts.
 */
public record ComputeResources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit,
        String ephemeralStorageRequest, String ephemeralStorageLimit) {

    public static final String DEFAULT_EPHEMERAL_REQUEST = "256Mi";
    /** Above the {@code /tmp} emptyDir's 1Gi size limit, so the kubelet evicts on the volume's limit first. */
    public static final String DEFAULT_EPHEMERAL_LIMIT = "2Gi";

    /** One CPU and 2 GiB requested; up to four CPUs (the WebAssembly back end's threads) and 8 GiB. */
    public static final ComputeResources DEFAULT = new ComputeResources("1", "4", "2Gi", "8Gi");

    public ComputeResources {
        requireQuantity("CPU request", cpuRequest);
        requireQuantity("CPU limit", cpuLimit);
        requireQuantity("memory request", memoryRequest);
        requireQuantity("memory limit", memoryLimit);
        requireQuantity("ephemeral-storage request", ephemeralStorageRequest);
        requireQuantity("ephemeral-storage limit", ephemeralStorageLimit);
        requireOrdered("CPU", cpuRequest, cpuLimit);
        requireOrdered("memory", memoryRequest, memoryLimit);
        requireOrdered("ephemeral-storage", ephemeralStorageRequest, ephemeralStorageLimit);
    }

    /** CPU and memory as given, ephemeral storage at its defaults. */
    public ComputeResources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {
        this(cpuRequest, cpuLimit, memoryRequest, memoryLimit, DEFAULT_EPHEMERAL_REQUEST, DEFAULT_EPHEMERAL_LIMIT);
    }

    private static void requireOrdered(String what, String request, String limit) {
        if (KubernetesNames.bytes(request).compareTo(KubernetesNames.bytes(limit)) > 0) {
            throw new IllegalArgumentException(what + " request " + request + " is larger than the " + what + " limit " + limit);
        }
    }

    private static void requireQuantity(String what, String value) {
        if (!KubernetesNames.isQuantity(value)) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)");
        }
    }
}
