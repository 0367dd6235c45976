package io.cudawasm.nutanix.deploy;

/**
 * A custom per-pod metric for the autoscaler (HPA {@code type: Pods}), served by a metrics adapter
 * such as prometheus-adapter: the HPA keeps its average across pods near {@code averageValue}.
 * Example: {@code cudawasm_jobs_queued} (the worker's queue depth) with target {@code 5}. A name
 * in the worker's {@code cudawasm_} namespace must be a gauge the worker exports
 * ({@link WorkerEnvironment#PER_POD_GAUGES}), so a typo does not leave the HPA without data.
 */
public record PodsMetricTarget(String name, String averageValue) {
    public PodsMetricTarget {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("a Pods metric needs a name");
        }
        if (!KubernetesNames.isQuantity(averageValue)) {
            throw new IllegalArgumentException(
                    "target '" + averageValue + "' of metric " + name + " is not a Kubernetes quantity");
        }
        if (name.startsWith("cudawasm_") && !WorkerEnvironment.PER_POD_GAUGES.contains(name)) {
            throw new IllegalArgumentException("the worker exports no gauge named " + name + "; per-pod gauges it "
                    + "exports: " + String.join(", ", WorkerEnvironment.PER_POD_GAUGES));
        }
    }

    /** Parses {@code NAME=AVERAGE}, e.g. {@code cudawasm_jobs_queued=5}. */
    public static PodsMetricTarget parse(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("metric '" + text + "' must be NAME=AVERAGE_VALUE, e.g. cudawasm_jobs_queued=5");
        }
        return new PodsMetricTarget(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
    }
}
