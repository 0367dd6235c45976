package io.cudawasm.runtime.cache;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One verified set of compiled artifacts.
 *
 * <p>{@code artifacts} maps a file name (for example {@code module.wasm}, {@code kernel.ptx}) to
 * its bytes; {@code metadata} is the small string map the producer stored with it;
 * {@code totalBytes} is the sum of the artifact sizes. The byte arrays are not copied (modules can
 * be large): treat them as read-only. The cache keeps no reference to them.
 */
public record CacheEntry(
        String id,
        Map<String, byte[]> artifacts,
        Instant created,
        String compilerVersion,
        String target,
        Map<String, String> metadata,
        long totalBytes) {

    public CacheEntry {
        id = CacheKey.requireValidId(id);
        artifacts = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(artifacts, "artifacts")));
        Objects.requireNonNull(created, "created");
        Objects.requireNonNull(compilerVersion, "compilerVersion");
        Objects.requireNonNull(target, "target");
        metadata = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(metadata, "metadata")));
    }

    /** The bytes of one artifact, if present. */
    public Optional<byte[]> artifact(String name) {
        return Optional.ofNullable(artifacts.get(name));
    }

    /** Artifact arrays are compared by content, not identity. */
    @Override
    public boolean equals(Object other) {
        if (!(other instanceof CacheEntry that)) {
            return false;
        }
        if (!id.equals(that.id) || totalBytes != that.totalBytes || !created.equals(that.created)
                || !compilerVersion.equals(that.compilerVersion) || !target.equals(that.target)
                || !metadata.equals(that.metadata) || !artifacts.keySet().equals(that.artifacts.keySet())) {
            return false;
        }
        return artifacts.entrySet().stream()
                .allMatch(e -> Arrays.equals(e.getValue(), that.artifacts.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        return Objects.hash(id, artifacts.keySet(), totalBytes, created, compilerVersion, target, metadata);
    }

    /** Sizes instead of bytes, so entries can be logged. */
    @Override
    public String toString() {
        StringBuilder sizes = new StringBuilder();
        artifacts.forEach((name, bytes) -> sizes.append(sizes.length() == 0 ? "" : ", ")
                .append(name).append('=').append(bytes.length).append('B'));
        return "CacheEntry[id=" + id + ", artifacts={" + sizes + "}, created=" + created
                + ", compilerVersion=" + compilerVersion + ", target=" + target
                + ", metadata=" + metadata + ", totalBytes=" + totalBytes + "]";
    }
}
