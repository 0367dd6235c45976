package io.cudawasm.runtime.cache;

/**
 * Receives cache events, for example to feed metrics. Called on the thread doing the work; keep
 * implementations fast and non-blocking. Exceptions thrown here are logged and ignored.
 */
public interface CacheListener {

    CacheListener NONE = new CacheListener() {};

    default void onHit(String id) {}

    default void onMiss(String id) {}

    /** An entry failed verification and was discarded; {@code reason} says what was wrong. */
    default void onCorrupt(String id, String reason) {}

    /** An entry was removed by the size cap or by pruning. */
    default void onEviction(String id, long bytes) {}

    /** An entry with {@code bytes} artifact bytes was published. */
    default void onWrite(String id, long bytes) {}

    /** An entry could not be stored; the job goes on without caching. */
    default void onWriteFailure(String id, Exception cause) {}
}
