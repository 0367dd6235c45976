package io.cudawasm.runtime.service.config;

import io.cudawasm.nutanix.deploy.KubernetesClientFactory;
import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How this worker takes part in a fleet of replicas (see {@code io.cudawasm.runtime.fleet}).
 *
 * @param discovery how peers are found; {@link PeerDiscoveryMode#OFF} for a single worker
 * @param replicaName this replica's name as job ids carry it (the pod name in Kubernetes)
 * @param staticPeers {@code host:port} of every replica, this one included or not (static discovery)
 * @param peerService the headless Service whose DNS names or EndpointSlices list the replicas
 * @param namespace the Service's namespace
 * @param clusterDomain the cluster's DNS domain, for pod names under the headless Service
 * @param peerPort the peers' API port; 0: the same port as this worker's
 * @param podIp this pod's address, so DNS discovery can leave itself out (may be null)
 * @param peerToken bearer token for calls between replicas; null: the API token
 * @param peerTimeout bound on one call to a peer (forwarded request, kernel fetch, list)
 * @param drainLinger how long a stopping replica keeps answering for finished jobs nobody has read yet
 * @param kubernetes opens the Kubernetes client of EndpointSlice discovery (tests pass a mock server's)
 */
public record FleetSettings(
        PeerDiscoveryMode discovery,
        String replicaName,
        List<String> staticPeers,
        String peerService,
        String namespace,
        String clusterDomain,
        int peerPort,
        String podIp,
        String peerToken,
        Duration peerTimeout,
        Duration drainLinger,
        KubernetesClientFactory kubernetes) {

    public static final String ENV_DISCOVERY = WorkerEnvironment.PEER_DISCOVERY;
    public static final String ENV_PEERS = "CUDA_WASM_PEERS";
    public static final String ENV_REPLICA_NAME = "CUDA_WASM_REPLICA_NAME";
    public static final String ENV_PEER_SERVICE = WorkerEnvironment.PEER_SERVICE;
    public static final String ENV_CLUSTER_DOMAIN = "CUDA_WASM_CLUSTER_DOMAIN";
    public static final String ENV_PEER_PORT = "CUDA_WASM_PEER_PORT";
    public static final String ENV_PEER_TOKEN = "CUDA_WASM_PEER_TOKEN";
    public static final String ENV_PEER_TOKEN_FILE = "CUDA_WASM_PEER_TOKEN_FILE";
    public static final String ENV_PEER_TIMEOUT = "CUDA_WASM_PEER_TIMEOUT_SECONDS";
    public static final String ENV_DRAIN_LINGER = WorkerEnvironment.DRAIN_LINGER_SECONDS;

    public static final Duration DEFAULT_PEER_TIMEOUT = Duration.ofSeconds(10);
    /** Long enough for pollers that ask every few seconds; grace 30 + linger 15 stays under the pods' 60 s. */
    public static final Duration DEFAULT_DRAIN_LINGER = Duration.ofSeconds(15);
    public static final String DEFAULT_CLUSTER_DOMAIN = "cluster.local";

    /** A single worker with no peers. */
    public static final FleetSettings OFF = new FleetSettings(PeerDiscoveryMode.OFF, hostName(Map.of()), List.of(),
            null, "default", DEFAULT_CLUSTER_DOMAIN, 0, null, null, DEFAULT_PEER_TIMEOUT, Duration.ZERO,
            KubernetesClientFactory.fromKubeconfig());

    public FleetSettings {
        Objects.requireNonNull(discovery, "discovery");
        Objects.requireNonNull(replicaName, "replicaName");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(clusterDomain, "clusterDomain");
        Objects.requireNonNull(peerTimeout, "peerTimeout");
        Objects.requireNonNull(drainLinger, "drainLinger");
        Objects.requireNonNull(kubernetes, "kubernetes");
        staticPeers = List.copyOf(staticPeers);
        for (String peer : staticPeers) {
            requireHostPort(peer);
        }
        if (discovery == PeerDiscoveryMode.STATIC && staticPeers.isEmpty()) {
            throw new IllegalArgumentException(ENV_PEERS + ": static discovery needs host:port of the replicas");
        }
        if ((discovery == PeerDiscoveryMode.DNS || discovery == PeerDiscoveryMode.ENDPOINT_SLICES)
                && (peerService == null || peerService.isBlank())) {
            throw new IllegalArgumentException(ENV_PEER_SERVICE + ": " + discovery.configValue()
                    + " discovery needs the headless Service's name");
        }
        if (peerPort < 0 || peerPort > 65535) {
            throw new IllegalArgumentException(ENV_PEER_PORT + ": must be 0..65535, got " + peerPort);
        }
        if (peerTimeout.isZero() || peerTimeout.isNegative()) {
            throw new IllegalArgumentException(ENV_PEER_TIMEOUT + ": must be positive");
        }
        if (peerToken != null && peerToken.isBlank()) {
            peerToken = null;
        }
    }

    /** A fleet with a fixed peer list, for tests and hosts outside Kubernetes. */
    public static FleetSettings staticPeers(String replicaName, List<String> peers) {
        return new FleetSettings(PeerDiscoveryMode.STATIC, replicaName, peers, null, "default", DEFAULT_CLUSTER_DOMAIN,
                0, null, null, DEFAULT_PEER_TIMEOUT, DEFAULT_DRAIN_LINGER, KubernetesClientFactory.fromKubeconfig());
    }

    /** Discovery through the headless Service's EndpointSlices, with the given Kubernetes client factory. */
    public static FleetSettings endpointSlices(String replicaName, String service, String namespace,
            KubernetesClientFactory kubernetes) {
        return new FleetSettings(PeerDiscoveryMode.ENDPOINT_SLICES, replicaName, List.of(), service, namespace,
                DEFAULT_CLUSTER_DOMAIN, 0, null, null, DEFAULT_PEER_TIMEOUT, DEFAULT_DRAIN_LINGER, kubernetes);
    }

    public boolean enabled() {
        return discovery != PeerDiscoveryMode.OFF;
    }

    public FleetSettings withPeerToken(String token) {
        return new FleetSettings(discovery, replicaName, staticPeers, peerService, namespace, clusterDomain, peerPort,
                podIp, token, peerTimeout, drainLinger, kubernetes);
    }

    public FleetSettings withTimeouts(Duration timeout, Duration linger) {
        return new FleetSettings(discovery, replicaName, staticPeers, peerService, namespace, clusterDomain, peerPort,
                podIp, peerToken, timeout, linger, kubernetes);
    }

    /**
     * Reads {@code CUDA_WASM_PEER_DISCOVERY} (default: {@code static} when {@code CUDA_WASM_PEERS} is
     * set, else {@code off}) and the other fleet variables.
     *
     * @param namespace the pod's namespace, as self-registration found it
     */
    static FleetSettings fromEnvironment(EnvValues v, Map<String, String> env, String namespace) {
        String peersText = v.text(ENV_PEERS);
        List<String> peers = new ArrayList<>();
        if (peersText != null) {
            for (String p : peersText.split(",")) {
                if (!p.isBlank()) {
                    peers.add(p.strip());
                }
            }
        }
        PeerDiscoveryMode mode;
        try {
            mode = PeerDiscoveryMode.parse(v.text(ENV_DISCOVERY, peers.isEmpty() ? "off" : "static"));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_DISCOVERY + ": " + e.getMessage(), e);
        }
        String token = v.text(ENV_PEER_TOKEN);
        if (token == null && v.text(ENV_PEER_TOKEN_FILE) != null) {
            token = WorkerConfig.readTokenFile(Path.of(v.text(ENV_PEER_TOKEN_FILE)), ENV_PEER_TOKEN_FILE);
        }
        String replica = v.text(ENV_REPLICA_NAME, v.text(WorkerEnvironment.POD_NAME, hostName(env)));
        try {
            return new FleetSettings(mode, replica, peers, v.text(ENV_PEER_SERVICE), namespace,
                    v.text(ENV_CLUSTER_DOMAIN, DEFAULT_CLUSTER_DOMAIN), v.integer(ENV_PEER_PORT, 0, 0),
                    v.text(WorkerEnvironment.POD_IP), token, v.seconds(ENV_PEER_TIMEOUT, DEFAULT_PEER_TIMEOUT, false),
                    v.seconds(ENV_DRAIN_LINGER, mode == PeerDiscoveryMode.OFF ? Duration.ZERO : DEFAULT_DRAIN_LINGER,
                            true),
                    KubernetesClientFactory.fromKubeconfig());
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("CUDA_WASM_")) {
                throw e;
            }
            throw new IllegalArgumentException(ENV_PEERS + ": " + e.getMessage(), e);
        }
    }

    /** {@code HOSTNAME}, else the local host name, else {@code worker}. */
    private static String hostName(Map<String, String> env) {
        String h = env.get("HOSTNAME");
        if (h != null && !h.isBlank()) {
            return h.strip();
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException | SecurityException e) {
            return "worker";
        }
    }

    private static void requireHostPort(String peer) {
        URI uri;
        try {
            uri = URI.create("http://" + peer);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("peer '" + peer + "' is not host:port", e);
        }
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getPath() != null && !uri.getPath().isEmpty()) {
            throw new IllegalArgumentException("peer '" + peer + "' is not host:port (e.g. 10.0.0.7:8080)");
        }
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "FleetSettings[discovery=" + discovery.configValue() + ", replica=" + replicaName
                + (staticPeers.isEmpty() ? "" : ", peers=" + staticPeers)
                + (peerService == null ? "" : ", service=" + peerService + "." + namespace)
                + ", peerToken=" + (peerToken == null ? "api token" : "own") + ", peerTimeout=" + peerTimeout
                + ", drainLinger=" + drainLinger + "]";
    }
}
