package io.cudawasm.bench;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
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
 * What a grid launched from device code (dynamic parallelism) costs against the same grid launched
 * from the host, per grid, in one run: a one-block parent whose 256 threads each launch a one-thread
 * child (recorded in the launch queue, drained and launched by the runtime after the parent), against
 * 256 host launches of that child.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class DynamicParallelismBench {
    static final int CHILDREN = 256;
    static final String SOURCE = """
            __global__ void leaf(int* c) { atomicAdd(c, 1); }
            __global__ void fan(int* c) { leaf<<<1, 1>>>(c); }
            """;

    @Param({"wasm", "opencl"})
    public String backend;

    private DeviceSession session;
    private List<KernelArg> args;

    @Setup(Level.Trial)
    public void setUp() {
        Backend b = backend.equals("wasm") ? new WasmBackend(2, false)
                : new OpenClBackend(OpenClProbe.devices().devices().get(0));
        CompileRequest request = CompileRequest.of("fan.cu", SOURCE);
        session = b.open(KernelCompiler.compile(request), request);
        args = List.of(KernelArg.of(session.allocate(4)));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
    }

    /** Per child grid: the parent's launch, the queue's drain and 256 child launches, over 256. */
    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object childFromDevice() {
        return session.launch("fan", LaunchConfig.of(Dim3.of(1), Dim3.of(CHILDREN)), args, LaunchOptions.DEFAULT);
    }

    /** Per grid: the same one-thread grid launched from the host. */
    @Benchmark
    @OperationsPerInvocation(CHILDREN)
    public Object fromHost() {
        Object last = null;
        for (int i = 0; i < CHILDREN; i++) {
            last = session.launch("leaf", LaunchConfig.of(Dim3.of(1), Dim3.of(1)), args, LaunchOptions.DEFAULT);
        }
        return last;
    }
}
