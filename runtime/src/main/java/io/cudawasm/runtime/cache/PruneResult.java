package io.cudawasm.runtime.cache;

/**
 * Outcome of {@link KernelCache#prune(long)} or {@link KernelCache#prune(java.time.Duration)}.
 *
 * @param entriesRemoved entries evicted
 * @param bytesRemoved disk bytes of the evicted entries
 * @param tempItemsRemoved leftovers of crashed writers removed from {@code tmp/}
 * @param entriesRemaining entries left
 * @param bytesRemaining disk bytes left in entries
 */
public record PruneResult(
        int entriesRemoved, long bytesRemoved, int tempItemsRemoved, int entriesRemaining, long bytesRemaining) {}
