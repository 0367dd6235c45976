package io.cudawasm.runtime.fleet;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The headless Service's DNS, as a StatefulSet gives it: every pod answers at
 * {@code <pod>.<service>.<namespace>.svc.<domain>}, and the Service's own name resolves to every
 * pod's address (the generated Service publishes not-ready addresses, so a draining pod stays
 * reachable for its jobs). Needs no Kubernetes API access. The JVM caches lookups; the generated
 * pods shorten that cache to 5 s ({@code -Dsun.net.inetaddr.ttl=5}).
 */
public final class DnsPeers implements PeerDiscovery {
    private static final Logger log = LoggerFactory.getLogger(DnsPeers.class);
    private static final long TTL_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String serviceDomain;
    private final int port;
    private final String selfIp;
    private volatile List<Peer> cached = List.of();
    private volatile long cachedAt = System.nanoTime() - TTL_NANOS - 1;

    /**
     * @param selfIp this pod's address ({@code POD_IP}), left out of {@link #peers()}; may be null
     */
    DnsPeers(String service, String namespace, String clusterDomain, int port, String selfIp) {
        this.serviceDomain = service + "." + namespace + ".svc." + clusterDomain;
        this.port = port;
        this.selfIp = selfIp;
    }

    @Override
    public synchronized List<Peer> peers() {
        if (System.nanoTime() - cachedAt < TTL_NANOS) {
            return cached;
        }
        List<Peer> peers = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(serviceDomain)) {
                if (!a.getHostAddress().equals(selfIp)) {
                    String host = a instanceof Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress();
                    peers.add(new Peer(null, URI.create("http://" + host + ":" + port)));
                }
            }
        } catch (UnknownHostException e) {
            log.debug("no addresses for {}: {}", serviceDomain, e.getMessage());
        }
        cached = List.copyOf(peers);
        cachedAt = System.nanoTime();
        return cached;
    }

    /** The pod's stable DNS name; whether it still exists shows when it is called. */
    @Override
    public Optional<URI> locate(String replica) {
        return Optional.of(URI.create("http://" + replica + "." + serviceDomain + ":" + port));
    }

    String serviceDomain() {
        return serviceDomain;
    }

    @Override
    public String mode() {
        return "dns";
    }
}
