package io.cudawasm.runtime.backend.opencl;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Program binaries ({@code CL_PROGRAM_BINARIES}) on disk, keyed by the hash of the OpenCL source,
 * the build options and the device and driver, so a worker restart skips the source build.
 * Entries are written atomically; a broken or stale entry just means a source build.
 */
final class ProgramCache {
    private static final Logger LOG = LoggerFactory.getLogger(ProgramCache.class);

    private final Path dir;

    /** @param dir where binaries live; null disables the disk cache */
    ProgramCache(Path dir) {
        this.dir = dir;
    }

    /** {@code -Dcudawasm.opencl.cache=DIR} ("off" to disable), else {@code ~/.cache/cuda-wasm/opencl}. */
    static ProgramCache fromSystemProperties() {
        String p = System.getProperty("cudawasm.opencl.cache");
        if ("off".equals(p)) {
            return new ProgramCache(null);
        }
        return new ProgramCache(p != null ? Path.of(p)
                : Path.of(System.getProperty("user.home"), ".cache", "cuda-wasm", "opencl"));
    }

    static String key(String source, String buildOptions, OpenClDevice device) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (String part : new String[] {source, buildOptions, device.platformName(), device.platformVersion(),
                device.name(), device.driverVersion()}) {
                md.update(part.getBytes(StandardCharsets.UTF_8));
                md.update((byte) 0);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    Optional<byte[]> load(String key) {
        if (dir == null) {
            return Optional.empty();
        }
        Path p = dir.resolve(key + ".bin");
        try {
            return Files.exists(p) ? Optional.of(Files.readAllBytes(p)) : Optional.empty();
        } catch (IOException e) {
            LOG.debug("cannot read cached OpenCL binary {}: {}", p, e.toString());
            return Optional.empty();
        }
    }

    void store(String key, byte[] binary) {
        if (dir == null || binary.length == 0) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Path tmp = Files.createTempFile(dir, key, ".tmp");
            Files.write(tmp, binary);
            try {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.ATOMIC_MOVE,
                        StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, dir.resolve(key + ".bin"), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.debug("cannot cache OpenCL binary in {}: {}", dir, e.toString());
        }
    }

    /** Removes a cached binary (it failed to load). */
    void evict(String key) {
        if (dir != null) {
            try {
                Files.deleteIfExists(dir.resolve(key + ".bin"));
            } catch (IOException e) {
                LOG.debug("cannot remove cached OpenCL binary {}: {}", key, e.toString());
            }
        }
    }
}
