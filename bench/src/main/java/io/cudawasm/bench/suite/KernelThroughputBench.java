package io.cudawasm.bench.suite;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
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
 * Time per launch of each bundled kernel at each size on each back end, buffers resident on the device
 * (transfers are not timed, as in a job that launches the same kernel repeatedly). The {@code java}
 * back end runs the same algorithm as a plain loop on one thread: the reference every speed-up in the
 * report is measured against. GB/s and GFLOP/s follow from the workloads in the result file.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = "-Xmx3g")
public class KernelThroughputBench {
    /** The suite replaces this list with the back ends present on the host. */
    @Param({"java", "wasm"})
    public String backend;

    @Param({"vector_add", "saxpy", "elementwise_2d", "matmul_naive", "double_poly"})
    public String kernel;

    @Param({"S", "M"})
    public String size;

    private KernelProblem problem;
    private OpenedBackend opened;
    private DeviceSession session;
    private BoundLaunch launch;

    @Setup(Level.Trial)
    public void setUp() {
        SuiteKernel k = SuiteKernel.parse(kernel);
        problem = k.prepare(SuiteSize.parse(size));
        if (backend.equals(OpenedBackend.JAVA)) {
            return;
        }
        opened = OpenedBackend.open(backend, null);
        session = opened.backend().open(KernelCompiler.compile(CompileRequest.of(k.libraryName() + ".cu", k.source())));
        launch = problem.bind(session);
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
        return launch == null ? problem.runJava() : launch.run();
    }
}
