package io.cudawasm.runtime.fleet;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/** A single worker: nobody to ask, nobody to forward to. */
public record NoPeers() implements PeerDiscovery {
    @Override
    public List<Peer> peers() {
        return List.of();
    }

    @Override
    public Optional<URI> locate(String replica) {
        return Optional.empty();
    }

    @Override
    public String mode() {
        return "off";
    }
}
