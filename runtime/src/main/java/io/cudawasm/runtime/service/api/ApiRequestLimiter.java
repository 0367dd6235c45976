package io.cudawasm.runtime.service.api;

import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * Caps the {@code /v1} requests being handled at once (reading a body, compiling, waiting for a
 * job), so slow or numerous API clients can hold only part of the server's threads: the probes
 * and {@code /metrics} keep the rest. A request over the cap is answered at once with 503.
 */
final class ApiRequestLimiter {
    private final int max;
    private final Semaphore permits;

    ApiRequestLimiter(int max) {
        this.max = max;
        this.permits = new Semaphore(max);
    }

    /** A before-handler: takes a permit until Jetty has sent the whole answer. */
    void acquire(Context ctx) {
        ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
        if (request == null) {
            return;
        }
        if (!permits.tryAcquire()) {
            throw new ApiException(503, "server_busy", "the worker is handling " + max + " API requests; retry shortly",
                    Map.of("limit", max), Map.of("Retry-After", "1"));
        }
        Request.addCompletionListener(request, failure -> permits.release());
    }

    int inUse() {
        return max - permits.availablePermits();
    }
}
