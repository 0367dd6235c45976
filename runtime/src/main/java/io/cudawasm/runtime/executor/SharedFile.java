package io.cudawasm.runtime.executor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The host side of one device buffer: a file in tmpfs that the worker and the executor both map.
 * The worker copies request data in and results out; the executor copies between the mapping and
 * the device. Mapped in chunks of 1 GiB ({@code FileChannel.map} stops below 2 GiB). Not
 * thread-safe: sessions use it under their own lock.
 */
final class SharedFile implements AutoCloseable {
    static final long CHUNK = 1L << 30;

    private final long size;
    private final MappedByteBuffer[] chunks;
    private boolean closed;

    private SharedFile(long size, MappedByteBuffer[] chunks) {
        this.size = size;
        this.chunks = chunks;
    }

    /** Creates {@code file} ({@code size} bytes, sparse: pages are allocated on first write) and maps it. */
    static SharedFile create(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                StandardOpenOption.WRITE)) {
            if (size > 0) {
                ch.write(ByteBuffer.allocate(1), size - 1); // sets the length without touching other pages
            }
            return map(ch, size);
        }
    }

    /** Maps a file the other process created. */
    static SharedFile open(Path file, long size) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            if (ch.size() < size) {
                throw new IOException(file + " holds " + ch.size() + " bytes, not " + size);
            }
            return map(ch, size);
        }
    }

    private static SharedFile map(FileChannel ch, long size) throws IOException {
        int n = (int) ((size + CHUNK - 1) / CHUNK);
        MappedByteBuffer[] chunks = new MappedByteBuffer[n];
        for (int i = 0; i < n; i++) {
            long at = i * CHUNK;
            chunks[i] = ch.map(FileChannel.MapMode.READ_WRITE, at, Math.min(CHUNK, size - at));
        }
        return new SharedFile(size, chunks);
    }

    long size() {
        return size;
    }

    private void check(long offset, long length) {
        if (closed) {
            throw new IllegalStateException("shared buffer is closed");
        }
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") is outside the "
                    + size + "-byte shared buffer");
        }
    }

    /** Copies {@code src} to {@code offset}. */
    void put(long offset, byte[] src) {
        check(offset, src.length);
        int done = 0;
        while (done < src.length) {
            long at = offset + done;
            MappedByteBuffer c = chunks[(int) (at / CHUNK)];
            int in = (int) (at % CHUNK);
            int n = Math.min(src.length - done, c.capacity() - in);
            c.put(in, src, done, n);
            done += n;
        }
    }

    /** Copies {@code length} bytes at {@code offset} out. */
    byte[] get(long offset, int length) {
        check(offset, length);
        byte[] out = new byte[length];
        int done = 0;
        while (done < length) {
            long at = offset + done;
            MappedByteBuffer c = chunks[(int) (at / CHUNK)];
            int in = (int) (at % CHUNK);
            int n = Math.min(length - done, c.capacity() - in);
            c.get(in, out, done, n);
            done += n;
        }
        return out;
    }

    /** What to do with each piece of a range: {@code piece} starts at {@code offset} of the buffer. */
    interface PieceAction {
        void accept(long offset, ByteBuffer piece);
    }

    /** Visits {@code [offset, offset + length)} as direct buffers positioned at 0, none crossing a chunk. */
    void pieces(long offset, long length, PieceAction action) {
        check(offset, length);
        long done = 0;
        while (done < length) {
            long at = offset + done;
            MappedByteBuffer c = chunks[(int) (at / CHUNK)];
            int in = (int) (at % CHUNK);
            int n = (int) Math.min(length - done, c.capacity() - in);
            action.accept(at, c.slice(in, n));
            done += n;
        }
    }

    /** Unmaps now; the buffer must not be used again. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (MappedByteBuffer c : chunks) {
            Unmapper.unmap(c);
        }
    }
}
