package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File system primitives with the durability and tolerance the cache needs. */
final class FileOps {
    private static final Logger log = LoggerFactory.getLogger(FileOps.class);
    static final int CHUNK_BYTES = 256 * 1024;

    private FileOps() {}

    /** Called after each chunk of a file is written; lets tests slow a writer down or fail it. */
    @FunctionalInterface
    interface ChunkObserver {
        ChunkObserver NONE = (written, total) -> {};

        void afterChunk(long written, long total) throws IOException;
    }

    /** Creates {@code file} (it must not exist), writes {@code data} and forces it to the device. */
    static void writeDurably(Path file, byte[] data, ChunkObserver observer) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            int offset = 0;
            do {
                int length = Math.min(CHUNK_BYTES, data.length - offset);
                ByteBuffer buffer = ByteBuffer.wrap(data, offset, length);
                while (buffer.hasRemaining()) {
                    channel.write(buffer);
                }
                offset += length;
                observer.afterChunk(offset, data.length);
            } while (offset < data.length);
            channel.force(true);
        }
    }

    /**
     * Forces a directory's entries (new names, renames) to the device. Some platforms cannot open
     * a directory for this; there the rename is still atomic, only its durability is up to the OS.
     */
    static void fsyncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("cannot fsync directory {}: {}", dir, e.toString());
        }
    }

    /** Reads a regular file of at most {@code maxBytes}; longer files are rejected unread. */
    static byte[] readBounded(Path file, long maxBytes) throws IOException {
        BasicFileAttributes attributes =
                Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attributes.isRegularFile()) {
            throw new IOException(file.getFileName() + " is not a regular file");
        }
        if (attributes.size() > maxBytes) {
            throw new IOException(file.getFileName() + " is larger than " + maxBytes + " bytes");
        }
        return Files.readAllBytes(file);
    }

    /** Sum of the sizes of the regular files directly inside {@code dir}. */
    static long regularFileBytes(Path dir) throws IOException {
        long total = 0;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                try {
                    BasicFileAttributes a =
                            Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (a.isRegularFile()) {
                        total += a.size();
                    }
                } catch (NoSuchFileException vanished) {
                    // Removed while we looked: it no longer takes space.
                }
            }
        }
        return total;
    }

    /**
     * Deletes a file or a directory tree without following links. Files that disappear meanwhile
     * (another process cleaning the same leftovers) are not an error.
     */
    static void deleteRecursively(Path path) throws IOException {
        try {
            Files.walkFileTree(path, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (e != null && !(e instanceof NoSuchFileException)) {
                        throw e;
                    }
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (NoSuchFileException alreadyGone) {
            // Nothing left to delete.
        }
    }
}
