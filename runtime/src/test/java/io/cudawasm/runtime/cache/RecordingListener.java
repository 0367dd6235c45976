package io.cudawasm.runtime.cache;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records every cache event as "kind id" (or "kind id detail"). */
final class RecordingListener implements CacheListener {
    final List<String> events = new CopyOnWriteArrayList<>();

    @Override
    public void onHit(String id) {
        events.add("hit " + id);
    }

    @Override
    public void onMiss(String id) {
        events.add("miss " + id);
    }

    @Override
    public void onCorrupt(String id, String reason) {
        events.add("corrupt " + id + " " + reason);
    }

    @Override
    public void onEviction(String id, long bytes) {
        events.add("eviction " + id);
    }

    @Override
    public void onWrite(String id, long bytes) {
        events.add("write " + id + " " + bytes);
    }

    @Override
    public void onWriteFailure(String id, Exception cause) {
        events.add("writeFailure " + id);
    }

    List<String> ofKind(String kind) {
        return events.stream().filter(e -> e.startsWith(kind + " ")).toList();
    }
}
