package io.cudawasm.runtime.cache;

import io.cudawasm.runtime.cache.EntryScanner.ScannedEntry;
import io.cudawasm.runtime.cache.StagingDirs.StagingDir;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persistent cache of compiled kernel artifacts in one directory, safe to share between threads
 * and between processes (several workers on one volume, or a restarted pod).
 *
 * <p>Entries are published atomically and verified on every read; a corrupt entry is discarded
 * and reported as a miss, never served. Storage problems (full disk, read-only volume) never fail
 * a compile: {@link #getOrCompute} then returns the fresh artifacts uncached. See
 * {@code runtime/README-cache.md} for the on-disk format.
 */
public final class KernelCache {
    private static final Logger log = LoggerFactory.getLogger(KernelCache.class);
    /** Publishing races with removals of a corrupt entry under the same id only a few times at most. */
    private static final int PUBLISH_ATTEMPTS = 3;

    private final CacheSettings settings;
    private final CacheLayout layout;
    private final CacheListener listener;
    private final Clock clock;
    private final CacheHooks hooks;
    private final EntryWriter writer;

    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();
    private final AtomicLong corruptDiscarded = new AtomicLong();
    private final AtomicLong evictions = new AtomicLong();
    private final AtomicLong bytesWritten = new AtomicLong();
    private final AtomicLong writeFailures = new AtomicLong();
    private final AtomicLong lastScannedBytes = new AtomicLong();
    private final AtomicLong lastScannedEntries = new AtomicLong();

    private KernelCache(CacheSettings settings, CacheListener listener, Clock clock, CacheHooks hooks) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.layout = new CacheLayout(settings.directory());
        this.listener = Objects.requireNonNull(listener, "listener");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.hooks = Objects.requireNonNull(hooks, "hooks");
        this.writer = new EntryWriter(layout, hooks);
    }

    /** Opens the cache; never fails on I/O (an unusable directory only disables storing). */
    public static KernelCache open(CacheSettings settings) {
        return open(settings, CacheListener.NONE);
    }

    public static KernelCache open(CacheSettings settings, CacheListener listener) {
        return open(settings, listener, Clock.systemUTC(), CacheHooks.NONE);
    }

    /** With a controllable clock (last-access times, ages) and test hooks. */
    static KernelCache open(CacheSettings settings, CacheListener listener, Clock clock, CacheHooks hooks) {
        KernelCache cache = new KernelCache(settings, listener, clock, hooks);
        try {
            cache.layout.createDirectories();
            int removed = cache.cleanUpTemp();
            log.info("kernel cache at {} (cap {} bytes); removed {} leftovers of crashed writers",
                    cache.layout.root(), settings.maxBytes(), removed);
        } catch (IOException e) {
            log.warn("kernel cache directory {} is not usable, kernels will be compiled without caching: {}",
                    cache.layout.root(), e.toString());
        }
        return cache;
    }

    public CacheSettings settings() {
        return settings;
    }

    public Path directory() {
        return layout.root();
    }

    /** The verified entry for {@code key}, or empty on a miss (including a discarded corrupt entry). */
    public Optional<CacheEntry> get(CacheKey key) {
        return get(key.id());
    }

    /**
     * Same as {@link #get(CacheKey)} by id.
     *
     * @throws IllegalArgumentException if {@code id} is not 64 hex digits
     */
    public Optional<CacheEntry> get(String id) {
        String valid = CacheKey.requireValidId(id);
        Optional<CacheEntry> found = lookup(valid);
        if (found.isPresent()) {
            EntryWriter.touch(layout.entryDir(valid), clock.instant());
            hits.incrementAndGet();
            notifyListener(l -> l.onHit(valid));
        } else {
            misses.incrementAndGet();
            notifyListener(l -> l.onMiss(valid));
        }
        return found;
    }

    /**
     * Stores artifacts under {@code key} (which must carry its parts). If another thread or process
     * stored the same key first, its entry is kept: the content is the same by construction.
     * May evict least recently used entries afterwards, never this one.
     *
     * @return the entry as stored
     * @throws CacheWriteException if the entry could not be stored; nothing partial stays visible
     * @throws IllegalArgumentException for a key without parts, no artifacts or a bad artifact name
     */
    public CacheEntry put(CacheKey key, Map<String, byte[]> artifacts, Map<String, String> metadata)
            throws CacheWriteException {
        requireParts(key);
        String invalid = invalidArtifacts(artifacts, metadata);
        if (invalid != null) {
            throw new IllegalArgumentException(invalid);
        }
        Prepared prepared = prepare(key, artifacts, metadata);
        store(prepared);
        return prepared.entry();
    }

    /**
     * The cached entry for {@code key}, or else the result of {@code compiler}, stored for next
     * time. Within this process, concurrent callers for one key wait for a single compile. If the
     * result cannot be stored it is still returned (the failure is logged and counted).
     *
     * @throws ArtifactCompileException if the compiler failed (for every caller waiting on it)
     * @throws InterruptedException if interrupted while waiting for another caller's compile
     * @throws IllegalArgumentException if {@code key} has no parts (made by {@link CacheKey#ofHash})
     */
    public CacheEntry getOrCompute(CacheKey key, ArtifactCompiler compiler)
            throws ArtifactCompileException, InterruptedException {
        return resolve(key, compiler).entry();
    }

    /**
     * Compiles whatever of {@code keys} is not cached yet, one after another, and reports each
     * outcome; a failing key does not stop the others. Meant for worker start-up.
     */
    public List<WarmOutcome> warm(List<CacheKey> keys, ArtifactCompiler compiler) throws InterruptedException {
        List<WarmOutcome> outcomes = new ArrayList<>(keys.size());
        for (CacheKey key : keys) {
            WarmOutcome outcome;
            try {
                Resolution resolution = resolve(key, compiler);
                outcome = new WarmOutcome(key.id(), resolution.status(), resolution.message());
            } catch (ArtifactCompileException e) {
                outcome = new WarmOutcome(key.id(), WarmOutcome.Status.FAILED, e.getMessage());
            } catch (RuntimeException e) {
                outcome = new WarmOutcome(key.id(), WarmOutcome.Status.FAILED, e.toString());
            }
            if (outcome.status() != WarmOutcome.Status.HIT && outcome.status() != WarmOutcome.Status.COMPILED) {
                log.warn("pre-warming {}: {} ({})", key.id(), outcome.status(), outcome.message());
            }
            outcomes.add(outcome);
        }
        return outcomes;
    }

    /** Every entry, most recently used first, from the manifests (artifacts are not verified here). */
    public List<CacheEntrySummary> list() throws IOException {
        List<ScannedEntry> scanned = scan();
        List<CacheEntrySummary> summaries = new ArrayList<>(scanned.size());
        for (ScannedEntry entry : scanned) {
            Manifest manifest = EntryReader.readManifest(layout, entry.id());
            if (manifest != null) {
                summaries.add(new CacheEntrySummary(
                        entry.id(),
                        manifest.key().target(),
                        manifest.key().compilerVersion(),
                        manifest.createdInstant(),
                        entry.lastAccess(),
                        entry.diskBytes(),
                        manifest.artifacts().stream().map(Manifest.Artifact::name).toList()));
            }
        }
        summaries.sort(Comparator.comparing(CacheEntrySummary::lastAccess).reversed()
                .thenComparing(CacheEntrySummary::id));
        return summaries;
    }

    /** Evicts least recently used entries until all entries fit in {@code maxBytes}; also cleans {@code tmp/}. */
    public PruneResult prune(long maxBytes) throws CacheWriteException {
        if (maxBytes < 0) {
            throw new IllegalArgumentException("maxBytes must not be negative: " + maxBytes);
        }
        return pruneWith(entries -> LruPolicy.overCap(entries, maxBytes, null));
    }

    /** Evicts entries not used for {@code olderThan} or longer; also cleans {@code tmp/}. */
    public PruneResult prune(Duration olderThan) throws CacheWriteException {
        if (olderThan.isNegative()) {
            throw new IllegalArgumentException("olderThan must not be negative: " + olderThan);
        }
        Instant cutoff = clock.instant().minus(olderThan);
        return pruneWith(entries -> LruPolicy.idleSince(entries, cutoff));
    }

    /**
     * Removes one entry (a no-op if absent).
     *
     * @return whether this call removed it
     */
    public boolean remove(String id) throws CacheWriteException {
        String valid = CacheKey.requireValidId(id);
        try {
            return EntryRemover.remove(layout, valid, null);
        } catch (IOException e) {
            throw new CacheWriteException(valid, "could not remove entry " + valid + ": " + e, e);
        }
    }

    /**
     * Removes leftovers of crashed writers older than the configured temp age whose writers no
     * longer hold their lock. Runs on open; call it periodically in long-lived processes.
     *
     * @return number of leftovers removed
     */
    public int cleanUpTemp() throws CacheWriteException {
        try {
            return RootLock.withLock(layout, this::cleanUpTempLocked);
        } catch (IOException e) {
            throw new CacheWriteException(null, "could not clean " + layout.tmp() + ": " + e, e);
        }
    }

    /** Counters since open plus the current size of the directory (one scan of it). */
    public CacheStats stats() {
        try {
            scan();
        } catch (IOException e) {
            log.debug("cannot scan {}, reporting the last known size: {}", layout.root(), e.toString());
        }
        return new CacheStats(hits.get(), misses.get(), corruptDiscarded.get(), evictions.get(),
                bytesWritten.get(), writeFailures.get(), lastScannedBytes.get(), lastScannedEntries.get());
    }

    /**
     * Whether an entry could be stored now: creates, writes, forces and deletes a probe file in
     * the cache's temp dir. For readiness checks.
     */
    public boolean isWritable() {
        try {
            layout.createDirectories();
            Path probe = StagingDirs.probePath(layout);
            try (FileChannel channel =
                    FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                channel.write(ByteBuffer.wrap(new byte[] {'o', 'k', '\n'}));
                channel.force(true);
            } finally {
                Files.deleteIfExists(probe);
            }
            return true;
        } catch (IOException | SecurityException e) {
            log.debug("kernel cache {} is not writable: {}", layout.root(), e.toString());
            return false;
        }
    }

    // ---- internals ----

    /** Artifacts, their manifest, and the entry object handed back to the caller. */
    private record Prepared(CacheKey key, Map<String, byte[]> artifacts, Manifest manifest, CacheEntry entry) {}

    private Prepared prepare(CacheKey key, Map<String, byte[]> artifacts, Map<String, String> metadata) {
        Instant now = clock.instant();
        Manifest manifest = Manifest.describe(key, now, artifacts, metadata);
        CacheEntry entry = new CacheEntry(key.id(), artifacts, now, key.parts().compilerVersion(),
                key.parts().target(), metadata, manifest.totalBytes());
        return new Prepared(key, entry.artifacts(), manifest, entry);
    }

    private void store(Prepared prepared) throws CacheWriteException {
        String id = prepared.key().id();
        boolean published;
        try {
            published = stageAndPublish(prepared);
        } catch (IOException | RuntimeException e) {
            writeFailures.incrementAndGet();
            notifyListener(l -> l.onWriteFailure(id, e));
            log.warn("could not store kernel cache entry {} in {}: {}", id, layout.root(), e.toString());
            throw new CacheWriteException(id, "could not store entry " + id + " in " + layout.root() + ": " + e, e);
        }
        if (published) {
            long bytes = prepared.manifest().totalBytes();
            bytesWritten.addAndGet(bytes);
            notifyListener(l -> l.onWrite(id, bytes));
            enforceCap(id);
        }
    }

    /** @return true if this call published the entry, false if an equal one was already there */
    private boolean stageAndPublish(Prepared prepared) throws IOException {
        String id = prepared.key().id();
        Instant now = prepared.entry().created();
        layout.createDirectories();
        try (StagingDir staged = writer.stage(prepared.manifest(), prepared.artifacts(), now)) {
            for (int attempt = 1; ; attempt++) {
                if (writer.tryPublish(staged, id, now)) {
                    return true;
                }
                // Lost a race for this id. Same key, same content: keep the winner's entry if it verifies.
                if (lookup(id).isPresent()) {
                    EntryWriter.touch(layout.entryDir(id), now);
                    return false;
                }
                if (attempt == PUBLISH_ATTEMPTS) {
                    throw new IOException("entry " + id + " kept changing while publishing");
                }
            }
        }
    }

    /** Reads and verifies; discards a corrupt entry. Does not count hits or misses. */
    private Optional<CacheEntry> lookup(String id) {
        EntryReader.Result result;
        try {
            result = EntryReader.read(layout, id);
        } catch (IOException e) {
            log.warn("cannot read kernel cache entry {}: {}", id, e.toString());
            return Optional.empty();
        }
        if (result instanceof EntryReader.Found found) {
            return Optional.of(found.entry());
        }
        if (result instanceof EntryReader.Corrupt corrupt) {
            corruptDiscarded.incrementAndGet();
            notifyListener(l -> l.onCorrupt(id, corrupt.reason()));
            log.warn("discarding corrupt kernel cache entry {}: {}", id, corrupt.reason());
            try {
                EntryRemover.remove(layout, id, corrupt.fileKey());
            } catch (IOException e) {
                log.warn("could not discard corrupt entry {}: {}", id, e.toString());
            }
        }
        return Optional.empty();
    }

    private Resolution resolve(CacheKey key, ArtifactCompiler compiler)
            throws ArtifactCompileException, InterruptedException {
        requireParts(key);
        Objects.requireNonNull(compiler, "compiler");
        String flight = layout.entryDir(key.id()).toString();
        CompletableFuture<Resolution> mine = new CompletableFuture<>();
        CompletableFuture<Resolution> running = InFlightCompiles.joinOrLead(flight, mine);
        if (running != null) {
            return awaitOtherCaller(key.id(), running);
        }
        try {
            Resolution resolution = lead(key, compiler);
            mine.complete(resolution);
            return resolution;
        } catch (Throwable t) {
            mine.completeExceptionally(t);
            throw t;
        } finally {
            InFlightCompiles.finish(flight, mine);
        }
    }

    private Resolution lead(CacheKey key, ArtifactCompiler compiler) throws ArtifactCompileException {
        String id = key.id();
        Optional<CacheEntry> cached = get(id);
        if (cached.isPresent()) {
            return new Resolution(cached.get(), WarmOutcome.Status.HIT, null);
        }
        CompiledArtifacts compiled;
        try {
            compiled = compiler.compile(key);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ArtifactCompileException(id, "compile of " + id + " was interrupted", e);
        } catch (Exception e) {
            throw new ArtifactCompileException(id, "compile of " + id + " failed: " + e.getMessage(), e);
        }
        if (compiled == null) {
            throw new ArtifactCompileException(id, "compiler returned nothing for " + id, null);
        }
        String invalid = invalidArtifacts(compiled.artifacts(), compiled.metadata());
        if (invalid != null) {
            throw new ArtifactCompileException(
                    id, "compiler returned unusable artifacts for " + id + ": " + invalid, null);
        }
        Prepared prepared = prepare(key, compiled.artifacts(), compiled.metadata());
        try {
            store(prepared);
            return new Resolution(prepared.entry(), WarmOutcome.Status.COMPILED, null);
        } catch (CacheWriteException e) {
            // Already logged and counted by store(); the job still gets its artifacts.
            return new Resolution(prepared.entry(), WarmOutcome.Status.COMPILED_NOT_CACHED, e.getMessage());
        }
    }

    private Resolution awaitOtherCaller(String id, CompletableFuture<Resolution> running)
            throws ArtifactCompileException, InterruptedException {
        hooks.joinedInFlight(id);
        Resolution resolution;
        try {
            resolution = running.get();
        } catch (ExecutionException e) {
            misses.incrementAndGet();
            notifyListener(l -> l.onMiss(id));
            Throwable cause = e.getCause();
            if (cause instanceof ArtifactCompileException failed) {
                throw new ArtifactCompileException(id, failed.getMessage(), failed);
            }
            throw new IllegalStateException("getOrCompute of " + id + " failed in another thread", cause);
        }
        hits.incrementAndGet();
        notifyListener(l -> l.onHit(id));
        return new Resolution(resolution.entry(), WarmOutcome.Status.HIT, null);
    }

    /** After a put: evict least recently used entries (never {@code justWritten}) down to the cap. */
    private void enforceCap(String justWritten) {
        try {
            RootLock.withLock(layout, () -> {
                List<ScannedEntry> entries = scan();
                evict(LruPolicy.overCap(entries, settings.maxBytes(), justWritten));
                return null;
            });
        } catch (IOException e) {
            log.warn("could not enforce the kernel cache cap in {}: {}", layout.root(), e.toString());
        }
    }

    private PruneResult pruneWith(Function<List<ScannedEntry>, List<ScannedEntry>> policy)
            throws CacheWriteException {
        try {
            return RootLock.withLock(layout, () -> {
                int tempRemoved = cleanUpTempLocked();
                List<ScannedEntry> entries = scan();
                List<ScannedEntry> evicted = evict(policy.apply(entries));
                long bytesRemoved = evicted.stream().mapToLong(ScannedEntry::diskBytes).sum();
                long totalBytes = entries.stream().mapToLong(ScannedEntry::diskBytes).sum();
                return new PruneResult(evicted.size(), bytesRemoved, tempRemoved,
                        entries.size() - evicted.size(), totalBytes - bytesRemoved);
            });
        } catch (IOException e) {
            throw new CacheWriteException(null, "could not prune " + layout.root() + ": " + e, e);
        }
    }

    /** @return the entries this call actually removed */
    private List<ScannedEntry> evict(List<ScannedEntry> victims) {
        List<ScannedEntry> evicted = new ArrayList<>();
        for (ScannedEntry victim : victims) {
            try {
                if (EntryRemover.remove(layout, victim.id(), null)) {
                    evicted.add(victim);
                    evictions.incrementAndGet();
                    notifyListener(l -> l.onEviction(victim.id(), victim.diskBytes()));
                    log.debug("evicted kernel cache entry {} ({} bytes)", victim.id(), victim.diskBytes());
                }
            } catch (IOException e) {
                log.warn("could not evict kernel cache entry {}: {}", victim.id(), e.toString());
            }
        }
        long removed = evicted.stream().mapToLong(ScannedEntry::diskBytes).sum();
        lastScannedBytes.addAndGet(-removed);
        lastScannedEntries.addAndGet(-evicted.size());
        return evicted;
    }

    private int cleanUpTempLocked() throws IOException {
        return StagingDirs.cleanUp(layout, clock.instant().minus(settings.tempMaxAge()));
    }

    private List<ScannedEntry> scan() throws IOException {
        List<ScannedEntry> entries = EntryScanner.scan(layout);
        lastScannedBytes.set(entries.stream().mapToLong(ScannedEntry::diskBytes).sum());
        lastScannedEntries.set(entries.size());
        return entries;
    }

    private static void requireParts(CacheKey key) {
        Objects.requireNonNull(key, "key");
        if (!key.hasParts()) {
            throw new IllegalArgumentException(
                    "key " + key.id() + " has no parts (made by ofHash); cannot store under it");
        }
    }

    /** @return why the artifacts cannot be stored, or {@code null} if they can */
    private static String invalidArtifacts(Map<String, byte[]> artifacts, Map<String, String> metadata) {
        if (artifacts == null || artifacts.isEmpty()) {
            return "no artifacts";
        }
        for (Map.Entry<String, byte[]> artifact : artifacts.entrySet()) {
            if (!CacheLayout.isValidArtifactName(artifact.getKey())) {
                return "invalid artifact name \"" + artifact.getKey() + "\" (letters, digits, '.', '_', '-'; not "
                        + CacheLayout.MANIFEST + ")";
            }
            if (artifact.getValue() == null) {
                return "artifact " + artifact.getKey() + " has no bytes";
            }
        }
        if (metadata == null) {
            return "metadata is null";
        }
        for (Map.Entry<String, String> item : metadata.entrySet()) {
            if (item.getKey() == null || item.getValue() == null) {
                return "null in metadata";
            }
        }
        return null;
    }

    private void notifyListener(Consumer<CacheListener> event) {
        try {
            event.accept(listener);
        } catch (RuntimeException e) {
            log.warn("kernel cache listener failed: {}", e.toString());
        }
    }
}
