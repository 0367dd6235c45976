package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * saxpy over 16M floats: the bundled kernel on the Wasm path (1 and 2 worker threads) against a
 * plain Java loop of the same algorithm, in ns per element.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class WasmSaxpyBench {
    static final int N = 16 * 1024 * 1024;

    @Param({"1", "2"})
    int threads;

    float[] x;
    float[] y;
    WasmBackend backend;
    DeviceSession session;
    DeviceBuffer dx;
    DeviceBuffer dy;
    LaunchConfig config;

    @Setup(Level.Trial)
    public void setUp() {
        x = new float[N];
        y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = i * 0.5f;
            y[i] = 1.0f;
        }
        var compiled = KernelCompiler.compile(CompileRequest.of("saxpy.cu", KernelLibrary.source("saxpy").orElseThrow()));
        backend = new WasmBackend(threads, false);
        session = backend.open(compiled);
        dx = HostData.upload(session, x);
        dy = HostData.upload(session, y);
        config = LaunchConfig.of(Dim3.of(N / 256), Dim3.of(256));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void wasm() {
        session.launch("saxpy", config, List.of(KernelArg.of(N), KernelArg.of(2.0f), KernelArg.of(dx), KernelArg.of(dy)),
                LaunchOptions.DEFAULT);
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public float javaLoop() {
        return JavaBaselines.saxpy(2.0f, x, y);
    }
}
