package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
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

/**
 * A synchronous, thread-safe client for the Prism Central v3 API, focused on GPU inventory.
 *
 * <p>Calls: {@code POST hosts/list} (one request: Prism does not page hosts), {@code GET hosts/{uuid}},
 * {@code POST clusters/list} and {@code POST vms/list} (paged, 500 per page, until {@code total_matches}),
 * {@code GET clusters/{uuid}} and {@code GET vms/{uuid}}. Failures are {@link PrismException}s; transient
 * ones are retried as {@link RetryPolicy} describes.
 */
public final class NutanixClient {
    /** Prism caps {@code length} at 500; asking for more is silently cut to 500. */
    public static final int PAGE_SIZE = 500;

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final NutanixConfig config;
    private final PrismTransport transport;

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
        List<PrismHost> hosts = listHosts();
        if (clusterUuid.isEmpty()) {
            return ClusterGpuSummary.of(clusterUuid, hosts);
        }
        String wanted = clusterUuid.get();
        List<PrismHost> inCluster = hosts.stream()
                .filter(h -> h.clusterUuid().map(wanted::equalsIgnoreCase).orElse(false))
                .toList();
        if (inCluster.isEmpty() && listClusters().stream().noneMatch(c -> c.uuid().equalsIgnoreCase(wanted))) {
            throw new PrismNotFoundException("POST /api/nutanix/v3/clusters/list", 0, List.of(),
                    "no Prism Element cluster has uuid " + wanted);
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

    /** All hosts, in one {@code hosts/list} call ({@code {"kind":"host"}}; Prism ignores paging here). */
    public List<PrismHost> listHosts() {
        String op = "POST /api/nutanix/v3/hosts/list";
        ObjectNode body = MAPPER.createObjectNode().put("kind", "host");
        JsonNode response = transport.post("hosts/list", body);
        return entitiesOf(op, response).stream().map(e -> PrismEntities.host(op, e)).toList();
    }

    public PrismHost getHost(String hostUuid) {
        String path = "hosts/" + segment(hostUuid);
        return PrismEntities.host("GET /api/nutanix/v3/" + path, transport.get(path));
    }

    /** Prism Element clusters, paged; Prism Central's own entry (no {@code AOS} service) is left out. */
    public List<PrismCluster> listClusters() {
        String op = "POST /api/nutanix/v3/clusters/list";
        return listAll("clusters/list", "cluster").stream()
                .map(e -> PrismEntities.cluster(op, e))
                .filter(PrismCluster::isPrismElement)
                .toList();
    }

    public PrismCluster getCluster(String clusterUuid) {
        String path = "clusters/" + segment(clusterUuid);
        return PrismEntities.cluster("GET /api/nutanix/v3/" + path, transport.get(path));
    }

    /** All VMs, paged 500 at a time. */
    public List<PrismVm> listVms() {
        String op = "POST /api/nutanix/v3/vms/list";
        return listAll("vms/list", "vm").stream().map(e -> PrismEntities.vm(op, e)).toList();
    }

    public PrismVm getVm(String vmUuid) {
        String path = "vms/" + segment(vmUuid);
        return PrismEntities.vm("GET /api/nutanix/v3/" + path, transport.get(path));
    }

    /**
     * The host a VM runs on, given the VM uuid or the guest's system UUID (any case). Empty while the VM is
     * powered off.
     *
     * @throws PrismNotFoundException when neither a VM uuid nor a BIOS uuid matches
     */
    public Optional<EntityReference> findHostOfVm(String vmUuid) {
        return findVm(vmUuid).runningOn();
    }

    /**
     * The VM a guest runs in, given its VM uuid or its system (BIOS) UUID in any case: a Kubernetes node's
     * {@code systemUUID}. When no VM has that uuid, falls back to the VM whose {@code bios_uuid} matches
     * (they differ after some restores) before giving up.
     *
     * @throws PrismNotFoundException when neither a VM uuid nor a BIOS uuid matches
     */
    public PrismVm findVm(String uuidOrBiosUuid) {
        String uuid = uuidOrBiosUuid.trim().toLowerCase(Locale.ROOT);
        try {
            return getVm(uuid);
        } catch (PrismNotFoundException notAVmUuid) {
            return listVms().stream()
                    .filter(vm -> vm.biosUuid().map(uuid::equalsIgnoreCase).orElse(false))
                    .findFirst()
                    .orElseThrow(() -> notAVmUuid);
        }
    }

    // ---- Internals -----------------------------------------------------------------------------------

    private List<JsonNode> listAll(String path, String kind) {
        String op = "POST /api/nutanix/v3/" + path;
        List<JsonNode> all = new ArrayList<>();
        int offset = 0;
        while (true) {
            ObjectNode body = MAPPER.createObjectNode().put("kind", kind).put("length", PAGE_SIZE).put("offset", offset);
            JsonNode response = transport.post(path, body);
            List<JsonNode> page = entitiesOf(op, response);
            all.addAll(page);
            offset += page.size();
            JsonNode total = response.path("metadata").path("total_matches");
            boolean more = total.isNumber() ? offset < total.asLong() : page.size() >= PAGE_SIZE;
            if (page.isEmpty() || !more) {
                return all;
            }
        }
    }

    private static List<JsonNode> entitiesOf(String operation, JsonNode response) {
        JsonNode entities = response.path("entities");
        if (entities.isMissingNode() || entities.isNull()) {
            return List.of();
        }
        if (!entities.isArray()) {
            throw new PrismMalformedResponseException(operation, 200, List.of(), "'entities' is not an array");
        }
        List<JsonNode> list = new ArrayList<>(entities.size());
        entities.forEach(list::add);
        return list;
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

    private static String segment(String uuid) {
        Objects.requireNonNull(uuid, "uuid");
        if (uuid.isBlank()) {
            throw new IllegalArgumentException("the uuid is empty");
        }
        return URLEncoder.encode(uuid.trim(), StandardCharsets.UTF_8).replace("+", "%20");
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
