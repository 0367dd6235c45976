package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.Memory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * What the host does before a kernel's atomic load ({@code KernelAbi.SPIN_WAIT}): nothing, unless
 * the thread keeps reading the same value at the same address in quick succession, which is a
 * spin-wait for another block (nvcc's grid barrier: thread 0 of each block reads the barrier
 * counter until the last block arrives). A cooperative launch runs every block on a thread of its
 * own, far more threads than cores, so a spinning thread would take the cores from the blocks it
 * waits for (64 blocks on two cores ran nvcc's grid barrier about 1,000 times slower than the
 * source path's blocking one). It spins a little, then yields, then parks for a time that grows
 * with the wait (at most {@link #MAX_PARK_NANOS}), as spin locks back off.
 */
final class SpinBackoff {
    private SpinBackoff() {}

    /** Reads this close after the previous one (on this thread) count as one spin. */
    private static final long TIGHT_NANOS = TimeUnit.MICROSECONDS.toNanos(20);
    private static final int SPINS_BEFORE_YIELDING = 32;
    private static final long YIELD_NANOS = TimeUnit.MICROSECONDS.toNanos(200);
    private static final long MAX_PARK_NANOS = TimeUnit.MICROSECONDS.toNanos(500);

    /** One thread's current wait: the word it reads, the value it saw, since when. */
    private static final class Wait {
        int address = -1;
        int value;
        int spins;
        long since;
        long lastReturn;
    }

    private static final ThreadLocal<Wait> WAITS = ThreadLocal.withInitial(Wait::new);

    static void beforeLoad(Memory memory, int address) {
        Wait w = WAITS.get();
        long now = System.nanoTime();
        // an address the kernel cannot read faults in its own load, right after this
        int value = (address & 3) == 0 ? safeRead(memory, address) : 0;
        if (address != w.address || value != w.value || now - w.lastReturn > TIGHT_NANOS) {
            w.address = address;
            w.value = value;
            w.spins = 0;
            w.since = now;
        } else if (++w.spins > SPINS_BEFORE_YIELDING) {
            long waited = now - w.since;
            if (waited < YIELD_NANOS) {
                Thread.yield();
            } else {
                LockSupport.parkNanos(Math.min(MAX_PARK_NANOS, waited / 8));
            }
        }
        w.lastReturn = System.nanoTime();
    }

    private static int safeRead(Memory memory, int address) {
        try {
            return memory.atomicReadInt(address);
        } catch (RuntimeException e) {
            return 0;
        }
    }
}
