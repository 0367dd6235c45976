package io.cudawasm.runtime.service.config;

import io.cudawasm.nutanix.deploy.RegisterMode;
import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import io.cudawasm.runtime.backend.devicelaunch.DeviceLaunchLimits;
import io.cudawasm.runtime.cache.CacheSettings;
import io.cudawasm.runtime.executor.ExecutorSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the worker service is configured with. Built from {@code CUDA_WASM_*} environment
 * variables ({@link #fromEnvironment}), then adjusted by command-line flags or tests through the
 * {@link Builder}. The table in {@code runtime/README-worker.md} documents every variable.
 *
 * @param bindAddress interface to listen on
 * @param port TCP port; 0 picks a free one (tests)
 * @param maxConcurrentJobs jobs running at once; more are queued
 * @param maxQueuedJobs jobs waiting beyond the running ones; more are refused with 429
 * @param defaultBackend back end for jobs that do not name one ({@code auto}, {@code wasm}, ...)
 * @param sandboxOnly run every job on the WebAssembly sandbox (untrusted code)
 * @param workers CPU worker threads of the WebAssembly back end (0: all cores)
 * @param authToken bearer token required on {@code /v1} (null: no authentication)
 * @param maxRequestBytes largest accepted request body
 * @param maxBufferBytes largest single buffer of a job
 * @param maxJobMemoryBytes sum of all buffers of one job
 * @param jobTimeLimit longest a job's kernels may run (requests may ask for less)
 * @param jobRetention how long finished asynchronous jobs stay readable
 * @param shutdownGrace how long shutdown waits for accepted jobs before failing them
 * @param prewarmFile list of kernels compiled into the cache at start-up (null: none)
 * @param http connections, threads and timeouts of the HTTP server
 * @param compile the compile pool, its time limit, heap budget and the compiler's limits
 * @param jobMemory heap for accepted jobs' buffers and for kept outputs
 * @param fleet how this worker finds the other replicas of its fleet (off: a single worker)
 * @param executors how native back ends run (executor processes by default) and what {@code auto} picks
 */
public record WorkerConfig(
        String bindAddress,
        int port,
        CacheSettings cache,
        int maxConcurrentJobs,
        int maxQueuedJobs,
        String defaultBackend,
        boolean sandboxOnly,
        int workers,
        String logLevel,
        String authToken,
        long maxRequestBytes,
        long maxBufferBytes,
        long maxJobMemoryBytes,
        Duration jobTimeLimit,
        Duration jobRetention,
        Duration shutdownGrace,
        Path prewarmFile,
        RegistrationSettings registration,
        HttpLimits http,
        CompileSettings compile,
        JobMemoryLimits jobMemory,
        FleetSettings fleet,
        ExecutorSettings executors) {

    public static final String ENV_PORT = WorkerEnvironment.PORT;
    public static final String ENV_BIND = "CUDA_WASM_BIND";
    public static final String ENV_MAX_CONCURRENT = WorkerEnvironment.MAX_CONCURRENT_KERNELS;
    public static final String ENV_MAX_QUEUED = "CUDA_WASM_MAX_QUEUED_JOBS";
    public static final String ENV_BACKEND = WorkerEnvironment.BACKEND;
    public static final String ENV_SANDBOX_ONLY = "CUDA_WASM_SANDBOX_ONLY";
    public static final String ENV_WORKERS = "CUDA_WASM_WORKERS";
    public static final String ENV_LOG_LEVEL = WorkerEnvironment.LOG_LEVEL;
    public static final String ENV_AUTH_TOKEN = "CUDA_WASM_AUTH_TOKEN";
    public static final String ENV_AUTH_TOKEN_FILE = "CUDA_WASM_AUTH_TOKEN_FILE";
    public static final String ENV_MAX_REQUEST_BYTES = "CUDA_WASM_MAX_REQUEST_BYTES";
    public static final String ENV_MAX_BUFFER_BYTES = "CUDA_WASM_MAX_BUFFER_BYTES";
    public static final String ENV_MAX_JOB_MEMORY_BYTES = "CUDA_WASM_MAX_JOB_MEMORY_BYTES";
    public static final String ENV_JOB_TIME_LIMIT = "CUDA_WASM_JOB_TIME_LIMIT_SECONDS";
    public static final String ENV_JOB_RETENTION = "CUDA_WASM_JOB_RETENTION_SECONDS";
    public static final String ENV_SHUTDOWN_GRACE = "CUDA_WASM_SHUTDOWN_GRACE_SECONDS";
    public static final String ENV_PREWARM_FILE = "CUDA_WASM_PREWARM_FILE";
    public static final String ENV_SELF_REGISTER = WorkerEnvironment.SELF_REGISTER;
    public static final String ENV_REGISTER_INTERVAL = WorkerEnvironment.REGISTER_INTERVAL_SECONDS;
    public static final String ENV_REGISTER_MODE = WorkerEnvironment.REGISTER_MODE;
    public static final String ENV_MAX_CONNECTIONS = "CUDA_WASM_MAX_CONNECTIONS";
    public static final String ENV_HTTP_THREADS = "CUDA_WASM_HTTP_THREADS";
    public static final String ENV_MAX_API_REQUESTS = "CUDA_WASM_MAX_API_REQUESTS";
    public static final String ENV_MAX_API_REQUESTS_PER_CLIENT = "CUDA_WASM_MAX_API_REQUESTS_PER_CLIENT";
    public static final String ENV_HTTP_IDLE_TIMEOUT = "CUDA_WASM_HTTP_IDLE_TIMEOUT_SECONDS";
    public static final String ENV_MIN_REQUEST_RATE = "CUDA_WASM_MIN_REQUEST_BYTES_PER_SECOND";
    public static final String ENV_PROBE_PORT = "CUDA_WASM_PROBE_PORT";
    public static final String ENV_REQUEST_HEAP_BYTES = "CUDA_WASM_REQUEST_HEAP_BYTES";
    public static final String ENV_COMPILE_THREADS = "CUDA_WASM_COMPILE_THREADS";
    public static final String ENV_MAX_QUEUED_COMPILES = "CUDA_WASM_MAX_QUEUED_COMPILES";
    public static final String ENV_COMPILE_TIME_LIMIT = "CUDA_WASM_COMPILE_TIME_LIMIT_SECONDS";
    public static final String ENV_COMPILE_HEAP_BYTES = "CUDA_WASM_COMPILE_HEAP_BYTES";
    public static final String ENV_COMPILE_LIMITS = "CUDA_WASM_COMPILE_LIMITS";
    public static final String ENV_JOB_HEAP_BYTES = "CUDA_WASM_JOB_HEAP_BYTES";
    public static final String ENV_MAX_RETAINED_OUTPUT_BYTES = "CUDA_WASM_MAX_RETAINED_OUTPUT_BYTES";
    public static final String ENV_MAX_RETAINED_JOBS = "CUDA_WASM_MAX_RETAINED_JOBS";

    public static final int DEFAULT_PORT = WorkerEnvironment.HTTP_PORT;
    public static final String DEFAULT_BIND = "0.0.0.0";
    public static final int DEFAULT_MAX_QUEUED = 32;
    public static final long DEFAULT_MAX_REQUEST_BYTES = 64L << 20;
    public static final long DEFAULT_MAX_BUFFER_BYTES = 512L << 20;
    public static final long DEFAULT_MAX_JOB_MEMORY_BYTES = 1L << 30;
    public static final Duration DEFAULT_JOB_TIME_LIMIT = Duration.ofSeconds(60);
    public static final Duration DEFAULT_JOB_RETENTION = Duration.ofMinutes(10);
    /** Below the generated pods' terminationGracePeriodSeconds (60), so Kubernetes never kills mid-drain. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

    public WorkerConfig {
        Objects.requireNonNull(bindAddress, "bindAddress");
        Objects.requireNonNull(cache, "cache");
        Objects.requireNonNull(defaultBackend, "defaultBackend");
        Objects.requireNonNull(logLevel, "logLevel");
        Objects.requireNonNull(jobTimeLimit, "jobTimeLimit");
        Objects.requireNonNull(jobRetention, "jobRetention");
        Objects.requireNonNull(shutdownGrace, "shutdownGrace");
        Objects.requireNonNull(registration, "registration");
        Objects.requireNonNull(http, "http");
        Objects.requireNonNull(compile, "compile");
        Objects.requireNonNull(jobMemory, "jobMemory");
        Objects.requireNonNull(fleet, "fleet");
        Objects.requireNonNull(executors, "executors");
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be 0..65535, got " + port);
        }
        if (maxConcurrentJobs < 1) {
            throw new IllegalArgumentException("at least one concurrent job is needed, got " + maxConcurrentJobs);
        }
        if (maxQueuedJobs < 0 || workers < 0) {
            throw new IllegalArgumentException("queue length and workers must not be negative");
        }
        if (maxRequestBytes <= 0 || maxBufferBytes <= 0 || maxJobMemoryBytes <= 0) {
            throw new IllegalArgumentException("size limits must be positive");
        }
        if (jobTimeLimit.isZero() || jobTimeLimit.isNegative()) {
            throw new IllegalArgumentException("the job time limit must be positive");
        }
        if (authToken != null && authToken.isBlank()) {
            throw new IllegalArgumentException("the bearer token is blank; unset it to run without authentication");
        }
        if (http.probePort() != 0 && http.probePort() == port) {
            throw new IllegalArgumentException("the probe port must differ from the API port " + port);
        }
    }

    /** The defaults, with the cache folder taken from the environment of this process. */
    public static WorkerConfig defaults() {
        return fromEnvironment(Map.of()).build();
    }

    /** Reads every {@code CUDA_WASM_*} variable; flags may then override single values. */
    public static Builder fromEnvironment(Map<String, String> env) {
        EnvValues v = new EnvValues(env);
        int cores = Runtime.getRuntime().availableProcessors();
        Builder b = new Builder(CacheSettings.fromEnvironment(env));
        b.port = v.integer(ENV_PORT, DEFAULT_PORT, 0);
        b.bindAddress = v.text(ENV_BIND, DEFAULT_BIND);
        b.maxConcurrentJobs = v.integer(ENV_MAX_CONCURRENT, Math.max(1, cores), 1);
        b.maxQueuedJobs = v.integer(ENV_MAX_QUEUED, DEFAULT_MAX_QUEUED, 0);
        b.defaultBackend = v.text(ENV_BACKEND, "auto").toLowerCase(Locale.ROOT);
        b.sandboxOnly = v.bool(ENV_SANDBOX_ONLY, false);
        b.workers = v.integer(ENV_WORKERS, 0, 0);
        b.logLevel = v.text(ENV_LOG_LEVEL, "info").toLowerCase(Locale.ROOT);
        b.authToken = readToken(v);
        b.maxRequestBytes = v.bytes(ENV_MAX_REQUEST_BYTES, DEFAULT_MAX_REQUEST_BYTES);
        b.maxBufferBytes = v.bytes(ENV_MAX_BUFFER_BYTES, DEFAULT_MAX_BUFFER_BYTES);
        b.maxJobMemoryBytes = v.bytes(ENV_MAX_JOB_MEMORY_BYTES, DEFAULT_MAX_JOB_MEMORY_BYTES);
        b.jobTimeLimit = v.seconds(ENV_JOB_TIME_LIMIT, DEFAULT_JOB_TIME_LIMIT, false);
        // the sessions read it themselves (executors too); checked here so that a bad value stops the start
        DeviceLaunchLimits.DEFAULTS.withPendingLaunches(v.integer(DeviceLaunchLimits.ENV_PENDING_LAUNCHES,
                DeviceLaunchLimits.DEFAULTS.pendingLaunches(), 1));
        b.jobRetention = v.seconds(ENV_JOB_RETENTION, DEFAULT_JOB_RETENTION, true);
        b.shutdownGrace = v.seconds(ENV_SHUTDOWN_GRACE, DEFAULT_SHUTDOWN_GRACE, true);
        String prewarm = v.text(ENV_PREWARM_FILE);
        b.prewarmFile = prewarm == null ? null : Path.of(prewarm);
        String mode = v.text(ENV_REGISTER_MODE, RegisterMode.LABELS.configValue());
        try {
            mode = RegisterMode.parse(mode).configValue();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_REGISTER_MODE + ": " + e.getMessage(), e);
        }
        b.registration = RegistrationSettings.fromEnvironment(v.bool(ENV_SELF_REGISTER, false),
                v.seconds(ENV_REGISTER_INTERVAL, Duration.ofSeconds(60), false), mode, env);
        b.http = httpLimits(v);
        b.compile = compileSettings(v, cores);
        JobMemoryLimits memory = JobMemoryLimits.fromHeap(Runtime.getRuntime().maxMemory());
        b.jobMemory = new JobMemoryLimits(v.bytes(ENV_JOB_HEAP_BYTES, memory.activeBytes()),
                v.bytes(ENV_MAX_RETAINED_OUTPUT_BYTES, memory.retainedOutputBytes()),
                v.integer(ENV_MAX_RETAINED_JOBS, memory.retainedJobs(), 1));
        b.fleet = FleetSettings.fromEnvironment(v, env, b.registration.namespace());
        b.executors = ExecutorSettings.fromEnvironment(env);
        return b;
    }

    private static HttpLimits httpLimits(EnvValues v) {
        int apiRequests = v.integer(ENV_MAX_API_REQUESTS, HttpLimits.DEFAULT_MAX_API_REQUESTS, 1);
        int threads = v.integer(ENV_HTTP_THREADS, Math.max(HttpLimits.DEFAULT_THREADS,
                apiRequests + HttpLimits.RESERVED_THREADS), 1);
        long rate = v.text(ENV_MIN_REQUEST_RATE) == null ? HttpLimits.DEFAULT_MIN_REQUEST_BYTES_PER_SECOND
                : v.integer(ENV_MIN_REQUEST_RATE, 0, 0);
        try {
            return new HttpLimits(v.integer(ENV_MAX_CONNECTIONS, HttpLimits.DEFAULT_MAX_CONNECTIONS, 1), threads,
                    apiRequests, v.integer(ENV_MAX_API_REQUESTS_PER_CLIENT,
                            HttpLimits.DEFAULT_MAX_API_REQUESTS_PER_CLIENT, 1), v.seconds(ENV_HTTP_IDLE_TIMEOUT, HttpLimits.DEFAULT_IDLE_TIMEOUT, false), rate,
                    v.integer(ENV_PROBE_PORT, 0, 0), v.bytes(ENV_REQUEST_HEAP_BYTES, HttpLimits.defaultBodyHeapBytes()));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_HTTP_THREADS + "/" + ENV_MAX_API_REQUESTS + ": " + e.getMessage(), e);
        }
    }

    private static CompileSettings compileSettings(EnvValues v, int cores) {
        CompileSettings d = CompileSettings.defaults(cores, Runtime.getRuntime().maxMemory());
        int threads = v.integer(ENV_COMPILE_THREADS, d.threads(), 1);
        int queued = v.integer(ENV_MAX_QUEUED_COMPILES, d.maxQueued(), 0);
        Duration time = v.seconds(ENV_COMPILE_TIME_LIMIT, d.timeLimit(), false);
        long heap = v.bytes(ENV_COMPILE_HEAP_BYTES, d.heapBytes());
        try {
            return new CompileSettings(threads, queued, time, heap, v.text(ENV_COMPILE_LIMITS, ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(ENV_COMPILE_LIMITS + ": " + e.getMessage(), e);
        }
    }

    /** The token from {@value #ENV_AUTH_TOKEN}, else from the file named by {@value #ENV_AUTH_TOKEN_FILE}. */
    private static String readToken(EnvValues v) {
        if (v.isSetButBlank(ENV_AUTH_TOKEN) || v.isSetButBlank(ENV_AUTH_TOKEN_FILE)) {
            // a token that expanded to nothing (an empty Secret) must not silently turn auth off
            throw new IllegalArgumentException((v.isSetButBlank(ENV_AUTH_TOKEN) ? ENV_AUTH_TOKEN : ENV_AUTH_TOKEN_FILE)
                    + " is set but blank; give a token, or unset it to run without authentication");
        }
        String token = v.text(ENV_AUTH_TOKEN);
        if (token != null) {
            return token;
        }
        String file = v.text(ENV_AUTH_TOKEN_FILE);
        return file == null ? null : readTokenFile(Path.of(file), ENV_AUTH_TOKEN_FILE);
    }

    /** Reads a token file (a mounted Secret); the trailing newline many editors add is dropped. */
    public static String readTokenFile(Path file, String what) {
        try {
            String token = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (token.isEmpty()) {
                throw new IllegalArgumentException(what + ": the token file " + file + " is empty");
            }
            return token;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": cannot read the token file " + file + ": " + e.getMessage(), e);
        }
    }

    /** Parses a byte size as the {@code *_BYTES} variables take it: {@code 8Gi}, {@code 500M}, {@code 1048576}. */
    public static long parseBytes(String text) {
        return EnvValues.parseBytes(text);
    }

    public boolean authEnabled() {
        return authToken != null;
    }

    public Builder toBuilder() {
        Builder b = new Builder(cache);
        b.bindAddress = bindAddress;
        b.port = port;
        b.maxConcurrentJobs = maxConcurrentJobs;
        b.maxQueuedJobs = maxQueuedJobs;
        b.defaultBackend = defaultBackend;
        b.sandboxOnly = sandboxOnly;
        b.workers = workers;
        b.logLevel = logLevel;
        b.authToken = authToken;
        b.maxRequestBytes = maxRequestBytes;
        b.maxBufferBytes = maxBufferBytes;
        b.maxJobMemoryBytes = maxJobMemoryBytes;
        b.jobTimeLimit = jobTimeLimit;
        b.jobRetention = jobRetention;
        b.shutdownGrace = shutdownGrace;
        b.prewarmFile = prewarmFile;
        b.registration = registration;
        b.http = http;
        b.compile = compile;
        b.jobMemory = jobMemory;
        b.fleet = fleet;
        b.executors = executors;
        return b;
    }

    /** Never prints the token. */
    @Override
    public String toString() {
        return "WorkerConfig[bind=" + bindAddress + ":" + port + ", cache=" + cache + ", maxConcurrentJobs="
                + maxConcurrentJobs + ", maxQueuedJobs=" + maxQueuedJobs + ", backend=" + defaultBackend
                + ", sandboxOnly=" + sandboxOnly + ", workers=" + workers + ", logLevel=" + logLevel + ", auth="
                + (authEnabled() ? "on" : "off") + ", maxRequestBytes=" + maxRequestBytes + ", maxBufferBytes="
                + maxBufferBytes + ", maxJobMemoryBytes=" + maxJobMemoryBytes + ", jobTimeLimit=" + jobTimeLimit
                + ", jobRetention=" + jobRetention + ", shutdownGrace=" + shutdownGrace + ", prewarmFile="
                + prewarmFile + ", registration=" + registration + ", http=" + http + ", compile=" + compile
                + ", jobMemory=" + jobMemory + ", fleet=" + fleet + ", executors=" + (executors.isolated() ? "process"
                : "in-process") + ", autoCpuBackend=" + executors.autoCpuBackend() + "]";
    }

    /** Mutable form used while flags and tests adjust single values. */
    public static final class Builder {
        private CacheSettings cache;
        private String bindAddress = DEFAULT_BIND;
        private int port = DEFAULT_PORT;
        private int maxConcurrentJobs = Math.max(1, Runtime.getRuntime().availableProcessors());
        private int maxQueuedJobs = DEFAULT_MAX_QUEUED;
        private String defaultBackend = "auto";
        private boolean sandboxOnly;
        private int workers;
        private String logLevel = "info";
        private String authToken;
        private long maxRequestBytes = DEFAULT_MAX_REQUEST_BYTES;
        private long maxBufferBytes = DEFAULT_MAX_BUFFER_BYTES;
        private long maxJobMemoryBytes = DEFAULT_MAX_JOB_MEMORY_BYTES;
        private Duration jobTimeLimit = DEFAULT_JOB_TIME_LIMIT;
        private Duration jobRetention = DEFAULT_JOB_RETENTION;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private Path prewarmFile;
        private RegistrationSettings registration = RegistrationSettings.DISABLED;
        private HttpLimits http = HttpLimits.DEFAULTS;
        private CompileSettings compile = CompileSettings.defaults(Runtime.getRuntime().availableProcessors(),
                Runtime.getRuntime().maxMemory());
        private JobMemoryLimits jobMemory = JobMemoryLimits.fromHeap(Runtime.getRuntime().maxMemory());
        private FleetSettings fleet = FleetSettings.OFF;
        private ExecutorSettings executors = ExecutorSettings.defaults();

        private Builder(CacheSettings cache) {
            this.cache = cache;
        }

        public Builder cache(CacheSettings v) { cache = v; return this; }
        public Builder cacheDirectory(Path dir) { cache = new CacheSettings(dir, cache.maxBytes(), cache.tempMaxAge()); return this; }
        public Builder cacheMaxBytes(long v) { cache = cache.withMaxBytes(v); return this; }
        public Builder bindAddress(String v) { bindAddress = v; return this; }
        public Builder port(int v) { port = v; return this; }
        public Builder maxConcurrentJobs(int v) { maxConcurrentJobs = v; return this; }
        public Builder maxQueuedJobs(int v) { maxQueuedJobs = v; return this; }
        public Builder defaultBackend(String v) { defaultBackend = v.toLowerCase(Locale.ROOT); return this; }
        public Builder sandboxOnly(boolean v) { sandboxOnly = v; return this; }
        public Builder workers(int v) { workers = v; return this; }
        public Builder logLevel(String v) { logLevel = v.toLowerCase(Locale.ROOT); return this; }
        public Builder authToken(String v) { authToken = v; return this; }
        public Builder maxRequestBytes(long v) { maxRequestBytes = v; return this; }
        public Builder maxBufferBytes(long v) { maxBufferBytes = v; return this; }
        public Builder maxJobMemoryBytes(long v) { maxJobMemoryBytes = v; return this; }
        public Builder jobTimeLimit(Duration v) { jobTimeLimit = v; return this; }
        public Builder jobRetention(Duration v) { jobRetention = v; return this; }
        public Builder shutdownGrace(Duration v) { shutdownGrace = v; return this; }
        public Builder prewarmFile(Path v) { prewarmFile = v; return this; }
        public Builder registration(RegistrationSettings v) { registration = v; return this; }
        public Builder http(HttpLimits v) { http = v; return this; }
        public Builder compile(CompileSettings v) { compile = v; return this; }
        public Builder jobMemory(JobMemoryLimits v) { jobMemory = v; return this; }
        public HttpLimits http() { return http; }
        public CompileSettings compile() { return compile; }
        public JobMemoryLimits jobMemory() { return jobMemory; }
        public Builder fleet(FleetSettings v) { fleet = v; return this; }
        public Builder executors(ExecutorSettings v) { executors = v; return this; }

        public WorkerConfig build() {
            return new WorkerConfig(bindAddress, port, cache, maxConcurrentJobs, maxQueuedJobs, defaultBackend,
                    sandboxOnly, workers, logLevel, authToken, maxRequestBytes, maxBufferBytes, maxJobMemoryBytes,
                    jobTimeLimit, jobRetention, shutdownGrace, prewarmFile, registration, http, compile, jobMemory,
                    fleet, executors);
        }
    }
}
