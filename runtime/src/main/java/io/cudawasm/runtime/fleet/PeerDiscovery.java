package io.cudawasm.runtime.fleet;

import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Finds the other replicas of the fleet. Views may be a few seconds old; a replica that left is
 * found out when a call to it fails, which the router answers with 410 for its jobs.
 */
public sealed interface PeerDiscovery extends AutoCloseable
        permits NoPeers, StaticPeers, DnsPeers, EndpointSlicePeers {

    /** The other replicas as last seen (this one left out where discovery can tell). */
    List<Peer> peers();

    /** Where the named replica answers; empty when discovery does not know it (it left the fleet). */
    Optional<URI> locate(String replica);

    /** {@code off}, {@code static}, {@code dns} or {@code endpointslices}. */
    String mode();

    @Override
    default void close() {}
}
