package io.cudawasm.nutanix.prism.sim;

import java.util.Objects;

/**
 * How the simulator's v4 API differs from its default, to stand for other Prism Central releases.
 *
 * @param hostGpus      whether {@code clusters/{c}/host-gpus} and {@code …/hosts/{h}/host-gpus[/{id}]} are
 *                      served; without them they answer 404, as a path Prism Central does not know
 * @param profileOrder  the listing order of the GPU profiles
 * @param profileExtIds whether GPU profile entries carry the GPU's {@code extId} (Nutanix's own v4.0 server
 *                      does not fill it in)
 */
record V4Options(boolean hostGpus, GpuProfileOrder profileOrder, boolean profileExtIds) {
    static final V4Options DEFAULT = new V4Options(true, GpuProfileOrder.HOSTS, true);

    V4Options {
        Objects.requireNonNull(profileOrder, "profileOrder");
    }
}
