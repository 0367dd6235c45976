package io.cudawasm.nutanix.deploy;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/** Watches a workload until its rollout completes or a timeout passes, reporting each change of state. */
public final class RolloutWaiter {
    private final KubernetesClient client;

    public RolloutWaiter(KubernetesClient client) {
        this.client = client;
    }

    /**
     * Blocks until the rollout of {@code workload} is complete or {@code timeout} has passed, calling
     * {@code progress} with a line each time the state changes; returns the last state seen.
     */
    public RolloutState await(HasMetadata workload, Duration timeout, Consumer<String> progress) {
        String reference = workload.getKind().toLowerCase(Locale.ROOT) + "/" + workload.getMetadata().getName();
        AtomicReference<RolloutState> last = new AtomicReference<>(new RolloutState(false, "not seen yet"));
        try {
            client.resource(workload).waitUntilCondition(live -> {
                if (live == null) {
                    return false;
                }
                RolloutState state = RolloutState.of(live);
                RolloutState previous = last.getAndSet(state);
                if (!state.message().equals(previous.message())) {
                    progress.accept(reference + ": " + state.message());
                }
                return state.complete();
            }, timeout.toMillis(), TimeUnit.MILLISECONDS);
            return last.get();
        } catch (KubernetesClientTimeoutException e) {
            return new RolloutState(false, "timed out after " + timeout.toSeconds() + "s: " + last.get().message());
        }
    }
}
