package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Lists published entries with their last-access time (the entry dir's mtime) and disk size,
 * using only directory listings and stat calls; manifests are not parsed.
 */
final class EntryScanner {
    private EntryScanner() {}

    record ScannedEntry(String id, Instant lastAccess, long diskBytes) {}

    static List<ScannedEntry> scan(CacheLayout layout) throws IOException {
        List<ScannedEntry> found = new ArrayList<>();
        List<Path> shards = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(layout.entries())) {
            for (Path shard : listing) {
                if (CacheLayout.isShardName(shard.getFileName().toString())) {
                    shards.add(shard);
                }
            }
        } catch (NoSuchFileException noEntriesYet) {
            return found;
        }
        for (Path shard : shards) {
            try (DirectoryStream<Path> listing = Files.newDirectoryStream(shard)) {
                for (Path dir : listing) {
                    String name = dir.getFileName().toString();
                    if (!CacheLayout.isEntryName(name) || !name.startsWith(shard.getFileName().toString())) {
                        continue;
                    }
                    try {
                        BasicFileAttributes a =
                                Files.readAttributes(dir, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (a.isDirectory()) {
                            Instant lastAccess = a.lastModifiedTime().toInstant();
                            found.add(new ScannedEntry(name, lastAccess, FileOps.regularFileBytes(dir)));
                        }
                    } catch (NoSuchFileException removedMeanwhile) {
                        // Evicted or discarded by someone else while we listed.
                    }
                }
            } catch (NoSuchFileException removedMeanwhile) {
                // Shards are never removed by the cache, but an operator might.
            }
        }
        return found;
    }
}
