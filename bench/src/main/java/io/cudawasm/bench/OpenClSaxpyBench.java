package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
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
 * saxpy over 16M floats in ns per element: the bundled kernel on the first OpenCL device (PoCL's
 * CPU device here) and on the Wasm path with all cores, against a plain Java loop. Transfers are
 * not timed: buffers stay on the device between launches.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class OpenClSaxpyBench {
    static final int N = 16 * 1024 * 1024;

    @Param({"opencl", "wasm"})
    String backendName;

    float[] x;
    float[] y;
    Backend backend;
    DeviceSession session;
    List<KernelArg> args;
    LaunchConfig config;

    @Setup(Level.Trial)
    public void setUp() {
        x = new float[N];
        y = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = i * 0.5f;
            y[i] = 1.0f;
        }
        CompileResult compiled = KernelCompiler.compile(CompileRequest.of("saxpy.cu",
                KernelLibrary.source("saxpy").orElseThrow()));
        backend = backendName.equals("opencl") ? new OpenClBackend(OpenClProbe.devices().devices().get(0))
                : new WasmBackend(Runtime.getRuntime().availableProcessors(), false);
        session = backend.open(compiled);
        DeviceBuffer dx = HostData.upload(session, x);
        DeviceBuffer dy = HostData.upload(session, y);
        args = List.of(KernelArg.of(N), KernelArg.of(2.0f), KernelArg.of(dx), KernelArg.of(dy));
        config = LaunchConfig.of(Dim3.of(N / 256), Dim3.of(256));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        session.close();
        ((AutoCloseable) backend).close();
    }

    @Benchmark
    @OperationsPerInvocation(N)
    public void launch() {
        session.launch("saxpy", config, args, LaunchOptions.DEFAULT);
    }

    /** The plain-Java baseline (independent of the back end parameter). */
    @Benchmark
    @OperationsPerInvocation(N)
    public float javaLoop() {
        return JavaBaselines.saxpy(2.0f, x, y);
    }
}
