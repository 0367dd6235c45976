package io.cudawasm.runtime.cache;

import java.io.IOException;

/** The cache directory could not be changed (full disk, read-only or missing volume, ...). */
public final class CacheWriteException extends IOException {
    private final String id;

    public CacheWriteException(String id, String message, Throwable cause) {
        super(message, cause);
        this.id = id;
    }

    /** The key id concerned, or {@code null} for directory-wide operations. */
    public String id() {
        return id;
    }
}
