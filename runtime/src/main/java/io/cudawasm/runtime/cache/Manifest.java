package io.cudawasm.runtime.cache;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The {@code cache-manifest.json} of an entry: the key's canonical parts, every artifact with its
 * size and SHA-256, and the producer's metadata. It is the last file written into a staging dir,
 * and a reader trusts an artifact only if it matches the manifest.
 */
record Manifest(
        int format,
        String id,
        String created,
        Key key,
        Map<String, String> metadata,
        List<Artifact> artifacts,
        long totalBytes) {

    static final int FORMAT = 1;
    /** A manifest is small (the kernel source is the largest part); anything bigger is garbage. */
    static final long MAX_BYTES = 64L << 20;

    /** The key parts, plus the source's hash so a human can compare sources without reading them. */
    record Key(
            String source,
            String sourceSha256,
            Map<String, String> defines,
            List<String> options,
            String target,
            String compilerVersion) {}

    record Artifact(String name, long size, String sha256) {}

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    static Manifest describe(
            CacheKey key, Instant created, Map<String, byte[]> artifacts, Map<String, String> metadata) {
        KeyParts parts = key.parts();
        List<Artifact> described = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, byte[]> artifact : new TreeMap<>(artifacts).entrySet()) {
            byte[] bytes = artifact.getValue();
            described.add(new Artifact(artifact.getKey(), bytes.length, Hashing.sha256Hex(bytes)));
            total += bytes.length;
        }
        Key keyJson = new Key(
                parts.source(),
                Hashing.sha256Hex(parts.source().getBytes(StandardCharsets.UTF_8)),
                new TreeMap<>(parts.defines()),
                parts.options(),
                parts.target(),
                parts.compilerVersion());
        return new Manifest(FORMAT, key.id(), created.toString(), keyJson, new TreeMap<>(metadata), described, total);
    }

    byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialize manifest of " + id, e);
        }
    }

    static Manifest parse(byte[] json) throws IOException {
        Manifest manifest = JSON.readValue(json, Manifest.class);
        if (manifest == null) {
            throw new IOException("manifest is JSON null");
        }
        return manifest;
    }

    KeyParts keyParts() {
        return new KeyParts(key.source(), key.defines(), key.options(), key.target(), key.compilerVersion());
    }

    Instant createdInstant() {
        return Instant.parse(created);
    }

    /**
     * Checks everything that can be checked without the artifact files.
     *
     * @return {@code null} if consistent with being the manifest of entry {@code expectedId}, else why not
     */
    String inconsistency(String expectedId) {
        if (format != FORMAT) {
            return "unknown manifest format " + format;
        }
        if (!expectedId.equals(id)) {
            return "manifest names id " + id;
        }
        if (created == null || key == null || metadata == null || artifacts == null) {
            return "manifest lacks a field";
        }
        try {
            createdInstant();
        } catch (DateTimeParseException e) {
            return "bad creation time " + created;
        }
        if (key.source() == null || key.defines() == null || key.options() == null
                || key.target() == null || key.compilerVersion() == null) {
            return "manifest lacks a key part";
        }
        try {
            if (!keyParts().sha256Hex().equals(expectedId)) {
                return "key parts do not hash to the entry id";
            }
        } catch (IllegalArgumentException | NullPointerException e) {
            return "invalid key parts: " + e.getMessage();
        }
        if (metadata.containsKey(null) || metadata.containsValue(null)) {
            return "null in metadata";
        }
        if (artifacts.isEmpty()) {
            return "no artifacts";
        }
        Set<String> names = new HashSet<>();
        long sum = 0;
        for (Artifact artifact : artifacts) {
            if (artifact == null || !CacheLayout.isValidArtifactName(artifact.name()) || !names.add(artifact.name())) {
                return "bad or duplicate artifact name";
            }
            if (artifact.size() < 0 || artifact.size() > Integer.MAX_VALUE - 8) {
                return "bad size of " + artifact.name();
            }
            if (artifact.sha256() == null || !CacheKey.isValidId(artifact.sha256())) {
                return "bad sha256 of " + artifact.name();
            }
            sum += artifact.size();
        }
        if (sum != totalBytes) {
            return "totalBytes " + totalBytes + " is not the sum of artifact sizes " + sum;
        }
        return null;
    }
}
