package io.cudawasm.bench.suite;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import java.util.List;
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
 * The fixed cost of one launch: one block of 32 threads writing 32 ints, so nearly all of the time is
 * argument marshalling, dispatch and completion. On {@code java} the same 32 writes are a method call,
 * the floor no back end can beat.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class LaunchOverheadBench {
    static final String SOURCE = "__global__ void tiny(int *out) { out[threadIdx.x] = threadIdx.x * 2; }\n";

    @Param({"java", "wasm"})
    public String backend;

    private final int[] out = new int[32];
    private OpenedBackend opened;
    private DeviceSession session;
    private BoundLaunch launch;

    @Setup(Level.Trial)
    public void setUp() {
        if (backend.equals(OpenedBackend.JAVA)) {
            return;
        }
        opened = OpenedBackend.open(backend, null);
        session = opened.backend().open(KernelCompiler.compile(CompileRequest.of("tiny.cu", SOURCE)));
        launch = new BoundLaunch(session, "tiny", LaunchConfig.of(Dim3.of(1), Dim3.of(32)),
                List.of(KernelArg.of(session.allocate(4 * 32))));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (session != null) {
            session.close();
        }
        if (opened != null) {
            opened.close();
        }
    }

    @Benchmark
    public Object launch() {
        if (launch != null) {
            return launch.run();
        }
        for (int t = 0; t < 32; t++) {
            out[t] = t * 2;
        }
        return out;
    }
}
