package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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

    /** One source to compile: with a configuration and extra flags such as {@code -DN=64}. */
    public record Job(String source, Config config, List<String> extra) {}

    /** PTX for {@code source} compiled with {@code config} and extra flags such as {@code -DN=64}. */
    public static String ptx(String source, Config config, List<String> extra) {
        Job job = new Job(source, config, extra);
        Path cached = cached(job);
        if (!Files.isRegularFile(cached)) {
            compile(List.of(job));
        }
        try {
            return Files.readString(cached, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("nvcc output could not be read: " + e.getMessage(), e);
        }
    }

    /**
     * Compiles every job not cached yet, with one nvcc run per set of flags (nvcc's start-up is
     * most of its time: three small files take 1.2 s together, 0.7 s each alone), two runs at a time.
     */
    public static void prefetch(List<Job> jobs) throws InterruptedException, ExecutionException {
        Map<List<String>, List<Job>> groups = new LinkedHashMap<>();
        for (Job j : jobs) {
            if (!Files.isRegularFile(cached(j))) {
                groups.computeIfAbsent(flags(j), f -> new ArrayList<>()).add(j);
            }
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> runs = new ArrayList<>();
            for (List<Job> group : groups.values()) {
                int half = (group.size() + 1) / 2;
                runs.add(pool.submit(() -> compile(group.subList(0, half))));
                if (half < group.size()) {
                    runs.add(pool.submit(() -> compile(group.subList(half, group.size()))));
                }
            }
            for (Future<?> f : runs) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
    }

    private static List<String> flags(Job j) {
        List<String> flags = new ArrayList<>(j.config().flags());
        flags.addAll(j.extra());
        return flags;
    }

    private static Path cached(Job j) {
        return CACHE.resolve(hash(version() + "\n" + String.join(" ", flags(j)) + "\n" + j.source()) + ".ptx");
    }

    /** One nvcc run for jobs that share their flags; each output lands in the cache. */
    private static void compile(List<Job> jobs) {
        try {
            Path dir = Files.createTempDirectory("cuda-wasm-nvcc");
            try {
                List<String> cmd = new ArrayList<>(List.of(executable()));
                cmd.addAll(flags(jobs.get(0)));
                cmd.addAll(List.of("-odir", dir.toString()));
                Map<Job, Path> outputs = new LinkedHashMap<>();
                for (int i = 0; i < jobs.size(); i++) {
                    Path cu = dir.resolve("k" + i + ".cu");
                    Files.writeString(cu, jobs.get(i).source(), StandardCharsets.UTF_8);
                    cmd.add(cu.toString());
                    outputs.put(jobs.get(i), dir.resolve("k" + i + ".ptx"));
                }
                run(cmd, dir);
                Files.createDirectories(CACHE);
                for (Map.Entry<Job, Path> e : outputs.entrySet()) {
                    Path cached = cached(e.getKey());
                    Path tmp = Files.createTempFile(CACHE, "nvcc", ".tmp");
                    Files.copy(e.getValue(), tmp, StandardCopyOption.REPLACE_EXISTING);
                    Files.move(tmp, cached, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                }
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
