package io.cudawasm.runtime.executor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A worker's claim on an executor folder: a lock on the folder's {@value #NAME}, held from before the
 * executor starts until the folder is deleted. A worker starting up removes the folders of workers
 * that died ({@code cw-exec-PID-...} whose PID is not alive); but /dev/shm may be shared by processes
 * in other PID namespaces (containers on one node, or agents on one machine), to which a live worker's
 * PID looks dead, and deleting such a folder removed a starting executor's control socket under it
 * ("control channel failed: No such file or directory"). A lock is the kernel's, the same in every
 * namespace: a folder whose lock another process holds is left alone.
 */
final class FolderLease implements Closeable {
    static final String NAME = "owner.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private FolderLease(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /** Creates {@code folder} if needed and locks it for this process. */
    static FolderLease claim(Path folder) throws IOException {
        Files.createDirectories(folder);
        FileChannel channel = FileChannel.open(folder.resolve(NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        try {
            return new FolderLease(channel, channel.lock());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** Whether a process (this one included) holds {@code folder}'s lock; false when it has none or it is free. */
    static boolean held(Path folder) {
        Path file = folder.resolve(NAME);
        if (!Files.exists(file)) {
            return false;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            FileLock probe = channel.tryLock();
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true; // this JVM holds it
        } catch (IOException e) {
            return true; // cannot tell: leave the folder alone
        }
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
