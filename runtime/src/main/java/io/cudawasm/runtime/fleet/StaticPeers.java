package io.cudawasm.runtime.fleet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A fixed list of replica addresses ({@code CUDA_WASM_PEERS=host:port,...}). Names are learned by
 * asking each address who it is ({@code GET /v1/fleet}); an address that does not answer keeps the
 * name it had, so a forward to it fails fast and the job answers 410. Addresses may be listed
 * before their replica starts (a replica added later is found on the next refresh).
 */
public final class StaticPeers implements PeerDiscovery {
    private static final ObjectMapper JSON = new ObjectMapper();
    /** A missing name triggers a refresh at most this often. */
    private static final long REFRESH_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** Names are re-learned in the background of requests after this long. */
    private static final long STALE_NANOS = TimeUnit.SECONDS.toNanos(30);

    private final List<URI> addresses;
    private final PeerClient client;
    private final String self;
    private final Map<URI, String> names = new ConcurrentHashMap<>();
    private final Object refreshLock = new Object();
    private volatile long refreshedAt = System.nanoTime() - STALE_NANOS - 1;

    StaticPeers(List<String> hostPorts, PeerClient client, String self) {
        this.addresses = hostPorts.stream().map(hp -> URI.create("http://" + hp)).toList();
        this.client = client;
        this.self = self;
    }

    @Override
    public List<Peer> peers() {
        if (System.nanoTime() - refreshedAt > STALE_NANOS) {
            refresh();
        }
        List<Peer> peers = new ArrayList<>();
        for (URI a : addresses) {
            String name = names.get(a);
            if (!self.equals(name)) {
                peers.add(new Peer(name, a));
            }
        }
        return peers;
    }

    @Override
    public Optional<URI> locate(String replica) {
        Optional<URI> found = find(replica);
        if (found.isEmpty() && System.nanoTime() - refreshedAt > REFRESH_NANOS) {
            refresh();
            found = find(replica);
        }
        return found;
    }

    private Optional<URI> find(String replica) {
        return names.entrySet().stream().filter(e -> e.getValue().equals(replica)).map(Map.Entry::getKey).findFirst();
    }

    /** Asks every address for its name, all at once, each bounded by the peer timeout. */
    void refresh() {
        synchronized (refreshLock) {
            List<CompletableFuture<Void>> probes = new ArrayList<>();
            for (URI a : addresses) {
                probes.add(client.sendAsync("GET", a, FleetRouter.FLEET_PATH).thenAccept(answer -> {
                    if (answer.ok()) {
                        try {
                            JsonNode doc = JSON.readTree(answer.body());
                            String name = doc.path("replica").asText("");
                            if (JobId.isReplicaName(name)) {
                                names.put(a, name);
                            }
                        } catch (IOException e) {
                            // not a worker at this address: keep what we knew
                        }
                    }
                }).exceptionally(e -> null));
            }
            try {
                CompletableFuture.allOf(probes.toArray(CompletableFuture[]::new)).get(
                        client.timeout().toMillis() + 500, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                // a slow address keeps its old name; the others are updated
            }
            refreshedAt = System.nanoTime();
        }
    }

    @Override
    public String mode() {
        return "static";
    }
}
