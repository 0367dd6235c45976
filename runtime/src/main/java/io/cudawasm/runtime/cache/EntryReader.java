package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a published entry and verifies it completely: the manifest must be consistent with the
 * id, and every artifact must have exactly the size and SHA-256 the manifest lists. Nothing that
 * fails a check is ever returned.
 */
final class EntryReader {
    private EntryReader() {}

    sealed interface Result permits Found, Absent, Corrupt {}

    record Found(CacheEntry entry) implements Result {}

    /** No entry, or it was removed (evicted, replaced) while being read: a plain miss. */
    record Absent() implements Result {}

    /**
     * The entry exists but fails verification. {@code fileKey} identifies the directory that was
     * read, so only that one is discarded, not a valid entry published under the same id since.
     */
    record Corrupt(String reason, Object fileKey) implements Result {}

    private static final Absent ABSENT = new Absent();

    static Result read(CacheLayout layout, String id) throws IOException {
        Path dir = layout.entryDir(id);
        BasicFileAttributes dirAttributes;
        try {
            dirAttributes = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return ABSENT;
        }
        Object fileKey = dirAttributes.fileKey();
        if (!dirAttributes.isDirectory()) {
            return new Corrupt("entry path is not a directory", fileKey);
        }
        Manifest manifest;
        try {
            manifest = Manifest.parse(FileOps.readBounded(dir.resolve(CacheLayout.MANIFEST), Manifest.MAX_BYTES));
        } catch (NoSuchFileException e) {
            return stillThere(dir, fileKey) ? new Corrupt("manifest missing", fileKey) : ABSENT;
        } catch (IOException e) {
            // Jackson reports malformed JSON as an IOException subtype; real I/O errors look alike
            // but a manifest we cannot read is as useless as a garbled one.
            return stillThere(dir, fileKey) ? new Corrupt("manifest unreadable: " + e.getMessage(), fileKey) : ABSENT;
        }
        String inconsistency = manifest.inconsistency(id);
        if (inconsistency != null) {
            return new Corrupt(inconsistency, fileKey);
        }
        Map<String, byte[]> artifacts = new LinkedHashMap<>();
        for (Manifest.Artifact artifact : manifest.artifacts()) {
            byte[] bytes;
            try {
                bytes = FileOps.readBounded(dir.resolve(artifact.name()), artifact.size());
            } catch (NoSuchFileException e) {
                return stillThere(dir, fileKey) ? new Corrupt(artifact.name() + " missing", fileKey) : ABSENT;
            } catch (IOException e) {
                return stillThere(dir, fileKey)
                        ? new Corrupt(artifact.name() + " unreadable: " + e.getMessage(), fileKey)
                        : ABSENT;
            }
            if (bytes.length != artifact.size()) {
                return new Corrupt(
                        artifact.name() + " has " + bytes.length + " bytes, manifest says " + artifact.size(), fileKey);
            }
            if (!Hashing.sha256Hex(bytes).equals(artifact.sha256())) {
                return new Corrupt(artifact.name() + " does not match its SHA-256", fileKey);
            }
            artifacts.put(artifact.name(), bytes);
        }
        return new Found(new CacheEntry(
                id,
                artifacts,
                manifest.createdInstant(),
                manifest.key().compilerVersion(),
                manifest.key().target(),
                manifest.metadata(),
                manifest.totalBytes()));
    }

    /** Reads only the manifest, for listings; {@code null} if it is missing or inconsistent. */
    static Manifest readManifest(CacheLayout layout, String id) {
        try {
            Manifest manifest = Manifest.parse(
                    FileOps.readBounded(layout.entryDir(id).resolve(CacheLayout.MANIFEST), Manifest.MAX_BYTES));
            return manifest.inconsistency(id) == null ? manifest : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Whether {@code dir} is still the directory we started reading (not removed or replaced). */
    static boolean stillThere(Path dir, Object fileKey) {
        try {
            Object now = Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            return fileKey == null || Objects.equals(fileKey, now);
        } catch (IOException e) {
            return false;
        }
    }
}
