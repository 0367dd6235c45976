package io.cudawasm.runtime.fleet;

import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headless Service's EndpointSlices (label {@code kubernetes.io/service-name}), read through
 * the Kubernetes API: each endpoint names its pod ({@code targetRef}) and gives its address, for
 * StatefulSets and Deployments alike. Endpoints of terminating pods are kept: a draining replica
 * still answers for its jobs. The view is re-listed every 5 s when used, and at once (at most once
 * a second) when a job names a replica it does not know. Needs {@code get}/{@code list} on
 * {@code endpointslices.discovery.k8s.io} in the namespace.
 */
public final class EndpointSlicePeers implements PeerDiscovery {
    private static final Logger log = LoggerFactory.getLogger(EndpointSlicePeers.class);
    static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final KubernetesClient client;
    private final String service;
    private final String namespace;
    private final int defaultPort;
    private final String self;
    private volatile Map<String, URI> byName = Map.of();
    private volatile long listedAt = System.nanoTime() - TTL_NANOS - 1;

    /**
     * @param defaultPort the API port when a slice names none (the worker's own port)
     */
    EndpointSlicePeers(KubernetesClient client, String service, String namespace, int defaultPort, String self) {
        this.client = client;
        this.service = service;
        this.namespace = namespace;
        this.defaultPort = defaultPort;
        this.self = self;
    }

    @Override
    public List<Peer> peers() {
        if (System.nanoTime() - listedAt > TTL_NANOS) {
            refresh();
        }
        List<Peer> peers = new ArrayList<>();
        byName.forEach((name, uri) -> {
            if (!name.equals(self)) {
                peers.add(new Peer(name, uri));
            }
        });
        return peers;
    }

    @Override
    public Optional<URI> locate(String replica) {
        URI uri = byName.get(replica);
        if (uri == null && System.nanoTime() - listedAt > REFRESH_NANOS) {
            refresh();
            uri = byName.get(replica);
        }
        return Optional.ofNullable(uri);
    }

    /** Lists the slices now; on an API error the last view is kept (and the error logged). */
    synchronized void refresh() {
        try {
            Map<String, URI> seen = new LinkedHashMap<>();
            for (EndpointSlice slice : client.discovery().v1().endpointSlices().inNamespace(namespace)
                    .withLabel(SERVICE_NAME_LABEL, service).list().getItems()) {
                int port = port(slice);
                boolean ipv6 = "IPv6".equals(slice.getAddressType());
                for (Endpoint e : slice.getEndpoints()) {
                    String name = podName(e);
                    if (name == null || e.getAddresses() == null || e.getAddresses().isEmpty()) {
                        continue;
                    }
                    String host = e.getAddresses().get(0);
                    seen.put(name, URI.create("http://" + (ipv6 ? "[" + host + "]" : host) + ":" + port));
                }
            }
            byName = Map.copyOf(seen);
        } catch (KubernetesClientException e) {
            log.warn("cannot list the EndpointSlices of service {}/{}: {}", namespace, service, e.getMessage());
        } finally {
            listedAt = System.nanoTime();
        }
    }

    private static String podName(Endpoint e) {
        ObjectReference ref = e.getTargetRef();
        if (ref != null && "Pod".equals(ref.getKind()) && ref.getName() != null) {
            return ref.getName();
        }
        return e.getHostname();
    }

    private int port(EndpointSlice slice) {
        List<EndpointPort> ports = slice.getPorts();
        if (ports == null || ports.isEmpty()) {
            return defaultPort;
        }
        for (EndpointPort p : ports) {
            if (WorkerEnvironment.PORT_NAME.equals(p.getName()) && p.getPort() != null) {
                return p.getPort();
            }
        }
        return ports.get(0).getPort() != null ? ports.get(0).getPort() : defaultPort;
    }

    @Override
    public String mode() {
        return "endpointslices";
    }

    @Override
    public void close() {
        client.close();
    }
}
