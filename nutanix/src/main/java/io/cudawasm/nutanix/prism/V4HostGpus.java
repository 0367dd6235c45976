package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.nutanix.prism.model.HostGpu;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each host's GPU entries from {@code clustermgmt}'s {@code clusters/{c}/host-gpus}, which lists every GPU
 * entry of a cluster (physical GPUs and vGPU slots) with the host it sits in ({@code nodeUuid}) and its
 * configuration: which GPU is in which host is read, not inferred.
 *
 * <p>A {@code HostGpu} does not say which VM holds it, nor (its configuration having no {@code mode}) what a
 * physical GPU in use is used for. Those come from the cluster's GPU profiles, read only for the kinds of GPU
 * in use there: a profile entry names its VMs ({@code allocatedVmExtIds}) and, for a physical GPU, its use,
 * but not its host. Each profile entry in use is paired with a host GPU in use of the same device:
 * <ol>
 *   <li>first the entries whose VM runs on a host: among that host's GPUs, the one at the same PCI address
 *       (SBDF) where both have one, the one with the same {@code extId} where profiles carry one;</li>
 *   <li>then the rest (GPUs backing vGPUs, GPUs of VMs powered off): the same among the cluster's GPUs
 *       still unpaired;</li>
 *   <li>where that still leaves several (vGPU slots of one profile, which have no address, in use by
 *       several VMs on one host; or alike GPUs at one address in several hosts, held by no running VM),
 *       the first in listing order: only that pairing is inferred, and it is logged at DEBUG.</li>
 * </ol>
 * When only one host's GPUs were read, an entry whose VM runs on another host of the cluster is that host's
 * and is left alone.
 *
 * <p>Each host's entries come out in its {@code gpuList} order, GPUs of one name in listing order.
 */
final class V4HostGpus {
    private static final Logger LOG = LoggerFactory.getLogger(V4HostGpus.class);

    private V4HostGpus() {}

    /**
     * The GPU entries of {@code hosts}, keyed by lower-case host extId.
     *
     * @param hosts    the hosts wanted (v4 {@code Host} JSON); entries of other hosts are left out
     * @param hostGpus the cluster's {@code HostGpu} entries (or only those of the hosts wanted), in listing order
     * @param profiles the cluster's GPU profile entries read for the GPUs in use; empty when none is in use
     * @param vms      VMs by lower-case extId: where the GPUs' VMs run, and their names
     * @param onlyHost when only this host's GPUs were read ({@code clusters/{c}/hosts/{h}/host-gpus})
     */
    static Map<String, List<HostGpu>> attribute(String clusterUuid, List<JsonNode> hosts, List<V4GpuDevice> hostGpus,
            List<V4GpuDevice> profiles, Map<String, PrismVm> vms, Optional<String> onlyHost) {
        List<V4GpuDevice> held = withProfiles(clusterUuid, hostGpus, profiles, vms, onlyHost);
        Map<String, Deque<V4GpuDevice>> byHost = new HashMap<>();
        for (V4GpuDevice d : held) {
            byHost.computeIfAbsent(V4GpuAttribution.key(d.nodeUuid()), k -> new ArrayDeque<>()).add(d);
        }
        Map<String, List<HostGpu>> result = new HashMap<>();
        for (JsonNode h : hosts) {
            String key = V4GpuAttribution.key(h.path("extId").asText(""));
            List<V4GpuDevice> ordered = inGpuListOrder(h, byHost.getOrDefault(key, new ArrayDeque<>()));
            List<HostGpu> gpus = new ArrayList<>(ordered.size());
            for (int position = 0; position < ordered.size(); position++) {
                ordered.get(position).toHostGpu(key, position, vms).ifPresent(gpus::add);
            }
            result.put(key, List.copyOf(gpus));
        }
        return result;
    }

    /** The host GPUs, those in use completed by the profile entry each is paired with. */
    private static List<V4GpuDevice> withProfiles(String clusterUuid, List<V4GpuDevice> hostGpus,
            List<V4GpuDevice> profiles, Map<String, PrismVm> vms, Optional<String> onlyHost) {
        Set<String> hostsRead = new HashSet<>();
        hostGpus.forEach(d -> hostsRead.add(V4GpuAttribution.key(d.nodeUuid())));
        List<Map.Entry<V4GpuDevice, String>> onHost = new ArrayList<>();
        List<V4GpuDevice> anywhere = new ArrayList<>();
        for (V4GpuDevice profile : profiles) {
            if (!profile.inUse()) {
                continue;
            }
            Optional<PrismVm> vm = runningVm(profile, vms);
            String host = vm.flatMap(PrismVm::runningOn).map(r -> V4GpuAttribution.key(r.uuid())).orElse("");
            boolean vmInCluster = vm.flatMap(PrismVm::cluster).map(c -> c.uuid().equalsIgnoreCase(clusterUuid))
                    .orElse(false);
            if (hostsRead.contains(host)) {
                onHost.add(Map.entry(profile, host));
            } else if (onlyHost.isPresent() && !host.isEmpty() && vmInCluster) {
                continue; // its VM runs on another host of the cluster: that host's GPU, not one read here
            } else {
                // no VM running, or one running on a host without GPUs of this cluster: any host's, by address
                anywhere.add(profile);
            }
        }
        Pairing pairing = new Pairing(hostGpus);
        for (Map.Entry<V4GpuDevice, String> e : onHost) {
            if (!pairing.pair(e.getKey(), Optional.of(e.getValue()))) {
                anywhere.add(e.getKey()); // not in the host its VM runs on: Prism's lists disagree, try by address
            }
        }
        anywhere.sort(Comparator.comparingInt(V4GpuDevice::order));
        int unpaired = 0;
        for (V4GpuDevice profile : anywhere) {
            if (!pairing.pair(profile, Optional.empty())) {
                unpaired++;
            }
        }
        if (pairing.inferred > 0) {
            LOG.debug("cluster {}: {} GPU(s) in use paired with their profile entry (VM, use) by listing order: "
                    + "several alike GPUs in use fit it", clusterUuid, pairing.inferred);
        }
        if (unpaired > 0) {
            LOG.debug("cluster {}: {} GPU profile entr(ies) in use match no host GPU read", clusterUuid, unpaired);
        }
        return pairing.held;
    }

