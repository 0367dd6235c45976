package io.cudawasm.nutanix.deploy;

/**
 * CPU and memory requests and limits of the worker container, as Kubernetes quantities.
 *
 * <p>The JVM sizes its heap from the memory limit ({@code -XX:MaxRAMPercentage=75}), so the limit is
 * what matters for large kernels' buffers.
 */
public record ComputeResources(String cpuRequest, String cpuLimit, String memoryRequest, String memoryLimit) {

    /** One CPU and 2 GiB requested; up to four CPUs (the WebAssembly back end's threads) and 8 GiB. */
    public static final ComputeResources DEFAULT = new ComputeResources("1", "4", "2Gi", "8Gi");

    public ComputeResources {
        requireQuantity("CPU request", cpuRequest);
        requireQuantity("CPU limit", cpuLimit);
        requireQuantity("memory request", memoryRequest);
        requireQuantity("memory limit", memoryLimit);
        if (KubernetesNames.bytes(cpuRequest).compareTo(KubernetesNames.bytes(cpuLimit)) > 0) {
            throw new IllegalArgumentException(
                    "CPU request " + cpuRequest + " is larger than the CPU limit " + cpuLimit);
        }
        if (KubernetesNames.bytes(memoryRequest).compareTo(KubernetesNames.bytes(memoryLimit)) > 0) {
            throw new IllegalArgumentException(
                    "memory request " + memoryRequest + " is larger than the memory limit " + memoryLimit);
        }
    }

    private static void requireQuantity(String what, String value) {
        if (!KubernetesNames.isQuantity(value)) {
            throw new IllegalArgumentException(what + " '" + value + "' is not a Kubernetes quantity (e.g. 500m, 2, 4Gi)");
        }
    }
}
