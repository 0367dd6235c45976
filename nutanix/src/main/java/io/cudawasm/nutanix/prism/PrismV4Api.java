package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
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

/**
 * Prism Central v4 ({@code clustermgmt} and {@code vmm} v4.0, pc.2024.3 and later). Lists are OData
 * collections read with {@code $page}/{@code $limit} (100, the most v4 allows) until
 * {@code metadata.totalAvailableResults}; {@code $filter} replaces a list-everything-then-pick where v4 can
 * filter: one host by {@code extId}, a cluster's VMs, a VM by {@code biosUuid}.
 *
 * <p>A host's GPU entries are assembled from three sources (see {@link V4GpuAttribution}): the host's
 * {@code gpuList} names, its cluster's {@code physical-gpu-profiles} and {@code virtual-gpu-profiles}, and
 * the VMs those GPUs are allocated to. VMs are read only when some GPU is allocated.
 *
 * <p>v4 needs many more requests than v3 (1,000 hosts with 4,000 GPUs: 67 pages against one
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

    private final PrismTransport transport;

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
        return withGpus("GET " + path, hosts, hosts, Optional.empty());
    }

    @Override
    public List<PrismHost> listHostsOfCluster(String clusterUuid) {
        String path = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid) + "/hosts";
        List<JsonNode> hosts = list(path, null);
        return withGpus("GET " + path, hosts, hosts, Optional.of(clusterUuid));
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
        // which of the cluster's GPUs are this host's depends on the other hosts' gpuLists too
        List<JsonNode> clusterHosts = list(CLUSTERMGMT + "clusters/" + PrismPaths.segment(cluster.get()) + "/hosts",
                null);
        return withGpus(op, List.of(host), clusterHosts, cluster).get(0);
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
     * @param clusterHosts every host of the clusters {@code wanted} belong to (attribution needs them all)
     * @param vmCluster    when all the hosts are in one cluster: read only that cluster's VMs
     */
    private List<PrismHost> withGpus(String op, List<JsonNode> wanted, List<JsonNode> clusterHosts,
            Optional<String> vmCluster) {
        Set<String> clusters = new LinkedHashSet<>();
        wanted.stream().filter(PrismV4Entities::hasGpus).map(PrismV4Entities::clusterUuidOf)
                .flatMap(Optional::stream).forEach(clusters::add);
        Map<String, List<V4GpuDevice>> devices = new HashMap<>();
        boolean allocated = false;
        for (String c : clusters) {
            List<V4GpuDevice> list = gpuDevices(c);
            devices.put(c, list);
            allocated |= list.stream().anyMatch(d -> !d.allocatedVmExtIds().isEmpty());
        }
        Map<String, PrismVm> vms = new HashMap<>();
        if (allocated) {
            Optional<String> scope = vmCluster.isPresent() ? vmCluster
                    : clusters.size() == 1 ? Optional.of(clusters.iterator().next()) : Optional.empty();
            vms(scope.map(c -> "cluster/extId eq " + PrismPaths.odataString(c)).orElse(null))
                    .forEach(vm -> vms.put(V4GpuAttribution.key(vm.uuid()), vm));
            // a VM Prism files under another cluster than the GPU it holds is asked for by itself
            devices.values().stream().flatMap(List::stream).flatMap(d -> d.allocatedVmExtIds().stream())
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
            List<JsonNode> hostsOfCluster = clusterHosts.stream()
                    .filter(h -> PrismV4Entities.clusterUuidOf(h).map(c::equalsIgnoreCase).orElse(false))
                    .toList();
            gpus.putAll(V4GpuAttribution.attribute(c, hostsOfCluster, devices.get(c), vms));
        }
        List<PrismHost> result = new ArrayList<>(wanted.size());
        for (JsonNode h : wanted) {
            String key = V4GpuAttribution.key(PrismV4Entities.extIdOf(op, h));
            result.add(PrismV4Entities.host(op, h, gpus.getOrDefault(key, List.of())));
        }
        return result;
    }

    /** A cluster's physical GPU entries, then its vGPU entries, numbered in that order. */
    private List<V4GpuDevice> gpuDevices(String clusterUuid) {
        String base = CLUSTERMGMT + "clusters/" + PrismPaths.segment(clusterUuid);
        List<V4GpuDevice> devices = new ArrayList<>();
        for (JsonNode p : list(base + "/physical-gpu-profiles", null)) {
            devices.add(V4GpuDevice.of(devices.size(), p, false));
        }
        for (JsonNode v : list(base + "/virtual-gpu-profiles", null)) {
            devices.add(V4GpuDevice.of(devices.size(), v, true));
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
