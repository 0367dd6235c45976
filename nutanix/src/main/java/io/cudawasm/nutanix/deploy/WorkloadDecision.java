package io.cudawasm.nutanix.deploy;

/**
 * Which workload kind carries the worker pods, and why; the reason is written to the annotation
 * {@value #REASON_ANNOTATION} so that whoever reads the manifest sees it.
 *
 * <p>Nutanix Volumes is ReadWriteOnce: a claim attaches to one node, so replicas spread over nodes
 * cannot share it (the second pod hangs in ContainerCreating with "Multi-Attach error"), and a
 * rolling update of a single replica can deadlock the same way.
 */
public record WorkloadDecision(WorkloadKind kind, String reason) {
    public static final String REASON_ANNOTATION = "cuda-wasm.io/workload-kind-reason";

    /** Applies the decision table to a configuration. */
    public static WorkloadDecision decide(DeploymentConfig config) {
        CacheAccessMode access = config.cacheAccessMode();
        String storage = "storage class " + config.storageClass() + " (" + access.shortName() + ")";
        if (access.sharedAcrossNodes()) {
            return new WorkloadDecision(WorkloadKind.DEPLOYMENT_SHARED_CLAIM,
                    storage + " can be mounted on many nodes, so all replicas share one kernel-cache claim");
        }
        int maxPods = config.maxReplicas();
        String scale = config.hpa().isPresent()
                ? "the HPA may run up to " + maxPods + " replicas"
                : maxPods + " replica" + (maxPods == 1 ? "" : "s");
        if (maxPods > 1) {
            return new WorkloadDecision(WorkloadKind.STATEFUL_SET,
                    storage + " attaches to one node and " + scale
                            + ", so each replica gets its own kernel-cache claim from a volumeClaimTemplate");
        }
        return new WorkloadDecision(WorkloadKind.DEPLOYMENT_RECREATE,
                storage + " attaches to one node and " + scale
                        + ", so one claim with strategy Recreate (a rolling update would wait on the attached volume)");
    }
}
