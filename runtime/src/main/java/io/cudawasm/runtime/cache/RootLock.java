package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Exclusive lock over a cache root across threads and processes, for eviction and temp cleanup
 * (never held while compiling or while writing an entry).
 *
 * <p>A {@link FileLock} belongs to the whole JVM, and closing any channel on the lock file drops
 * the JVM's lock on it; so a JVM-wide {@link ReentrantLock} per root serializes its threads first,
 * and only the holder opens the lock file.
 */
final class RootLock {
    private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS = new ConcurrentHashMap<>();

    private RootLock() {}

    @FunctionalInterface
    interface Action<T> {
        T run() throws IOException;
    }

    static <T> T withLock(CacheLayout layout, Action<T> action) throws IOException {
        // Keyed by the real path: one directory reached through two paths is still one lock.
        ReentrantLock threads = IN_PROCESS.computeIfAbsent(layout.root().toRealPath(), root -> new ReentrantLock());
        if (threads.isHeldByCurrentThread()) {
            return action.run();
        }
        threads.lock();
        try (FileChannel channel = FileChannel.open(
                layout.lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
            FileLock processes;
            try {
                processes = channel.lock();
            } catch (OverlappingFileLockException e) {
                throw new IOException("lock file " + layout.lockFile() + " is already locked in this JVM", e);
            }
            try {
                return action.run();
            } finally {
                processes.release();
            }
        } finally {
            threads.unlock();
        }
    }
}
