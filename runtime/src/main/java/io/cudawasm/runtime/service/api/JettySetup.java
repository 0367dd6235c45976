package io.cudawasm.runtime.service.api;

import io.cudawasm.runtime.service.config.HttpLimits;
import io.javalin.config.JavalinConfig;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.StatisticsHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The HTTP server's protection against clients that hold resources: a fixed thread pool, idle
 * timeouts, a minimum request body rate (Jetty's {@code MinimumDataRateHandler}: a body slower
 * than the rate fails with 408), a cap on connections of the API port, Jetty's own errors as
 * JSON, and an optional probe port outside the connection cap.
 */
final class JettySetup {
    /** Largest request line and headers; a bearer token and a long kernel id fit easily. */
    static final int MAX_REQUEST_HEADER_BYTES = 16 * 1024;

    private JettySetup() {}

    static void apply(JavalinConfig config, String host, int port, HttpLimits limits) {
        QueuedThreadPool threads = new QueuedThreadPool(limits.threads(), Math.min(8, limits.threads()));
        threads.setName("cuda-wasm-http");
        config.jetty.threadPool = threads;
        config.jetty.modifyHttpConfiguration(http -> {
            http.setSendServerVersion(false);
            http.setSendDateHeader(true);
            http.setRequestHeaderSize(MAX_REQUEST_HEADER_BYTES);
            http.setIdleTimeout(limits.idleTimeout().toMillis());
        });
        config.jetty.modifyServer(server -> {
            server.setErrorHandler(new JsonErrorHandler());
            if (limits.minRequestBytesPerSecond() > 0) {
                server.insertHandler(new StatisticsHandler.MinimumDataRateHandler(limits.minRequestBytesPerSecond(), 0));
            }
        });
        config.jetty.addConnector((server, http) -> {
            ServerConnector api = connector(server, http, host, port, limits);
            server.addBean(new NetworkConnectionLimit(limits.maxConnections(), api));
            return api;
        });
        if (limits.probePort() != 0) {
            config.jetty.addConnector((server, http) -> connector(server, http, host, limits.probePort(), limits));
        }
    }

    private static ServerConnector connector(org.eclipse.jetty.server.Server server, HttpConfiguration http,
            String host, int port, HttpLimits limits) {
        ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(http));
        c.setHost(host);
        c.setPort(port);
        c.setIdleTimeout(limits.idleTimeout().toMillis());
        return c;
    }

    /** The port a request arrived on, to keep the probe port to the probes. */
    static int localPort(io.javalin.http.Context ctx) {
        return ctx.req().getLocalPort();
    }
}
