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
import java.util.SplittableRandom;
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

/** Naive 512x512 matrix multiply: the bundled kernel on the Wasm path against plain Java, ns per output element. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class WasmMatmulBench {
    static final int N = 512;

    @Param({"1", "2"})
    int threads;

    float[] a;
    float[] b;
    float[] c;
    WasmBackend backend;
    DeviceSession session;
    DeviceBuffer da;
    DeviceBuffer db;
    DeviceBuffer dc;

    @Setup(Level.Trial)
    public void setUp() {
        SplittableRandom r = new SplittableRandom(1);
        a = new float[N * N];
        b = new float[N * N];
        c = new float[N * N];
        for (int i = 0; i < N * N; i++) {
            a[i] = (float) r.nextDouble();
            b[i] = (float) r.nextDouble();
        }
        var compiled = KernelCompiler.compile(CompileRequest.of("matmul_naive.cu",
                KernelLibrary.source("matmul_naive").orElseThrow()));
        backend = new WasmBackend(threads, false);
        session = backend.open(compiled);
        da = HostData.upload(session, a);
        db = HostData.upload(session, b);
        dc = session.allocate(4L * N * N);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    @OperationsPerInvocation(N * N)
    public void wasm() {
        session.launch("matmul", LaunchConfig.of(new Dim3(N / 16, N / 16, 1), new Dim3(16, 16, 1)),
                List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(N), KernelArg.of(N),
                        KernelArg.of(N)), LaunchOptions.DEFAULT);
    }

    @Benchmark
    @OperationsPerInvocation(N * N)
    public float javaLoop() {
        return JavaBaselines.matmul(a, b, c, N);
    }
}
