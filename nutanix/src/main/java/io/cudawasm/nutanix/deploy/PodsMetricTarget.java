package io.cudawasm.nutanix.deploy;

/**
 * A custom per-pod metric for the autoscaler (HPA {@code type: Pods}), served by a metrics adapter
 * such as prometheus-adapter: the HPA keeps its average across pods near {@code averageValue}.
 * Example: {@code cudawasm_jobs_pending} with target {@code 5}.
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
    }

    /** Parses {@code NAME=AVERAGE}, e.g. {@code cudawasm_jobs_pending=5}. */
    public static PodsMetricTarget parse(String text) {
        int eq = text == null ? -1 : text.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("metric '" + text + "' must be NAME=AVERAGE_VALUE, e.g. cudawasm_jobs_pending=5");
        }
        return new PodsMetricTarget(text.substring(0, eq).strip(), text.substring(eq + 1).strip());
    }
}
