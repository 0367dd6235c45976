package io.cudawasm.nutanix.prism.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Misbehaviour to apply to the next API requests (v3 and v4 alike), changeable while the simulator runs.
 * Thread-safe.
 *
 * <p>One-shot faults wait in a queue; each API request whose path (without the query) contains the fault's
 * path filter takes the first waiting fault. Latency applies to every API request until changed.
 */
public final class FaultInjector {
    private final Deque<Pending> queue = new ArrayDeque<>();
    private volatile Duration latency = Duration.ZERO;

    private record Pending(Fault fault, String pathContains) {}

    /** Delays every API answer by this much (zero to stop). */
    public FaultInjector latency(Duration latency) {
        this.latency = Objects.requireNonNull(latency, "latency");
        return this;
    }

    public Duration latency() {
        return latency;
    }

    /** Queues a fault for the next {@code times} requests of any API path. */
    public FaultInjector inject(Fault fault, int times) {
        return inject(fault, times, "");
    }

    /** Queues a fault for the next {@code times} requests whose path contains {@code pathContains}. */
    public synchronized FaultInjector inject(Fault fault, int times, String pathContains) {
        Objects.requireNonNull(fault, "fault");
        Objects.requireNonNull(pathContains, "pathContains");
        for (int i = 0; i < times; i++) {
            queue.addLast(new Pending(fault, pathContains));
        }
        return this;
    }

    /** The next {@code times} requests fail with {@code status} and a Prism error body of the API asked. */
    public FaultInjector failNext(int times, int status) {
        return failNext(times, status, "");
    }

    /** As {@link #failNext(int, int)}, for requests whose path contains {@code pathContains}. */
    public FaultInjector failNext(int times, int status, String pathContains) {
        String reason = switch (status) {
            case 503 -> "SERVICE_UNAVAILABLE";
            case 504 -> "GATEWAY_TIMEOUT";
            case 408 -> "REQUEST_TIMEOUT";
            case 502 -> "BAD_GATEWAY";
            default -> "INTERNAL_ERROR";
        };
        return inject(new Fault.PrismError(status, reason,
                "Simulated failure " + status + " " + reason.toLowerCase(Locale.ROOT).replace('_', ' ')), times,
                pathContains);
    }

    /** The next {@code times} requests fail with {@code status} and an HTML page, as a proxy would answer. */
    public FaultInjector failNextWithHtml(int times, int status) {
        String body = "<html><head><title>" + status + " Internal Server Error</title></head><body>"
                + "<h1>Internal Server Error</h1><p>The server encountered an internal error.</p></body></html>";
        return inject(new Fault.ErrorResponse(status, "text/html; charset=utf-8", body), times);
    }

    /** The next {@code times} requests get 429 with this {@code Retry-After} (seconds or HTTP date; null: none). */
    public FaultInjector rateLimitNext(int times, String retryAfter) {
        return inject(new Fault.RateLimited(retryAfter), times);
    }

    /** As {@link #rateLimitNext(int, String)}, for requests whose path contains {@code pathContains}. */
    public FaultInjector rateLimitNext(int times, String retryAfter, String pathContains) {
        return inject(new Fault.RateLimited(retryAfter), times, pathContains);
    }

    public FaultInjector malformedNext(int times) {
        return inject(new Fault.MalformedJson(), times);
    }

    public FaultInjector dropNext(int times) {
        return inject(new Fault.DropConnection(), times);
    }

    /** Removes queued faults and latency. */
    public synchronized FaultInjector clear() {
        queue.clear();
        latency = Duration.ZERO;
        return this;
    }

    /** Faults still waiting, in order. */
    public synchronized List<Fault> pending() {
        return queue.stream().map(Pending::fault).toList();
    }

    /** Takes the first waiting fault that applies to this path. */
    synchronized Optional<Fault> next(String path) {
        for (var it = queue.iterator(); it.hasNext(); ) {
            Pending p = it.next();
            if (path.contains(p.pathContains())) {
                it.remove();
                return Optional.of(p.fault());
            }
        }
        return Optional.empty();
    }
}
