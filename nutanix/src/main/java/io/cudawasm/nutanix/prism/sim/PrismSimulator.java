package io.cudawasm.nutanix.prism.sim;

import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Prism Central stand-in serving the v3 and v4 calls the client makes, over HTTPS (or plain HTTP), from one
 * {@link SimulatedEstate}, with Prism's authentication, paging and error bodies of each API, and with faults
 * that can be switched on while it runs; {@link Builder#apis(ServedApis)} can leave either API out. Built on
 * the JDK's own {@code com.sun.net.httpserver}.
 *
 * <pre>{@code
 * try (PrismSimulator sim = PrismSimulator.builder(SimulatedEstate.bundled())
 *         .https(sslContext).user("admin", "secret").start()) {
 *     URI url = sim.baseUrl();   // https://127.0.0.1:<port>
 * }
 * }</pre>
 */
public final class PrismSimulator implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PrismSimulator.class);

    static {
        // The JDK server writes headers and body as separate segments; with Nagle's algorithm on, the body waits
        // for the client's delayed ACK (about 40 ms on Linux) on every answer, which made a 9-request v4
        // discovery cost 0.4 s on loopback. The property is read once, when the first server starts.
        System.getProperties().putIfAbsent("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final SimulatedEstate estate;
    private final FaultInjector faults;
    private final RequestLog requestLog;
    private final URI baseUrl;
    private final ServedApis apis;

    private PrismSimulator(Builder b) throws IOException {
        this.apis = b.apis;
        this.estate = b.estate;
        this.faults = new FaultInjector();
        this.requestLog = new RequestLog();
        SimulatorAccess access = new SimulatorAccess(b.users, b.apiKeys, b.readForbidden);
        InetSocketAddress address = new InetSocketAddress(b.bindAddress, b.port);
        if (b.sslContext != null) {
            HttpsServer https = HttpsServer.create(address, 128);
            https.setHttpsConfigurator(new HttpsConfigurator(b.sslContext));
            server = https;
        } else {
            server = HttpServer.create(address, 128);
        }
        NotServedHandler notServed = new NotServedHandler(access, faults, requestLog);
        server.createContext(PrismApiHandler.PREFIX,
                apis.servesV3() ? new PrismApiHandler(estate, access, faults, requestLog) : notServed);
        PrismV4Handler v4 = new PrismV4Handler(estate, b.v4Options, access, faults, requestLog);
        server.createContext(PrismV4Handler.CLUSTERMGMT_CONTEXT, apis.servesV4() ? v4 : notServed);
        server.createContext(PrismV4Handler.VMM_CONTEXT, apis.servesV4() ? v4 : notServed);
        if (b.adminEndpoint) {
            server.createContext(FaultAdminHandler.PATH, new FaultAdminHandler(access, faults));
        }
        AtomicInteger n = new AtomicInteger();
        executor = Executors.newFixedThreadPool(b.threads, r -> {
            Thread t = new Thread(r, "prism-sim-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.start();
        String host = b.advertisedHost != null ? b.advertisedHost : hostFor(b.bindAddress);
        baseUrl = URI.create((b.sslContext != null ? "https" : "http") + "://" + host + ":" + port());
        LOG.info("Prism Central simulator listening on {} ({} hosts, {} VMs; APIs: {})", baseUrl, estate.hostCount(),
                estate.vmCount(), apis);
    }

    public static Builder builder(SimulatedEstate estate) {
        return new Builder(estate);
    }

    /** {@code https://<host>:<port>}, the value for {@code NUTANIX_PRISM_URL}. */
    public URI baseUrl() {
        return baseUrl;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    public SimulatedEstate estate() {
        return estate;
    }

    /** Which APIs this simulator answers. */
    public ServedApis apis() {
        return apis;
    }

    public FaultInjector faults() {
        return faults;
    }

    /** Requests received so far (the most recent 100,000), oldest first. */
    public List<RecordedRequest> requests() {
        return requestLog.snapshot();
    }

    /**
     * How many requests had this method and a path (without query) ending in {@code pathSuffix}, e.g.
     * "vms/list" (v3) or "config/hosts" (v4).
     */
    public long requestCount(String method, String pathSuffix) {
        return requestLog.snapshot().stream()
                .filter(r -> r.method().equals(method) && r.path().endsWith(pathSuffix))
                .count();
    }

    public void clearRequests() {
        requestLog.clear();
    }

    // Mutations, delegated to the estate so that tests read naturally: sim.moveVm(vm, host).

    public void moveVm(String vmUuid, String hostUuid) {
        estate.moveVm(vmUuid, hostUuid);
    }

    public void powerOffVm(String vmUuid) {
        estate.powerOffVm(vmUuid);
    }

    public String addGpu(String hostUuid, SimulatedGpu gpu) {
        return estate.addGpu(hostUuid, gpu);
    }

    public void removeGpu(String hostUuid, String gpuUuid) {
        estate.removeGpu(hostUuid, gpuUuid);
    }

    public void assignGpu(String hostUuid, String gpuUuid, String vmUuid) {
        estate.assignGpu(hostUuid, gpuUuid, vmUuid);
    }

    public void freeGpu(String hostUuid, String gpuUuid) {
        estate.freeGpu(hostUuid, gpuUuid);
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        LOG.info("Prism Central simulator on {} stopped", baseUrl);
    }

    private static String hostFor(InetAddress bind) {
        if (bind.isAnyLocalAddress()) {
            return "localhost";
        }
        String a = bind.getHostAddress();
        return bind instanceof Inet6Address ? "[" + a.replaceAll("%.*$", "") + "]" : a;
    }

    /** Configures and starts a {@link PrismSimulator}. At least one user or API key is required. */
    public static final class Builder {
        private final SimulatedEstate estate;
        private SSLContext sslContext;
        private boolean plainHttpChosen;
        private InetAddress bindAddress = InetAddress.getLoopbackAddress();
        private String advertisedHost;
        private int port;
        private int threads = 8;
        private boolean adminEndpoint = true;
        private ServedApis apis = ServedApis.BOTH;
        private V4Options v4Options = V4Options.DEFAULT;
        private final Map<String, String> users = new LinkedHashMap<>();
        private final Map<String, String> apiKeys = new LinkedHashMap<>();
        private final Set<String> readForbidden = new HashSet<>();

        private Builder(SimulatedEstate estate) {
            this.estate = Objects.requireNonNull(estate, "estate");
        }

        /** Serves HTTPS with this server context (its key manager holds the certificate). */
        public Builder https(SSLContext serverContext) {
            this.sslContext = Objects.requireNonNull(serverContext, "serverContext");
            this.plainHttpChosen = false;
            return this;
        }

        /** Serves plain HTTP; only for local experiments. */
        public Builder plainHttp() {
            this.sslContext = null;
            this.plainHttpChosen = true;
            return this;
        }

        /** The address to listen on; loopback by default. */
        public Builder bindAddress(InetAddress address) {
            this.bindAddress = Objects.requireNonNull(address, "address");
            return this;
        }

        /** The host name to put in {@link #baseUrl()}, e.g. one the certificate names. */
        public Builder advertisedHost(String host) {
            this.advertisedHost = host;
            return this;
        }

        /** The TCP port; 0 (the default) picks a free one. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            this.port = port;
            return this;
        }

        public Builder threads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1");
            }
            this.threads = threads;
            return this;
        }

        /** Which APIs to serve: both (the default), v3 only or v4 only. */
        public Builder apis(ServedApis apis) {
            this.apis = Objects.requireNonNull(apis, "apis");
            return this;
        }

        /**
         * Whether v4's {@code clusters/{c}/host-gpus} and {@code clusters/{c}/hosts/{h}/host-gpus[/{id}]} are
         * served (on by default); off, they answer 404 as on a Prism Central without them.
         */
        public Builder hostGpus(boolean served) {
            v4Options = new V4Options(served, v4Options.profileOrder(), v4Options.profileExtIds());
            return this;
        }

        /** The order of v4's GPU profile lists; host by host by default. */
        public Builder gpuProfileOrder(GpuProfileOrder order) {
            v4Options = new V4Options(v4Options.hostGpus(), Objects.requireNonNull(order, "order"),
                    v4Options.profileExtIds());
            return this;
        }

        /**
         * Whether v4's GPU profile entries carry the GPU's {@code extId} (on by default). Nutanix's own v4.0
         * server leaves it out; off, a client has to tell the GPUs apart by what else the profiles say.
         */
        public Builder gpuProfileExtIds(boolean present) {
            v4Options = new V4Options(v4Options.hostGpus(), v4Options.profileOrder(), present);
            return this;
        }

        /** Whether {@code /sim/faults} is served (on by default). */
        public Builder adminEndpoint(boolean enabled) {
            this.adminEndpoint = enabled;
            return this;
        }

        public Builder user(String username, String password) {
            users.put(Objects.requireNonNull(username), Objects.requireNonNull(password));
            return this;
        }

        /** Accepts {@code X-ntnx-api-key: <key>}; requests are attributed to "api-key". */
        public Builder apiKey(String key) {
            return apiKey(key, "api-key");
        }

        /** Accepts {@code X-ntnx-api-key: <key>} for the named service account. */
        public Builder apiKey(String key, String serviceAccount) {
            apiKeys.put(Objects.requireNonNull(key), Objects.requireNonNull(serviceAccount));
            return this;
        }

        /** A user who logs in successfully but is refused every read with 403 {@code ACCESS_DENIED}. */
        public Builder readForbiddenUser(String username, String password) {
            readForbidden.add(username);
            return user(username, password);
        }

        public PrismSimulator start() throws IOException {
            if (users.isEmpty() && apiKeys.isEmpty()) {
                throw new IllegalStateException("configure at least one user or API key");
            }
            if (sslContext == null && !plainHttpChosen) {
                throw new IllegalStateException("choose https(SSLContext) or plainHttp()");
            }
            return new PrismSimulator(this);
        }
    }
}
