package io.cudawasm.runtime.service.config;

import java.time.Duration;

/**
 * What one client can hold of the HTTP server: connections, threads, time. Slow or silent clients
 * are cut off by the idle timeout and the minimum body rate; {@code maxApiRequests} keeps
 * {@code /v1} calls from taking every server thread, so the probes always find one.
 *
 * @param maxConnections open TCP connections on the API port; more wait in the kernel's backlog
 * @param threads HTTP server threads (above {@code maxApiRequests}, so probes keep a share)
 * @param maxApiRequests {@code /v1} requests handled at once; one more is answered 503 at once
 * @param maxApiRequestsPerClient of those, from one client address (so one client cannot take them all)
 * @param idleTimeout a connection silent this long is closed (also bounds a stalled body)
 * @param minRequestBytesPerSecond slowest accepted request body; slower ones end with 408
 * @param probePort a second port serving only the probes and metrics, outside the connection
 *     cap (0: none)
 * @param bodyHeapBytes heap for request bodies being read and parsed, all requests together (a
 *     body reserves about three times its size: the bytes, the parsed strings, decoded data)
 */
public record HttpLimits(int maxConnections, int threads, int maxApiRequests, int maxApiRequestsPerClient,
        Duration idleTimeout, long minRequestBytesPerSecond, int probePort, long bodyHeapBytes) {

    public static final int DEFAULT_MAX_CONNECTIONS = 1024;
    public static final int DEFAULT_THREADS = 200;
    public static final int DEFAULT_MAX_API_REQUESTS = 128;
    public static final int DEFAULT_MAX_API_REQUESTS_PER_CLIENT = 32;
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(30);
    public static final long DEFAULT_MIN_REQUEST_BYTES_PER_SECOND = 4096;
    /** Threads kept free of {@code /v1} work for probes, metrics and Jetty's own tasks. */
    public static final int RESERVED_THREADS = 16;

    /** Bytes a request body reserves per byte of body. */
    public static final int BODY_HEAP_FACTOR = 3;

    public static final HttpLimits DEFAULTS = new HttpLimits(DEFAULT_MAX_CONNECTIONS, DEFAULT_THREADS,
            DEFAULT_MAX_API_REQUESTS, DEFAULT_MAX_API_REQUESTS_PER_CLIENT, DEFAULT_IDLE_TIMEOUT,
            DEFAULT_MIN_REQUEST_BYTES_PER_SECOND, 0, defaultBodyHeapBytes());

    /** 15 % of the heap (see {@link JobMemoryLimits#fromHeap} for the whole split). */
    public static long defaultBodyHeapBytes() {
        return Math.max(16L << 20, Runtime.getRuntime().maxMemory() / 20 * 3);
    }

    public HttpLimits {
        if (maxConnections < 1 || maxApiRequests < 1 || maxApiRequestsPerClient < 1) {
            throw new IllegalArgumentException("connection and request limits must be at least 1");
        }
        maxApiRequestsPerClient = Math.min(maxApiRequestsPerClient, maxApiRequests);
        if (threads < maxApiRequests + RESERVED_THREADS) {
            throw new IllegalArgumentException("HTTP threads (" + threads + ") must exceed the concurrent API requests ("
                    + maxApiRequests + ") by at least " + RESERVED_THREADS + ", so probes always find a thread");
        }
        if (idleTimeout.isZero() || idleTimeout.isNegative()) {
            throw new IllegalArgumentException("the HTTP idle timeout must be positive");
        }
        if (minRequestBytesPerSecond < 0) {
            throw new IllegalArgumentException("the minimum request rate must not be negative");
        }
        if (bodyHeapBytes < 1) {
            throw new IllegalArgumentException("the request body heap must be positive");
        }
        if (probePort < 0 || probePort > 65535) {
            throw new IllegalArgumentException("probe port must be 0..65535, got " + probePort);
        }
    }

    public HttpLimits withMaxApiRequests(int n, int perClient) {
        return new HttpLimits(maxConnections, Math.max(threads, n + RESERVED_THREADS), n, perClient, idleTimeout,
                minRequestBytesPerSecond, probePort, bodyHeapBytes);
    }

    public HttpLimits withIdleTimeout(Duration d) {
        return new HttpLimits(maxConnections, threads, maxApiRequests, maxApiRequestsPerClient, d,
                minRequestBytesPerSecond, probePort, bodyHeapBytes);
    }

    public HttpLimits withMinRequestBytesPerSecond(long rate) {
        return new HttpLimits(maxConnections, threads, maxApiRequests, maxApiRequestsPerClient, idleTimeout, rate,
                probePort, bodyHeapBytes);
    }

    public HttpLimits withMaxConnections(int n) {
        return new HttpLimits(n, threads, maxApiRequests, maxApiRequestsPerClient, idleTimeout,
                minRequestBytesPerSecond, probePort, bodyHeapBytes);
    }

    public HttpLimits withBodyHeapBytes(long bytes) {
        return new HttpLimits(maxConnections, threads, maxApiRequests, maxApiRequestsPerClient, idleTimeout,
                minRequestBytesPerSecond, probePort, bytes);
    }

    public HttpLimits withProbePort(int port) {
        return new HttpLimits(maxConnections, threads, maxApiRequests, maxApiRequestsPerClient, idleTimeout,
                minRequestBytesPerSecond, port, bodyHeapBytes);
    }
}
