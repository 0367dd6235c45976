package io.cudawasm.bench;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.opencl.OpenClOptions;
import io.cudawasm.kernels.opencl.OpenClProgram;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.opencl.BuiltProgram;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import java.io.IOException;
import java.nio.file.Files;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Building the tiled-matmul program for the OpenCL device, in ms: cold (a source the device compiler
 * has never seen), with only PoCL's own kernel cache warm, and from this project's binary cache
 * ({@code clCreateProgramWithBinary}, as after a worker restart). Programs already built in the
 * process come from memory and cost nothing.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 1, time = 2)
@Measurement(iterations = 3, time = 3)
@Fork(1)
public class OpenClBuildBench {
    private static final AtomicLong UNIQUE = new AtomicLong(System.nanoTime());

    OpenClBackend noDiskCache;
    OpenClBackend withDiskCache;
    OpenClProgram program;
    CompileResult compiled;
    Path dir;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        OpenClDevice device = OpenClProbe.devices().devices().get(0);
        dir = Files.createTempDirectory("cuda-wasm-bench-opencl");
        noDiskCache = new OpenClBackend(device, OpenClOptions.Abi.STANDARD, null);
        withDiskCache = new OpenClBackend(device, OpenClOptions.Abi.STANDARD, dir);
        compiled = KernelCompiler.compileForDevices(CompileRequest.of("matmul_tiled.cu", DeviceSemanticsCases.TILED_MATMUL));
        program = compiled.opencl(noDiskCache.options());
        withDiskCache.program(compiled, withDiskCache.options());
        noDiskCache.build(program);
    }

    @Setup(Level.Invocation)
    public void forget() {
        noDiskCache.clearMemoryCache();
        withDiskCache.clearMemoryCache();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        noDiskCache.close();
        withDiskCache.close();
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(dir);
    }

    /**
     * A source neither PoCL's cache nor ours has seen: one more (unused) function with a new name.
     * A new comment would not do: PoCL keys its cache on the preprocessed source.
     */
    @Benchmark
    public BuiltProgram cold() {
        long n = UNIQUE.incrementAndGet();
        OpenClProgram fresh = new OpenClProgram(program.sourceName(), program.source() + "int cw_unique_" + n
                + "(int x) { return x + " + (n % 1000) + "; }\n", program.options(), program.kernels(),
                program.symbols(), program.constantBytes(), program.deviceBytes(), program.extensions(),
                program.lineMap(), program.origin());
        return noDiskCache.build(fresh);
    }

    /** The same source again, with no binary cache: what PoCL's kernel cache saves by itself. */
    @Benchmark
    public BuiltProgram sourceWithPoclCache() {
        return noDiskCache.build(program);
    }

    /** From this project's binary cache (a restarted worker). */
    @Benchmark
    public BuiltProgram binaryCache() {
        return withDiskCache.program(compiled, withDiskCache.options());
    }
}
