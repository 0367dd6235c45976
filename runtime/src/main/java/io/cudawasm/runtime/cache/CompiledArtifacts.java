package io.cudawasm.runtime.cache;

import java.util.Map;
import java.util.Objects;

/** What an {@link ArtifactCompiler} produces: named artifact bytes plus small string metadata. */
public record CompiledArtifacts(Map<String, byte[]> artifacts, Map<String, String> metadata) {

    public CompiledArtifacts {
        artifacts = Map.copyOf(Objects.requireNonNull(artifacts, "artifacts"));
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    public static CompiledArtifacts of(Map<String, byte[]> artifacts) {
        return new CompiledArtifacts(artifacts, Map.of());
    }
}
