package io.cudawasm.runtime.cache;

import io.cudawasm.runtime.cache.EntryScanner.ScannedEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Chooses which entries to evict; pure functions over a scan, so the order is easy to test. */
final class LruPolicy {
    private LruPolicy() {}

    /** Least recently used first; ties broken by id so every process agrees on the order. */
    static final Comparator<ScannedEntry> LEAST_RECENT_FIRST =
            Comparator.comparing(ScannedEntry::lastAccess).thenComparing(ScannedEntry::id);

    /**
     * Entries to evict, least recently used first, until the rest fit in {@code maxBytes}.
     * {@code protectedId} (the entry just written, or {@code null}) is never chosen, even if it
     * alone exceeds the cap.
     */
    static List<ScannedEntry> overCap(List<ScannedEntry> entries, long maxBytes, String protectedId) {
        long total = entries.stream().mapToLong(ScannedEntry::diskBytes).sum();
        List<ScannedEntry> victims = new ArrayList<>();
        List<ScannedEntry> ordered = new ArrayList<>(entries);
        ordered.sort(LEAST_RECENT_FIRST);
        for (ScannedEntry entry : ordered) {
            if (total <= maxBytes) {
                break;
            }
            if (!entry.id().equals(protectedId)) {
                victims.add(entry);
                total -= entry.diskBytes();
            }
        }
        return victims;
    }

    /** Entries last used before {@code cutoff}, least recently used first. */
    static List<ScannedEntry> idleSince(List<ScannedEntry> entries, Instant cutoff) {
        return entries.stream()
                .filter(entry -> entry.lastAccess().isBefore(cutoff))
                .sorted(LEAST_RECENT_FIRST)
                .toList();
    }
}
