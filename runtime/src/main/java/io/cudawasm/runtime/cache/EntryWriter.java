package io.cudawasm.runtime.cache;

import io.cudawasm.runtime.cache.StagingDirs.StagingDir;
import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.Map;

/**
 * Writes an entry into a staging dir inside the cache root (same file system), forces every file
 * and the dir to the device, then publishes it with one atomic rename into {@code v1/}. Readers
 * therefore see either no entry or a complete one.
 */
final class EntryWriter {
    private final CacheLayout layout;
    private final CacheHooks hooks;

    EntryWriter(CacheLayout layout, CacheHooks hooks) {
        this.layout = layout;
        this.hooks = hooks;
    }

    /** Stages artifacts and manifest (manifest last); the caller closes the returned dir. */
    StagingDir stage(Manifest manifest, Map<String, byte[]> artifacts, Instant accessTime) throws IOException {
        StagingDir staged = StagingDirs.claim(layout, manifest.id());
        try {
            Path dir = staged.dir();
            for (Map.Entry<String, byte[]> artifact : artifacts.entrySet()) {
                String name = artifact.getKey();
                FileOps.writeDurably(dir.resolve(name), artifact.getValue(),
                        (written, total) -> hooks.afterChunkWritten(dir, name, written, total));
            }
            FileOps.writeDurably(dir.resolve(CacheLayout.MANIFEST), manifest.toJson(), FileOps.ChunkObserver.NONE);
            // The dir's mtime is the entry's last-access time; set it before the entry is visible.
            Files.setLastModifiedTime(dir, FileTime.from(accessTime));
            FileOps.fsyncDirectory(dir);
            return staged;
        } catch (IOException | RuntimeException e) {
            try {
                staged.close();
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * Renames the staged dir to the entry's place.
     *
     * @return false if an entry with this id already exists; the staged dir is then left as it was
     */
    boolean tryPublish(StagingDir staged, String id, Instant accessTime) throws IOException {
        Path shard = layout.shardDir(id);
        if (!Files.isDirectory(shard, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(shard);
            FileOps.fsyncDirectory(layout.entries());
        }
        Path target = layout.entryDir(id);
        try {
            Files.move(staged.dir(), target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            throw e;
        } catch (FileSystemException e) {
            // rename(2) onto a non-empty dir fails (EEXIST/ENOTEMPTY); anything else is a real error.
            if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            throw e;
        }
        FileOps.fsyncDirectory(shard);
        touch(target, accessTime);
        return true;
    }

    /** Records a use of an entry in its dir's mtime; best effort (the entry may be gone). */
    static void touch(Path entryDir, Instant when) {
        try {
            Files.setLastModifiedTime(entryDir, FileTime.from(when));
        } catch (IOException ignored) {
            // Evicted meanwhile or read-only volume: LRU order is only a hint.
        }
    }
}
