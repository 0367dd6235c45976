package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Requires {@code Authorization: Bearer <token>} on the API. The comparison takes the same time
 * for every wrong token of a given length, so response times do not leak the token. In a fleet
 * with its own peer token ({@code CUDA_WASM_PEER_TOKEN}) that token is accepted too: replicas
 * present it on the calls they make for themselves.
 */
final class BearerAuth implements Handler {
    private final byte[] token;
    private final byte[] peerToken;

    /** @param peerToken a second accepted token, or null */
    BearerAuth(String token, String peerToken) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
        this.peerToken = peerToken == null ? null : peerToken.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("this worker requires a bearer token: send 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        boolean valid = MessageDigest.isEqual(given, token);
        valid |= peerToken != null && MessageDigest.isEqual(given, peerToken);
        if (!valid) {
            throw unauthorized("the bearer token is not valid");
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"cuda-wasm\""));
    }
}
