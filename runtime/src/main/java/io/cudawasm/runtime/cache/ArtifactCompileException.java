package io.cudawasm.runtime.cache;

/** The {@link ArtifactCompiler} failed, or returned something that cannot be stored. */
public final class ArtifactCompileException extends Exception {
    private final String id;

    public ArtifactCompileException(String id, String message, Throwable cause) {
        super(message, cause);
        this.id = id;
    }

    public String id() {
        return id;
    }
}
