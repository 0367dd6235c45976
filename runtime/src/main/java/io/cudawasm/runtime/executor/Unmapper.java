package io.cudawasm.runtime.executor;

import java.lang.reflect.Field;
import java.nio.MappedByteBuffer;

/**
 * Unmaps a {@link MappedByteBuffer} now instead of whenever the garbage collector gets to it. The
 * buffers' files are unlinked as soon as both processes mapped them, so tmpfs frees their pages
 * only when the last mapping goes: waiting for a GC could keep gigabytes of {@code /dev/shm} in
 * use (a small heap rarely collects). Java 17 has no public unmap, so this uses
 * {@code sun.misc.Unsafe.invokeCleaner} (jdk.unsupported, which exists for uses like this one);
 * without it mappings are released by the GC. The caller must never touch the buffer again: an
 * access after unmapping faults the JVM, so sessions unmap only under their lock, once closed.
 */
final class Unmapper {
    private static final sun.misc.Unsafe UNSAFE = unsafe();

    private Unmapper() {}

    private static sun.misc.Unsafe unsafe() {
        try {
            Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
            f.setAccessible(true);
            return (sun.misc.Unsafe) f.get(null);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    static void unmap(MappedByteBuffer buffer) {
        if (UNSAFE != null && buffer != null) {
            UNSAFE.invokeCleaner(buffer);
        }
    }

    /** Test hook of the executor: a store to address 0, which the JVM reports as SIGSEGV and dies of. */
    static void writeToAddressZero() {
        if (UNSAFE == null) {
            throw new IllegalStateException("sun.misc.Unsafe is not available");
        }
        UNSAFE.putLong(0L, 0L);
    }
}
