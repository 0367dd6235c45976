package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;

/**
 * Requires {@code Authorization: Bearer <token>} on the API. The comparison takes the same time
 * for every wrong token of a given length, so response times do not leak the token.
 */
final class BearerAuth implements Handler {
    private final byte[] token;

    BearerAuth(String token) {
        this.token = token.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void handle(Context ctx) {
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw unauthorized("this worker requires a bearer token: send 'Authorization: Bearer <token>'");
        }
        byte[] given = header.substring(7).trim().getBytes(StandardCharsets.UTF_8);
        if (!MessageDigest.isEqual(given, token)) {
            throw unauthorized("the bearer token is not valid");
        }
    }

    private static ApiException unauthorized(String message) {
        return new ApiException(401, "unauthorized", message, null,
                Map.of("WWW-Authenticate", "Bearer realm=\"cuda-wasm\""));
    }
}
