package io.cudawasm.nutanix.prism;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cudawasm.nutanix.prism.model.PrismCluster;
import io.cudawasm.nutanix.prism.model.PrismHost;
import io.cudawasm.nutanix.prism.model.PrismVm;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Prism Central v3: {@code POST hosts/list} (one request: Prism does not page hosts), {@code GET hosts/{uuid}},
 * {@code POST clusters/list} and {@code POST vms/list} (paged, 500 per page, until {@code total_matches}),
 * {@code GET clusters/{uuid}} and {@code GET vms/{uuid}}.
 */
final class PrismV3Api implements PrismApi {
    static final String ROOT = "/api/nutanix/v3/";
    /** Prism caps {@code length} at 500; asking for more is silently cut to 500. */
    static final int PAGE_SIZE = 500;

    private final PrismTransport transport;
    private final ObjectMapper mapper;

    PrismV3Api(PrismTransport transport, ObjectMapper mapper) {
        this.transport = transport;
        this.mapper = mapper;
    }

    @Override
    public PrismApiVersion version() {
        return PrismApiVersion.V3;
    }

    /** All hosts, in one {@code hosts/list} call ({@code {"kind":"host"}}; Prism ignores paging here). */
    @Override
    public List<PrismHost> listHosts() {
        String op = "POST " + ROOT + "hosts/list";
        ObjectNode body = mapper.createObjectNode().put("kind", "host");
        JsonNode response = transport.post(ROOT + "hosts/list", body);
        return entitiesOf(op, response).stream().map(e -> PrismEntities.host(op, e)).toList();
    }

    /** v3 cannot filter hosts by cluster on the server; this is {@link #listHosts()} filtered here. */
    @Override
    public List<PrismHost> listHostsOfCluster(String clusterUuid) {
        return listHosts().stream()
                .filter(h -> h.clusterUuid().map(clusterUuid::equalsIgnoreCase).orElse(false))
                .toList();
    }

    @Override
    public PrismHost getHost(String hostUuid) {
        String path = ROOT + "hosts/" + PrismPaths.segment(hostUuid);
        return PrismEntities.host("GET " + path, transport.get(path));
    }

    @Override
    public List<PrismCluster> listClusters() {
        String op = "POST " + ROOT + "clusters/list";
        return listAll("clusters/list", "cluster").stream().map(e -> PrismEntities.cluster(op, e)).toList();
    }

    @Override
    public PrismCluster getCluster(String clusterUuid) {
        String path = ROOT + "clusters/" + PrismPaths.segment(clusterUuid);
        return PrismEntities.cluster("GET " + path, transport.get(path));
    }

    /** All VMs, paged 500 at a time. */
    @Override
    public List<PrismVm> listVms() {
        String op = "POST " + ROOT + "vms/list";
        return listAll("vms/list", "vm").stream().map(e -> PrismEntities.vm(op, e)).toList();
    }

    @Override
    public PrismVm getVm(String vmUuid) {
        String path = ROOT + "vms/" + PrismPaths.segment(vmUuid);
        return PrismEntities.vm("GET " + path, transport.get(path));
    }

    @Override
    public String hostName(String hostUuid) {
        return getHost(hostUuid).name();
    }

    /** v3's FIQL filter cannot name {@code bios_uuid}, so every VM is read and matched here. */
    @Override
    public Optional<PrismVm> findVmByBiosUuid(String biosUuid) {
        return listVms().stream().filter(vm -> vm.biosUuid().map(biosUuid::equalsIgnoreCase).orElse(false)).findFirst();
    }

    private List<JsonNode> listAll(String path, String kind) {
        String op = "POST " + ROOT + path;
        List<JsonNode> all = new ArrayList<>();
        int offset = 0;
        while (true) {
            ObjectNode body = mapper.createObjectNode().put("kind", kind).put("length", PAGE_SIZE).put("offset", offset);
            JsonNode response = transport.post(ROOT + path, body);
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
        return PrismPaths.arrayOf(operation, response, "entities");
    }
}
