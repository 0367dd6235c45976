package io.cudawasm.runtime.cache;

import java.time.Instant;
import java.util.List;

/**
 * What {@link KernelCache#list()} reports per entry, read from the manifest without verifying the
 * artifacts. {@code diskBytes} counts every file of the entry, the manifest included.
 */
public record CacheEntrySummary(
        String id,
        String target,
        String compilerVersion,
        Instant created,
        Instant lastAccess,
        long diskBytes,
        List<String> artifactNames) {

    public CacheEntrySummary {
        artifactNames = List.copyOf(artifactNames);
    }
}
