/**
 * Persistent, content-addressed cache of compiled kernel artifacts (WebAssembly, OpenCL C, PTX, ...).
 *
 * <p>The cache stores opaque bytes under a {@link io.cudawasm.runtime.cache.CacheKey} derived from
 * everything a compilation depends on; it never calls the compiler itself except through the
 * {@link io.cudawasm.runtime.cache.ArtifactCompiler} callback a caller hands in. Entry point:
 * {@link io.cudawasm.runtime.cache.KernelCache}. The on-disk format is described in
 * {@code runtime/README-cache.md}.
 */
package io.cudawasm.runtime.cache;
