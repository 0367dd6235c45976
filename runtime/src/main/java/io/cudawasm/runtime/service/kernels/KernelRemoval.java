package io.cudawasm.runtime.service.kernels;

/**
 * What {@code DELETE /v1/kernels/{id}} did on this replica.
 *
 * @param unloaded it was decoded in memory and is not any more
 * @param evicted its cache entry was removed from the cache folder
 */
public record KernelRemoval(boolean unloaded, boolean evicted) {
    public boolean found() {
        return unloaded || evicted;
    }
}
