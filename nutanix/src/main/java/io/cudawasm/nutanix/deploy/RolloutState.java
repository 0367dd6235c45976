package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetStatus;
import java.util.Objects;

/** Whether a Deployment's or StatefulSet's rollout is complete, with a line for humans, as {@code kubectl rollout status} judges it. */
public record RolloutState(boolean complete, String message) {

    /** Judges a live workload; objects of other kinds count as complete. */
    public static RolloutState of(HasMetadata workload) {
        if (workload instanceof Deployment d) {
            return deployment(d);
        }
        if (workload instanceof StatefulSet s) {
            return statefulSet(s);
        }
        return new RolloutState(true, "nothing to roll out");
    }

    private static RolloutState deployment(Deployment d) {
        int want = orOne(d.getSpec().getReplicas());
        DeploymentStatus st = d.getStatus();
        if (st == null || !observed(d.getMetadata().getGeneration(), st.getObservedGeneration())) {
            return waiting("waiting for the deployment controller to observe generation " + d.getMetadata().getGeneration());
        }
        int updated = orZero(st.getUpdatedReplicas());
        int total = orZero(st.getReplicas());
        int available = orZero(st.getAvailableReplicas());
        if (updated < want) {
            return waiting(updated + " of " + want + " replicas updated");
        }
        if (total > updated) {
            return waiting((total - updated) + " old replicas pending termination");
        }
        if (available < updated) {
            return waiting(available + " of " + updated + " updated replicas available");
        }
        return new RolloutState(true, want + " of " + want + " replicas updated and available");
    }

    private static RolloutState statefulSet(StatefulSet s) {
        int want = orOne(s.getSpec().getReplicas());
        StatefulSetStatus st = s.getStatus();
        if (st == null || !observed(s.getMetadata().getGeneration(), st.getObservedGeneration())) {
            return waiting("waiting for the statefulset controller to observe generation " + s.getMetadata().getGeneration());
        }
        int ready = orZero(st.getReadyReplicas());
        int updated = orZero(st.getUpdatedReplicas());
        if (ready < want) {
            return waiting(ready + " of " + want + " replicas ready");
        }
        if (st.getUpdateRevision() != null && !Objects.equals(st.getUpdateRevision(), st.getCurrentRevision())) {
            return waiting(updated + " of " + want + " replicas on revision " + st.getUpdateRevision());
        }
        return new RolloutState(true, want + " of " + want + " replicas ready");
    }

    private static boolean observed(Long generation, Long observedGeneration) {
        return generation == null || (observedGeneration != null && observedGeneration >= generation);
    }

    private static RolloutState waiting(String message) {
        return new RolloutState(false, message);
    }

    private static int orOne(Integer i) {
        return i == null ? 1 : i;
    }

    private static int orZero(Integer i) {
        return i == null ? 0 : i;
    }
}
