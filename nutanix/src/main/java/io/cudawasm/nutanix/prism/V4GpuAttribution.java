package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fallback for a Prism Central without {@code clusters/{c}/host-gpus} (see {@link V4HostGpus} for the exact
 * way): each host's GPU entries rebuilt from what else v4 offers. A host carries only {@code gpuList}, the
 * names of its GPU entries; the details (device id, vendor, mode, use, frame buffer, SBDF) come per cluster
 * from {@code physical-gpu-profiles} and {@code virtual-gpu-profiles}, which do not name a host; VMs name
 * their host.
 *
 * <ol>
 *   <li>A GPU allocated to a VM belongs to the host that VM runs on (exact).</li>
 *   <li>Each host's remaining names are filled, host by host in listing order, with the cluster's
 *       unattributed GPUs of that name in listing order. Which idle GPU of a model sits in which host is
 *       therefore inferred from Prism's listing order; the count, model and state of each host's GPUs
 *       are exact whenever the idle GPUs of one model in a cluster are alike.</li>
 *   <li>Each host's entries come out in its {@code gpuList} order.</li>
 * </ol>
 */
final class V4GpuAttribution {
    private static final Logger LOG = LoggerFactory.getLogger(V4GpuAttribution.class);
    static final long MIB = 1024L * 1024L;

    private V4GpuAttribution() {}

    /**
     * The GPU entries of each host of one cluster, keyed by lower-case host extId.
     *
     * @param clusterHosts every host of the cluster (v4 {@code Host} JSON), in listing order
     * @param devices      the cluster's physical then virtual GPU profile entries, in listing order
     * @param vms          VMs by lower-case extId: where allocated GPUs run, and the VMs' names
     */
    static Map<String, List<HostGpu>> attribute(String clusterUuid, List<JsonNode> clusterHosts,
            List<V4GpuDevice> devices, Map<String, PrismVm> vms) {
        Map<String, List<String>> names = new LinkedHashMap<>();
        Map<String, Map<String, Integer>> room = new HashMap<>();
        for (JsonNode h : clusterHosts) {
            String key = key(h.path("extId").asText(""));
            List<String> list = new ArrayList<>();
            h.path("gpuList").forEach(n -> list.add(n.asText("")));
            names.put(key, list);
            Map<String, Integer> counts = new HashMap<>();
            list.forEach(n -> counts.merge(n, 1, Integer::sum));
            room.put(key, counts);
        }
        Map<String, List<V4GpuDevice>> placed = new HashMap<>();
        boolean[] taken = new boolean[devices.size()];
        // 1. allocated GPUs go where their VM runs
        for (int i = 0; i < devices.size(); i++) {
            V4GpuDevice d = devices.get(i);
            for (String vmId : d.allocatedVmExtIds()) {
                Optional<String> host = Optional.ofNullable(vms.get(key(vmId))).flatMap(PrismVm::runningOn)
                        .map(r -> key(r.uuid()));
                if (host.isPresent() && take(room, host.get(), d.name())) {
                    placed.computeIfAbsent(host.get(), k -> new ArrayList<>()).add(d);
                    taken[i] = true;
                    break;
                }
            }
        }
        // 2. the rest fill each host's remaining names in listing order
        Map<String, Deque<V4GpuDevice>> idle = new HashMap<>();
        for (int i = 0; i < devices.size(); i++) {
            if (!taken[i]) {
                idle.computeIfAbsent(devices.get(i).name(), k -> new ArrayDeque<>()).add(devices.get(i));
            }
        }
        for (Map.Entry<String, List<String>> host : names.entrySet()) {
            for (String name : host.getValue()) {
                if (!take(room, host.getKey(), name)) {
                    continue;
                }
                V4GpuDevice d = idle.getOrDefault(name, new ArrayDeque<>()).poll();
                if (d == null) {
                    LOG.warn("cluster {}: host {} lists GPU '{}' but the cluster's GPU profiles have no such GPU left",
                            clusterUuid, host.getKey(), name);
                    continue;
                }
                placed.computeIfAbsent(host.getKey(), k -> new ArrayList<>()).add(d);
            }
        }
        int unplaced = idle.values().stream().mapToInt(Deque::size).sum();
        if (unplaced > 0) {
            LOG.warn("cluster {}: {} GPU profile entr(ies) match no host's gpuList and are left out", clusterUuid,
                    unplaced);
        }
        // 3. per host, in gpuList order; GPUs of one name in listing order
        Map<String, List<HostGpu>> result = new HashMap<>();
        for (Map.Entry<String, List<String>> host : names.entrySet()) {
            Map<String, Deque<V4GpuDevice>> byName = new HashMap<>();
            placed.getOrDefault(host.getKey(), List.of()).stream()
                    .sorted(Comparator.comparingInt(V4GpuDevice::order))
                    .forEach(d -> byName.computeIfAbsent(d.name(), k -> new ArrayDeque<>()).add(d));
            List<HostGpu> gpus = new ArrayList<>();
            int position = 0;
            for (String name : host.getValue()) {
                V4GpuDevice d = byName.getOrDefault(name, new ArrayDeque<>()).poll();
                if (d != null) {
                    d.toHostGpu(host.getKey(), position, vms).ifPresent(gpus::add);
                }
                position++;
            }
            result.put(host.getKey(), List.copyOf(gpus));
        }
        return result;
    }

    private static boolean take(Map<String, Map<String, Integer>> room, String host, String name) {
        Map<String, Integer> counts = room.get(host);
        if (counts == null || counts.getOrDefault(name, 0) == 0) {
            return false;
        }
        counts.merge(name, -1, Integer::sum);
        return true;
    }

    static String key(String uuid) {
        return uuid.trim().toLowerCase(Locale.ROOT);
    }
}
