package io.cudawasm.runtime.service.api;

import io.cudawasm.runtime.cache.CacheKey;
import io.cudawasm.runtime.cache.CacheWriteException;
import io.cudawasm.runtime.fleet.FleetRouter;
import io.cudawasm.runtime.fleet.PeerReply;
import io.cudawasm.runtime.service.kernels.KernelRemoval;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.kernels.StoredKernel;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /v1/kernels} (this replica's kernels by id, paged; with a shared RWX cache, the
 * fleet's) and {@code DELETE /v1/kernels/{id}} (unload from memory and evict from the cache, here
 * and, passed on once, on every peer).
 */
final class KernelCatalog {
    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    /** One kernel in the listing. */
    @com.fasterxml.jackson.annotation.JsonInclude(com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL)
    record Item(String id, String href, long bytes, boolean loaded, boolean cached, String createdAt,
            String lastUsedAt) {}

    /** What a delete did: here ({@code unloaded}, {@code evicted}) and per replica. */
    record Deleted(String id, boolean unloaded, boolean evicted, Map<String, String> replicas) {}

    private final KernelStore store;
    private final FleetRouter fleet;

    KernelCatalog(KernelStore store, FleetRouter fleet) {
        this.store = store;
        this.fleet = fleet;
    }

    void list(Context ctx) {
        int limit = Paging.limit(ctx, DEFAULT_LIMIT, MAX_LIMIT);
        String after = ctx.queryParam("cursor");
        if (after != null && !after.isBlank() && !CacheKey.isValidId(after)) {
            throw Paging.badCursor(after);
        }
        List<Item> items = new ArrayList<>();
        boolean more = false;
        for (StoredKernel k : store.list()) {
            if (after != null && !after.isBlank() && k.id().compareTo(after) <= 0) {
                continue;
            }
            if (items.size() == limit) {
                more = true;
                break;
            }
            items.add(new Item(k.id(), Views.kernelHref(k.id()), k.bytes(), k.loaded(), k.cached(),
                    k.created() == null ? null : k.created().toString(),
                    k.lastUsed() == null ? null : k.lastUsed().toString()));
        }
        ctx.json(new Paging.Page(items, more ? items.get(items.size() - 1).id() : null, "local", null));
    }

    void delete(Context ctx) {
        String id = ctx.pathParam("id");
        Map<String, String> replicas = new LinkedHashMap<>();
        KernelRemoval here;
        try {
            here = store.remove(id);
        } catch (CacheWriteException e) {
            throw new ApiException(500, "cache_error", "kernel " + id + " could not be removed from the kernel cache");
        }
        replicas.put(fleet.identity().name(), here.found() ? "deleted" : "not_found");
        boolean anywhere = here.found();
        if (fleet.enabled() && !FleetRouter.isPeerRequest(ctx) && CacheKey.isValidId(id)) {
            for (PeerReply r : fleet.askPeers("DELETE", Views.kernelHref(id))) {
                String state = r.status() == 200 ? "deleted" : r.status() == 404 ? "not_found" : r.state();
                replicas.put(r.peer().label(), state);
                anywhere |= r.status() == 200;
            }
        }
        if (!anywhere) {
            throw new ApiException(404, "kernel_not_found", "no replica has a kernel with this id",
                    Map.of("replicas", replicas), null);
        }
        ctx.json(new Deleted(id, here.unloaded(), here.evicted(), replicas));
    }
}
