package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.types.DataSegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A linear memory in one flat {@code byte[]} with little-endian VarHandle views.
 *
 * <p>The array holds no bytes for the first {@code guard} addresses: address {@code a} is element
 * {@code a - guard}, so an access below the guard (a null pointer, or a small offset from one) has a
 * negative index and fails the same bounds check as an access beyond the end, at no extra cost.
 * Negative Java ints (addresses of 2^31 and up) minus the guard stay negative or exceed any length
 * the array can have ({@link #MAX_BYTES}), so they fail too.
 *
 * <p>Chicory's own ByteArrayMemory keeps 64 KiB pages and checks the page on every access;
 * kernels are memory-bound loops, and one flat array with one bounds check per access made them
 * two to three times faster in our measurements. Atomics use the VarHandles' volatile and
 * compare-and-exchange modes, so they are correct while several workers share the memory.
 *
 * <p>Growing replaces the array: the runtime only grows a session's memory between launches,
 * never while a kernel runs, which is what makes that safe.
 */
final class FlatMemory implements Memory {
    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle BYTE = MethodHandles.arrayElementVarHandle(byte[].class);

    /**
     * Array length limit with a guard (of at most one page): an int address minus the guard then never
     * wraps into the array.
     */
    static final long MAX_BYTES = (1L << 31) - 2L * PAGE_SIZE;

    private final int initialPages;
    private final int maximumPages;
    /** Addresses below this have no storage (see the class comment). */
    private final int guard;
    /** Whether this memory's sessions hand fast float rows to {@link VectorRows} (their back end's choice). */
    private boolean vectorRows = true;
    private byte[] bytes;
    private final ConcurrentHashMap<Integer, Object> monitors = new ConcurrentHashMap<>();

    /** @param guard the unbacked bytes at address 0: 0 or one page, within {@code initialPages} */
    FlatMemory(int initialPages, int maximumPages, int guard) {
        long maxBytes = (long) maximumPages * PAGE_SIZE - guard;
        if (initialPages < 0 || maximumPages < initialPages || guard < 0 || guard % PAGE_SIZE != 0
                || guard > PAGE_SIZE || (long) initialPages * PAGE_SIZE < guard
                || maxBytes > (guard == 0 ? Integer.MAX_VALUE : MAX_BYTES)) {
            throw new IllegalArgumentException("bad memory limits " + initialPages + ".." + maximumPages + " guard " + guard);
        }
        this.initialPages = initialPages;
        this.maximumPages = maximumPages;
        this.guard = guard;
        this.bytes = new byte[initialPages * PAGE_SIZE - guard];
    }

    private WasmRuntimeException outOfBounds(int address, int size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: "
                + Integer.toUnsignedString(address) + " (" + size + " bytes) but size is: " + sizeBytes()
                + (Integer.compareUnsigned(address, guard) < 0 ? " (addresses below " + guard + " are never valid)" : ""));
    }

    /** One past the highest valid address. */
    long sizeBytes() {
        return guard + (long) bytes.length;
    }

    boolean vectorRows() {
        return vectorRows;
    }

    /** Set once, before any kernel runs on this memory. */
    void vectorRows(boolean on) {
        vectorRows = on;
    }

    /** The lowest valid address. */
    int guard() {
        return guard;
    }

    /**
     * The array behind the memory (address {@code a} is element {@code a - guard}), for
     * {@link VectorRows}, which reads and writes whole vectors of it after checking the ranges itself.
     * Valid until the next {@link #grow}, which happens only between launches.
     */
    byte[] bytes() {
        return bytes;
    }

    @Override
    public int pages() {
        return (int) (sizeBytes() / PAGE_SIZE);
    }

    @Override
    public synchronized int grow(int delta) {
        int old = pages();
        long next = (long) old + delta;
        if (delta < 0 || next > maximumPages) {
            return -1;
        }
        if (delta > 0) {
            bytes = Arrays.copyOf(bytes, (int) (next * PAGE_SIZE - guard));
        }
        return old;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maximumPages;
    }

    @Override
    public boolean shared() {
        return true;
    }

    @Override
    @SuppressWarnings("removal")
    public Object lock(int address) {
        return monitors.computeIfAbsent(address, k -> new Object());
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, int expected, long timeout) {
        return await(address, () -> atomicReadInt(address) == expected, timeout);
    }

    @Override
    @SuppressWarnings("removal")
    public int waitOn(int address, long expected, long timeout) {
        return await(address, () -> atomicReadLong(address) == expected, timeout);
    }

    /** memory.atomic.wait: 0 woken, 1 value differed, 2 timed out. Kernels emitted by us never wait. */
    private int await(int address, java.util.function.BooleanSupplier stillExpected, long timeoutNanos) {
        Object m = lock(address);
        long deadline = timeoutNanos < 0 ? Long.MAX_VALUE : System.nanoTime() + timeoutNanos;
        synchronized (m) {
            if (!stillExpected.getAsBoolean()) {
                return 1;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return 2;
            }
            try {
                m.wait(remaining / 1_000_000L, (int) (remaining % 1_000_000L));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ChicoryInterruptedException("Thread interrupted");
            }
            return System.nanoTime() >= deadline ? 2 : 0;
        }
    }

    @Override
    @SuppressWarnings("removal")
    public int notify(int address, int maxThreads) {
        Object m = monitors.get(address);
        if (m == null) {
            return 0;
        }
        synchronized (m) {
            m.notifyAll();
        }
        return 0;
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        if (segments != null && segments.length > 0) {
            throw new ChicoryException("cuda-wasm modules carry no data segments; static data is written by the host");
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        throw new ChicoryException("cuda-wasm modules carry no data segments");
    }

    @Override
    public void write(int address, byte[] data, int offset, int size) {
        try {
            System.arraycopy(data, offset, bytes, address - guard, size);
        } catch (IndexOutOfBoundsException | ArrayStoreException e) {
            throw outOfBounds(address, size);
        }
    }

    @Override
    public byte read(int address) {
        try {
            return bytes[address - guard];
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 1);
        }
    }

    @Override
    public byte[] readBytes(int address, int length) {
        try {
            return Arrays.copyOfRange(bytes, address - guard, checkedEnd(address, length) - guard);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw outOfBounds(address, length);
        }
    }

    private int checkedEnd(int address, int length) {
        long end = (long) address + length;
        if (address < guard || length < 0 || end > guard + (long) bytes.length) {
            throw outOfBounds(address, length);
        }
        return (int) end;
    }

    @Override
    public void writeI32(int address, int value) {
        try {
            INT.set(bytes, address - guard, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 4);
        }
    }

    @Override
    public int readInt(int address) {
        try {
            return (int) INT.get(bytes, address - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 4);
        }
    }

    @Override
    public void writeLong(int address, long value) {
        try {
            LONG.set(bytes, address - guard, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 8);
        }
    }

    @Override
    public long readLong(int address) {
        try {
            return (long) LONG.get(bytes, address - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 8);
        }
    }

    @Override
    public void writeShort(int address, short value) {
        try {
            SHORT.set(bytes, address - guard, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 2);
        }
    }

    @Override
    public short readShort(int address) {
        try {
            return (short) SHORT.get(bytes, address - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 2);
        }
    }

    @Override
    public long readU16(int address) {
        return readShort(address) & 0xFFFFL;
    }

    @Override
    public void writeByte(int address, byte value) {
        try {
            bytes[address - guard] = value;
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 1);
        }
    }

    @Override
    public void writeF32(int address, float value) {
        try {
            FLOAT.set(bytes, address - guard, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 4);
        }
    }

    @Override
    public long readF32(int address) {
        return readInt(address) & 0xFFFF_FFFFL;
    }

    @Override
    public float readFloat(int address) {
        try {
            return (float) FLOAT.get(bytes, address - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 4);
        }
    }

    @Override
    public void writeF64(int address, double value) {
        try {
            DOUBLE.set(bytes, address - guard, value);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 8);
        }
    }

    @Override
    public double readDouble(int address) {
        try {
            return (double) DOUBLE.get(bytes, address - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(address, 8);
        }
    }

    @Override
    public long readF64(int address) {
        return readLong(address);
    }

    @Override
    public void zero() {
        Arrays.fill(bytes, (byte) 0);
    }

    @Override
    public void fill(byte value, int from, int to) {
        try {
            Arrays.fill(bytes, from - guard, to - guard, value);
        } catch (IndexOutOfBoundsException | IllegalArgumentException e) {
            throw outOfBounds(from, to - from);
        }
    }

    @Override
    public void copy(int destination, int source, int size) {
        try {
            System.arraycopy(bytes, source - guard, bytes, destination - guard, size);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(Math.max(destination, source), size);
        }
    }

    @Override
    public void drop(int segment) {
        // no data segments to drop
    }

    @Override
    public String readString(int address, int length) {
        return new String(readBytes(address, length), StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------ atomics

    private static RuntimeException atomicFault(RuntimeException e, int address, int size, FlatMemory m) {
        if (e instanceof IndexOutOfBoundsException) {
            return m.outOfBounds(address, size);
        }
        // byte-array views throw IllegalStateException for misaligned atomic access
        return new WasmRuntimeException("unaligned atomic access at address " + Integer.toUnsignedString(address));
    }

    @Override
    public void atomicFence() {
        VarHandle.fullFence();
    }

    @Override
    public int atomicReadInt(int a) {
        try {
            return (int) INT.getVolatile(bytes, a - guard);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public long atomicReadLong(int a) {
        try {
            return (long) LONG.getVolatile(bytes, a - guard);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public void atomicWriteInt(int a, int v) {
        try {
            INT.setVolatile(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public void atomicWriteLong(int a, long v) {
        try {
            LONG.setVolatile(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public int atomicAddInt(int a, int v) {
        try {
            return (int) INT.getAndAdd(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public int atomicAndInt(int a, int v) {
        try {
            return (int) INT.getAndBitwiseAnd(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public int atomicOrInt(int a, int v) {
        try {
            return (int) INT.getAndBitwiseOr(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public int atomicXorInt(int a, int v) {
        try {
            return (int) INT.getAndBitwiseXor(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public int atomicXchgInt(int a, int v) {
        try {
            return (int) INT.getAndSet(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public int atomicCmpxchgInt(int a, int expected, int replacement) {
        try {
            return (int) INT.compareAndExchange(bytes, a - guard, expected, replacement);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 4, this);
        }
    }

    @Override
    public long atomicAddLong(int a, long v) {
        try {
            return (long) LONG.getAndAdd(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public long atomicAndLong(int a, long v) {
        try {
            return (long) LONG.getAndBitwiseAnd(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public long atomicOrLong(int a, long v) {
        try {
            return (long) LONG.getAndBitwiseOr(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public long atomicXorLong(int a, long v) {
        try {
            return (long) LONG.getAndBitwiseXor(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public long atomicXchgLong(int a, long v) {
        try {
            return (long) LONG.getAndSet(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public long atomicCmpxchgLong(int a, long expected, long replacement) {
        try {
            return (long) LONG.compareAndExchange(bytes, a - guard, expected, replacement);
        } catch (IndexOutOfBoundsException | IllegalStateException e) {
            throw atomicFault(e, a, 8, this);
        }
    }

    @Override
    public byte atomicReadByte(int a) {
        try {
            return (byte) BYTE.getVolatile(bytes, a - guard);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(a, 1);
        }
    }

    @Override
    public void atomicWriteByte(int a, byte v) {
        try {
            BYTE.setVolatile(bytes, a - guard, v);
        } catch (IndexOutOfBoundsException e) {
            throw outOfBounds(a, 1);
        }
    }
}
