package io.cudawasm.nutanix.deploy;

import java.util.Set;

/**
 * The worker's own settings, written to its ConfigMap as {@code CUDA_WASM_*} variables
 * (see {@link WorkerEnvironment} for the names the worker reads).
 *
 * @param maxConcurrentKernels launches the worker runs at once; more queue
 * @param backend {@code auto} (best device found), or one of {@code cuda}, {@code opencl}, {@code wasm}, {@code tornadovm}
 * @param logLevel {@code trace}, {@code debug}, {@code info}, {@code warn} or {@code error}
 * @param selfRegister whether the worker publishes its node's GPUs as labels or NodeFeatures
 * @param registerIntervalSeconds how often it refreshes them (the VM can move to another host)
 * @param registerMode labels on the Node, or an NFD NodeFeature object
 */
public record WorkerSettings(
        int maxConcurrentKernels,
        String backend,
        String logLevel,
        boolean selfRegister,
        int registerIntervalSeconds,
        RegisterMode registerMode) {

    private static final Set<String> BACKENDS = Set.of("auto", "cuda", "opencl", "wasm", "tornadovm");
    private static final Set<String> LOG_LEVELS = Set.of("trace", "debug", "info", "warn", "error");

    public static final WorkerSettings DEFAULT = new WorkerSettings(4, "auto", "info", true, 60, RegisterMode.LABELS);

    public WorkerSettings {
        if (maxConcurrentKernels < 1) {
            throw new IllegalArgumentException("max concurrent kernels must be at least 1, got " + maxConcurrentKernels);
        }
        if (!BACKENDS.contains(backend)) {
            throw new IllegalArgumentException("unknown backend '" + backend + "': expected one of " + sorted(BACKENDS));
        }
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("unknown log level '" + logLevel + "': expected one of " + sorted(LOG_LEVELS));
        }
        if (registerIntervalSeconds < 10) {
            throw new IllegalArgumentException(
                    "register interval must be at least 10 seconds, got " + registerIntervalSeconds);
        }
    }

    private static String sorted(Set<String> values) {
        return String.join(", ", new java.util.TreeSet<>(values));
    }
}
