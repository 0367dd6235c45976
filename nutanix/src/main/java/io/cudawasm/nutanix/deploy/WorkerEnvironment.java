package io.cudawasm.nutanix.deploy;

/**
 * Names of the environment variables the worker reads, the Prism Secret's keys and the paths inside
 * the image. The generator writes them; the worker and the Dockerfiles use the same values.
 */
public final class WorkerEnvironment {
    public static final String PORT = "CUDA_WASM_PORT";
    public static final String KERNEL_CACHE_DIR = "CUDA_WASM_KERNEL_CACHE_DIR";
    public static final String CACHE_MAX_BYTES = "CUDA_WASM_CACHE_MAX_BYTES";
    public static final String MAX_CONCURRENT_KERNELS = "CUDA_WASM_MAX_CONCURRENT_KERNELS";
    public static final String BACKEND = "CUDA_WASM_BACKEND";
    public static final String LOG_LEVEL = "CUDA_WASM_LOG_LEVEL";
    public static final String SELF_REGISTER = "CUDA_WASM_SELF_REGISTER";
    public static final String REGISTER_INTERVAL_SECONDS = "CUDA_WASM_REGISTER_INTERVAL_SECONDS";
    public static final String REGISTER_MODE = "CUDA_WASM_REGISTER_MODE";
    /** Fleet: how replicas find each other ({@code off}, {@code static}, {@code dns}, {@code endpointslices}). */
    public static final String PEER_DISCOVERY = "CUDA_WASM_PEER_DISCOVERY";
    /** Peer discovery through the headless Service's DNS names (StatefulSet pods). */
    public static final String PEER_DISCOVERY_DNS = "dns";
    /** Peer discovery through the headless Service's EndpointSlices (any pods; needs RBAC). */
    public static final String PEER_DISCOVERY_ENDPOINT_SLICES = "endpointslices";
    /** Fleet: the headless Service that names the replicas. */
    public static final String PEER_SERVICE = "CUDA_WASM_PEER_SERVICE";
    /** Fleet: how long a stopping replica keeps answering for finished jobs nobody has read yet. */
    public static final String DRAIN_LINGER_SECONDS = "CUDA_WASM_DRAIN_LINGER_SECONDS";

    /** Keys of the Prism credentials Secret; each file stands for the variable of the same name. */
    public static final String PRISM_URL = "NUTANIX_PRISM_URL";
    public static final String PRISM_API_KEY = "NUTANIX_API_KEY";
    public static final String PRISM_USERNAME = "NUTANIX_USERNAME";
    public static final String PRISM_PASSWORD = "NUTANIX_PASSWORD";
    /** Path of the PEM bundle that verifies Prism Central's certificate. */
    public static final String PRISM_CA_BUNDLE = "NUTANIX_CA_BUNDLE";
    /** Secret key holding that PEM bundle. */
    public static final String PRISM_CA_SECRET_KEY = io.cudawasm.nutanix.prism.NutanixConfig.CREDENTIALS_CA_FILE;
    /**
     * Folder whose files stand for the {@code NUTANIX_*} variables (one file per Secret key): the pod
     * mounts the Prism Secret there, so credentials never appear in the environment.
     */
    public static final String PRISM_CREDENTIALS_DIR = io.cudawasm.nutanix.prism.NutanixConfig.ENV_CREDENTIALS_DIR;

    /** Downward API: the pod's identity and the node it runs on (self-registration reads that Node). */
    public static final String POD_NAME = "POD_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String NODE_NAME = "NODE_NAME";
    /** Downward API: the pod's IP, so DNS peer discovery can leave the pod itself out. */
    public static final String POD_IP = "POD_IP";

    /**
     * The worker's gauges that make sense per pod for an HPA {@code Pods} metric (through a metrics
     * adapter): queue depth first. The runtime's tests check that the worker exports each of them.
     */
    public static final java.util.List<String> PER_POD_GAUGES = java.util.List.of(
            "cudawasm_jobs_queued", "cudawasm_jobs_running", "cudawasm_jobs_retained", "cudawasm_fleet_peers");

    public static final String JAVA_TOOL_OPTIONS = "JAVA_TOOL_OPTIONS";
    /**
     * Container-aware heap sizing; the JVM exits on OOM so Kubernetes restarts a clean process;
     * huge methods are compiled (a fully unrolled kernel's region is one JVM method over HotSpot's
     * 8,000-bytecode limit, which it would otherwise run interpreted: kernels/README-ptx.md).
     */
    public static final String JVM_OPTIONS = "-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 "
            + "-XX:+ExitOnOutOfMemoryError -XX:-DontCompileHugeMethods -Djava.io.tmpdir=/tmp";
    /**
     * The JDK's vector API for the CPU path's vector rows (an incubator module, so named on the command
     * line: the images' entry point has it, and so does the benchmark Job's command).
     */
    public static final String VECTOR_MODULE = "--add-modules=jdk.incubator.vector";
    /**
     * Added for DNS peer discovery: the JVM keeps DNS answers 30 s by default, long enough to send a
     * restarted pod's traffic to its old address; 5 s (and 1 s for "no such name") keeps the fleet current.
     */
    public static final String DNS_CACHE_OPTIONS = "-Dsun.net.inetaddr.ttl=5 -Dsun.net.inetaddr.negative.ttl=1";

    public static final int HTTP_PORT = 8080;
    public static final String PORT_NAME = "http";
    public static final String KERNEL_CACHE_PATH = "/cache/kernels";
    /** Where the Prism Secret is mounted, one file per key ({@link #PRISM_CREDENTIALS_DIR}). */
    public static final String PRISM_SECRET_DIR = "/etc/cuda-wasm/prism";
    public static final String APP_DIR = "/opt/cuda-wasm";
    public static final String WORKER_JAR = APP_DIR + "/cuda-wasm.jar";
    public static final String BENCHMARKS_JAR = APP_DIR + "/benchmarks.jar";
    public static final String RESULTS_PATH = "/results";
    public static final String HEALTH_PATH = "/healthz";
    public static final String READY_PATH = "/readyz";
    public static final String METRICS_PATH = "/metrics";
    /** Numeric non-root user and group of the images (PSS restricted needs a number to verify non-root). */
    public static final long USER_ID = 10001L;

    private WorkerEnvironment() {}
}
