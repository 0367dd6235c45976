package io.cudawasm.runtime.executor;

import io.cudawasm.kernels.CompileLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How native back ends (OpenCL, CUDA, TornadoVM) are run: in an executor process per device
 * (the default) or, for benchmarks and debugging only, in the worker's own JVM; how the executor
 * JVM is started; when a crashing executor counts as a crash loop; and what {@code auto} picks on a
 * node without a GPU. Read from {@code CUDA_WASM_*} variables by {@link #fromEnvironment}.
 *
 * @param isolated run native back ends in executor processes (false: in this JVM, unprotected)
 * @param autoCpuBackend {@code wasm} (default) or {@code opencl}: what {@code auto} picks without a GPU
 * @param maxHeap the executor JVM's {@code -Xmx} (buffers live outside the heap)
 * @param jvmOptions further options for the executor JVM
 * @param directory where executors keep their socket and shared buffers (null: /dev/shm when it holds 1 GiB,
 *     else the temp folder)
 * @param crashLimit executor deaths (crashes, hangs, resets after a fault) within {@code crashWindow}
 *     that make the device unavailable for {@code cooldown}
 * @param startTimeout how long an executor may take to start and open its device
 * @param requestTimeout how long any request but a launch may take before the executor counts as hung
 * @param hangGrace how long past a launch's time limit the executor may stay silent before it is killed
 * @param testHooks accept {@link Request.ArmCrash}: tests only, never set from the environment
 * @param compileLimits the limits the worker compiles with; executors compile the same kernels again
 *     (from the compile request) under them, with more time
 */
public record ExecutorSettings(boolean isolated, String autoCpuBackend, String maxHeap, List<String> jvmOptions,
        Path directory, int crashLimit, Duration crashWindow, Duration cooldown, Duration startTimeout,
        Duration requestTimeout, Duration hangGrace, boolean testHooks, CompileLimits compileLimits) {

    public static final String ENV_EXECUTOR = "CUDA_WASM_EXECUTOR";
    public static final String ENV_AUTO_CPU_BACKEND = "CUDA_WASM_AUTO_CPU_BACKEND";
    public static final String ENV_HEAP = "CUDA_WASM_EXECUTOR_HEAP";
    public static final String ENV_JAVA_OPTS = "CUDA_WASM_EXECUTOR_JAVA_OPTS";
    public static final String ENV_DIR = "CUDA_WASM_EXECUTOR_DIR";
    public static final String ENV_CRASH_LIMIT = "CUDA_WASM_EXECUTOR_CRASH_LIMIT";
    public static final String ENV_CRASH_WINDOW = "CUDA_WASM_EXECUTOR_CRASH_WINDOW_SECONDS";
    public static final String ENV_COOLDOWN = "CUDA_WASM_EXECUTOR_COOLDOWN_SECONDS";

    public ExecutorSettings {
        Objects.requireNonNull(autoCpuBackend, "autoCpuBackend");
        Objects.requireNonNull(maxHeap, "maxHeap");
        Objects.requireNonNull(compileLimits, "compileLimits");
        jvmOptions = List.copyOf(jvmOptions);
        if (!autoCpuBackend.equals("wasm") && !autoCpuBackend.equals("opencl")) {
            throw new IllegalArgumentException(ENV_AUTO_CPU_BACKEND + " must be wasm or opencl, got '" + autoCpuBackend
                    + "'");
        }
        if (autoCpuBackend.equals("opencl") && !isolated) {
            throw new IllegalArgumentException(ENV_AUTO_CPU_BACKEND + "=opencl needs " + ENV_EXECUTOR + "=process: "
                    + "auto never runs native code inside the worker");
        }
        if (crashLimit < 1) {
            throw new IllegalArgumentException(ENV_CRASH_LIMIT + " must be at least 1, got " + crashLimit);
        }
        for (Duration d : List.of(crashWindow, cooldown, startTimeout, requestTimeout, hangGrace)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("executor durations must be positive, got " + d);
            }
        }
    }

    /** Executors with the defaults: 512 MiB heap, 5 deaths in 60 s make a device unavailable for 30 s. */
    public static ExecutorSettings defaults() {
        return new ExecutorSettings(true, "wasm", "512m", List.of(), null, 5, Duration.ofSeconds(60),
                Duration.ofSeconds(30), Duration.ofSeconds(60), Duration.ofSeconds(300), Duration.ofSeconds(5), false,
                CompileLimits.defaults());
    }

    /** Native back ends inside this JVM: what the command line's one-shot {@code run} and the in-process benchmarks use. */
    public static ExecutorSettings inProcess() {
        return defaults().withIsolated(false);
    }

    /** Reads the {@code CUDA_WASM_EXECUTOR*} and {@code CUDA_WASM_AUTO_CPU_BACKEND} variables. */
    public static ExecutorSettings fromEnvironment(Map<String, String> env) {
        ExecutorSettings d = defaults();
        String mode = text(env, ENV_EXECUTOR, "process").toLowerCase(Locale.ROOT);
        boolean isolated = switch (mode) {
            case "process" -> true;
            case "in-process" -> false;
            default -> throw new IllegalArgumentException(ENV_EXECUTOR + " must be process or in-process, got '" + mode
                    + "'");
        };
        String javaOpts = text(env, ENV_JAVA_OPTS, "").strip();
        String dir = text(env, ENV_DIR, null);
        return new ExecutorSettings(isolated, text(env, ENV_AUTO_CPU_BACKEND, d.autoCpuBackend()).toLowerCase(Locale.ROOT),
                text(env, ENV_HEAP, d.maxHeap()), javaOpts.isEmpty() ? List.of() : Arrays.asList(javaOpts.split("\\s+")),
                dir == null ? null : Path.of(dir), integer(env, ENV_CRASH_LIMIT, d.crashLimit()),
                seconds(env, ENV_CRASH_WINDOW, d.crashWindow()), seconds(env, ENV_COOLDOWN, d.cooldown()),
                d.startTimeout(), d.requestTimeout(), d.hangGrace(), false, d.compileLimits());
    }

    private static String text(Map<String, String> env, String name, String fallback) {
        String v = env.get(name);
        return v == null || v.isBlank() ? fallback : v.strip();
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = text(env, name, null);
        try {
            return v == null ? fallback : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer, got '" + v + "'");
        }
    }

    private static Duration seconds(Map<String, String> env, String name, Duration fallback) {
        String v = text(env, name, null);
        try {
            return v == null ? fallback : Duration.ofMillis(Math.round(Double.parseDouble(v) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be a number of seconds, got '" + v + "'");
        }
    }

    /**
     * The folder executors live under: the configured one, else /dev/shm (tmpfs) when it is writable
     * and holds at least 1 GiB, else the temp folder. A container's /dev/shm is 64 MiB unless the pod
     * mounts a larger one, too small for the buffers of one big job; files in the temp folder are
     * mapped through the page cache just the same (they are unlinked at once, so rarely written back).
     */
    public Path baseDirectory() {
        if (directory != null) {
            return directory;
        }
        Path shm = Path.of("/dev/shm");
        try {
            if (Files.isDirectory(shm) && Files.isWritable(shm) && Files.getFileStore(shm).getTotalSpace() >= 1L << 30) {
                return shm;
            }
        } catch (java.io.IOException e) {
            // not usable: the temp folder
        }
        return Path.of(System.getProperty("java.io.tmpdir"));
    }

    public ExecutorSettings withIsolated(boolean v) {
        return new ExecutorSettings(v, v ? autoCpuBackend : "wasm", maxHeap, jvmOptions, directory, crashLimit,
                crashWindow, cooldown, startTimeout, requestTimeout, hangGrace, testHooks, compileLimits);
    }

    public ExecutorSettings withAutoCpuBackend(String v) {
        return new ExecutorSettings(isolated, v, maxHeap, jvmOptions, directory, crashLimit, crashWindow, cooldown,
                startTimeout, requestTimeout, hangGrace, testHooks, compileLimits);
    }

    public ExecutorSettings withCrashLoop(int limit, Duration window, Duration cool) {
        return new ExecutorSettings(isolated, autoCpuBackend, maxHeap, jvmOptions, directory, limit, window, cool,
                startTimeout, requestTimeout, hangGrace, testHooks, compileLimits);
    }

    public ExecutorSettings withHangGrace(Duration v) {
        return new ExecutorSettings(isolated, autoCpuBackend, maxHeap, jvmOptions, directory, crashLimit, crashWindow,
                cooldown, startTimeout, requestTimeout, v, testHooks, compileLimits);
    }

    public ExecutorSettings withDirectory(Path v) {
        return new ExecutorSettings(isolated, autoCpuBackend, maxHeap, jvmOptions, v, crashLimit, crashWindow, cooldown,
                startTimeout, requestTimeout, hangGrace, testHooks, compileLimits);
    }

    public ExecutorSettings withMaxHeap(String v) {
        return new ExecutorSettings(isolated, autoCpuBackend, v, jvmOptions, directory, crashLimit, crashWindow,
                cooldown, startTimeout, requestTimeout, hangGrace, testHooks, compileLimits);
    }

    /** The worker's compile limits, for the executors' own compiles of its kernels. */
    public ExecutorSettings withCompileLimits(CompileLimits v) {
        return new ExecutorSettings(isolated, autoCpuBackend, maxHeap, jvmOptions, directory, crashLimit, crashWindow,
                cooldown, startTimeout, requestTimeout, hangGrace, testHooks, v);
    }

    /** Lets tests crash an executor on purpose ({@link Request.ArmCrash}); nothing a request can reach. */
    public ExecutorSettings withTestHooks(boolean v) {
        return new ExecutorSettings(isolated, autoCpuBackend, maxHeap, jvmOptions, directory, crashLimit, crashWindow,
                cooldown, startTimeout, requestTimeout, hangGrace, v, compileLimits);
    }
}
