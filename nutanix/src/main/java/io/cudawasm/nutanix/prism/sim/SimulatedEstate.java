package io.cudawasm.nutanix.prism.sim;

import static io.cudawasm.nutanix.prism.sim.PrismJsonShapes.MAPPER;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;
import java.util.function.Predicate;

/**
 * The clusters, hosts and VMs a {@link PrismSimulator} serves, kept as Prism-shaped JSON so that what
 * goes out is exactly what was loaded. Thread-safe: requests read under a shared lock, mutations take
 * an exclusive one.
 *
 * <p>The fixture format is {@code {"clusters":[…],"hosts":[…],"vms":[…]}} with v3 entities as elements, plus
 * an optional {@code "v4"} object of fields only v4 reports, merged into the v4 rendering of an entity:
 * {@code {"hosts":{"<uuid>":{"numberOfCpuThreads":96}},"gpus":{"<gpu uuid>":{"guestDriverVersion":"…"}},
 * "clusters":{…},"vms":{…}}} (for GPUs, into {@code physicalGpuConfig}/{@code virtualGpuConfig}). Both APIs
 * serve this one estate: v4 entities are rendered from the v3 ones ({@link PrismV4Shapes}).
 */
public final class SimulatedEstate {
    private final ReadWriteLock lock = new ReentrantReadWriteLock();
    private final Map<String, ObjectNode> clusters = new LinkedHashMap<>();
    private final Map<String, ObjectNode> hosts = new LinkedHashMap<>();
    private final Map<String, ObjectNode> vms = new LinkedHashMap<>();
    /** Fields only v4 reports, by v4 section ("hosts", "clusters", "vms", "gpus") and lower-case uuid. */
    private final Map<String, Map<String, ObjectNode>> v4Extras = new LinkedHashMap<>();
    /** hosts/list never changes between mutations and is the largest answer, so it is encoded once. */
    private volatile byte[] hostsListBody;
    /** The v4 rendering, likewise kept until the next mutation. */
    private volatile V4View v4View;

    private SimulatedEstate() {}

    public static SimulatedEstate empty() {
        return new SimulatedEstate();
    }

