package io.cudawasm.runtime.backend.wasm;

import java.util.HashSet;
import java.util.Set;

/**
 * The pool threads currently running one launch, so the launch can be stopped by interrupting
 * exactly them (Chicory's compiled code checks the interrupt flag at every backward branch).
 * A thread is only interrupted while registered, and leaves with its flag cleared, so an
 * interrupt never leaks into the next task the pool gives that thread.
 */
final class RunningWorkers {
    private final Set<Thread> threads = new HashSet<>();
    private boolean stopped;

    /** Registers the calling thread; false when the launch was already stopped. */
    synchronized boolean enter() {
        if (stopped) {
            return false;
        }
        threads.add(Thread.currentThread());
        return true;
    }

    synchronized void leave() {
        threads.remove(Thread.currentThread());
        Thread.interrupted();
    }

    synchronized boolean stopped() {
        return stopped;
    }

    synchronized void stop() {
        stopped = true;
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
