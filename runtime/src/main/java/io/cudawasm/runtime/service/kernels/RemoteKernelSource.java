package io.cudawasm.runtime.service.kernels;

import java.util.Optional;

/**
 * Where {@link KernelStore#byId} looks for a kernel id it has neither in memory nor in its cache:
 * the fleet's other replicas. Kernel ids are content hashes, so what comes back is checked by
 * recomputing the id from it before it is compiled and used.
 */
@FunctionalInterface
public interface RemoteKernelSource {
    /** A single worker: nowhere else to look. */
    RemoteKernelSource NONE = id -> Optional.empty();

    /**
     * The compile request behind kernel {@code id}, from elsewhere; empty when nobody has it.
     *
     * @throws InterruptedException when the calling thread is interrupted while waiting
     */
    Optional<KernelSpec> find(String id) throws InterruptedException;
}
