package io.cudawasm.nutanix.deploy;

/** The three ways to give worker pods a kernel cache on a persistent volume. */
public enum WorkloadKind {
    /** ReadWriteOnce class and more than one pod: a StatefulSet with one claim per replica. */
    STATEFUL_SET("StatefulSet"),
    /** ReadWriteMany class: a Deployment whose replicas all mount one shared claim. */
    DEPLOYMENT_SHARED_CLAIM("Deployment"),
    /** ReadWriteOnce class and at most one pod: a Deployment with strategy Recreate and one claim. */
    DEPLOYMENT_RECREATE("Deployment");

    private final String kubernetesKind;

    WorkloadKind(String kubernetesKind) {
        this.kubernetesKind = kubernetesKind;
    }

    /** {@code StatefulSet} or {@code Deployment}: the kind the HPA's scaleTargetRef names. */
    public String kubernetesKind() {
        return kubernetesKind;
    }
}
