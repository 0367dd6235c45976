package io.cudawasm.runtime.fleet;

import java.net.URI;
import java.util.Objects;

/**
 * Another replica of the fleet.
 *
 * @param name its replica name, or null where discovery only knows its address (DNS)
 * @param base where its API answers, e.g. {@code http://10.0.3.7:8080}
 */
public record Peer(String name, URI base) {
    public Peer {
        Objects.requireNonNull(base, "base");
    }

    /** The name, else the address: how messages and listings refer to the peer. */
    public String label() {
        return name != null ? name : base.getAuthority();
    }
}
