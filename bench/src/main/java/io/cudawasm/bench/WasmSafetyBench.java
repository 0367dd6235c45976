package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.kernels.wasm.WasmEmitter;
import io.cudawasm.kernels.wasm.WasmOptions;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.IOException;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
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
 * What the sandbox's address checks and memcheck cost, one worker, time per launch: saxpy over 16M
 * floats (from CUDA source and from nvcc's PTX, whose 64-bit address arithmetic the checks keep in
 * 64 bits), the tiled 512x512 matmul and the 16M-float tree reduction of {@link WasmBlockBench}.
 * Variants: {@code unchecked} is the code as generated before the checks (32-bit pointer arithmetic
 * that wraps, no guard page: {@link WasmOptions#UNCHECKED}); {@code checked} what every kernel gets
 * now; {@code memcheck} a launch with {@link LaunchOptions#memcheck()}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class WasmSafetyBench {
    static final int SAXPY_N = 16 * 1024 * 1024;

    @Param({"saxpy", "saxpy-ptx", "tiled", "reduce"})
    String kernel;

    @Param({"unchecked", "checked", "memcheck"})
    String variant;

    WasmBackend backend;
    DeviceSession session;
    String name;
    LaunchConfig config;
    List<KernelArg> args;
    LaunchOptions options;

    @Setup(Level.Trial)
    public void setUp() throws IOException, InterruptedException {
        String saxpy = KernelLibrary.source("saxpy").orElseThrow();
        CompileResult compiled = switch (kernel) {
            case "saxpy" -> KernelCompiler.compile(CompileRequest.of("saxpy.cu", saxpy));
            case "saxpy-ptx" -> KernelCompiler.compile(CompileRequest.of("saxpy.ptx", PtxVsSourceBench.nvcc(saxpy, false)));
            default -> KernelCompiler.compile(CompileRequest.of("block.cu", WasmBlockBench.SOURCE));
        };
        if (variant.equals("unchecked")) {
            compiled = new CompileResult(compiled.sourceName(), compiled.kir(),
                    WasmEmitter.compile(compiled.kir(), WasmOptions.UNCHECKED), compiled.warnings());
        }
        options = LaunchOptions.DEFAULT.withMemcheck(variant.equals("memcheck"));
        backend = new WasmBackend(1, false);
        session = backend.open(compiled);
        SplittableRandom r = new SplittableRandom(5);
        switch (kernel) {
            case "saxpy", "saxpy-ptx" -> {
                name = "saxpy";
                DeviceBuffer x = HostData.upload(session, random(r, SAXPY_N));
                DeviceBuffer y = HostData.upload(session, random(r, SAXPY_N));
                config = LaunchConfig.of(Dim3.of(SAXPY_N / 256), Dim3.of(256));
                args = List.of(KernelArg.of(SAXPY_N), KernelArg.of(2.0f), KernelArg.of(x), KernelArg.of(y));
            }
            case "tiled" -> {
                int n = WasmBlockBench.N;
                int tile = WasmBlockBench.TILE;
                name = "matmulTiled";
                DeviceBuffer a = HostData.upload(session, random(r, n * n));
                DeviceBuffer b = HostData.upload(session, random(r, n * n));
                DeviceBuffer c = session.allocate(4L * n * n);
                config = LaunchConfig.of(new Dim3(n / tile, n / tile, 1), new Dim3(tile, tile, 1));
                args = List.of(KernelArg.of(a), KernelArg.of(b), KernelArg.of(c), KernelArg.of(n));
            }
            default -> {
                int n = WasmBlockBench.REDUCE_N;
                int block = WasmBlockBench.BLOCK;
                name = "reduce";
                DeviceBuffer in = HostData.upload(session, random(r, n));
                DeviceBuffer out = session.allocate(4L * n / block);
                config = new LaunchConfig(Dim3.of(n / block), Dim3.of(block), 4 * block);
                args = List.of(KernelArg.of(in), KernelArg.of(out));
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextDouble();
        }
        return a;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    public void launch() {
        session.launch(name, config, args, options);
    }
}
