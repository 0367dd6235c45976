package io.cudawasm.runtime.service.api;

import io.cudawasm.runtime.fleet.FleetRouter;
import io.cudawasm.runtime.service.kernels.DerivedArtifacts;
import io.cudawasm.runtime.service.kernels.KernelArtifacts;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import io.cudawasm.runtime.service.kernels.KernelSourceKind;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.javalin.http.Context;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/** {@code POST /v1/kernels}, {@code GET /v1/kernels/{id}} and {@code GET /v1/kernels/{id}/artifacts/{name}}. */
final class KernelsEndpoint {
    private final KernelStore store;
    private final KernelResolver resolver;
    private final RequestBodies bodies;

    KernelsEndpoint(KernelStore store, RequestBodies bodies) {
        this.store = store;
        this.resolver = new KernelResolver(store);
        this.bodies = bodies;
    }

    /** Compiles (or finds) a kernel: 201 when compiled by this request, 200 when it was cached. */
    void compile(Context ctx) {
        KernelRequest request = bodies.parse(ctx, KernelRequest.class);
        KernelLookup lookup = resolver.resolve(request, "body", false);
        KernelView view = Views.kernel(lookup);
        ctx.header("Location", view.href());
        ctx.status(lookup.source() == KernelSourceKind.COMPILED ? 201 : 200).json(view);
    }

    void get(Context ctx) {
        ctx.json(Views.kernel(find(ctx)));
    }

    /**
     * A stored artifact, or one made from the kernel IR on request ({@link DerivedArtifacts}: OpenCL C,
     * CUDA C, PTX; {@code ?arch=compute_90} picks the PTX architecture).
     */
    void artifact(Context ctx) {
        KernelLookup lookup = find(ctx);
        String name = KernelArtifacts.resolveName(ctx.pathParam("name"));
        byte[] bytes = lookup.kernel().artifacts().get(name);
        if (bytes == null) {
            String arch = Optional.ofNullable(ctx.queryParam("arch")).orElse(DerivedArtifacts.DEFAULT_PTX_ARCH);
            if (!arch.matches("(compute|sm)_[0-9]{2,3}[a-z]?")) {
                throw new ApiException(400, "invalid_request", "arch must look like compute_90 or sm_80, not '" + arch
                        + "'", Map.of("field", "arch"), null);
            }
            try {
                bytes = store.compileWork(lookup.kernel(),
                        () -> DerivedArtifacts.make(lookup.kernel(), name, arch).orElse(null));
            } catch (DerivedArtifacts.Unavailable e) {
                throw new ApiException(404, "artifact_not_found", "kernel " + lookup.kernel().id() + " has no artifact '"
                        + ctx.pathParam("name") + "' here: " + e.getMessage(), Map.of("available", available(lookup)),
                        null);
            }
        }
        if (bytes == null) {
            throw new ApiException(404, "artifact_not_found", "kernel " + lookup.kernel().id() + " has no artifact '"
                    + ctx.pathParam("name") + "'", Map.of("available", available(lookup)), null);
        }
        ctx.contentType(KernelArtifacts.contentType(name).orElse("application/octet-stream")).result(bytes);
    }

    private static Set<String> available(KernelLookup lookup) {
        Set<String> names = new TreeSet<>(lookup.kernel().artifacts().keySet());
        names.addAll(DerivedArtifacts.NAMES);
        return names;
    }

    /** A peer's request is answered from this replica alone (no lookups on further peers: one hop at most). */
    private KernelLookup find(Context ctx) {
        String id = ctx.pathParam("id");
        return (FleetRouter.isPeerRequest(ctx) ? store.byIdLocal(id) : store.byId(id)).orElseThrow(() -> ApiException.notFound("kernel_not_found",
                "no compiled kernel with this id; compile it with POST /v1/kernels"));
    }
}
