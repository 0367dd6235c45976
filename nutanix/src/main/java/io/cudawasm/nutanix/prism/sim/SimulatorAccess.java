package io.cudawasm.nutanix.prism.sim;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may call the simulator: users with passwords (Basic), API keys ({@code X-ntnx-api-key}), and users
 * who authenticate but may not read anything (answered 403 {@code ACCESS_DENIED}).
 */
record SimulatorAccess(Map<String, String> users, Map<String, String> apiKeys, Set<String> readForbiddenUsers) {

    /** The outcome of checking one request's credentials. */
    record Caller(String scheme, String principal, boolean authenticated, boolean readAllowed) {
        static final Caller ANONYMOUS = new Caller("none", "", false, false);
    }

    SimulatorAccess {
        users = Map.copyOf(users);
        apiKeys = Map.copyOf(apiKeys);
        readForbiddenUsers = Set.copyOf(readForbiddenUsers);
    }

    Caller authenticate(Optional<String> apiKeyHeader, Optional<String> authorization) {
        if (apiKeyHeader.isPresent()) {
            String owner = null;
            for (Map.Entry<String, String> e : apiKeys.entrySet()) {
                if (constantTimeEquals(e.getKey(), apiKeyHeader.get())) {
                    owner = e.getValue();
                }
            }
            return owner == null ? new Caller("api-key", "", false, false)
                    : new Caller("api-key", owner, true, !readForbiddenUsers.contains(owner));
        }
        if (authorization.isPresent() && authorization.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(authorization.get().substring(6).trim()),
                        StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                return new Caller("basic", "", false, false);
            }
            int colon = decoded.indexOf(':');
            String user = colon < 0 ? decoded : decoded.substring(0, colon);
            String password = colon < 0 ? "" : decoded.substring(colon + 1);
            String expected = users.get(user);
            boolean ok = expected != null && constantTimeEquals(expected, password);
            return new Caller("basic", ok ? user : "", ok, ok && !readForbiddenUsers.contains(user));
        }
        return authorization.isPresent() ? new Caller("other", "", false, false) : Caller.ANONYMOUS;
    }

    private static boolean constantTimeEquals(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