    /** The realistic estate bundled as {@code /prism/fixture.json}. */
    public static SimulatedEstate bundled() {
        try (InputStream in = SimulatedEstate.class.getResourceAsStream("/prism/fixture.json")) {
            if (in == null) {
                throw new IllegalStateException("the bundled fixture /prism/fixture.json is missing");
            }
            return fromJson(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static SimulatedEstate fromFile(Path fixture) throws IOException {
        try (InputStream in = Files.newInputStream(fixture)) {
            return fromJson(in);
        }
    }

    public static SimulatedEstate fromJson(InputStream fixture) throws IOException {
        JsonNode root = MAPPER.readTree(fixture);
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("a fixture must be a JSON object with clusters, hosts and vms");
        }
        SimulatedEstate estate = new SimulatedEstate();
        root.path("clusters").forEach(c -> estate.addCluster((ObjectNode) c));
        root.path("hosts").forEach(h -> estate.addHost((ObjectNode) h));
        root.path("vms").forEach(v -> estate.addVm((ObjectNode) v));
        root.path("v4").fields().forEachRemaining(section -> section.getValue().fields().forEachRemaining(
                e -> estate.addV4Fields(section.getKey(), e.getKey(), (ObjectNode) e.getValue())));
        return estate;
    }

    /** The estate in fixture format, e.g. to save a synthetic one. */
    public String toJson() {
        return read(() -> {
            ObjectNode root = MAPPER.createObjectNode();
            root.putArray("clusters").addAll(clusters.values());
            root.putArray("hosts").addAll(hosts.values());
            root.putArray("vms").addAll(vms.values());
            if (!v4Extras.isEmpty()) {
                ObjectNode v4 = root.putObject("v4");
                v4Extras.forEach((section, byId) -> {
                    ObjectNode s = v4.putObject(section);
                    byId.forEach(s::set);
                });
            }
            try {
                return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(root);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    // ---- Building ------------------------------------------------------------------------------------

    public void addCluster(ObjectNode cluster) {
        update(() -> clusters.put(key(uuidOf(cluster)), cluster.deepCopy()));
    }

    public void addHost(ObjectNode host) {
        update(() -> hosts.put(key(uuidOf(host)), host.deepCopy()));
    }

    public void addVm(ObjectNode vm) {
        update(() -> vms.put(key(uuidOf(vm)), vm.deepCopy()));
    }

    /**
     * Fields only the v4 API reports for one entity, merged into its v4 rendering.
     *
     * @param section {@code hosts}, {@code clusters}, {@code vms} or {@code gpus}
     */
    public void addV4Fields(String section, String uuid, ObjectNode fields) {
        if (!List.of("hosts", "clusters", "vms", "gpus").contains(section)) {
            throw new IllegalArgumentException("v4 fields go in hosts, clusters, vms or gpus, not " + section);
        }
        update(() -> v4Extras.computeIfAbsent(section, k -> new LinkedHashMap<>())
                .merge(key(uuid), fields.deepCopy(), (a, b) -> {
                    a.setAll(b);
                    return a;
                }));
    }

    // ---- Reading -------------------------------------------------------------------------------------

    /** Clusters including Prism Central's own pseudo-cluster. */
    public int clusterCount() {
        return read(clusters::size);
    }

    public int hostCount() {
        return read(hosts::size);
    }

    public int vmCount() {
        return read(vms::size);
    }

    /** GPU entries (physical and vGPU) over all hosts. */
    public int gpuCount() {
        return read(() -> hosts.values().stream().mapToInt(h -> gpuList(h).size()).sum());
    }

    public List<String> hostUuids() {
        return read(() -> hosts.values().stream().map(SimulatedEstate::uuidOf).toList());
    }

    public List<String> vmUuids() {
        return read(() -> vms.values().stream().map(SimulatedEstate::uuidOf).toList());
    }

    public List<String> clusterUuids() {
        return read(() -> clusters.values().stream().map(SimulatedEstate::uuidOf).toList());
    }

    /** The uuids of a host's GPU entries, in {@code gpu_list} order. */
    public List<String> gpuUuids(String hostUuid) {
        return read(() -> {
            List<String> ids = new ArrayList<>();
            gpuList(find(hosts, "host", hostUuid)).forEach(g -> ids.add(g.path("uuid").asText()));
            return ids;
        });
    }

    /** A copy of one entity as served ({@code kind} is {@code cluster}, {@code host} or {@code vm}). */
    public Optional<ObjectNode> entity(String kind, String uuid) {
        return read(() -> Optional.ofNullable(table(kind).get(key(uuid))).map(ObjectNode::deepCopy));
    }

    // ---- Mutations (the Java API later tests use) ----------------------------------------------------

    /**
     * Moves a VM to another host (HA restart or migration): new host and cluster, powered on. Its GPUs follow
     * as AHV handles them: each one on the old host is released, and a free GPU of the same mode and device
     * id on the new host takes its place; when the new host has none, the VM runs without it.
     */
    public void moveVm(String vmUuid, String hostUuid) {
        update(() -> {
            ObjectNode vm = find(vms, "vm", vmUuid);
            ObjectNode host = find(hosts, "host", hostUuid);
            List<ObjectNode> released = new ArrayList<>();
            for (ObjectNode h : hosts.values()) {
                for (JsonNode g : gpuList(h)) {
                    if (g.path("consumer_reference").path("uuid").asText().equalsIgnoreCase(uuidOf(vm))) {
                        released.add((ObjectNode) g);
                    }
                }
            }
            for (ObjectNode g : released) {
                release(g);
            }
            ObjectNode res = (ObjectNode) vm.path("status").path("resources");
            res.set("host_reference", PrismJsonShapes.reference("host", uuidOf(host), nameOf(host)));
            res.put("power_state", "ON");
            ((ObjectNode) vm.path("spec").path("resources")).put("power_state", "ON");
            JsonNode clusterRef = host.path("status").path("cluster_reference");
            if (clusterRef.isObject()) {
                ((ObjectNode) vm.path("status")).set("cluster_reference", clusterRef.deepCopy());
                ((ObjectNode) vm.path("spec")).set("cluster_reference", clusterRef.deepCopy());
            }
            for (ObjectNode old : released) {
                for (JsonNode g : gpuList(host)) {
                    if (isFree(g) && g.path("mode").asText().equals(old.path("mode").asText())
                            && g.path("device_id").asInt() == old.path("device_id").asInt()) {
                        attach((ObjectNode) g, vm);
                        break;
                    }
                }
            }
        });
    }

    /** Powers a VM off; Prism then omits its {@code host_reference}. */
    public void powerOffVm(String vmUuid) {
        update(() -> {
            ObjectNode vm = find(vms, "vm", vmUuid);
            ObjectNode res = (ObjectNode) vm.path("status").path("resources");
            res.remove("host_reference");
            res.put("power_state", "OFF");
            ((ObjectNode) vm.path("spec").path("resources")).put("power_state", "OFF");
        });
    }

    /** Adds a free GPU entry to a host and returns its new uuid. */
    public String addGpu(String hostUuid, SimulatedGpu gpu) {
        return updateAndGet(() -> {
            ArrayNode list = gpuList(find(hosts, "host", hostUuid));
            String uuid = UUID.randomUUID().toString();
            list.add(PrismJsonShapes.gpu(uuid, gpu, list.size()));
            return uuid;
        });
    }

    /** Removes a GPU entry from a host (card pulled or failed), detaching it from its VM if assigned. */
    public void removeGpu(String hostUuid, String gpuUuid) {
        update(() -> {
            ArrayNode list = gpuList(find(hosts, "host", hostUuid));
            for (Iterator<JsonNode> it = list.elements(); it.hasNext(); ) {
                JsonNode g = it.next();
                if (g.path("uuid").asText().equalsIgnoreCase(gpuUuid)) {
                    detachFromVm(g);
                    it.remove();
                    return;
                }
            }
            throw new NoSuchElementException("host " + hostUuid + " has no GPU " + gpuUuid);
        });
    }

    /** Marks a GPU as used by a VM: status, {@code assignable:false}, {@code consumer_reference}, VM gpu_list. */
    public void assignGpu(String hostUuid, String gpuUuid, String vmUuid) {
        update(() -> attach(findGpu(hostUuid, gpuUuid), find(vms, "vm", vmUuid)));
    }

    /** Makes a GPU free again: {@code UNUSED}, assignable, no consumer. */
    public void freeGpu(String hostUuid, String gpuUuid) {
        update(() -> release(findGpu(hostUuid, gpuUuid)));
    }

    // ---- Serving (for the simulator's handlers) ------------------------------------------------------

    byte[] hostsListBody() {
        byte[] cached = hostsListBody;
        if (cached != null) {
            return cached;
        }
        // Filled while holding the read lock, so a mutation (which clears it) cannot slip in between.
        return read(() -> {
            byte[] body = encode(listResponse("host", new ArrayList<>(hosts.values()), hosts.size(), 0));
            hostsListBody = body;
            return body;
        });
    }

    /** One page of clusters or VMs, with {@code total_matches} counted after the filter. */
    byte[] pageBody(String kind, int offset, int length, Predicate<JsonNode> filter) {
        return read(() -> {
            List<ObjectNode> matching = table(kind).values().stream().filter(filter::test).toList();
            int from = Math.min(offset, matching.size());
            int to = Math.min(matching.size(), from + length);
            return encode(listResponse(kind, matching.subList(from, to), matching.size(), offset));
        });
    }

    Optional<byte[]> entityBody(String kind, String uuid) {
        return read(() -> Optional.ofNullable(table(kind).get(key(uuid))).map(e -> {
            ObjectNode response = MAPPER.createObjectNode().put("api_version", PrismJsonShapes.API_VERSION);
            response.setAll(e);
            return encode(response);
        }));
    }

    /** The estate as v4 entities, rendered once per mutation. */
    V4View v4() {
        V4View cached = v4View;
        if (cached != null) {
            return cached;
        }
        return read(() -> {
            V4View view = renderV4();
            v4View = view;
            return view;
        });
    }

    private V4View renderV4() {
        Map<String, Integer> hostsPerCluster = new LinkedHashMap<>();
        List<ObjectNode> hostList = new ArrayList<>();
        Map<String, List<ObjectNode>> physical = new LinkedHashMap<>();
        Map<String, List<ObjectNode>> virtual = new LinkedHashMap<>();
        Map<String, List<ObjectNode>> hostGpus = new LinkedHashMap<>();
        for (ObjectNode h : hosts.values()) {
            hostList.add(withExtras("hosts", uuidOf(h), PrismV4Shapes.host(h)));
            JsonNode clusterRef = h.path("status").path("cluster_reference");
            String cluster = key(clusterRef.path("uuid").asText(""));
            hostsPerCluster.merge(cluster, 1, Integer::sum);
            for (JsonNode g : gpuList(h)) {
                ObjectNode extra = v4Extras.getOrDefault("gpus", Map.of()).get(key(g.path("uuid").asText("")));
                ObjectNode profile = PrismV4Shapes.gpuProfile(g);
                boolean isVirtual = profile.has("virtualGpuConfig");
                ObjectNode config = (ObjectNode) profile.path(isVirtual ? "virtualGpuConfig" : "physicalGpuConfig");
                ObjectNode hostGpu = PrismV4Shapes.hostGpu(g, uuidOf(h), clusterRef);
                if (extra != null) {
                    config.setAll(extra.deepCopy());
                    ((ObjectNode) hostGpu.path("config")).setAll(extra.deepCopy());
                }
                (isVirtual ? virtual : physical).computeIfAbsent(cluster, k -> new ArrayList<>()).add(profile);
                hostGpus.computeIfAbsent(cluster, k -> new ArrayList<>()).add(hostGpu);
            }
        }
        List<ObjectNode> clusterList = new ArrayList<>();
        Map<String, ObjectNode> clusterById = new LinkedHashMap<>();
        for (ObjectNode c : clusters.values()) {
            ObjectNode v4 = withExtras("clusters", uuidOf(c),
                    PrismV4Shapes.cluster(c, hostsPerCluster.getOrDefault(key(uuidOf(c)), 0)));
            clusterList.add(v4);
            clusterById.put(key(uuidOf(c)), v4);
        }
        List<ObjectNode> vmList = new ArrayList<>();
        Map<String, ObjectNode> vmById = new LinkedHashMap<>();
        for (ObjectNode v : vms.values()) {
            ObjectNode v4 = withExtras("vms", uuidOf(v), PrismV4Shapes.vm(v));
            vmList.add(v4);
            vmById.put(key(uuidOf(v)), v4);
        }
        return new V4View(List.copyOf(hostList), List.copyOf(clusterList), List.copyOf(vmList), physical, virtual,
                hostGpus, clusterById, vmById);
    }

    private ObjectNode withExtras(String section, String uuid, ObjectNode v4) {
        ObjectNode extra = v4Extras.getOrDefault(section, Map.of()).get(key(uuid));
        if (extra != null) {
            v4.setAll(extra.deepCopy());
        }
        return v4;
    }

    // ---- Internals -----------------------------------------------------------------------------------

    private static ObjectNode listResponse(String kind, List<ObjectNode> entities, int total, int offset) {
        ObjectNode response = MAPPER.createObjectNode().put("api_version", PrismJsonShapes.API_VERSION);
        response.putObject("metadata").put("kind", kind).put("total_matches", total)
                .put("length", entities.size()).put("offset", offset);
        response.putArray("entities").addAll(entities);
        return response;
    }

    private static byte[] encode(JsonNode node) {
        try {
            return MAPPER.writeValueAsBytes(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Map<String, ObjectNode> table(String kind) {
        return switch (kind) {
            case "cluster" -> clusters;
            case "host" -> hosts;
            case "vm" -> vms;
            default -> throw new IllegalArgumentException("unknown kind " + kind);
        };
    }

    private void attach(ObjectNode gpu, ObjectNode vm) {
        detachFromVm(gpu);
        boolean virtual = "VIRTUAL".equals(gpu.path("mode").asText());
        gpu.put("status", virtual ? "USED_FOR_VIRTUAL" : "USED_FOR_PASSTHROUGH").put("assignable", false);
        if (virtual) {
            gpu.put("num_vgpus_allocated", 1);
        }
        gpu.set("consumer_reference", PrismJsonShapes.reference("vm", uuidOf(vm), nameOf(vm)));
        ObjectNode attached = MAPPER.createObjectNode().put("uuid", gpu.path("uuid").asText())
                .put("name", gpu.path("name").asText()).put("vendor", gpu.path("vendor").asText())
                .put("mode", gpu.path("mode").asText()).put("device_id", gpu.path("device_id").asInt())
                .put("frame_buffer_size_mib", gpu.path("frame_buffer_size_mib").asLong());
        if (gpu.hasNonNull("pci_address")) {
            attached.put("pci_address", gpu.path("pci_address").asText());
        }
        vmGpuList(vm, "status").add(attached);
        vmGpuList(vm, "spec").add(MAPPER.createObjectNode().put("vendor", gpu.path("vendor").asText())
                .put("mode", gpu.path("mode").asText()).put("device_id", gpu.path("device_id").asInt()));
    }

    private void release(ObjectNode gpu) {
        detachFromVm(gpu);
        gpu.put("status", "UNUSED").put("assignable", true);
        if (gpu.has("num_vgpus_allocated")) {
            gpu.put("num_vgpus_allocated", 0);
        }
    }

    private static boolean isFree(JsonNode gpu) {
        return "UNUSED".equals(gpu.path("status").asText()) && gpu.path("assignable").asBoolean(false)
                && !gpu.path("consumer_reference").isObject();
    }

    private ObjectNode findGpu(String hostUuid, String gpuUuid) {
        for (JsonNode g : gpuList(find(hosts, "host", hostUuid))) {
            if (g.path("uuid").asText().equalsIgnoreCase(gpuUuid)) {
                return (ObjectNode) g;
            }
        }
        throw new NoSuchElementException("host " + hostUuid + " has no GPU " + gpuUuid);
    }

    /** Removes a GPU's consumer and the matching entry from that VM's gpu_list. */
    private void detachFromVm(JsonNode gpu) {
        JsonNode consumer = gpu.path("consumer_reference");
        if (!consumer.isObject()) {
            return;
        }
        ObjectNode vm = vms.get(key(consumer.path("uuid").asText()));
        if (vm != null) {
            String gpuUuid = gpu.path("uuid").asText();
            ArrayNode statusList = vmGpuList(vm, "status");
            for (int i = 0; i < statusList.size(); i++) {
                if (statusList.get(i).path("uuid").asText().equalsIgnoreCase(gpuUuid)) {
                    statusList.remove(i);
                    ArrayNode specList = vmGpuList(vm, "spec");
                    if (i < specList.size()) {
                        specList.remove(i);
                    }
                    break;
                }
            }
        }
        ((ObjectNode) gpu).remove("consumer_reference");
    }

    private static ArrayNode gpuList(ObjectNode host) {
        JsonNode res = host.path("status").path("resources");
        if (!res.isObject()) {
            throw new IllegalStateException("host " + uuidOf(host) + " has no status.resources");
        }
        JsonNode list = res.path("gpu_list");
        return list.isArray() ? (ArrayNode) list : ((ObjectNode) res).putArray("gpu_list");
    }

    private static ArrayNode vmGpuList(ObjectNode vm, String section) {
        JsonNode s = vm.path(section);
        ObjectNode sectionNode = s.isObject() ? (ObjectNode) s : vm.putObject(section);
        JsonNode r = sectionNode.path("resources");
        ObjectNode res = r.isObject() ? (ObjectNode) r : sectionNode.putObject("resources");
        JsonNode list = res.path("gpu_list");
        return list.isArray() ? (ArrayNode) list : res.putArray("gpu_list");
    }

    private static ObjectNode find(Map<String, ObjectNode> table, String kind, String uuid) {
        ObjectNode e = table.get(key(uuid));
        if (e == null) {
            throw new NoSuchElementException("no " + kind + " with uuid " + uuid);
        }
        return e;
    }

    static String uuidOf(JsonNode entity) {
        String uuid = entity.path("metadata").path("uuid").asText("");
        if (uuid.isEmpty()) {
            throw new IllegalArgumentException("an entity has no metadata.uuid");
        }
        return uuid;
    }

    static String nameOf(JsonNode entity) {
        String name = entity.path("status").path("name").asText("");
        return name.isEmpty() ? entity.path("spec").path("name").asText("") : name;
    }

    static String key(String uuid) {
        return uuid.trim().toLowerCase(Locale.ROOT);
    }

    private <T> T read(Supplier<T> body) {
        lock.readLock().lock();
        try {
            return body.get();
        } finally {
            lock.readLock().unlock();
        }
    }

    private void update(Runnable body) {
        updateAndGet(() -> {
            body.run();
            return null;
        });
    }

    private <T> T updateAndGet(Supplier<T> body) {
        lock.writeLock().lock();
        try {
            return body.get();
        } finally {
            hostsListBody = null;
            v4View = null;
            lock.writeLock().unlock();
        }
    }

}
