package io.cudawasm.runtime.service.kernels;

import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.cache.ArtifactCompileException;
import io.cudawasm.runtime.cache.CacheEntry;
import io.cudawasm.runtime.cache.CacheEntrySummary;
import io.cudawasm.runtime.cache.CacheKey;
import io.cudawasm.runtime.cache.CacheWriteException;
import io.cudawasm.runtime.cache.CompiledArtifacts;
import io.cudawasm.runtime.cache.KernelCache;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds compiled kernels: in memory first (the per-job fast path), then in the persistent
 * {@link KernelCache}, and only then by compiling. A kernel compiled here is stored in both.
 * Within one process each source compiles at most once at a time (the cache's single flight).
 */
public final class KernelStore {
    private static final Logger log = LoggerFactory.getLogger(KernelStore.class);

    private final KernelCache cache;
    private final WorkerMetrics metrics;
    private final Map<String, LoadedKernel> memory;
    /** Where compiles run (null: on the caller's thread, for the command line and benchmarks). */
    private final CompilePool pool;
    /** The compiler's limits: the pool's settings, else the compiler's defaults. */
    private final CompileLimits limits;
    /** Where ids missing here are looked for: the fleet's peers, or nowhere. */
    private volatile RemoteKernelSource remote = RemoteKernelSource.NONE;

    public KernelStore(KernelCache cache, WorkerMetrics metrics, int memoryEntries) {
        this(cache, metrics, memoryEntries, null);
    }

    public KernelStore(KernelCache cache, WorkerMetrics metrics, int memoryEntries, CompilePool pool) {
        this.cache = cache;
        this.metrics = metrics;
        this.pool = pool;
        this.limits = pool == null ? CompileLimits.defaults() : pool.settings().limits();
        this.memory = new LinkedHashMap<>(16, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, LoadedKernel> eldest) {
                return size() > memoryEntries;
            }
        };
    }

    public KernelCache cache() {
        return cache;
    }

    /** Sets where kernel ids missing here are looked up ({@link #byId}); the fleet's peers. */
    public void remoteSource(RemoteKernelSource source) {
        this.remote = source;
    }

    /**
     * The kernel compiled from {@code spec}.
     *
     * @throws CompileException with the diagnostics when the source does not compile
     * @throws InterruptedException when interrupted while waiting for another caller's compile
     */
    public KernelLookup resolve(KernelSpec spec) throws InterruptedException {
        CacheKey key = spec.key();
        LoadedKernel inMemory = fromMemory(key.id());
        if (inMemory != null) {
            return found(inMemory, KernelSourceKind.MEMORY);
        }
        AtomicReference<LoadedKernel> compiledHere = new AtomicReference<>();
        CacheEntry entry;
        try {
            entry = cache.getOrCompute(key, k -> {
                LoadedKernel fresh = compile(k.id(), spec);
                compiledHere.set(fresh);
                return new CompiledArtifacts(fresh.artifacts(), KernelArtifacts.metadata(fresh.result()));
            });
        } catch (ArtifactCompileException e) {
            throw unwrap(e);
        }
        LoadedKernel kernel = compiledHere.get();
        if (kernel != null) {
            remember(kernel);
            return found(kernel, KernelSourceKind.COMPILED);
        }
        Optional<LoadedKernel> decoded = decode(entry);
        if (decoded.isPresent()) {
            remember(decoded.get());
            return found(decoded.get(), KernelSourceKind.DISK);
        }
        // An entry this worker cannot read (written by another build): replace it.
        kernel = compile(key.id(), spec);
        store(key, kernel);
        remember(kernel);
        return found(kernel, KernelSourceKind.COMPILED);
    }

    /**
     * A kernel by id, from memory or the cache, else from the remote source (the fleet's peers): its
     * compile request is verified against the id and compiled here. Empty when nobody has it.
     */
    public Optional<KernelLookup> byId(String id) {
        Optional<KernelLookup> local = byIdLocal(id);
        if (local.isPresent() || !CacheKey.isValidId(id)) {
            return local;
        }
        try {
            Optional<KernelSpec> spec = remote.find(id);
            if (spec.isEmpty() || !spec.get().key().id().equals(id)) {
                return Optional.empty();
            }
            KernelLookup compiled = resolve(spec.get());
            return Optional.of(new KernelLookup(compiled.kernel(), KernelSourceKind.PEER));
        } catch (CompileException e) {
            log.warn("kernel {} from a peer does not compile here: {}", id, e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** A kernel by id from this replica's memory or cache only (what peers ask for; ids are not compiled). */
    public Optional<KernelLookup> byIdLocal(String id) {
        if (!CacheKey.isValidId(id)) {
            return Optional.empty();
        }
        LoadedKernel inMemory = fromMemory(id);
        if (inMemory != null) {
            return Optional.of(found(inMemory, KernelSourceKind.MEMORY));
        }
        Optional<LoadedKernel> decoded = cache.get(id).flatMap(this::decode);
        decoded.ifPresent(this::remember);
        return decoded.map(k -> found(k, KernelSourceKind.DISK));
    }

    /**
     * Unloads a kernel from memory and evicts it from the cache folder.
     *
     * @throws CacheWriteException when the cache entry exists but cannot be removed
     */
    public KernelRemoval remove(String id) throws CacheWriteException {
        if (!CacheKey.isValidId(id)) {
            return new KernelRemoval(false, false);
        }
        boolean unloaded;
        synchronized (memory) {
            unloaded = memory.remove(id) != null;
        }
        return new KernelRemoval(unloaded, cache.remove(id));
    }

    /**
     * The kernels this replica has, cached or only loaded, ordered by id. Entries of the cache that
     * are not worker kernels (other targets) are left out.
     */
    public List<StoredKernel> list() {
        List<StoredKernel> all = new ArrayList<>();
        Set<String> loaded;
        Map<String, LoadedKernel> inMemory;
        synchronized (memory) {
            inMemory = new LinkedHashMap<>(memory);
        }
        loaded = new HashSet<>(inMemory.keySet());
        Set<String> cached = new HashSet<>();
        try {
            for (CacheEntrySummary e : cache.list()) {
                if (KernelSpec.CACHE_TARGET.equals(e.target())) {
                    cached.add(e.id());
                    all.add(new StoredKernel(e.id(), e.diskBytes(), loaded.contains(e.id()), true, e.created(),
                            e.lastAccess()));
                }
            }
        } catch (IOException e) {
            log.warn("cannot list the kernel cache: {}", e.toString());
        }
        inMemory.forEach((id, k) -> {
            if (!cached.contains(id)) {
                long bytes = k.artifacts().values().stream().mapToLong(b -> b.length).sum();
                all.add(new StoredKernel(id, bytes, true, false, null, null));
            }
        });
        all.sort((a, b) -> a.id().compareTo(b.id()));
        return all;
    }

    private LoadedKernel compile(String id, KernelSpec spec) {
        long start = System.nanoTime();
        CompileResult result;
        CompileRequest request = spec.compileRequest();
        try {
            result = onPool(KernelCompiler.estimatedHeapBytes(request, limits),
                    () -> KernelCompiler.compile(request, limits));
        } catch (RuntimeException e) {
            metrics.compiled(false, System.nanoTime() - start);
            throw e;
        }
        metrics.compiled(true, System.nanoTime() - start);
        return new LoadedKernel(id, result, KernelArtifacts.encode(result, spec.compileRequest()));
    }

    private void store(CacheKey key, LoadedKernel kernel) {
        try {
            cache.remove(key.id());
            cache.put(key, kernel.artifacts(), KernelArtifacts.metadata(kernel.result()));
        } catch (CacheWriteException e) {
            log.warn("could not replace unreadable cache entry {}: {}", key.id(), e.getMessage());
        }
    }

    /**
     * Runs compiler work on the pool when there is one. Interruption while waiting for the pool
     * becomes the time-limit error: the caller's request is over either way.
     */
    private <T> T onPool(long heapBytes, java.util.concurrent.Callable<T> work) {
        if (pool == null) {
            try {
                return work.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        try {
            return pool.run(heapBytes, work);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CompileTimeoutException(pool.settings().timeLimit());
        }
    }

    /** Runs compiler work on a loaded kernel (making derived artifacts, say) under the pool's limits. */
    public <T> T compileWork(LoadedKernel kernel, java.util.concurrent.Callable<T> work) {
        return onPool(KernelArtifacts.estimatedHeapBytes(kernel.artifacts(), limits), work);
    }

    private Optional<LoadedKernel> decode(CacheEntry entry) {
        try {
            // decoding rebuilds the kernel IR from the stored request: compiler work, on the pool
            CompileResult result = onPool(KernelArtifacts.estimatedHeapBytes(entry.artifacts(), limits),
                    () -> KernelArtifacts.decode(entry.artifacts(), limits));
            return Optional.of(new LoadedKernel(entry.id(), result, entry.artifacts()));
        } catch (IllegalArgumentException e) {
            log.warn("kernel cache entry {} is not a worker kernel bundle: {}", entry.id(), e.getMessage());
            return Optional.empty();
        }
    }

    private LoadedKernel fromMemory(String id) {
        synchronized (memory) {
            return memory.get(id);
        }
    }

    private void remember(LoadedKernel kernel) {
        synchronized (memory) {
            memory.put(kernel.id(), kernel);
        }
    }

    private KernelLookup found(LoadedKernel kernel, KernelSourceKind source) {
        metrics.kernelResolved(source.label());
        return new KernelLookup(kernel, source);
    }

    /** The compiler's diagnostics, whether this caller compiled or waited for another caller's compile. */
    private static RuntimeException unwrap(ArtifactCompileException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CompileException || t instanceof CompileRejectedException
                    || t instanceof CompileTimeoutException) {
                return (RuntimeException) t;
            }
        }
        return new IllegalStateException("kernel compile failed: " + e.getMessage(), e);
    }
}
