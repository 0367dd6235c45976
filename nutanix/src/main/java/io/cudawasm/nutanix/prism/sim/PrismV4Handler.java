package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Serves the v4 calls GPU discovery makes, under any {@code v4.<minor>}:
 * <ul>
 *   <li>{@code /api/clustermgmt/v4.x/config/hosts}, {@code …/clusters}, {@code …/clusters/{extId}},
 *       {@code …/clusters/{extId}/hosts[/{hostExtId}]}, {@code …/clusters/{extId}/physical-gpu-profiles} and
 *       {@code …/virtual-gpu-profiles};</li>
 *   <li>{@code …/clusters/{extId}/host-gpus} and {@code …/clusters/{extId}/hosts/{hostExtId}/host-gpus[/{extId}]}
 *       unless {@link V4Options#hostGpus()} is off;</li>
 *   <li>{@code /api/vmm/v4.x/ahv/config/vms} and {@code …/vms/{extId}}.</li>
 * </ul>
 * Lists take OData {@code $page} (from 0; past the end means the last page), {@code $limit} (default 50; 1 to
 * 100, anything else becomes 100) and {@code $filter} ({@link ODataFilter}); errors use v4's envelope.
 * {@link V4Options} can switch host-gpus off, reorder the GPU profiles and drop their {@code extId}s.
 */
final class PrismV4Handler extends ApiHandler {
    static final String CLUSTERMGMT_CONTEXT = "/api/clustermgmt/";
    static final String VMM_CONTEXT = "/api/vmm/";
    static final int DEFAULT_LIMIT = 50;
    static final int MAX_LIMIT = 100;
    private static final Pattern CLUSTERMGMT = Pattern.compile("^/api/clustermgmt/v4\\.\\d+/config/(.+)$");
    private static final Pattern VMM = Pattern.compile("^/api/vmm/v4\\.\\d+/ahv/config/(.+)$");

    private final SimulatedEstate estate;
    private final V4Options options;

    PrismV4Handler(SimulatedEstate estate, V4Options options, SimulatorAccess access, FaultInjector faults,
            RequestLog log) {
        super(access, faults, log);
        this.estate = estate;
        this.options = options;
    }

    private static String namespace(Request request) {
        return request.path().startsWith(VMM_CONTEXT) ? "vmm" : "clustermgmt";
    }

    @Override
    SimAnswer error(int status, String reason, String message, Object details, Request request) {
        return SimAnswer.json(status, PrismV4Shapes.error(namespace(request), status, reason, message));
    }

    @Override
    byte[] truncatedBody() {
        return "{\"data\":[{\"extId\":\"5b1e0c2e-3f1a-4c55-9a52-0c7e6d1f2a10\",\"hostN".getBytes(StandardCharsets.UTF_8);
    }

    @Override
    SimAnswer answer(Request request) {
        if (!request.method().equals("GET")) {
            return error(405, "METHOD_NOT_ALLOWED", "Method " + request.method() + " is not allowed here.", null,
                    request);
        }
        V4View view = estate.v4();
        Matcher cm = CLUSTERMGMT.matcher(request.path());
        if (cm.matches()) {
            return clustermgmt(request, view, cm.group(1).split("/"));
        }
        Matcher vm = VMM.matcher(request.path());
        if (vm.matches()) {
            String[] p = vm.group(1).split("/");
            if (p.length == 1 && p[0].equals("vms")) {
                return list(request, "vmm.v4.ahv.config.ListVmsApiResponse", view.vms());
            }
            if (p.length == 2 && p[0].equals("vms")) {
                return one(request, "vmm.v4.ahv.config.GetVmApiResponse", p[1], view::vm, "VM_NOT_FOUND", "VM");
            }
        }
        return pathNotFound(request);
    }

    private SimAnswer clustermgmt(Request request, V4View view, String[] p) {
        if (p.length == 1 && p[0].equals("hosts")) {
            return list(request, "clustermgmt.v4.config.ListHostsApiResponse", view.hosts());
        }
        if (p.length == 1 && p[0].equals("clusters")) {
            return list(request, "clustermgmt.v4.config.ListClustersApiResponse", view.clusters());
        }
        if (p.length >= 2 && p[0].equals("clusters")) {
            if (!PrismApiHandler.UUID_SHAPE.matcher(p[1]).matches()) {
                return invalidUuid(request, p[1]);
            }
            if (p.length == 2) {
                return one(request, "clustermgmt.v4.config.GetClusterApiResponse", p[1], view::cluster,
                        "ENTITY_NOT_FOUND", "Cluster");
            }
            if (view.cluster(p[1]).isEmpty()) {
                return notFound(request, "ENTITY_NOT_FOUND", "Cluster with extId " + p[1] + " does not exist.");
            }
            String key = SimulatedEstate.key(p[1]);
            if (p.length == 3) {
                return switch (p[2]) {
                    case "hosts" -> list(request, "clustermgmt.v4.config.ListHostsByClusterIdApiResponse",
                            view.hostsOf(p[1]));
                    case "physical-gpu-profiles" -> list(request,
                            "clustermgmt.v4.config.ListPhysicalGpuProfilesApiResponse",
                            profiles(view.physicalGpus().getOrDefault(key, List.of())));
                    case "virtual-gpu-profiles" -> list(request,
                            "clustermgmt.v4.config.ListVirtualGpuProfilesApiResponse",
                            profiles(view.virtualGpus().getOrDefault(key, List.of())));
                    case "host-gpus" -> options.hostGpus()
                            ? list(request, "clustermgmt.v4.config.ListHostGpusByClusterIdApiResponse",
                                    view.hostGpusOf(p[1]))
                            : pathNotFound(request);
                    default -> pathNotFound(request);
                };
            }
            if (p.length >= 4 && p[2].equals("hosts")) {
                return hostOfCluster(request, view, p);
            }
        }
        return pathNotFound(request);
    }

    /** {@code clusters/{c}/hosts/{h}}, {@code …/host-gpus} and {@code …/host-gpus/{extId}}. */
    private SimAnswer hostOfCluster(Request request, V4View view, String[] p) {
        if (p.length == 4) {
            return one(request, "clustermgmt.v4.config.GetHostApiResponse", p[3], id -> hostOf(view, p[1], id),
                    "ENTITY_NOT_FOUND", "Host");
        }
        if (!p[4].equals("host-gpus") || p.length > 6 || !options.hostGpus()) {
            return pathNotFound(request);
        }
        if (!PrismApiHandler.UUID_SHAPE.matcher(p[3]).matches()) {
            return invalidUuid(request, p[3]);
        }
        if (hostOf(view, p[1], p[3]).isEmpty()) {
            return notFound(request, "ENTITY_NOT_FOUND", "Host " + p[3] + " does not belong to cluster " + p[1] + ".");
        }
        List<ObjectNode> gpus = view.hostGpusOf(p[1]).stream()
                .filter(g -> g.path("nodeUuid").asText().equalsIgnoreCase(p[3])).toList();
        if (p.length == 5) {
            return list(request, "clustermgmt.v4.config.ListHostGpusByHostIdApiResponse", gpus);
        }
        return one(request, "clustermgmt.v4.config.GetHostGpuApiResponse", p[5],
                id -> gpus.stream().filter(g -> g.path("extId").asText().equalsIgnoreCase(id)).findFirst(),
                "ENTITY_NOT_FOUND", "Host GPU");
    }

    private static Optional<ObjectNode> hostOf(V4View view, String clusterUuid, String hostUuid) {
        return view.hostsOf(clusterUuid).stream().filter(h -> h.path("extId").asText().equalsIgnoreCase(hostUuid))
                .findFirst();
    }

    /** A cluster's GPU profiles as {@link V4Options} wants them listed. */
    private List<ObjectNode> profiles(List<ObjectNode> inHostOrder) {
        List<ObjectNode> listed = new ArrayList<>(inHostOrder);
        if (options.profileOrder() == GpuProfileOrder.HOSTS_REVERSED) {
            Collections.reverse(listed);
        }
        if (!options.profileExtIds()) {
            listed.replaceAll(p -> {
                ObjectNode copy = p.deepCopy();
                copy.remove("extId");
                return copy;
            });
        }
        return listed;
    }

    private SimAnswer pathNotFound(Request request) {
        return notFound(request, "ENTITY_NOT_FOUND", "Path not found: " + request.path());
    }

    private SimAnswer list(Request request, String objectType, List<ObjectNode> all) {
        int page;
        int limit;
        try {
            page = Math.max(0, Integer.parseInt(request.query().getOrDefault("$page", "0").trim()));
            limit = Integer.parseInt(request.query().getOrDefault("$limit", String.valueOf(DEFAULT_LIMIT)).trim());
        } catch (NumberFormatException e) {
            return error(400, "INVALID_ARGUMENT", "$page and $limit must be whole numbers.", null, request);
        }
        if (limit < 1 || limit > MAX_LIMIT) {
            limit = MAX_LIMIT;
        }
        Predicate<JsonNode> filter;
        try {
            filter = ODataFilter.parse(request.query().get("$filter"));
        } catch (IllegalArgumentException e) {
            return error(400, "INVALID_ARGUMENT", "Invalid $filter: " + e.getMessage(), null, request);
        }
        List<ObjectNode> matching = all.stream().filter(filter).toList();
        int lastPage = matching.isEmpty() ? 0 : (matching.size() - 1) / limit;
        page = Math.min(page, lastPage);
        int from = Math.min(matching.size(), page * limit);
        int to = Math.min(matching.size(), from + limit);
        String self = request.path() + (request.rawQuery().isEmpty() ? "" : "?" + request.rawQuery());
        return SimAnswer.json(200, PrismV4Shapes.listResponse(objectType, matching.subList(from, to), matching.size(),
                self));
    }

    private SimAnswer one(Request request, String objectType, String id, Function<String, Optional<ObjectNode>> find,
            String notFoundGroup, String what) {
        if (!PrismApiHandler.UUID_SHAPE.matcher(id).matches()) {
            return invalidUuid(request, id);
        }
        return find.apply(id)
                .map(e -> SimAnswer.json(200, PrismV4Shapes.entityResponse(objectType, e, request.path())))
                .orElseGet(() -> notFound(request, notFoundGroup, what + " with extId " + id + " does not exist."));
    }

    private SimAnswer notFound(Request request, String group, String message) {
        return error(404, group, message, null, request);
    }

    private SimAnswer invalidUuid(Request request, String id) {
        return error(400, "INVALID_ARGUMENT", "Invalid extId: " + id, null, request);
    }
}
