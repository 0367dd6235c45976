package io.cudawasm.runtime.service.admission;

import java.util.concurrent.TimeUnit;

/**
 * A number of bytes that requests reserve before they use them and give back after: the heap of
 * running jobs, of kept outputs, of compiles. Reservations never exceed the capacity, so what the
 * budget guards cannot run the worker out of memory however many requests arrive.
 */
public final class ByteBudget {
    private final String name;
    private final long capacity;
    private long used;

    public ByteBudget(String name, long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException(name + ": capacity must be positive");
        }
        this.name = name;
        this.capacity = capacity;
    }

    public String name() {
        return name;
    }

    public long capacity() {
        return capacity;
    }

    public synchronized long used() {
        return used;
    }

    /** Whether {@code bytes} could ever be reserved (it is at most the capacity). */
    public boolean fits(long bytes) {
        return bytes <= capacity;
    }

    /** Reserves now or not at all. */
    public synchronized boolean tryReserve(long bytes) {
        check(bytes);
        if (used + bytes > capacity) {
            return false;
        }
        used += bytes;
        return true;
    }

    /**
     * Waits up to {@code timeout} for room.
     *
     * @return false when the time ran out first
     */
    public synchronized boolean reserve(long bytes, long timeout, TimeUnit unit) throws InterruptedException {
        check(bytes);
        if (!fits(bytes)) {
            return false;
        }
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        while (used + bytes > capacity) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        used += bytes;
        return true;
    }

    public synchronized void release(long bytes) {
        check(bytes);
        if (bytes > used) {
            throw new IllegalStateException(name + ": releasing " + bytes + " bytes but only " + used + " are reserved");
        }
        used -= bytes;
        notifyAll();
    }

    private static void check(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative byte count " + bytes);
        }
    }

    @Override
    public synchronized String toString() {
        return name + "[" + used + "/" + capacity + "]";
    }
}
