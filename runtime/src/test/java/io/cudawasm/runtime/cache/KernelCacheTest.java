package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KernelCacheTest {
    @TempDir
    Path dir;

    @Test
    void putThenGetReturnsTheSameArtifactsAndMetadata() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey key = TestKernels.key("roundTrip");
        Map<String, byte[]> artifacts = TestKernels.artifacts(key);

        CacheEntry stored = cache.put(key, artifacts, Map.of("entry", "scale"));
        CacheEntry read = cache.get(key).orElseThrow();

        assertEquals(stored, read);
        assertTrue(TestKernels.sameArtifacts(read, artifacts));
        assertEquals("wasm", read.target());
        assertEquals("test-compiler 1.0", read.compilerVersion());
        assertEquals(Map.of("entry", "scale"), read.metadata());
        assertEquals(artifacts.values().stream().mapToLong(b -> b.length).sum(), read.totalBytes());
        assertArrayEquals(artifacts.get("module.wasm"), read.artifact("module.wasm").orElseThrow());
    }

    @Test
    void aNewInstanceOnTheSameFolderFindsTheEntry() throws Exception {
        CacheKey key = TestKernels.key("restart");
        KernelCache.open(CacheSettings.of(dir)).put(key, TestKernels.artifacts(key), Map.of());

        KernelCache restarted = KernelCache.open(CacheSettings.of(dir));
        CacheEntry entry = restarted.get(CacheKey.ofHash(key.id())).orElseThrow();

        assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key)));
        assertEquals(1, restarted.stats().hits());
        assertEquals(0, restarted.stats().misses());
    }

    @Test
    void aMissIsCountedAndReported() {
        RecordingListener listener = new RecordingListener();
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), listener);
        CacheKey key = TestKernels.key("absent");

        assertTrue(cache.get(key).isEmpty());

        assertEquals(1, cache.stats().misses());
        assertEquals(List.of("miss " + key.id()), listener.events);
    }

    @Test
    void entryLayoutIsShardedAndTheManifestDescribesEverything() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey key = TestKernels.key("layout");
        Map<String, byte[]> artifacts = TestKernels.artifacts(key);
        cache.put(key, artifacts, Map.of("entry", "scale"));

        Path entryDir = dir.resolve("v1").resolve(key.id().substring(0, 2)).resolve(key.id());
        assertTrue(Files.isDirectory(entryDir), entryDir.toString());
        for (String name : artifacts.keySet()) {
            assertArrayEquals(artifacts.get(name), Files.readAllBytes(entryDir.resolve(name)), name);
        }
        JsonNode manifest = new ObjectMapper().readTree(entryDir.resolve("cache-manifest.json").toFile());
        assertEquals(1, manifest.get("format").asInt());
        assertEquals(key.id(), manifest.get("id").asText());
        assertEquals(key.parts().source(), manifest.get("key").get("source").asText());
        assertEquals("256", manifest.get("key").get("defines").get("BLOCK").asText());
        assertEquals("-O2", manifest.get("key").get("options").get(0).asText());
        assertEquals("wasm", manifest.get("key").get("target").asText());
        assertEquals("test-compiler 1.0", manifest.get("key").get("compilerVersion").asText());
        assertEquals("scale", manifest.get("metadata").get("entry").asText());
        assertEquals(artifacts.size(), manifest.get("artifacts").size());
        for (JsonNode artifact : manifest.get("artifacts")) {
            byte[] bytes = artifacts.get(artifact.get("name").asText());
            assertEquals(bytes.length, artifact.get("size").asLong());
            assertEquals(Hashing.sha256Hex(bytes), artifact.get("sha256").asText());
        }
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(List.of(), tmp.toList(), "nothing stays in tmp/ after a put");
        }
    }

    @Test
    void puttingAnExistingKeyKeepsOneEntryAndSucceeds() throws Exception {
        RecordingListener listener = new RecordingListener();
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), listener);
        CacheKey key = TestKernels.key("twice");

        cache.put(key, TestKernels.artifacts(key), Map.of());
        cache.put(key, TestKernels.artifacts(key), Map.of());

        assertEquals(1, cache.list().size());
        assertEquals(1, listener.ofKind("write").size(), "the second put published nothing");
        assertTrue(TestKernels.sameArtifacts(cache.get(key).orElseThrow(), TestKernels.artifacts(key)));
    }

    @Test
    void listAndRemove() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey one = TestKernels.key("listOne");
        CacheKey two = TestKernels.key("listTwo");
        cache.put(one, TestKernels.artifacts(one), Map.of());
        cache.put(two, TestKernels.artifacts(two), Map.of());

        List<CacheEntrySummary> summaries = cache.list();
        assertEquals(2, summaries.size());
        CacheEntrySummary summary = summaries.stream().filter(s -> s.id().equals(one.id())).findFirst().orElseThrow();
        assertEquals("wasm", summary.target());
        assertEquals(List.of("manifest.json", "module.wasm", "module.wat"), summary.artifactNames());
        assertTrue(summary.diskBytes() > TestKernels.artifacts(one).get("module.wasm").length);
        CacheStats stats = cache.stats();
        assertEquals(2, stats.currentEntries());
        assertEquals(summaries.stream().mapToLong(CacheEntrySummary::diskBytes).sum(), stats.currentBytes());

        assertTrue(cache.remove(one.id()));
        assertFalse(cache.remove(one.id()));
        assertTrue(cache.get(one).isEmpty());
        assertEquals(List.of(two.id()), cache.list().stream().map(CacheEntrySummary::id).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"../escape", "a/b", ".hidden", "cache-manifest.json", "", "with space"})
    void putRejectsUnsafeArtifactNamesAndWritesNothing(String name) throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey key = TestKernels.key("badName");
        Map<String, byte[]> artifacts = new HashMap<>(TestKernels.artifacts(key));
        artifacts.put(name, new byte[] {1});

        assertThrows(IllegalArgumentException.class, () -> cache.put(key, artifacts, Map.of()));
        assertTrue(cache.list().isEmpty());
    }

    @Test
    void putNeedsTheKeyParts() {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey lookupOnly = CacheKey.ofHash(TestKernels.key("partsless").id());
        assertThrows(IllegalArgumentException.class,
                () -> cache.put(lookupOnly, TestKernels.artifacts(TestKernels.key("partsless")), Map.of()));
        assertThrows(IllegalArgumentException.class,
                () -> cache.put(TestKernels.key("empty"), Map.of(), Map.of()));
    }

    @Test
    void getByInvalidIdIsRejectedBeforeTouchingTheFileSystem() {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        assertThrows(IllegalArgumentException.class, () -> cache.get("../../etc/passwd"));
        assertThrows(IllegalArgumentException.class, () -> cache.remove("../v1"));
    }

    @Test
    void listenerSeesWriteMissAndHit() throws Exception {
        RecordingListener listener = new RecordingListener();
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), listener, Clock.systemUTC(), CacheHooks.NONE);
        CacheKey key = TestKernels.key("events");

        cache.getOrCompute(key, TestKernels::compiled);
        cache.getOrCompute(key, TestKernels::compiled);

        long bytes = TestKernels.artifacts(key).values().stream().mapToLong(b -> b.length).sum();
        assertEquals(List.of("miss " + key.id(), "write " + key.id() + " " + bytes, "hit " + key.id()), listener.events);
        CacheStats stats = cache.stats();
        assertEquals(1, stats.hits());
        assertEquals(1, stats.misses());
        assertEquals(bytes, stats.bytesWritten());
    }

    @Test
    void aThrowingListenerDoesNotBreakTheCache() throws Exception {
        CacheListener broken = new CacheListener() {
            @Override
            public void onMiss(String id) {
                throw new IllegalStateException("metrics registry is gone");
            }
        };
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), broken);
        CacheKey key = TestKernels.key("brokenListener");
        assertTrue(TestKernels.sameArtifacts(cache.getOrCompute(key, TestKernels::compiled), TestKernels.artifacts(key)));
    }

    @Test
    void isWritableProbesAndLeavesNothingBehind() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        assertTrue(cache.isWritable());
        try (Stream<Path> tmp = Files.list(dir.resolve("tmp"))) {
            assertEquals(0, tmp.count());
        }
    }

    @Test
    void warmReportsHitCompiledAndFailedPerKey() throws Exception {
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        CacheKey cached = TestKernels.key("warmCached");
        CacheKey missing = TestKernels.key("warmMissing");
        CacheKey broken = TestKernels.key("warmBroken");
        CacheKey lookupOnly = CacheKey.ofHash(TestKernels.key("warmLookupOnly").id());
        cache.put(cached, TestKernels.artifacts(cached), Map.of());
        ArtifactCompiler compiler = key -> {
            if (key.equals(broken)) {
                throw new IllegalStateException("syntax error at line 3");
            }
            return TestKernels.compiled(key);
        };

        List<WarmOutcome> outcomes = cache.warm(List.of(cached, missing, broken, lookupOnly), compiler);

        assertEquals(List.of(WarmOutcome.Status.HIT, WarmOutcome.Status.COMPILED, WarmOutcome.Status.FAILED,
                WarmOutcome.Status.FAILED), outcomes.stream().map(WarmOutcome::status).toList());
        assertEquals(List.of(cached.id(), missing.id(), broken.id(), lookupOnly.id()),
                outcomes.stream().map(WarmOutcome::id).toList());
        assertTrue(outcomes.get(2).message().contains("syntax error at line 3"), outcomes.get(2).message());
        assertTrue(cache.get(missing).isPresent());
        assertTrue(cache.get(broken).isEmpty());
    }
}
