package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.cudawasm.nutanix.GpuVendor;
import io.cudawasm.nutanix.prism.model.ClusterGpuSummary;
import io.cudawasm.nutanix.prism.model.CpuArchitecture;
import io.cudawasm.nutanix.prism.model.EntityReference;
import io.cudawasm.nutanix.prism.model.GpuNode;
import io.cudawasm.nutanix.prism.model.HostCapabilities;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import io.cudawasm.nutanix.prism.model.VirtualGpu;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A synchronous, thread-safe client for Prism Central's GPU inventory, over the v3 or the v4 API.
 *
 * <p>{@link NutanixConfig#apiVersion()} picks the API: {@code v3} ({@link PrismV3Api}), {@code v4}
 * ({@link PrismV4Api}), or {@code auto}, which on first use sends one cheap v4 request and uses v4 unless
 * Prism Central answers 404 there, then v3. Every method below gives the same answers over both; only the
 * requests differ. Failures are {@link PrismException}s; transient ones are retried as {@link RetryPolicy}
 * describes.
 */
public final class NutanixClient {
    private static final Logger LOG = LoggerFactory.getLogger(NutanixClient.class);
    /** v3 caps {@code length} at 500; asking for more is silently cut to 500. */
    public static final int PAGE_SIZE = PrismV3Api.PAGE_SIZE;
    /** v4 caps {@code $limit} at 100. */
    public static final int V4_PAGE_LIMIT = PrismV4Api.PAGE_LIMIT;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final NutanixConfig config;
    private final PrismTransport transport;
    private final Object apiLock = new Object();
    private volatile PrismApi api;

    private NutanixClient(NutanixConfig config, Sleeper sleeper, Clock clock, DoubleSupplier jitter) {
        this.config = config;
        this.transport = new PrismTransport(config, MAPPER, sleeper, clock, jitter);
    }

    /** A client that sleeps on the calling thread between retries. */
    public static NutanixClient create(NutanixConfig config) {
        return builder(config).build();
    }

    public static Builder builder(NutanixConfig config) {
        return new Builder(config);
    }

    public NutanixConfig config() {
        return config;
    }

    /**
     * The API this client speaks, with how it was chosen. With {@code auto} the first call (this one or any
     * other) asks Prism Central; the answer is kept for the client's life. A failed probe (Prism unreachable,
     * credentials refused) is thrown and asked again next time.
     */
    public ApiSelection apiSelection() {
        return new ApiSelection(api().version(), config.apiVersion());
    }

    /** Shorthand for {@code apiSelection().version()}. */
    public PrismApiVersion apiVersion() {
        return api().version();
    }

    // ---- GPU inventory -------------------------------------------------------------------------------

    /**
     * Every host with at least one GPU entry, ordered by cluster name then host name. One
     * {@code hosts/list} call; {@code clusters/list} is read as well only when a host's {@code cpu_model}
     * does not reveal its architecture.
     */
    public List<GpuNode> discoverGpuNodes() {
        List<PrismHost> gpuHosts = listHosts().stream().filter(PrismHost::hasGpus).toList();
        Function<PrismHost, CpuArchitecture> arch = architectureResolver(gpuHosts);
        return gpuHosts.stream()
                .map(h -> new GpuNode(h, arch.apply(h)))
                .sorted(Comparator.comparing(GpuNode::clusterName).thenComparing(GpuNode::hostName)
                        .thenComparing(GpuNode::hostUuid))
                .toList();
    }

    /**
     * GPU totals for one Prism Element cluster, or for all hosts when {@code clusterUuid} is empty.
     *
     * @throws PrismNotFoundException when the cluster has no hosts and is not a Prism Element cluster
     */
    public ClusterGpuSummary getClusterGpuSummary(Optional<String> clusterUuid) {
        if (clusterUuid.isEmpty()) {
            return ClusterGpuSummary.of(clusterUuid, listHosts());
        }
        String wanted = clusterUuid.get().trim();
        List<PrismHost> inCluster;
        try {
            inCluster = api().listHostsOfCluster(wanted);
        } catch (PrismNotFoundException unknown) {
            throw noSuchCluster(wanted, unknown);
        }
        if (inCluster.isEmpty() && listClusters().stream().noneMatch(c -> c.uuid().equalsIgnoreCase(wanted))) {
            throw noSuchCluster(wanted, null);
        }
        return ClusterGpuSummary.of(clusterUuid, inCluster);
    }

    /**
     * Nodes with at least {@code count} free GPUs of {@code vendor} that meet {@code options}, best first.
     *
     * <p>A GPU entry matches when it is free ({@link HostGpu#isAvailable()}), of the vendor, at least
     * {@link NodeSelection#minGpuMemoryMib()} big, and either a physical GPU or, with
     * {@link GpuAccess#VGPU_ALLOWED}, a vGPU compute profile. Ranking, most important first:
     * <ol>
     *   <li>more matching free GPUs;</li>
     *   <li>more matching free GPU memory;</li>
     *   <li>more of those GPUs passthrough (whole GPUs before vGPU slices);</li>
     *   <li>host name, then host uuid, so equal nodes come back in a stable order.</li>
     * </ol>
     */
    public List<NodeCandidate> findBestNodes(GpuVendor vendor, int count, NodeSelection options) {
        Objects.requireNonNull(vendor, "vendor");
        Objects.requireNonNull(options, "options");
        if (count < 1) {
            throw new IllegalArgumentException("count must be at least 1, was " + count);
        }
        Predicate<HostGpu> matches = g -> g.vendor() == vendor
                && g.isAvailable()
                && g.memoryMib() >= options.minGpuMemoryMib()
                && (g.isPassthrough() || options.access() == GpuAccess.VGPU_ALLOWED
                        && g instanceof VirtualGpu v && v.isComputeProfile());
        List<NodeCandidate> candidates = new ArrayList<>();
        for (GpuNode node : discoverGpuNodes()) {
            if (options.requireArm() && !node.architecture().isArm()) {
                continue;
            }
            if (options.clusterUuid().isPresent()
                    && !node.clusterUuid().map(options.clusterUuid().get()::equalsIgnoreCase).orElse(false)) {
                continue;
            }
            List<HostGpu> matching = node.gpus().stream()
                    .filter(matches)
                    .sorted(Comparator.comparing((HostGpu g) -> !g.isPassthrough()))
                    .toList();
            if (matching.size() >= count) {
                candidates.add(new NodeCandidate(node, matching));
            }
        }
        candidates.sort(Comparator.comparingInt(NodeCandidate::matchingGpuCount).reversed()
                .thenComparing(Comparator.comparingLong(NodeCandidate::matchingMemoryMib).reversed())
                .thenComparing(Comparator.comparingInt(NodeCandidate::passthroughGpuCount).reversed())
                .thenComparing(c -> c.node().hostName())
                .thenComparing(c -> c.node().hostUuid()));
        return List.copyOf(candidates);
    }

    /**
     * One host's CPU architecture, CPU, memory and GPUs ({@code GET hosts/{uuid}}; plus
     * {@code GET clusters/{uuid}} only when the {@code cpu_model} does not decide the architecture).
     */
    public HostCapabilities getHostCapabilities(String hostUuid) {
        PrismHost host = getHost(hostUuid);
        CpuArchitecture arch = CpuArchitecture.fromCpuModel(host.cpuModel());
        if (arch == CpuArchitecture.UNKNOWN && host.clusterUuid().isPresent()) {
            arch = getCluster(host.clusterUuid().get()).architecture();
        }
        return new HostCapabilities(host, arch);
    }

    // ---- Hosts, clusters, VMs ------------------------------------------------------------------------

    /** All hosts with their GPU entries (v3: one {@code hosts/list}; v4: hosts, GPU profiles, VMs). */
    public List<PrismHost> listHosts() {
        return api().listHosts();
    }

    public PrismHost getHost(String hostUuid) {
        return api().getHost(hostUuid);
    }

    /** Prism Element clusters; Prism Central's own entry (no {@code AOS} service or function) is left out. */
    public List<PrismCluster> listClusters() {
        return api().listClusters().stream().filter(PrismCluster::isPrismElement).toList();
    }

    public PrismCluster getCluster(String clusterUuid) {
        return api().getCluster(clusterUuid);
    }

    /**
     * The Prism Element cluster with this uuid or, failing that, this name (case-insensitive, as
     * Prism's UI shows it); what users know is usually the name.
     *
     * @throws PrismNotFoundException when none matches, or several clusters share the name (the
     *     message lists their uuids)
     */
    public PrismCluster findCluster(String uuidOrName) {
        String wanted = uuidOrName.trim();
        List<PrismCluster> clusters = listClusters();
        Optional<PrismCluster> byUuid = clusters.stream().filter(c -> c.uuid().equalsIgnoreCase(wanted)).findFirst();
        if (byUuid.isPresent()) {
            return byUuid.get();
        }
        List<PrismCluster> byName = clusters.stream().filter(c -> c.name().equalsIgnoreCase(wanted)).toList();
        if (byName.size() == 1) {
            return byName.get(0);
        }
        String operation = api().version() == PrismApiVersion.V4 ? "GET " + PrismV4Api.CLUSTERMGMT + "clusters"
                : "POST " + PrismV3Api.ROOT + "clusters/list";
        if (byName.isEmpty()) {
            throw new PrismNotFoundException(operation, 0, List.of(), "no Prism Element cluster has the uuid or name '" + wanted
                    + "'; clusters: " + clusters.stream().map(c -> c.name() + " (" + c.uuid() + ")").sorted()
                    .collect(java.util.stream.Collectors.joining(", ")));
        }
        throw new PrismNotFoundException(operation, 0, List.of(), byName.size() + " clusters are named '" + wanted
                + "'; give one uuid: " + byName.stream().map(PrismCluster::uuid).sorted()
                .collect(java.util.stream.Collectors.joining(", ")));
    }

    /** All VMs, paged (v3: 500 at a time; v4: 100). */
    public List<PrismVm> listVms() {
        return api().listVms();
    }

    public PrismVm getVm(String vmUuid) {
        return api().getVm(vmUuid);
    }

    /**
     * The host a VM runs on, given the VM uuid or the guest's system UUID (any case). Empty while the VM is
     * powered off.
     *
     * @throws PrismNotFoundException when neither a VM uuid nor a BIOS uuid matches
     */
    public Optional<EntityReference> findHostOfVm(String vmUuid) {
        // v4 references carry only the extId: the name is asked for separately (one filtered call)
        return findVm(vmUuid).runningOn().map(ref -> ref.name().isEmpty()
                ? new EntityReference("host", ref.uuid(), api().hostName(ref.uuid())) : ref);
    }

    /**
     * The VM a guest runs in, given its VM uuid or its system (BIOS) UUID in any case: a Kubernetes node's
     * {@code systemUUID}. When no VM has that uuid, falls back to the VM whose BIOS uuid matches (they differ
     * after some restores) before giving up: v3 reads every VM for that, v4 filters on {@code biosUuid}.
     *
     * @throws PrismNotFoundException when neither a VM uuid nor a BIOS uuid matches
     */
    public PrismVm findVm(String uuidOrBiosUuid) {
        String uuid = uuidOrBiosUuid.trim().toLowerCase(Locale.ROOT);
        try {
            return getVm(uuid);
        } catch (PrismNotFoundException notAVmUuid) {
            return api().findVmByBiosUuid(uuid).orElseThrow(() -> notAVmUuid);
        }
    }

    // ---- Internals -----------------------------------------------------------------------------------

    private PrismApi api() {
        PrismApi chosen = api;
        if (chosen != null) {
            return chosen;
        }
        synchronized (apiLock) {
            if (api == null) {
                api = choose();
            }
            return api;
        }
    }

    private PrismApi choose() {
        PrismApiVersion version = config.apiVersion().fixed().orElseGet(this::probe);
        PrismApi chosen = version == PrismApiVersion.V4 ? new PrismV4Api(transport) : new PrismV3Api(transport, MAPPER);
        LOG.info("Prism Central {}: using API {}", config.baseUrl(), new ApiSelection(version, config.apiVersion())
                .describe());
        return chosen;
    }

    /** v4 unless Prism Central has no v4 path (404; 501 from a gateway that knows the path but not the API). */
    private PrismApiVersion probe() {
        try {
            transport.get(PrismV4Api.PROBE_PATH);
            return PrismApiVersion.V4;
        } catch (PrismNotFoundException e) {
            LOG.info("Prism Central {} does not offer the v4 API ({}); falling back to v3", config.baseUrl(),
                    e.getMessage());
            return PrismApiVersion.V3;
        } catch (PrismServerException e) {
            if (e.httpStatus() == 501) {
                LOG.info("Prism Central {} does not implement the v4 API; falling back to v3", config.baseUrl());
                return PrismApiVersion.V3;
            }
            throw e;
        }
    }

    private PrismNotFoundException noSuchCluster(String uuid, PrismNotFoundException cause) {
        String clustersCall = api().version() == PrismApiVersion.V4 ? "GET " + PrismV4Api.CLUSTERMGMT + "clusters"
                : "POST " + PrismV3Api.ROOT + "clusters/list";
        return new PrismNotFoundException(cause == null ? clustersCall : cause.operation(),
                cause == null ? 0 : cause.httpStatus(), cause == null ? List.of() : cause.messages(),
                "no Prism Element cluster has uuid " + uuid);
    }

    /** Resolves architecture per host, fetching clusters at most once and only when some host needs it. */
    private Function<PrismHost, CpuArchitecture> architectureResolver(List<PrismHost> hosts) {
        boolean needClusters = hosts.stream()
                .anyMatch(h -> CpuArchitecture.fromCpuModel(h.cpuModel()) == CpuArchitecture.UNKNOWN);
        Map<String, String> clusterArch = new HashMap<>();
        if (needClusters) {
            clusterArch.putAll(listClusters().stream()
                    .filter(c -> c.clusterArch().isPresent())
                    .collect(Collectors.toMap(c -> c.uuid().toLowerCase(Locale.ROOT), c -> c.clusterArch().get(),
                            (a, b) -> a)));
        }
        return h -> CpuArchitecture.detect(h.cpuModel(),
                h.clusterUuid().map(u -> clusterArch.get(u.toLowerCase(Locale.ROOT))));
    }

    /** Options that matter only to tests and embedders: how to wait, what time it is, where jitter comes from. */
    public static final class Builder {
        private final NutanixConfig config;
        private Sleeper sleeper = Sleeper.SYSTEM;
        private Clock clock = Clock.systemUTC();
        private DoubleSupplier jitter = () -> ThreadLocalRandom.current().nextDouble();

        private Builder(NutanixConfig config) {
            this.config = Objects.requireNonNull(config, "config");
        }

        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /** The clock against which an HTTP-date {@code Retry-After} is measured. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Source of uniform numbers in [0, 1] for retry jitter. */
        public Builder jitter(DoubleSupplier jitter) {
            this.jitter = Objects.requireNonNull(jitter, "jitter");
            return this;
        }

        public NutanixClient build() {
            return new NutanixClient(config, sleeper, clock, jitter);
        }
    }
}
