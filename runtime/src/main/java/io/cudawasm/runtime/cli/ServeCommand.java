package io.cudawasm.runtime.cli;

import io.cudawasm.runtime.logging.LogFormat;
import io.cudawasm.runtime.service.WorkerService;
import io.cudawasm.runtime.service.config.LogLevels;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm serve}: runs the worker until SIGTERM (or Ctrl-C), then drains it: new jobs are
 * refused, accepted ones get the grace period to finish, the rest are failed explicitly.
 * Configuration comes from {@code CUDA_WASM_*} variables; flags override them.
 */
@Command(name = "serve", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Run the worker: HTTP job API, kernel cache, metrics (configured by CUDA_WASM_* variables).",
        footer = {"", "Example: cuda-wasm serve --port 8080 --cache-dir ./kernel-cache",
            "         curl -s localhost:8080/v1/capabilities"})
public final class ServeCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--port", paramLabel = "PORT", description = "TCP port (CUDA_WASM_PORT, default 8080; 0: any free port).")
    Integer port;

    @Option(names = "--bind", paramLabel = "ADDRESS", description = "Interface to listen on (CUDA_WASM_BIND, default 0.0.0.0).")
    String bind;

    @Option(names = "--cache-dir", paramLabel = "DIR", description = "Kernel cache folder (CUDA_WASM_KERNEL_CACHE_DIR).")
    Path cacheDir;

    @Option(names = "--cache-max-bytes", paramLabel = "SIZE", description = "Cache size cap, e.g. 8Gi (CUDA_WASM_CACHE_MAX_BYTES).")
    String cacheMaxBytes;

    @Option(names = "--max-concurrent", paramLabel = "N", description = "Jobs running at once (CUDA_WASM_MAX_CONCURRENT_KERNELS).")
    Integer maxConcurrent;

    @Option(names = "--max-queued", paramLabel = "N", description = "Jobs waiting beyond those (CUDA_WASM_MAX_QUEUED_JOBS).")
    Integer maxQueued;

    @Option(names = "--backend", paramLabel = "NAME", description = "Default back end: auto, wasm, opencl, cuda (CUDA_WASM_BACKEND).")
    String backend;

    @Option(names = "--sandbox-only", description = "Run every job in the WebAssembly sandbox (CUDA_WASM_SANDBOX_ONLY).")
    Boolean sandboxOnly;

    @Option(names = "--workers", paramLabel = "N", description = "CPU worker threads, 0 = all cores (CUDA_WASM_WORKERS).")
    Integer workers;

    @Option(names = "--log-level", paramLabel = "LEVEL", description = "trace, debug, info, warn, error (CUDA_WASM_LOG_LEVEL).")
    String logLevel;

    @Option(names = "--log-format", paramLabel = "text|json",
            description = "Log lines as text or as one JSON object each (CUDA_WASM_LOG_FORMAT, default text).")
    String logFormat;

    @Option(names = "--auth-token-file", paramLabel = "FILE", description = "Require this bearer token on /v1 (CUDA_WASM_AUTH_TOKEN_FILE).")
    Path authTokenFile;

    @Option(names = "--max-request-bytes", paramLabel = "SIZE", description = "Largest request body (CUDA_WASM_MAX_REQUEST_BYTES).")
    String maxRequestBytes;

    @Option(names = "--max-job-memory", paramLabel = "SIZE", description = "Buffers per job (CUDA_WASM_MAX_JOB_MEMORY_BYTES).")
    String maxJobMemory;

    @Option(names = "--job-time-limit", paramLabel = "SECONDS", description = "Longest job (CUDA_WASM_JOB_TIME_LIMIT_SECONDS).")
    String jobTimeLimit;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS", description = "Drain time on SIGTERM (CUDA_WASM_SHUTDOWN_GRACE_SECONDS).")
    String shutdownGrace;

    @Option(names = "--prewarm", paramLabel = "LIST", description = "Kernels to compile at start-up (CUDA_WASM_PREWARM_FILE).")
    Path prewarm;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        WorkerConfig config = configure(System.getenv());
        LogLevels.apply(config.logLevel());
        LogFormat format = LogFormat.parse(logFormat != null ? logFormat : System.getenv(LogFormat.ENV));
        LogFormat.use(format);
        WorkerService worker;
        try {
            worker = WorkerService.start(config);
        } catch (RuntimeException e) {
            // e.g. the port is taken: one line for the operator, not a stack trace
            PrintWriter err = spec.commandLine().getErr();
            err.println("error: cannot start the worker on " + config.bindAddress() + ":" + config.port() + ": "
                    + e.getMessage());
            err.flush();
            return 1;
        }
        Thread hook = new Thread(() -> worker.shutdown(config.shutdownGrace()), "cuda-wasm-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (format == LogFormat.TEXT) {
            // with JSON logs every line is JSON: the worker's own log line says the same
            out.println("cuda-wasm worker listening on " + worker.url() + " (cache " + config.cache().directory()
                    + ", back end " + config.defaultBackend() + ", auth " + (config.authEnabled() ? "on" : "off") + ")");
            out.flush();
        }
        worker.awaitTermination();
        return 0;
    }

    /** The environment's settings with this command's flags applied on top. */
    public WorkerConfig configure(Map<String, String> env) {
        Map<String, String> merged = new java.util.HashMap<>(env);
        putIfSet(merged, WorkerConfig.ENV_PORT, port);
        putIfSet(merged, WorkerConfig.ENV_BIND, bind);
        putIfSet(merged, "CUDA_WASM_KERNEL_CACHE_DIR", cacheDir);
        putIfSet(merged, "CUDA_WASM_CACHE_MAX_BYTES", cacheMaxBytes);
        putIfSet(merged, WorkerConfig.ENV_MAX_CONCURRENT, maxConcurrent);
        putIfSet(merged, WorkerConfig.ENV_MAX_QUEUED, maxQueued);
        putIfSet(merged, WorkerConfig.ENV_BACKEND, backend);
        putIfSet(merged, WorkerConfig.ENV_SANDBOX_ONLY, sandboxOnly);
        putIfSet(merged, WorkerConfig.ENV_WORKERS, workers);
        putIfSet(merged, WorkerConfig.ENV_LOG_LEVEL, logLevel == null ? null : logLevel.toLowerCase(Locale.ROOT));
        putIfSet(merged, WorkerConfig.ENV_MAX_REQUEST_BYTES, maxRequestBytes);
        putIfSet(merged, WorkerConfig.ENV_MAX_JOB_MEMORY_BYTES, maxJobMemory);
        putIfSet(merged, WorkerConfig.ENV_JOB_TIME_LIMIT, jobTimeLimit);
        putIfSet(merged, WorkerConfig.ENV_SHUTDOWN_GRACE, shutdownGrace);
        putIfSet(merged, WorkerConfig.ENV_PREWARM_FILE, prewarm);
        if (authTokenFile != null) {
            merged.remove(WorkerConfig.ENV_AUTH_TOKEN);
            merged.put(WorkerConfig.ENV_AUTH_TOKEN_FILE, authTokenFile.toString());
        }
        return WorkerConfig.fromEnvironment(merged).build();
    }

    private static void putIfSet(Map<String, String> env, String name, Object value) {
        if (value != null) {
            env.put(name, value.toString());
        }
    }
}
