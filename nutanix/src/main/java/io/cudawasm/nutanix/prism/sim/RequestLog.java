package io.cudawasm.nutanix.prism.sim;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** The most recent requests, bounded so that long benchmark runs do not grow without limit. */
final class RequestLog {
    static final int CAPACITY = 100_000;
    private final Deque<RecordedRequest> entries = new ArrayDeque<>();

    synchronized void add(RecordedRequest r) {
        if (entries.size() == CAPACITY) {
            entries.removeFirst();
        }
        entries.addLast(r);
    }

    synchronized List<RecordedRequest> snapshot() {
        return List.copyOf(entries);
    }

    synchronized void clear() {
        entries.clear();
    }
}
