package io.cudawasm.runtime.cache;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tmp/} directory: writers' staging dirs and their cleanup.
 *
 * <p>A writer owns {@code tmp/w-<id>-<pid>-<random>/} and holds an exclusive {@link FileLock} on the
 * sibling file {@code w-<id>-<pid>-<random>.lock} for the dir's whole life. It creates and locks
 * the lock file before the dir, and removes the dir before the lock file. The OS drops the lock
 * when the writer dies, even by {@code kill -9}; so a cleaner that can take the lock knows the
 * writer is gone. Cleaners run under {@link RootLock} and delete only with the writer's lock held;
 * a writer that finds its lock file deleted after locking it starts over under a new name.
 * Staging dirs of this JVM are skipped outright (a second channel on their lock file would drop
 * the writer's lock, see {@link FileChannel#close()}).
 *
 * <p>Entries being removed are first renamed to {@code tmp/d-<id>-<random>/}; those and anything
 * else found in {@code tmp/} are deleted once older than the configured age.
 */
final class StagingDirs {
    private static final Logger log = LoggerFactory.getLogger(StagingDirs.class);
    static final String WRITER_PREFIX = "w-";
    static final String DISCARD_PREFIX = "d-";
    static final String PROBE_PREFIX = "p-";
    static final String LOCK_SUFFIX = ".lock";
    private static final int CLAIM_ATTEMPTS = 5;

    /**
     * Names of staging dirs owned by writers in this JVM. Names carry a random part, so the name
     * alone identifies a dir even if the root is reached through different paths (symlinks).
     */
    private static final Set<String> LIVE_IN_THIS_JVM = ConcurrentHashMap.newKeySet();

    private StagingDirs() {}

    /** A locked staging dir; closing it deletes whatever is left in it and releases the lock. */
    static final class StagingDir implements Closeable {
        private final Path dir;
        private final Path lockFile;
        private final FileChannel channel;
        private final FileLock lock;

        private StagingDir(Path dir, Path lockFile, FileChannel channel, FileLock lock) {
            this.dir = dir;
            this.lockFile = lockFile;
            this.channel = channel;
            this.lock = lock;
        }

        Path dir() {
            return dir;
        }

        @Override
        public void close() throws IOException {
            try {
                FileOps.deleteRecursively(dir);
                Files.deleteIfExists(lockFile);
            } finally {
                try {
                    lock.release();
                    channel.close();
                } finally {
                    LIVE_IN_THIS_JVM.remove(dir.getFileName().toString());
                }
            }
        }
    }

    /** Creates and locks a fresh staging dir for entry {@code id}. */
    static StagingDir claim(CacheLayout layout, String id) throws IOException {
        Files.createDirectories(layout.tmp());
        long pid = ProcessHandle.current().pid();
        for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
            String name = WRITER_PREFIX + id + '-' + pid + '-' + UUID.randomUUID().toString().substring(0, 8);
            Path dir = layout.tmp().resolve(name);
            Path lockFile = layout.tmp().resolve(name + LOCK_SUFFIX);
            LIVE_IN_THIS_JVM.add(name);
            FileChannel channel = null;
            boolean claimed = false;
            try {
                channel = FileChannel.open(lockFile, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock != null) {
                    if (Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)) {
                        channel.write(ByteBuffer.wrap(("pid " + pid + " since " + Instant.now() + '\n')
                                .getBytes(StandardCharsets.UTF_8)));
                        Files.createDirectory(dir);
                        claimed = true;
                        return new StagingDir(dir, lockFile, channel, lock);
                    }
                    lock.release();
                }
                // A cleaner took the brand-new lock file for a dead writer's; try another name.
            } finally {
                if (!claimed) {
                    if (channel != null) {
                        channel.close();
                    }
                    LIVE_IN_THIS_JVM.remove(name);
                }
            }
        }
        throw new IOException("could not claim a staging dir in " + layout.tmp());
    }

    /**
     * Removes leftovers older than {@code cutoff} whose writers are gone. Call under {@link RootLock}.
     *
     * @return number of leftovers removed
     */
    static int cleanUp(CacheLayout layout, Instant cutoff) throws IOException {
        List<Path> items = new ArrayList<>();
        try (DirectoryStream<Path> listing = Files.newDirectoryStream(layout.tmp())) {
            listing.forEach(items::add);
        } catch (NoSuchFileException noTmpYet) {
            return 0;
        }
        int removed = 0;
        for (Path item : items) {
            String name = item.getFileName().toString();
            try {
                if (name.startsWith(WRITER_PREFIX) && name.endsWith(LOCK_SUFFIX)) {
                    Path dir = item.resolveSibling(name.substring(0, name.length() - LOCK_SUFFIX.length()));
                    boolean ours = LIVE_IN_THIS_JVM.contains(dir.getFileName().toString());
                    if (!ours && isOlderThan(item, cutoff) && removeIfWriterGone(dir, item)) {
                        removed++;
                    }
                } else if (name.startsWith(WRITER_PREFIX)) {
                    // A staging dir without its lock file: the writer finished or died mid-cleanup.
                    Path lockFile = item.resolveSibling(name + LOCK_SUFFIX);
                    if (!LIVE_IN_THIS_JVM.contains(name) && !Files.exists(lockFile, LinkOption.NOFOLLOW_LINKS)
                            && isOlderThan(item, cutoff) && Files.exists(item, LinkOption.NOFOLLOW_LINKS)) {
                        FileOps.deleteRecursively(item);
                        removed++;
                    }
                } else if (isOlderThan(item, cutoff)) {
                    FileOps.deleteRecursively(item);
                    removed++;
                }
            } catch (NoSuchFileException vanished) {
                // Its owner finished or another cleaner got there first.
            }
        }
        return removed;
    }

    private static boolean removeIfWriterGone(Path dir, Path lockFile) throws IOException {
        try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock lock;
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException heldInThisJvm) {
                return false;
            }
            if (lock == null) {
                return false;
            }
            try {
                log.info("removing staging dir {} left by a writer that is gone", dir.getFileName());
                FileOps.deleteRecursively(dir);
                Files.deleteIfExists(lockFile);
                return true;
            } finally {
                lock.release();
            }
        }
    }

    private static boolean isOlderThan(Path item, Instant cutoff) throws IOException {
        return !Files.getLastModifiedTime(item, LinkOption.NOFOLLOW_LINKS).toInstant().isAfter(cutoff);
    }

    /** A name in {@code tmp/} for an entry being removed; only its remover and cleaners touch it. */
    static Path discardPath(CacheLayout layout, String id) {
        return layout.tmp().resolve(DISCARD_PREFIX + id + '-' + UUID.randomUUID().toString().substring(0, 8));
    }

    static Path probePath(CacheLayout layout) {
        return layout.tmp().resolve(PROBE_PREFIX + UUID.randomUUID());
    }
}
