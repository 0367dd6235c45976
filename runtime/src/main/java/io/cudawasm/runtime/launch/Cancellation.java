package io.cudawasm.runtime.launch;

import java.util.ArrayList;
import java.util.List;

/** Lets another thread stop a running launch (a DELETE on the job, a shutdown). */
public final class Cancellation {
    private final List<Runnable> listeners = new ArrayList<>();
    private boolean cancelled;

    public synchronized void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        for (Runnable r : listeners) {
            r.run();
        }
    }

    public synchronized boolean isCancelled() {
        return cancelled;
    }

    /** Runs {@code r} on cancellation (at once when already cancelled); returns a handle that removes it. */
    public synchronized Runnable onCancel(Runnable r) {
        if (cancelled) {
            r.run();
            return () -> { };
        }
        listeners.add(r);
        return () -> {
            synchronized (this) {
                listeners.remove(r);
            }
        };
    }
}
