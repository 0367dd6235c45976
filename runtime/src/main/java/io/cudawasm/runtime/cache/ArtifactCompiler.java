package io.cudawasm.runtime.cache;

/**
 * Produces the artifacts for a key that is not cached. The cache calls it without holding any
 * lock, at most once at a time per key within one process.
 */
@FunctionalInterface
public interface ArtifactCompiler {
    CompiledArtifacts compile(CacheKey key) throws Exception;
}
