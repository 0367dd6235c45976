package io.cudawasm.runtime.service.config;

import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import java.util.Locale;

/** How a replica finds the other replicas of its fleet. */
public enum PeerDiscoveryMode {
    /** A single worker: no peers, no forwarding (the default). */
    OFF("off"),
    /** A fixed list of {@code host:port} addresses ({@code CUDA_WASM_PEERS}): tests and hosts outside Kubernetes. */
    STATIC("static"),
    /** The headless Service's DNS: {@code <pod>.<service>.<namespace>.svc.<domain>}; StatefulSets only. */
    DNS(WorkerEnvironment.PEER_DISCOVERY_DNS),
    /** The headless Service's EndpointSlices, read through the Kubernetes API (any workload kind). */
    ENDPOINT_SLICES(WorkerEnvironment.PEER_DISCOVERY_ENDPOINT_SLICES);

    private final String configValue;

    PeerDiscoveryMode(String configValue) {
        this.configValue = configValue;
    }

    public String configValue() {
        return configValue;
    }

    public static PeerDiscoveryMode parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        for (PeerDiscoveryMode m : values()) {
            if (m.configValue.equals(t)) {
                return m;
            }
        }
        throw new IllegalArgumentException("unknown peer discovery '" + text + "': off, static, dns or endpointslices");
    }
}
