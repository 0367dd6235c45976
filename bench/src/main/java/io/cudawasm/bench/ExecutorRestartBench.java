package io.cudawasm.bench;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.executor.ExecutorBackend;
import io.cudawasm.runtime.executor.ExecutorSettings;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
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
 * What an executor restart costs the job after a crash: a tiny job (open a session, allocate, launch,
 * read) on a warm executor, and the same job right after the executor was killed with SIGKILL, so
 * that it waits for the new executor (JVM start, device open, kernel compile, OpenCL program from the
 * binary cache). Single shots, the kill done before each measured one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 15)
@Fork(1)
public class ExecutorRestartBench {
    @Param({"warm", "after-kill"})
    public String executor;

    private ExecutorBackend backend;
    private CompileRequest request;

    @Setup(Level.Trial)
    public void setUp() {
        OpenClDevice device = OpenClProbe.devices().devices().get(0);
        // no crash loop here: this benchmark kills on purpose
        backend = new ExecutorBackend("opencl:" + device.index(), device.describe(), ExecutorSettings.defaults()
                .withCrashLoop(1_000_000, Duration.ofSeconds(1), Duration.ofSeconds(1)), new ExecutorBackend.Shared());
        request = CompileRequest.of("tiny.cu", ExecutorOverheadBench.TINY);
        job();
    }

    @Setup(Level.Invocation)
    public void killIfAsked() {
        if (executor.equals("after-kill")) {
            long pid = backend.supervisor().pid();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            while (backend.supervisor().pid() == pid) {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1)); // until the death is noticed
            }
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        backend.close();
    }

    @Benchmark
    public byte[] job() {
        try (DeviceSession s = backend.open(KernelCompiler.compile(request), request)) {
            var out = s.allocate(4 * 32);
            s.launch("tiny", LaunchConfig.of(Dim3.of(1), Dim3.of(32)), List.of(KernelArg.of(out)),
                    LaunchOptions.DEFAULT);
            return s.read(out, 0, 4 * 32);
        }
    }
}
