package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.executor.ExecutorBackend;
import io.cudawasm.runtime.executor.ExecutorSettings;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What running OpenCL (PoCL here) in an executor process costs against running it in the worker's
 * JVM, in one run: a tiny launch (one block of 32 threads writing 32 ints: dispatch and completion
 * only), saxpy over 16M floats with the buffers resident on the device, and the same saxpy with its
 * transfers (x and y up, y down: 192 MiB through shared memory on the executor side).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx3g"})
public class ExecutorOverheadBench {
    static final int N = 16 * 1024 * 1024;
    static final String TINY = "__global__ void tiny(int *out) { out[threadIdx.x] = threadIdx.x * 2; }\n";

    @Param({"in-process", "executor"})
    public String isolation;

    private Backend backend;
    private DeviceSession tinySession;
    private List<KernelArg> tinyArgs;
    private DeviceSession saxpySession;
    private DeviceBuffer dx;
    private DeviceBuffer dy;
    private List<KernelArg> saxpyArgs;
    private byte[] x;
    private byte[] y;

    @Setup(Level.Trial)
    public void setUp() {
        OpenClDevice device = OpenClProbe.devices().devices().get(0);
        backend = isolation.equals("executor")
                ? new ExecutorBackend("opencl:" + device.index(), device.describe(), ExecutorSettings.defaults(),
                        new ExecutorBackend.Shared())
                : new OpenClBackend(device);
        CompileRequest tiny = CompileRequest.of("tiny.cu", TINY);
        tinySession = backend.open(KernelCompiler.compile(tiny), tiny);
        tinyArgs = List.of(KernelArg.of(tinySession.allocate(4 * 32)));
        CompileRequest saxpy = CompileRequest.of("saxpy.cu", KernelLibrary.source("saxpy").orElseThrow());
        CompileResult compiled = KernelCompiler.compile(saxpy);
        saxpySession = backend.open(compiled, saxpy);
        x = HostData.bytes(HostData.floats(N, 1));
        y = HostData.bytes(HostData.floats(N, 2));
        dx = saxpySession.allocate(4L * N);
        dy = saxpySession.allocate(4L * N);
        saxpySession.write(dx, 0, x);
        saxpySession.write(dy, 0, y);
        saxpyArgs = List.of(KernelArg.of(N), KernelArg.of(2.0f), KernelArg.of(dx), KernelArg.of(dy));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        tinySession.close();
        saxpySession.close();
        ((AutoCloseable) backend).close();
    }

    @Benchmark
    public Object tinyLaunch() {
        return tinySession.launch("tiny", LaunchConfig.of(Dim3.of(1), Dim3.of(32)), tinyArgs, LaunchOptions.DEFAULT);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public Object saxpy16M() {
        return saxpySession.launch("saxpy", LaunchConfig.of(Dim3.of(N / 256), Dim3.of(256)), saxpyArgs,
                LaunchOptions.DEFAULT);
    }

    @Benchmark
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public byte[] saxpy16MWithTransfers() {
        saxpySession.write(dx, 0, x);
        saxpySession.write(dy, 0, y);
        saxpySession.launch("saxpy", LaunchConfig.of(Dim3.of(N / 256), Dim3.of(256)), saxpyArgs, LaunchOptions.DEFAULT);
        return saxpySession.read(dy, 0, 4 * N);
    }
}
