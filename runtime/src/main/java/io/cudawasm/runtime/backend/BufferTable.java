package io.cudawasm.runtime.backend;

import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The native allocations of one GPU-side device session, keyed by the buffers it handed out. Such
 * buffers carry an opaque address: the session's tag in the high 32 bits and the buffer id below,
 * so a buffer from another session (or a made-up one) is refused instead of being misread as one of
 * this session's. Not thread-safe: sessions call it under their own lock.
 *
 * @param <H> the back end's handle of an allocation (a CUDA device pointer, an OpenCL cl_mem, ...)
 */
public final class BufferTable<H> {
    private static final AtomicLong SESSIONS = new AtomicLong();

    private final long tag = SESSIONS.incrementAndGet() << 32;
    private final Map<Integer, H> handles = new LinkedHashMap<>();
    private final Map<Integer, DeviceBuffer> buffers = new LinkedHashMap<>();
    private int nextId = 1;

    /** Records a new allocation of {@code bytes} and returns the buffer that names it. */
    public DeviceBuffer add(H handle, long bytes) {
        int id = nextId++;
        handles.put(id, handle);
        DeviceBuffer b = new DeviceBuffer(id, tag | id, bytes);
        buffers.put(id, b);
        return b;
    }

    /** The handle of one of this session's buffers. */
    public H handle(DeviceBuffer buffer) {
        H h = handles.get(buffer.id());
        if (h == null || buffer.address() != (tag | buffer.id())) {
            throw new IllegalArgumentException("buffer " + buffer.id() + " does not belong to this session");
        }
        return h;
    }

    /** Every allocation, in the order they were made (for releasing them). */
    public Collection<H> handles() {
        return handles.values();
    }

    /** Every buffer handed out, in allocation order. */
    public List<DeviceBuffer> buffers() {
        return List.copyOf(buffers.values());
    }

    public void clear() {
        handles.clear();
        buffers.clear();
    }

    /** Refuses a byte range that does not lie inside the buffer. */
    public static void checkRange(DeviceBuffer buffer, long offset, long length) {
        if (offset < 0 || length < 0 || offset + length > buffer.size()) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") is outside buffer "
                    + buffer.id() + " of " + buffer.size() + " bytes");
        }
    }
}
