package io.cudawasm.runtime.service.kernels;

import java.time.Instant;

/**
 * A kernel this replica has, as {@code GET /v1/kernels} lists it.
 *
 * @param bytes size on disk (every file of the cache entry), or of the artifacts when only loaded
 * @param loaded decoded in memory now
 * @param cached in the kernel cache folder
 * @param created when it was compiled into the cache (null when only loaded)
 * @param lastUsed the cache entry's last use (null when only loaded)
 */
public record StoredKernel(String id, long bytes, boolean loaded, boolean cached, Instant created, Instant lastUsed) {}
