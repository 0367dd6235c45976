package io.cudawasm.nutanix.deploy;

import java.util.List;
import java.util.OptionalInt;

/**
 * Horizontal autoscaling between {@code minReplicas} and {@code maxReplicas} (autoscaling/v2).
 *
 * @param cpuTargetPercent average CPU utilization to keep, relative to the CPU request (above 100 when
 *     the limit allows more than the request); empty when only custom metrics drive scaling
 * @param podsMetrics custom per-pod metrics, e.g. pending jobs
 * @param scaleDownStabilizationSeconds how long load must stay low before pods are removed; GPU
 *     pods are slow to come back (image pull, device plugin, kernel cache), so scale down slowly
 */
public record HpaConfig(
        int minReplicas,
        int maxReplicas,
        OptionalInt cpuTargetPercent,
        List<PodsMetricTarget> podsMetrics,
        int scaleDownStabilizationSeconds) {

    public static final int DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS = 300;

    public HpaConfig {
        podsMetrics = List.copyOf(podsMetrics);
        if (minReplicas < 1) {
            throw new IllegalArgumentException("HPA minimum replicas must be at least 1, got " + minReplicas);
        }
        if (minReplicas > maxReplicas) {
            throw new IllegalArgumentException(
                    "HPA minimum replicas " + minReplicas + " is larger than the maximum " + maxReplicas);
        }
        // Utilization is relative to the CPU request, so a pod whose limit is above its request can run
        // past 100 %: Kubernetes accepts any positive target, and so do we.
        if (cpuTargetPercent.isPresent() && cpuTargetPercent.getAsInt() < 1) {
            throw new IllegalArgumentException(
                    "HPA CPU target must be a positive percentage of the CPU request, got " + cpuTargetPercent.getAsInt());
        }
        if (cpuTargetPercent.isEmpty() && podsMetrics.isEmpty()) {
            throw new IllegalArgumentException("HPA needs a CPU target or at least one Pods metric");
        }
        if (scaleDownStabilizationSeconds < 0 || scaleDownStabilizationSeconds > 3600) {
            throw new IllegalArgumentException(
                    "scale-down stabilization must be 0..3600 seconds, got " + scaleDownStabilizationSeconds);
        }
    }

    /** Scales on CPU only, with the default scale-down stabilization. */
    public static HpaConfig onCpu(int minReplicas, int maxReplicas, int cpuTargetPercent) {
        return new HpaConfig(minReplicas, maxReplicas, OptionalInt.of(cpuTargetPercent), List.of(),
                DEFAULT_SCALE_DOWN_STABILIZATION_SECONDS);
    }

    /** The same bounds and CPU target plus one more Pods metric. */
    public HpaConfig withPodsMetric(PodsMetricTarget metric) {
        List<PodsMetricTarget> all = new java.util.ArrayList<>(podsMetrics);
        all.add(metric);
        return new HpaConfig(minReplicas, maxReplicas, cpuTargetPercent, all, scaleDownStabilizationSeconds);
    }

    /**
     * Parses the command-line form {@code MIN:MAX[:CPU%]}, e.g. {@code 1:8:70}; without a CPU part
     * the target is 70%.
     */
    public static HpaConfig parse(String text) {
        String[] parts = text == null ? new String[0] : text.strip().split(":", -1);
        if (parts.length < 2 || parts.length > 3) {
            throw new IllegalArgumentException("HPA '" + text + "' must be MIN:MAX or MIN:MAX:CPU_PERCENT, e.g. 1:8:70");
        }
        try {
            int min = Integer.parseInt(parts[0].strip());
            int max = Integer.parseInt(parts[1].strip());
            int cpu = parts.length == 3 ? Integer.parseInt(parts[2].strip().replace("%", "")) : 70;
            return onCpu(min, max, cpu);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("HPA '" + text + "' must be MIN:MAX or MIN:MAX:CPU_PERCENT, e.g. 1:8:70", e);
        }
    }
}
