package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.kernels.wasm.WasmModule;
import io.cudawasm.kernels.wasm.WasmOptions;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CPU back end: kernels run as WebAssembly inside Chicory, compiled to JVM bytecode. Memory
 * safe by construction (a kernel sees only its session's linear memory), so it is also the
 * sandbox for untrusted code. Blocks of a grid are spread over a pool of worker threads, each
 * with its own instance over the session's one shared memory.
 */
public final class WasmBackend implements Backend, AutoCloseable {
    /**
     * System property with the most consecutive blocks a worker takes at a time (default 4,096), read at
     * each launch: for measuring it (bench's {@code WorkerChunks}), not a setting to tune in production.
     */
    public static final String MAX_CHUNK_PROPERTY = "cudawasm.wasm.maxChunkBlocks";

    private final boolean vectorRows;

    private static final int MODULE_CACHE_SIZE = 64;

    private final int workers;
    private final boolean interpreter;
    private final ExecutorService pool;
    private final Map<String, CompiledWasm> modules = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CompiledWasm> eldest) {
            return size() > MODULE_CACHE_SIZE;
        }
    };
    private final Map<String, MemcheckModule> memcheckModules = new LinkedHashMap<>(16, 0.75f, true) {
        private static final long serialVersionUID = 1L;

        @Override
        protected boolean removeEldestEntry(Map.Entry<String, MemcheckModule> eldest) {
            return size() > MODULE_CACHE_SIZE;
        }
    };

    /** A back end using every core with Chicory's compiler. */
    public WasmBackend() {
        this(Runtime.getRuntime().availableProcessors(), false);
    }

    /**
     * @param workers worker threads (blocks run in parallel on them)
     * @param interpreter run on Chicory's interpreter instead of compiling to bytecode (slow; for diagnosis)
     */
    public WasmBackend(int workers, boolean interpreter) {
        this(workers, interpreter, true);
    }

    /**
     * @param vectorRows whether fast rows of float arithmetic may run as vector instructions where the
     *     JVM has the vector API (kernels/README.md "Vector rows"); false keeps them scalar, for comparing
     */
    public WasmBackend(int workers, boolean interpreter, boolean vectorRows) {
        this.vectorRows = vectorRows;
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be at least 1");
        }
        this.workers = workers;
        this.interpreter = interpreter;
        AtomicInteger n = new AtomicInteger();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "cuda-wasm-worker-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
        this.pool = Executors.newFixedThreadPool(workers, tf);
    }

    @Override
    public String name() {
        return "wasm";
    }

    @Override
    public String device() {
        return "CPU (" + workers + " worker threads, WebAssembly sandbox via Chicory"
                + (interpreter ? " interpreter" : " compiler") + ")";
    }

    public int workers() {
        return workers;
    }

    /** Whether this back end's sessions may run fast float rows as vectors. */
    boolean vectorRows() {
        return vectorRows;
    }

    ExecutorService pool() {
        return pool;
    }

    @Override
    public DeviceSession open(CompileResult compiled) {
        return new WasmSession(this, compiled, load(compiled.wasm().binary()));
    }

    /** A source's memcheck variant ({@link WasmOptions#memcheck}) with its compiled classes. */
    record MemcheckModule(WasmModule module, CompiledWasm compiled) {}

    /**
     * The memcheck variant of a compiled source: generated from its kernel IR on first use (a separate
     * module, so normal launches never pay for its checks) and kept, keyed by the normal module, as
     * long as that module is.
     */
    MemcheckModule memcheck(CompileResult compiled, String kernel) {
        String key = sha256(compiled.wasm().binary());
        synchronized (memcheckModules) {
            MemcheckModule m = memcheckModules.get(key);
            if (m != null) {
                return m;
            }
        }
        if (compiled.kir() == null) {
            throw new LaunchException(LaunchFailure.INVALID_LAUNCH, kernel, "memcheck needs the kernel IR, which "
                    + "this stored kernel lacks; compile the kernel again");
        }
        WasmModule module = compiled.memcheckWasm();
        MemcheckModule m = new MemcheckModule(module, load(module.binary()));
        synchronized (memcheckModules) {
            memcheckModules.put(key, m);
        }
        return m;
    }

    /** Parses and compiles a module once; later sessions reuse the generated classes. */
    CompiledWasm load(byte[] binary) {
        String key = sha256(binary);
        synchronized (modules) {
            CompiledWasm c = modules.get(key);
            if (c != null) {
                return c;
            }
        }
        var module = Parser.parse(binary);
        CompiledWasm c = new CompiledWasm(module, interpreter ? null : BoundedLoops.compile(module));
        synchronized (modules) {
            modules.put(key, c);
        }
        return c;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
