package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
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

/**
 * A 512x512 matrix multiply with 16x16 {@code __shared__} tiles and {@code __syncthreads}, in ns
 * per output element, on the first OpenCL device and on the Wasm path, against a plain Java loop.
 * The Wasm path needs region fission (issue 3) for barrier kernels: until then its setup fails with
 * the compiler's diagnostic and JMH reports that combination as an error.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 4, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class OpenClMatmulBench {
    static final int N = 512;

    @Param({"opencl", "wasm"})
    String backendName;

    float[] a;
    float[] b;
    float[] c;
    Backend backend;
    DeviceSession session;
    List<KernelArg> args;
    LaunchConfig config;

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
        CompileRequest request = CompileRequest.of("matmul_tiled.cu", DeviceSemanticsCases.TILED_MATMUL);
        boolean opencl = backendName.equals("opencl");
        CompileResult compiled = opencl ? KernelCompiler.compileForDevices(request) : KernelCompiler.compile(request);
        backend = opencl ? new OpenClBackend(OpenClProbe.devices().devices().get(0))
                : new WasmBackend(Runtime.getRuntime().availableProcessors(), false);
        session = backend.open(compiled);
        DeviceBuffer da = HostData.upload(session, a);
        DeviceBuffer db = HostData.upload(session, b);
        DeviceBuffer dc = session.allocate(4L * N * N);
        args = List.of(KernelArg.of(da), KernelArg.of(db), KernelArg.of(dc), KernelArg.of(N), KernelArg.of(N),
                KernelArg.of(N));
        config = LaunchConfig.of(new Dim3(N / 16, N / 16, 1), new Dim3(16, 16, 1));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (backend instanceof AutoCloseable ac) {
            ac.close();
        }
    }

    @Benchmark
    @OperationsPerInvocation(N * N)
    public void tiled() {
        session.launch("matmul_tiled", config, args, LaunchOptions.DEFAULT);
    }

    /** The plain-Java baseline: the textbook triple loop (independent of the back end parameter). */
    @Benchmark
    @OperationsPerInvocation(N * N)
    public float javaLoop() {
        return JavaBaselines.matmul(a, b, c, N);
    }
}
