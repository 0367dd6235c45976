package io.cudawasm.runtime.cache;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * Paths inside the cache root. Entry paths are built only from validated ids, artifact paths only
 * from validated names, so nothing a caller passes can point outside the root.
 *
 * <pre>
 * root/.lock                 FileLock for eviction and temp cleanup
 * root/tmp/                  writers' staging dirs, their lock files, entries being deleted
 * root/v1/ab/abcd...(64)/    one published entry: artifacts + cache-manifest.json
 * </pre>
 */
final class CacheLayout {
    static final String MANIFEST = "cache-manifest.json";
    static final String ENTRIES_DIR = "v1";

    /** Portable file names; no leading dot, so neither "." nor ".." nor hidden files. */
    private static final Pattern ARTIFACT_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

    private final Path root;
    private final Path entries;
    private final Path tmp;
    private final Path lockFile;

    CacheLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
        this.entries = this.root.resolve(ENTRIES_DIR);
        this.tmp = this.root.resolve("tmp");
        this.lockFile = this.root.resolve(".lock");
    }

    Path root() {
        return root;
    }

    Path entries() {
        return entries;
    }

    Path tmp() {
        return tmp;
    }

    Path lockFile() {
        return lockFile;
    }

    Path shardDir(String id) {
        return entries.resolve(CacheKey.requireValidId(id).substring(0, 2));
    }

    Path entryDir(String id) {
        String valid = CacheKey.requireValidId(id);
        return entries.resolve(valid.substring(0, 2)).resolve(valid);
    }

    void createDirectories() throws IOException {
        Files.createDirectories(entries);
        Files.createDirectories(tmp);
    }

    static boolean isValidArtifactName(String name) {
        return name != null && ARTIFACT_NAME.matcher(name).matches() && !name.equals(MANIFEST);
    }

    /** A published entry's directory name: its id, in lowercase as written. */
    static boolean isEntryName(String name) {
        return name.length() == 64 && name.chars().allMatch(c -> isLowerHex((char) c));
    }

    private static boolean isLowerHex(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f');
    }

    static boolean isShardName(String name) {
        return name.length() == 2 && isLowerHex(name.charAt(0)) && isLowerHex(name.charAt(1));
    }
}
