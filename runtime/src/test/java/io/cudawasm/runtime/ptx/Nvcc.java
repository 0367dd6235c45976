package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code nvcc -ptx} on CUDA source to produce the PTX the tests feed the PTX front end
 * (generated PTX is never committed). Results are cached under {@code target/} by a hash of the
 * source, the flags and the nvcc version, so repeated builds do not pay for nvcc again. nvcc is
 * taken from the PATH, else from {@code /usr/local/cuda/bin}; without it the tests fail (the
 * build machine and CI have it).
 */
public final class Nvcc {
    private static final Path CACHE = Path.of("target", "ptx-cache");
    private static String version;

    private Nvcc() {}

    /** One nvcc configuration: a virtual architecture and whether a*b+c may be contracted to fma. */
    public record Config(String arch, boolean fmad) {
        List<String> flags() {
            List<String> f = new ArrayList<>(List.of("-ptx", "-arch=" + arch));
            if (!fmad) {
                f.add("-fmad=false");
            }
            return f;
        }

        @Override
        public String toString() {
            return arch + (fmad ? " (default flags: fma contraction)" : " -fmad=false");
        }
    }

    static synchronized String version() {
        if (version == null) {
            version = run(List.of(executable(), "--version"), null).trim();
        }
        return version;
    }

    /** PTX for {@code source} compiled with {@code config} and extra flags such as {@code -DN=64}. */
    public static String ptx(String source, Config config, List<String> extra) {
        List<String> flags = new ArrayList<>(config.flags());
        flags.addAll(extra);
        String key = hash(version() + "\n" + String.join(" ", flags) + "\n" + source);
        Path cached = CACHE.resolve(key + ".ptx");
        try {
            if (Files.isRegularFile(cached)) {
                return Files.readString(cached, StandardCharsets.UTF_8);
            }
            Path dir = Files.createTempDirectory("cuda-wasm-nvcc");
            try {
                Path cu = dir.resolve("kernel.cu");
                Files.writeString(cu, source, StandardCharsets.UTF_8);
                Path out = dir.resolve("kernel.ptx");
                List<String> cmd = new ArrayList<>(List.of(executable()));
                cmd.addAll(flags);
                cmd.addAll(List.of(cu.toString(), "-o", out.toString()));
                run(cmd, dir);
                String ptx = Files.readString(out, StandardCharsets.UTF_8);
                Files.createDirectories(CACHE);
                Path tmp = Files.createTempFile(CACHE, key, ".tmp");
                Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
                Files.move(tmp, cached, java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                return ptx;
            } finally {
                try (var files = Files.list(dir)) {
                    for (Path p : files.toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                Files.deleteIfExists(dir);
            }
        } catch (IOException e) {
            throw new IllegalStateException("nvcc output could not be read or cached: " + e.getMessage(), e);
        }
    }

    /** nvcc from the PATH, or the default CUDA installation when the PATH lacks it. */
    static String executable() {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "nvcc"))) {
                return Path.of(dir, "nvcc").toString();
            }
        }
        return "/usr/local/cuda/bin/nvcc";
    }

    private static String run(List<String> cmd, Path dir) {
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            if (dir != null) {
                pb.directory(dir.toFile());
            }
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("nvcc timed out: " + cmd);
            }
            String text = new String(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail("nvcc failed (" + p.exitValue() + "): " + String.join(" ", cmd) + "\n" + text);
            }
            return text;
        } catch (IOException e) {
            return fail("nvcc is needed for the PTX tests (on the PATH or in /usr/local/cuda/bin): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while running nvcc");
        }
    }

    private static String hash(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(md.digest(s.getBytes(StandardCharsets.UTF_8))).substring(0, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
