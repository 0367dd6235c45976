package io.cudawasm.runtime.backend.cuda;

import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.source.CompileException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import jcuda.nvrtc.JNvrtc;
import jcuda.nvrtc.nvrtcProgram;
import jcuda.nvrtc.nvrtcResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CUDA C++ to PTX: from the disk cache when this source was compiled for this architecture
 * before, else with NVRTC (JCuda's JNvrtc, when libnvrtc is installed), else with {@code nvcc -ptx}
 * (when the toolkit is on the PATH or in $CUDA_HOME). Always with {@code -fmad=false}, so results
 * compare with the other back ends. Errors come back as diagnostics at the CUDA source lines.
 */
public final class PtxCompiler {
    private static final Logger LOG = LoggerFactory.getLogger(PtxCompiler.class);
    /** Virtual architectures tried, newest first, when only prepared PTX is available. */
    private static final List<String> FALLBACK_ARCHS = List.of("compute_90", "compute_89", "compute_86", "compute_80",
            "compute_75");

    private static String nvrtcReason;
    private static Boolean nvrtcAvailable;

    private final Path cacheDir;

    /** @param cacheDir where PTX is kept between runs (null: no cache) */
    public PtxCompiler(Path cacheDir) {
        this.cacheDir = cacheDir;
    }

    /** {@code -Dcudawasm.ptx.cache=DIR} ("off" to disable), else {@code ~/.cache/cuda-wasm/ptx}. */
    public static PtxCompiler fromSystemProperties() {
        String p = System.getProperty("cudawasm.ptx.cache");
        if ("off".equals(p)) {
            return new PtxCompiler(null);
        }
        return new PtxCompiler(p != null ? Path.of(p) : Path.of(System.getProperty("user.home"), ".cache", "cuda-wasm",
                "ptx"));
    }

    /** The flags every compilation uses besides the architecture. */
    public static List<String> flags() {
        return List.of("-fmad=false");
    }

    /** PTX for the program on {@code arch} (e.g. {@code compute_90}). */
    public String compile(CudaProgram program, String arch) {
        Optional<String> cached = cached(program, arch);
        if (cached.isPresent()) {
            return cached.get();
        }
        String ptx;
        if (nvrtcAvailable()) {
            ptx = nvrtc(program, arch);
        } else if (nvcc().isPresent()) {
            ptx = nvcc(program, arch, nvcc().get());
        } else {
            int at = FALLBACK_ARCHS.indexOf(arch);
            for (String older : at < 0 ? FALLBACK_ARCHS : FALLBACK_ARCHS.subList(at + 1, FALLBACK_ARCHS.size())) {
                Optional<String> prepared = cached(program, older);
                if (prepared.isPresent()) {
                    LOG.debug("using PTX prepared for {} on {}", older, arch);
                    return prepared.get();
                }
            }
            throw new IllegalStateException("no CUDA compiler here: NVRTC is unavailable (" + nvrtcReason() + ") and "
                    + "nvcc is not on the PATH; install libnvrtc, or prepare PTX with scripts/gpu-check.sh --prepare");
        }
        store(program, arch, ptx);
        return ptx;
    }

    /** Compiles with nvcc only (tests and PTX preparation). */
    public String compileWithNvcc(CudaProgram program, String arch) {
        Path nvcc = nvcc().orElseThrow(() -> new IllegalStateException("nvcc is not on the PATH"));
        String ptx = nvcc(program, arch, nvcc);
        store(program, arch, ptx);
        return ptx;
    }

    public static synchronized boolean nvrtcAvailable() {
        if (nvrtcAvailable == null) {
            try {
                int[] major = new int[1];
                int[] minor = new int[1];
                JNvrtc.setExceptionsEnabled(false);
                int rc = JNvrtc.nvrtcVersion(major, minor);
                nvrtcAvailable = rc == nvrtcResult.NVRTC_SUCCESS;
                nvrtcReason = nvrtcAvailable ? "NVRTC " + major[0] + "." + minor[0] : nvrtcResult.stringFor(rc);
            } catch (LinkageError e) {
                nvrtcAvailable = false;
                String m = String.valueOf(e.getMessage());
                nvrtcReason = m.contains("libnvrtc") ? "libnvrtc cannot be loaded" : CudaProbe.firstLine(m);
            }
        }
        return nvrtcAvailable;
    }

    public static synchronized String nvrtcReason() {
        nvrtcAvailable();
        return nvrtcReason;
    }

    /** nvcc on the PATH or under $CUDA_HOME/bin. */
    public static Optional<Path> nvcc() {
        List<Path> candidates = new ArrayList<>();
        String home = System.getenv("CUDA_HOME");
        if (home != null) {
            candidates.add(Path.of(home, "bin", "nvcc"));
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty()) {
                candidates.add(Path.of(dir, "nvcc"));
            }
        }
        return candidates.stream().filter(Files::isExecutable).findFirst();
    }

    private static String nvrtc(CudaProgram program, String arch) {
        nvrtcProgram prog = new nvrtcProgram();
        JNvrtc.nvrtcCreateProgram(prog, program.source(), "kernels.cu", 0, null, null);
        try {
            List<String> options = new ArrayList<>(List.of("--gpu-architecture=" + arch));
            options.addAll(flags());
            int rc = JNvrtc.nvrtcCompileProgram(prog, options.size(), options.toArray(String[]::new));
            String[] log = new String[1];
            JNvrtc.nvrtcGetProgramLog(prog, log);
            if (rc != nvrtcResult.NVRTC_SUCCESS) {
                throw new CompileException(program.diagnostics(log[0] == null ? nvrtcResult.stringFor(rc) : log[0]));
            }
            String[] ptx = new String[1];
            JNvrtc.nvrtcGetPTX(prog, ptx);
            return ptx[0];
        } finally {
            JNvrtc.nvrtcDestroyProgram(prog);
        }
    }

    private static String nvcc(CudaProgram program, String arch, Path nvcc) {
        Path dir = null;
        try {
            dir = Files.createTempDirectory("cuda-wasm-nvcc");
            Path src = dir.resolve("kernels.cu");
            Path out = dir.resolve("kernels.ptx");
            Files.writeString(src, program.source(), StandardCharsets.UTF_8);
            List<String> cmd = new ArrayList<>(List.of(nvcc.toString(), "-ptx", "-arch=" + arch));
            cmd.addAll(flags());
            cmd.addAll(List.of("-o", out.toString(), src.toString()));
            Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
            String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(300, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("nvcc did not finish within 300 s");
            }
            if (p.exitValue() != 0) {
                throw new CompileException(program.diagnostics(log));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run nvcc: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running nvcc", e);
        } finally {
            deleteQuietly(dir);
        }
    }

    private static void deleteQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (var files = Files.list(dir)) {
            for (Path f : files.toList()) {
                Files.deleteIfExists(f);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", dir, e.toString());
        }
    }

    /** The cache key: source, architecture and flags (the PTX of any compiler will do). */
    static String key(CudaProgram program, String arch) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(program.source().getBytes(StandardCharsets.UTF_8));
            md.update((byte) 0);
            md.update((arch + " " + String.join(" ", flags())).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Optional<String> cached(CudaProgram program, String arch) {
        if (cacheDir == null) {
            return Optional.empty();
        }
        Path p = cacheDir.resolve(key(program, arch) + ".ptx");
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.UTF_8)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void store(CudaProgram program, String arch, String ptx) {
        if (cacheDir == null) {
            return;
        }
        try {
            Files.createDirectories(cacheDir);
            Path tmp = Files.createTempFile(cacheDir, "ptx", ".tmp");
            Files.writeString(tmp, ptx, StandardCharsets.UTF_8);
            Path target = cacheDir.resolve(key(program, arch) + ".ptx");
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.debug("cannot cache PTX in {}: {}", cacheDir, e.toString());
        }
    }
}
