package io.cudawasm.runtime.cache;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class CorruptEntryTest {
    @TempDir
    Path dir;

    /** Ways an entry can be damaged on disk (bit rot, a full disk in old tools, an operator, ...). */
    enum Damage {
        FLIP_A_BYTE {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                try (RandomAccessFile file = new RandomAccessFile(entry.resolve("module.wasm").toFile(), "rw")) {
                    file.seek(1000);
                    int b = file.read();
                    file.seek(1000);
                    file.write(b ^ 0x01);
                }
            }
        },
        TRUNCATE_AN_ARTIFACT {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                try (FileChannel file = FileChannel.open(entry.resolve("module.wasm"), StandardOpenOption.WRITE)) {
                    file.truncate(100);
                }
            }
        },
        APPEND_TO_AN_ARTIFACT {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.write(entry.resolve("module.wat"), new byte[] {'\n'}, StandardOpenOption.APPEND);
            }
        },
        DELETE_AN_ARTIFACT {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.delete(entry.resolve("manifest.json"));
            }
        },
        DELETE_THE_MANIFEST {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.delete(entry.resolve("cache-manifest.json"));
            }
        },
        GARBAGE_IN_THE_MANIFEST {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.writeString(entry.resolve("cache-manifest.json"), "{\"format\": 1, \"id\": [garbage");
            }
        },
        EMPTY_MANIFEST {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.write(entry.resolve("cache-manifest.json"), new byte[0]);
            }
        },
        MANIFEST_OF_ANOTHER_ENTRY {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                Files.copy(otherEntry.resolve("cache-manifest.json"), entry.resolve("cache-manifest.json"),
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        },
        ENTRY_REPLACED_BY_A_FILE {
            @Override
            void apply(Path entry, Path otherEntry) throws IOException {
                FileOps.deleteRecursively(entry);
                Files.writeString(entry, "oops");
            }
        };

        abstract void apply(Path entry, Path otherEntry) throws IOException;
    }

    @ParameterizedTest
    @EnumSource(Damage.class)
    void aDamagedEntryIsAMissIsDiscardedAndIsRebuilt(Damage damage) throws Exception {
        CacheKey key = TestKernels.key("victim");
        CacheKey other = TestKernels.key("bystander");
        KernelCache writer = KernelCache.open(CacheSettings.of(dir));
        writer.put(key, TestKernels.artifacts(key, 8192), Map.of());
        writer.put(other, TestKernels.artifacts(other, 8192), Map.of());
        Path entry = writer.directory().resolve("v1").resolve(key.id().substring(0, 2)).resolve(key.id());
        Path otherEntry = writer.directory().resolve("v1").resolve(other.id().substring(0, 2)).resolve(other.id());
        damage.apply(entry, otherEntry);

        RecordingListener listener = new RecordingListener();
        KernelCache cache = KernelCache.open(CacheSettings.of(dir), listener);
        assertTrue(cache.get(key).isEmpty(), "damaged entry must not be served");
        CacheStats afterGet = cache.stats();
        assertEquals(1, afterGet.corruptDiscarded());
        assertEquals(1, afterGet.misses());
        assertEquals(1, listener.ofKind("corrupt").size(), listener.events.toString());
        assertFalse(Files.exists(entry), "discarded entry is gone from v1/");
        assertTrue(tmpIsEmpty(), "discarded entry is deleted, not just moved");

        AtomicInteger compiles = new AtomicInteger();
        CacheEntry rebuilt = cache.getOrCompute(key, k -> {
            compiles.incrementAndGet();
            return CompiledArtifacts.of(TestKernels.artifacts(k, 8192));
        });
        assertEquals(1, compiles.get());
        assertTrue(TestKernels.sameArtifacts(rebuilt, TestKernels.artifacts(key, 8192)));
        assertTrue(TestKernels.sameArtifacts(cache.get(key).orElseThrow(), TestKernels.artifacts(key, 8192)));
        assertTrue(TestKernels.sameArtifacts(cache.get(other).orElseThrow(), TestKernels.artifacts(other, 8192)),
                "other entries are untouched");
        assertEquals(1, cache.stats().corruptDiscarded());
    }

    @Test
    void getOrComputeOnADamagedEntryCompilesInsteadOfServingIt() throws Exception {
        CacheKey key = TestKernels.key("servedNever");
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        cache.put(key, TestKernels.artifacts(key, 8192), Map.of());
        Damage.FLIP_A_BYTE.apply(cache.directory().resolve("v1").resolve(key.id().substring(0, 2)).resolve(key.id()), null);

        AtomicInteger compiles = new AtomicInteger();
        CacheEntry entry = cache.getOrCompute(key, k -> {
            compiles.incrementAndGet();
            return CompiledArtifacts.of(TestKernels.artifacts(k, 8192));
        });

        assertEquals(1, compiles.get());
        assertTrue(TestKernels.sameArtifacts(entry, TestKernels.artifacts(key, 8192)));
        assertEquals(1, cache.stats().corruptDiscarded());
    }

    @Test
    void aPutOntoADamagedEntryReplacesIt() throws Exception {
        CacheKey key = TestKernels.key("replaced");
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        cache.put(key, TestKernels.artifacts(key, 8192), Map.of());
        Damage.TRUNCATE_AN_ARTIFACT.apply(cache.directory().resolve("v1").resolve(key.id().substring(0, 2)).resolve(key.id()), null);

        cache.put(key, TestKernels.artifacts(key, 8192), Map.of());

        assertEquals(1, cache.stats().corruptDiscarded());
        assertTrue(TestKernels.sameArtifacts(cache.get(key).orElseThrow(), TestKernels.artifacts(key, 8192)));
        assertTrue(tmpIsEmpty());
    }

    @Test
    void listSkipsEntriesWithAnUnreadableManifest() throws Exception {
        CacheKey key = TestKernels.key("unlisted");
        KernelCache cache = KernelCache.open(CacheSettings.of(dir));
        cache.put(key, TestKernels.artifacts(key), Map.of());
        Damage.GARBAGE_IN_THE_MANIFEST.apply(cache.directory().resolve("v1").resolve(key.id().substring(0, 2)).resolve(key.id()), null);

        assertEquals(List.of(), cache.list());
    }

    private boolean tmpIsEmpty() throws IOException {
        try (Stream<Path> items = Files.list(dir.resolve("tmp"))) {
            return items.findAny().isEmpty();
        }
    }
}
