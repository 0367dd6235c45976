package io.cudawasm.bench.suite;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.cache.CacheSettings;
import io.cudawasm.runtime.cache.KernelCache;
import io.cudawasm.runtime.service.kernels.KernelSourceKind;
import io.cudawasm.runtime.service.kernels.KernelSpec;
import io.cudawasm.runtime.service.kernels.KernelStore;
import io.cudawasm.runtime.service.kernels.KernelLookup;
import io.cudawasm.runtime.service.metrics.WorkerMetrics;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * From a kernel's CUDA source to a session that can launch it, in ms, the way a worker does it:
 * <ul>
 * <li>{@code cold}: a source no cache has seen (the compiler front end, the Wasm or OpenCL C / PTX
 *     emitter, and the back end's own build: Chicory's bytecode compile, {@code clBuildProgram}, the
 *     PTX JIT). Every invocation appends a new, unused kernel, so neither this project's caches nor a
 *     driver's can answer.</li>
 * <li>{@code cached}: the same kernel again in a restarted worker: the entry is read from the
 *     persistent kernel cache (and its IR rebuilt for GPU back ends), the OpenCL program from the
 *     binary cache, and only the in-memory step is repeated.</li>
 * </ul>
 * The JVM is warm in both (a worker compiles many kernels); the first compile in a fresh JVM is slower.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class CompileTimeBench {
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime());

    @Param({"wasm"})
    public String backend;

    @Param({"saxpy", "matmul_naive", "gemm_polybench", "particles"})
    public String kernel;

    private String source;
    private Path dir;
    private OpenedBackend uncached;
    private OpenedBackend cachedBackend;
    private KernelStore store;
    private KernelSpec spec;

    @Setup(Level.Trial)
    public void setUp() throws InterruptedException {
        source = KernelLibrary.source(kernel).orElseThrow(() -> new IllegalArgumentException("no bundled kernel " + kernel));
        dir = TempDirs.create("cuda-wasm-bench-compile");
        uncached = OpenedBackend.open(backend, null);
        cachedBackend = OpenedBackend.open(backend, dir.resolve("opencl"));
        store = new KernelStore(KernelCache.open(CacheSettings.of(dir.resolve("kernels"))), new WorkerMetrics(), 0);
        spec = KernelSpec.of(kernel + ".cu", source);
        // fill both caches once; the benchmark then measures the hits
        openAndClose(cachedBackend, store.resolve(spec).kernel().result());
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        uncached.close();
        cachedBackend.close();
        TempDirs.delete(dir);
    }

    @Benchmark
    public Object cold() {
        long n = UNIQUE.incrementAndGet();
        String fresh = source + "\n__global__ void cw_unique_" + n + "(int *p) { p[0] = " + (n % 100000) + "; }\n";
        CompileResult compiled = KernelCompiler.compile(CompileRequest.of(kernel + ".cu", fresh));
        return openAndClose(uncached, compiled);
    }

    @Benchmark
    public Object cached() throws InterruptedException {
        KernelLookup found = store.resolve(spec);
        if (found.source() != KernelSourceKind.DISK) {
            throw new IllegalStateException("expected a kernel-cache hit on disk, got " + found.source());
        }
        if (cachedBackend.backend() instanceof OpenClBackend openCl) {
            openCl.clearMemoryCache(); // a restarted worker has only the binaries on disk
        }
        return openAndClose(cachedBackend, found.kernel().result());
    }

    private static Object openAndClose(OpenedBackend on, CompileResult compiled) {
        DeviceSession session = on.backend().open(compiled);
        session.close();
        return session;
    }
}
