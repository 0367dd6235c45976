package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * Caps the {@code /v1} requests being handled at once (reading a body, compiling, waiting for a
 * job), so slow or numerous API clients can hold only part of the server's threads: the probes
 * and {@code /metrics} keep the rest; one client address may hold only a share of them, so a
 * single slow or greedy client leaves room for the others. A request over either cap is
 * answered at once with 503.
 */
final class ApiRequestLimiter {
    private final int max;
    private final int perClient;
    private final Semaphore permits;
    /** Requests in progress per client address; an address leaves the map at zero. */
    private final Map<String, Integer> byClient = new HashMap<>();

    ApiRequestLimiter(int max, int perClient) {
        this.max = max;
        this.perClient = perClient;
        this.permits = new Semaphore(max);
    }

    /** A before-handler: takes a permit until Jetty has sent the whole answer. */
    void acquire(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return;
        }
        String client = ctx.req().getRemoteAddr();
        if (!enter(client)) {
            throw new ApiException(503, "server_busy", "this client already has " + perClient + " API requests in "
                    + "progress; retry shortly", Map.of("limit", perClient, "scope", "client"),
                    Map.of("Retry-After", "1"));
        }
        if (!permits.tryAcquire()) {
            leave(client);
            throw new ApiException(503, "server_busy", "the worker is handling " + max + " API requests; retry shortly",
                    Map.of("limit", max, "scope", "worker"), Map.of("Retry-After", "1"));
        }
        Request.addCompletionListener(request, failure -> {
            permits.release();
            leave(client);
        });
    }

    private synchronized boolean enter(String client) {
        int n = byClient.getOrDefault(client, 0);
        if (n >= perClient) {
            return false;
        }
        byClient.put(client, n + 1);
        return true;
    }

    private synchronized void leave(String client) {
        byClient.computeIfPresent(client, (k, n) -> n <= 1 ? null : n - 1);
    }

    int inUse() {
        return max - permits.availablePermits();
    }
}
