package io.cudawasm.runtime.fleet;

import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.Supplier;

/**
 * The fleet's meters: {@code cudawasm_fleet_forwarded_total{method,outcome}} (requests sent on to
 * the job's owner), {@code cudawasm_fleet_owner_gone_total{reason}} (the 410 answers),
 * {@code cudawasm_fleet_peer_fetches_total{outcome}} (kernel ids looked up on peers) and the
 * {@code cudawasm_fleet_peers} gauge.
 */
final class FleetMetrics {
    private final MeterRegistry registry;

    FleetMetrics(WorkerMetrics metrics, Supplier<Number> peers) {
        this.registry = metrics.registry();
        metrics.gauge("cudawasm.fleet.peers", "Other replicas this one currently knows", peers);
    }

    /** @param outcome answered (the owner's answer was relayed), owner_gone (410), timeout (504), error (502) */
    void forwarded(String method, String outcome) {
        Counter.builder("cudawasm.fleet.forwarded").description("Job requests forwarded to the replica that owns the job")
                .tags("method", method, "outcome", outcome).register(registry).increment();
    }

    /** @param reason not_in_fleet, unreachable, restarted, wrong_replica */
    void ownerGone(String reason) {
        Counter.builder("cudawasm.fleet.owner.gone").description("Job requests answered 410: the owning replica is gone")
                .tag("reason", reason).register(registry).increment();
    }

    /** @param outcome found, not_found, mismatch, unreachable, no_peers */
    void peerFetch(String outcome) {
        Counter.builder("cudawasm.fleet.peer.fetches").description("Kernel ids missing here and looked up on peers")
                .tag("outcome", outcome).register(registry).increment();
    }
}
