package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prism Central v4 ({@code clustermgmt} and {@code vmm} v4.0, pc.2024.3 and later). Lists are OData
 * collections read with {@code $page}/{@code $limit} (100, the most v4 allows) until
 * {@code metadata.totalAvailableResults}; {@code $filter} replaces a list-everything-then-pick where v4 can
 * filter: one host by {@code extId}, a cluster's VMs, a VM by {@code biosUuid}.
 *
 * <p>A host's GPU entries come from its cluster's {@code host-gpus}, which name the host each GPU sits in
 * ({@link V4HostGpus}); the GPU profiles and VMs are read only for what those lack: which VM holds a GPU in use,
 * and what a physical GPU in use is used for. A Prism Central that does not know {@code host-gpus} (404, 400 or
 * 501) gets the older assembly from the profiles alone ({@link V4GpuAttribution}), which infers which idle GPU
 * is in which host; the client says so once at INFO and asks again only after {@link #RECHECK_HOST_GPUS}.
 *
 * <p>v4 needs many more requests than v3 (1,000 hosts with 4,000 GPUs: dozens of pages against one
 * {@code hosts/list}), so once the first page has said how many entries there are, the other pages of a list
 * are asked for {@value #PARALLEL_PAGES} at a time, on a small pool shared by every client in the JVM.
 */
final class PrismV4Api implements PrismApi {
    static final String CLUSTERMGMT = "/api/clustermgmt/v4.0/config/";
    static final String VMM = "/api/vmm/v4.0/ahv/config/";
    /** OData {@code $limit} may not exceed 100 in v4. */
    static final int PAGE_LIMIT = 100;
    /** What {@code auto} asks to learn whether Prism Central offers v4: one cluster, the smallest list. */
    static final String PROBE_PATH = CLUSTERMGMT + "clusters?$limit=1";

    /** Pages of one list in flight at once: a few, so as not to look like a flood to Prism Central. */
    static final int PARALLEL_PAGES = 4;
    private static final ThreadPoolExecutor PAGES = pagePool();

    private static final Logger LOG = LoggerFactory.getLogger(PrismV4Api.class);

    private final PrismTransport transport;
    /**
     * How long a "no such endpoint" answer for {@code host-gpus} is believed before the endpoint is tried
     * again: a 404 may also have meant that the cluster left Prism Central just then, and an upgraded
     * Prism Central starts serving it, so the profile inference is never a client's permanent state.
     */
    static final Duration RECHECK_HOST_GPUS = Duration.ofMinutes(15);
    /** Whether Prism Central has served {@code host-gpus} to this client; once it has, a 404 means a gone cluster. */
    private volatile boolean hostGpusSeen;
    /** When (System.nanoTime) Prism Central last said it does not serve {@code host-gpus}; 0: never. */
    private final AtomicLong hostGpusMissingAt = new AtomicLong();

    PrismV4Api(PrismTransport transport) {
        this.transport = transport;
    }

    @Override
    public PrismApiVersion version() {
        return PrismApiVersion.V4;
    }

    @Override
    public List<PrismHost> listHosts() {
        String path = CLUSTERMGMT + "hosts";
        List<JsonNode> hosts = list(path, null);
        return withGpus("GET " + path, hosts, c -> hosts, Optional.empty());
    }

    @Override
    public List<PrismHost> listHostsOfCluster(String clusterUuid) {
        String path = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid) + "/hosts";
        List<JsonNode> hosts = list(path, null);
        return withGpus("GET " + path, hosts, c -> hosts, Optional.of(clusterUuid));
    }

    /** {@code hosts?$filter=extId eq '…'}: one call, where {@code clusters/{c}/hosts/{h}} needs the cluster first. */
    @Override
    public PrismHost getHost(String hostUuid) {
        String op = "GET " + CLUSTERMGMT + "hosts?$filter=extId eq '" + hostUuid.trim() + "'";
        JsonNode host = hostJson(hostUuid);
        Optional<String> cluster = PrismV4Entities.clusterUuidOf(host);
        if (!PrismV4Entities.hasGpus(host) || cluster.isEmpty()) {
            return PrismV4Entities.host(op, host, List.of());
        }
        // only the fallback needs the cluster's other hosts: which idle GPU is whose depends on their gpuLists
        return withGpus(op, List.of(host),
                c -> list(CLUSTERMGMT + "clusters/" + PrismPaths.segment(c) + "/hosts", null), cluster).get(0);
    }

    @Override
    public String hostName(String hostUuid) {
        return hostJson(hostUuid).path("hostName").asText("");
    }

    private JsonNode hostJson(String hostUuid) {
        String path = CLUSTERMGMT + "hosts";
        String filter = "extId eq " + PrismPaths.odataString(hostUuid.trim());
        List<JsonNode> found = list(path, filter);
        if (found.isEmpty()) {
            // an empty filtered list is v4's "no such host"; reported like v3's 404 for the same question
            throw new PrismNotFoundException("GET " + path + "?$filter=" + filter, 0, List.of(new PrismMessage(
                    "host : " + hostUuid.trim() + " does not exist.", "ENTITY_NOT_FOUND", "")), "not found");
        }
        return found.get(0);
    }

    @Override
    public List<PrismCluster> listClusters() {
        String path = CLUSTERMGMT + "clusters";
        return list(path, null).stream().map(c -> PrismV4Entities.cluster("GET " + path, c)).toList();
    }

    @Override
    public PrismCluster getCluster(String clusterUuid) {
        String path = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid);
        return PrismV4Entities.cluster("GET " + path, one(path));
    }

    @Override
    public List<PrismVm> listVms() {
        return vms(null);
    }

    @Override
    public PrismVm getVm(String vmUuid) {
        String path = VMM + "vms/" + PrismPaths.segment(vmUuid);
        return PrismV4Entities.vm("GET " + path, one(path));
    }

    @Override
    public Optional<PrismVm> findVmByBiosUuid(String biosUuid) {
        return vms("biosUuid eq " + PrismPaths.odataString(biosUuid.trim())).stream()
                .filter(vm -> vm.biosUuid().map(biosUuid.trim()::equalsIgnoreCase).orElse(false))
                .findFirst();
    }

    // ---- Internals -----------------------------------------------------------------------------------

    /**
     * Parses {@code wanted} with their GPU entries.
     *
     * @param hostsOfCluster every host of a cluster, for the fallback (its attribution needs them all)
     * @param vmCluster      when all the hosts are in one cluster: read only that cluster's VMs
     */
    private List<PrismHost> withGpus(String op, List<JsonNode> wanted, Function<String, List<JsonNode>> hostsOfCluster,
            Optional<String> vmCluster) {
        Set<String> clusters = new LinkedHashSet<>();
        wanted.stream().filter(PrismV4Entities::hasGpus).map(PrismV4Entities::clusterUuidOf)
                .flatMap(Optional::stream).forEach(clusters::add);
        // one host asked for: only its host-gpus
        Optional<String> onlyHost = wanted.size() == 1 ? Optional.of(PrismV4Entities.extIdOf(op, wanted.get(0)))
                : Optional.empty();
        Map<String, List<V4GpuDevice>> hostGpus = new HashMap<>();
        Map<String, List<V4GpuDevice>> profiles = new HashMap<>();
        boolean allocated = false;
        for (String c : clusters) {
            Optional<List<V4GpuDevice>> exact = hostGpus(c, onlyHost);
            List<V4GpuDevice> p = exact.map(gpus -> profilesInUse(c, gpus)).orElseGet(() -> gpuProfiles(c));
            exact.ifPresent(gpus -> hostGpus.put(c, gpus));
            profiles.put(c, p);
            allocated |= p.stream().anyMatch(d -> !d.allocatedVmExtIds().isEmpty());
        }
        Map<String, PrismVm> vms = new HashMap<>();
        if (allocated) {
            Optional<String> scope = vmCluster.isPresent() ? vmCluster
                    : clusters.size() == 1 ? Optional.of(clusters.iterator().next()) : Optional.empty();
            vms(scope.map(c -> "cluster/extId eq " + PrismPaths.odataString(c)).orElse(null))
                    .forEach(vm -> vms.put(V4GpuAttribution.key(vm.uuid()), vm));
            // a VM Prism files under another cluster than the GPU it holds is asked for by itself
            profiles.values().stream().flatMap(List::stream).flatMap(d -> d.allocatedVmExtIds().stream())
                    .map(V4GpuAttribution::key).distinct().filter(id -> !vms.containsKey(id)).toList()
                    .forEach(id -> {
                        try {
                            vms.put(id, getVm(id));
                        } catch (PrismNotFoundException gone) {
                            // deleted since the profiles were read: the GPU keeps the bare uuid as its consumer
                        }
                    });
        }
        Map<String, List<HostGpu>> gpus = new HashMap<>();
        for (String c : clusters) {
            if (hostGpus.containsKey(c)) {
                List<JsonNode> wantedOfCluster = wanted.stream().filter(h -> inCluster(h, c)).toList();
                gpus.putAll(V4HostGpus.attribute(c, wantedOfCluster, hostGpus.get(c), profiles.get(c), vms, onlyHost));
            } else {
                List<JsonNode> clusterHosts = hostsOfCluster.apply(c).stream().filter(h -> inCluster(h, c)).toList();
                gpus.putAll(V4GpuAttribution.attribute(c, clusterHosts, profiles.get(c), vms));
            }
        }
        List<PrismHost> result = new ArrayList<>(wanted.size());
        for (JsonNode h : wanted) {
            String key = V4GpuAttribution.key(PrismV4Entities.extIdOf(op, h));
            result.add(PrismV4Entities.host(op, h, gpus.getOrDefault(key, List.of())));
        }
        return result;
    }

    private static boolean inCluster(JsonNode host, String clusterUuid) {
        return PrismV4Entities.clusterUuidOf(host).map(clusterUuid::equalsIgnoreCase).orElse(false);
    }

    /**
     * The cluster's {@code HostGpu} entries ({@code clusters/{c}/host-gpus}, or {@code …/hosts/{h}/host-gpus} for
     * one host); empty when Prism Central does not serve them (404, 400, 501), or when the entries do not name
     * their host: the caller then assembles the GPUs from the profiles.
     */
    private Optional<List<V4GpuDevice>> hostGpus(String clusterUuid, Optional<String> onlyHost) {
        long missingAt = hostGpusMissingAt.get();
        if (!hostGpusSeen && missingAt != 0 && System.nanoTime() - missingAt < RECHECK_HOST_GPUS.toNanos()) {
            return Optional.empty();
        }
        String path = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid)
                + onlyHost.map(h -> "/hosts/" + PrismPaths.segment(h)).orElse("") + "/host-gpus";
        List<JsonNode> entries;
        try {
            entries = list(path, null);
        } catch (PrismNotFoundException | PrismInvalidRequestException | PrismServerException e) {
            if (e.httpStatus() != 404 && e.httpStatus() != 400 && e.httpStatus() != 501) {
                throw e;
            }
            if (!hostGpusSeen && hostGpusMissingAt.getAndSet(Math.max(1, System.nanoTime())) == 0) {
                LOG.info("Prism Central does not serve GET {} (HTTP {}): each host's GPUs are assembled from its "
                        + "cluster's GPU profiles instead, and which idle GPU of a model is in which host is inferred "
                        + "from their listing order", path, e.httpStatus());
            } else {
                // served for other clusters: this one (or this host) went away meanwhile; the profiles will say
                LOG.debug("GET {} answered {}; assembling that cluster's GPUs from its profiles", path, e.httpStatus());
            }
            return Optional.empty();
        }
        hostGpusSeen = true;
        List<V4GpuDevice> devices = new ArrayList<>(entries.size());
        for (JsonNode e : entries) {
            V4GpuDevice d = V4GpuDevice.ofHostGpu(devices.size(), e);
            if (d.nodeUuid().isEmpty()) {
                if (onlyHost.isEmpty()) {
                    LOG.warn("GET {}: a host GPU without nodeUuid; assembling that cluster's GPUs from its profiles",
                            path);
                    return Optional.empty();
                }
                d = new V4GpuDevice(d.order(), d.extId(), d.name(), d.virtual(), d.config(), d.allocatedVmExtIds(),
                        onlyHost.get(), d.vgpusAllocated());
            }
            devices.add(d);
        }
        return Optional.of(devices);
    }

    /**
     * The profile entries that complete host GPUs in use (VMs, a physical GPU's use): the physical list when a
     * physical GPU is in use, the vGPU list when a vGPU slot is; nothing when no GPU is.
     */
    private List<V4GpuDevice> profilesInUse(String clusterUuid, List<V4GpuDevice> hostGpus) {
        boolean physical = hostGpus.stream().anyMatch(d -> !d.virtual() && d.inUse());
        boolean virtual = hostGpus.stream().anyMatch(d -> d.virtual() && d.inUse());
        return gpuProfiles(clusterUuid, physical, virtual);
    }

    /** A cluster's physical GPU entries, then its vGPU entries, numbered in that order. */
    private List<V4GpuDevice> gpuProfiles(String clusterUuid) {
        return gpuProfiles(clusterUuid, true, true);
    }

    private List<V4GpuDevice> gpuProfiles(String clusterUuid, boolean physical, boolean virtual) {
        String base = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid);
        List<V4GpuDevice> devices = new ArrayList<>();
        if (physical) {
            for (JsonNode p : list(base + "/physical-gpu-profiles", null)) {
                devices.add(V4GpuDevice.ofProfile(devices.size(), p, false));
            }
        }
        if (virtual) {
            for (JsonNode v : list(base + "/virtual-gpu-profiles", null)) {
                devices.add(V4GpuDevice.ofProfile(devices.size(), v, true));
            }
        }
        return devices;
    }

    private List<PrismVm> vms(String filter) {
        String path = VMM + "vms";
        return list(path, filter).stream().map(v -> PrismV4Entities.vm("GET " + path, v)).toList();
    }

    /**
     * Every page of an OData collection, in order: page 0 first, then, knowing {@code totalAvailableResults},
     * the rest {@value #PARALLEL_PAGES} at a time. Without a total, pages are read one by one until a short one.
     */
    private List<JsonNode> list(String path, String filter) {
        String query = filter == null ? "" : "&$filter=" + PrismPaths.encode(filter);
        JsonNode first = transport.get(pageUrl(path, 0, query));
        List<JsonNode> all = new ArrayList<>(PrismPaths.arrayOf("GET " + pageUrl(path, 0, query), first, "data"));
        JsonNode total = first.path("metadata").path("totalAvailableResults");
        if (!total.isNumber()) {
            for (int page = 1; all.size() == page * PAGE_LIMIT; page++) {
                String url = pageUrl(path, page, query);
                all.addAll(PrismPaths.arrayOf("GET " + url, transport.get(url), "data"));
            }
            return all;
        }
        int pages = (int) Math.min(Integer.MAX_VALUE, (total.asLong() + PAGE_LIMIT - 1) / PAGE_LIMIT);
        if (all.isEmpty() || pages <= 1) {
            return all;
        }
        List<CompletableFuture<List<JsonNode>>> rest = new ArrayList<>(pages - 1);
        for (int page = 1; page < pages; page++) {
            String url = pageUrl(path, page, query);
            rest.add(CompletableFuture.supplyAsync(() -> PrismPaths.arrayOf("GET " + url, transport.get(url), "data"),
                    PAGES));
        }
        try {
            for (CompletableFuture<List<JsonNode>> page : rest) {
                all.addAll(page.join());
            }
        } catch (CompletionException e) {
            rest.forEach(f -> f.cancel(true));
            if (e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        return all;
    }

    private static String pageUrl(String path, int page, String query) {
        return path + "?$page=" + page + "&$limit=" + PAGE_LIMIT + query;
    }

    private static ThreadPoolExecutor pagePool() {
        AtomicInteger n = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(PARALLEL_PAGES, PARALLEL_PAGES, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "prism-v4-pages-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /** A single entity: {@code {"data":{…}}}. */
    private JsonNode one(String path) {
        JsonNode data = transport.get(path).path("data");
        if (!data.isObject()) {
            throw new PrismMalformedResponseException("GET " + path, 200, List.of(), "'data' is not an object");
        }
        return data;
    }
}
