package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Points where tests can observe or disturb the cache deterministically (slow or failing writes,
 * callers joining an in-flight compile). Production code uses {@link #NONE}.
 */
interface CacheHooks {
    CacheHooks NONE = new CacheHooks() {};

    /** After each chunk of an artifact is written into staging dir {@code stagingDir}. */
    default void afterChunkWritten(Path stagingDir, String artifact, long written, long total) throws IOException {}

    /** A caller of getOrCompute found a compile of {@code id} in flight and is about to wait for it. */
    default void joinedInFlight(String id) {}
}
