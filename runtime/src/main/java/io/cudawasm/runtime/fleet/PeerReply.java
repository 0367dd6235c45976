package io.cudawasm.runtime.fleet;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One peer's answer to a call this replica made on its own behalf (a fleet-wide listing, a kernel
 * delete passed on).
 *
 * @param status the HTTP status, or 0 when the peer could not be reached in time
 * @param body the JSON body, or null
 */
public record PeerReply(Peer peer, int status, JsonNode body) {
    public boolean reached() {
        return status != 0;
    }

    /** How a listing reports this peer: {@code ok}, {@code unreachable} or {@code http <status>}. */
    public String state() {
        return status == 0 ? "unreachable" : status / 100 == 2 ? "ok" : "http " + status;
    }
}
