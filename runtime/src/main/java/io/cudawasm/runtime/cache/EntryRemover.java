package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes a published entry: one atomic rename takes it out of {@code v1/} (so no reader can open
 * it anew), then the renamed tree in {@code tmp/} is deleted. A crash in between leaves only a
 * {@code tmp/d-*} dir that cleanup removes later.
 */
final class EntryRemover {
    private static final Logger log = LoggerFactory.getLogger(EntryRemover.class);

    private EntryRemover() {}

    /**
     * @param expectedFileKey if not {@code null}, remove only if the entry dir is still this one
     * @return true if this call took the entry out of {@code v1/}
     */
    static boolean remove(CacheLayout layout, String id, Object expectedFileKey) throws IOException {
        Path dir = layout.entryDir(id);
        if (expectedFileKey != null && !EntryReader.stillThere(dir, expectedFileKey)) {
            return false;
        }
        Files.createDirectories(layout.tmp());
        Path discarded = StagingDirs.discardPath(layout, id);
        try {
            Files.move(dir, discarded, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException alreadyGone) {
            return false;
        }
        try {
            FileOps.deleteRecursively(discarded);
        } catch (IOException e) {
            log.warn("could not delete removed entry {}; temp cleanup will retry: {}", discarded, e.toString());
        }
        return true;
    }
}