    /**
     * The host GPUs in use, indexed by host and by PCI address (a cluster has thousands of them, a profile entry
     * fits a few), and which of them are paired yet.
     */
    private static final class Pairing {
        final List<V4GpuDevice> held;
        final boolean[] paired;
        final Map<String, List<Integer>> byHost = new HashMap<>();
        final Map<String, List<Integer>> byAddress = new HashMap<>();
        final List<Integer> inUse = new ArrayList<>();
        int inferred;

        Pairing(List<V4GpuDevice> hostGpus) {
            held = new ArrayList<>(hostGpus);
            paired = new boolean[held.size()];
            for (int i = 0; i < held.size(); i++) {
                V4GpuDevice d = held.get(i);
                if (d.inUse()) {
                    inUse.add(i);
                    byHost.computeIfAbsent(V4GpuAttribution.key(d.nodeUuid()), k -> new ArrayList<>()).add(i);
                    byAddress.computeIfAbsent(d.sbdf().toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(i);
                }
            }
        }

        /**
         * Pairs a profile entry with the first unpaired host GPU in use of the same device and address (in
         * {@code host} when given), the one with its {@code extId} if there is one; counts a choice among several.
         */
        boolean pair(V4GpuDevice profile, Optional<String> host) {
            List<Integer> candidates = new ArrayList<>();
            for (int i : scope(profile, host)) {
                V4GpuDevice d = held.get(i);
                if (!paired[i] && d.sameDeviceAs(profile) && sameAddress(d, profile)) {
                    candidates.add(i);
                }
            }
            if (candidates.isEmpty()) {
                return false;
            }
            Optional<Integer> sameId = candidates.stream()
                    .filter(i -> !profile.extId().isEmpty() && held.get(i).extId().equalsIgnoreCase(profile.extId()))
                    .findFirst();
            if (sameId.isEmpty() && candidates.size() > 1) {
                inferred++;
            }
            int chosen = sameId.orElse(candidates.get(0));
            held.set(chosen, held.get(chosen).heldAs(profile));
            paired[chosen] = true;
            return true;
        }

        /** The host GPUs in use that could fit, in listing order: the host's, or those at the profile's address. */
        private List<Integer> scope(V4GpuDevice profile, Optional<String> host) {
            if (host.isPresent()) {
                return byHost.getOrDefault(host.get(), List.of());
            }
            if (profile.sbdf().isEmpty()) {
                return inUse;
            }
            List<Integer> at = new ArrayList<>(byAddress.getOrDefault(profile.sbdf().toLowerCase(Locale.ROOT), List.of()));
            at.addAll(byAddress.getOrDefault("", List.of())); // entries without an address fit any
            at.sort(Comparator.naturalOrder());
            return at;
        }
    }

    /** The first VM the entry is allocated to that runs somewhere, else the first one known. */
    private static Optional<PrismVm> runningVm(V4GpuDevice profile, Map<String, PrismVm> vms) {
        List<PrismVm> known = profile.allocatedVmExtIds().stream()
                .map(id -> vms.get(V4GpuAttribution.key(id))).filter(Objects::nonNull).toList();
        return known.stream().filter(v -> v.runningOn().isPresent()).findFirst().or(() -> known.stream().findFirst());
    }

    private static boolean sameAddress(V4GpuDevice a, V4GpuDevice b) {
        return a.sbdf().isEmpty() || b.sbdf().isEmpty() || a.sbdf().equalsIgnoreCase(b.sbdf());
    }

    /** The host's entries in its {@code gpuList} order; entries its list does not name come last. */
    private static List<V4GpuDevice> inGpuListOrder(JsonNode host, Deque<V4GpuDevice> entries) {
        Map<String, Deque<V4GpuDevice>> byName = new LinkedHashMap<>();
        entries.forEach(d -> byName.computeIfAbsent(d.name(), k -> new ArrayDeque<>()).add(d));
        List<V4GpuDevice> ordered = new ArrayList<>(entries.size());
        for (JsonNode name : host.path("gpuList")) {
            V4GpuDevice d = byName.getOrDefault(name.asText(""), new ArrayDeque<>()).poll();
            if (d != null) {
                ordered.add(d);
            }
        }
        byName.values().stream().flatMap(Deque::stream).sorted(Comparator.comparingInt(V4GpuDevice::order))
                .forEach(ordered::add);
        return ordered;
    }
}
