package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates or updates objects through the API, one at a time in the given order, idempotently: an
 * object whose live state already has every desired field is left alone (no write, no new
 * resourceVersion). Updates are plain replaces with the live resourceVersion, which every API
 * server (and Fabric8's CRUD mock) supports, unlike strategic merge or server-side apply.
 */
public final class ManifestApplier {
    private static final Logger LOG = LoggerFactory.getLogger(ManifestApplier.class);

    private final KubernetesClient client;

    public ManifestApplier(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Applies {@code objects} (or only compares them when {@code dryRun}), reporting each outcome to
     * {@code progress} as it happens.
     */
    public List<AppliedObject> apply(List<HasMetadata> objects, boolean dryRun, Consumer<AppliedObject> progress) {
        List<AppliedObject> results = new ArrayList<>();
        for (HasMetadata desired : objects) {
            AppliedObject result = applyOne(desired, dryRun);
            LOG.debug("{}", result.describe());
            progress.accept(result);
            results.add(result);
        }
        return results;
    }

    private AppliedObject applyOne(HasMetadata desired, boolean dryRun) {
        HasMetadata live = client.resource(desired).get();
        ApplyAction action;
        if (live == null) {
            action = dryRun ? ApplyAction.WOULD_CREATE : ApplyAction.CREATED;
            if (!dryRun) {
                client.resource(desired).create();
            }
        } else if (DesiredState.isSatisfiedBy(desired, live)) {
            action = ApplyAction.UNCHANGED;
        } else {
            action = dryRun ? ApplyAction.WOULD_UPDATE : ApplyAction.UPDATED;
            if (!dryRun) {
                client.resource(forUpdate(desired, live)).update();
            }
        }
        return new AppliedObject(desired.getKind(), desired.getMetadata().getNamespace(),
                desired.getMetadata().getName(), action);
    }

    /**
     * The desired object carrying the live resourceVersion (optimistic locking) and, when the
     * manifest leaves the replica count to an HPA, the live replica count, so that an update does
     * not scale the workload back to one.
     */
    static HasMetadata forUpdate(HasMetadata desired, HasMetadata live) {
        HasMetadata copy = Manifests.serialization().clone(desired);
        copy.getMetadata().setResourceVersion(live.getMetadata().getResourceVersion());
        if (copy instanceof StatefulSet s && live instanceof StatefulSet l && s.getSpec().getReplicas() == null) {
            s.getSpec().setReplicas(l.getSpec().getReplicas());
        }
        if (copy instanceof Deployment d && live instanceof Deployment l && d.getSpec().getReplicas() == null) {
            d.getSpec().setReplicas(l.getSpec().getReplicas());
        }
        return copy;
    }
}
