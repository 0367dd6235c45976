package io.cudawasm.runtime.service.api;

import io.cudawasm.runtime.service.admission.ByteBudget;
import io.cudawasm.runtime.service.config.HttpLimits;
import io.javalin.http.Context;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.server.Request;

/**
 * The heap one request's body holds while it is read, parsed and planned: reserved from the
 * worker's request-body budget before the bytes are read, given back when the request ends (or
 * earlier, once a job's own reservation takes over). Many large bodies at once therefore wait
 * briefly or get 503, instead of running the worker out of memory together.
 */
final class BodyReservation {
    private static final String ATTRIBUTE = BodyReservation.class.getName();
    /** How long a body waits for room before it is refused. */
    private static final long WAIT_MILLIS = 2_000;

    private final ByteBudget budget;
    private long reserved;

    private BodyReservation(ByteBudget budget) {
        this.budget = budget;
    }

    /** The request's reservation, created (and released when the request completes) on first use. */
    static BodyReservation of(Context ctx, ByteBudget budget) {
        BodyReservation r = ctx.attribute(ATTRIBUTE);
        if (r == null) {
            r = new BodyReservation(budget);
            ctx.attribute(ATTRIBUTE, r);
            ServletContextRequest request = ServletContextRequest.getServletContextRequest(ctx.req());
            if (request != null) {
                BodyReservation done = r;
                Request.addCompletionListener(request, failure -> done.release());
            }
        }
        return r;
    }

    /** Gives the request's reservation back early (a job's own reservation covers its data now). */
    static void release(Context ctx) {
        BodyReservation r = ctx.attribute(ATTRIBUTE);
        if (r != null) {
            r.release();
        }
    }

    /** Reserves room for {@code bodyBytes} more bytes of body. */
    void grow(long bodyBytes) {
        long bytes = bodyBytes * HttpLimits.BODY_HEAP_FACTOR;
        if (!budget.fits(bytes)) {
            throw new ApiException(413, "request_too_large", "a body of " + bodyBytes + " bytes needs more of the "
                    + "heap than the worker gives request bodies (" + budget.capacity() + " bytes, "
                    + "CUDA_WASM_REQUEST_HEAP_BYTES)", Map.of("bytes", bodyBytes, "limit", budget.capacity()
                    / HttpLimits.BODY_HEAP_FACTOR, "variable", "CUDA_WASM_REQUEST_HEAP_BYTES"), null);
        }
        try {
            if (!budget.reserve(bytes, WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                throw new ApiException(503, "server_busy", "the worker is reading other large requests; retry "
                        + "shortly", Map.of("scope", "request bodies", "variable", "CUDA_WASM_REQUEST_HEAP_BYTES"),
                        Map.of("Retry-After", "1"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiException(503, "shutting_down", "the worker is stopping");
        }
        synchronized (this) {
            reserved += bytes;
        }
    }

    synchronized void release() {
        if (reserved > 0) {
            budget.release(reserved);
            reserved = 0;
        }
    }
}
