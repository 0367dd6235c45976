package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.util.List;
import java.util.Map;
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
 * What a call through a device function pointer costs on the Wasm path (one worker, time per
 * launch of 256K threads making 64 calls each): {@code direct} calls the function by name,
 * {@code pointer} through a {@code __constant__} table (the call site's dispatcher compares the
 * index with the 4 functions of that signature: the one called is the last), {@code switch}
 * selects it with a switch on an int, as code without function pointers would.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class FunctionPointerBench {
    static final int N = 256 * 1024;

    static final String SOURCE = """
            __device__ float op0(float a, float b) { return a + b; }
            __device__ float op1(float a, float b) { return a * b; }
            __device__ float op2(float a, float b) { return a - b; }
            __device__ float op3(float a, float b) { return fmaxf(a, b); }
            typedef float (*op_t)(float, float);
            __constant__ op_t ops[4] = {op0, op1, op2, op3};
            __global__ void k(const float* x, float* out, int sel, int n)
            {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i >= n) return;
                float acc = x[i];
                for (int j = 0; j < 64; j++) {
                    float v = x[(i + j) & (n - 1)];
            #if VARIANT == 0
                    acc = op3(acc, v);
            #elif VARIANT == 1
                    acc = ops[sel](acc, v);
            #else
                    switch (sel) {
                    case 0: acc = op0(acc, v); break;
                    case 1: acc = op1(acc, v); break;
                    case 2: acc = op2(acc, v); break;
                    default: acc = op3(acc, v); break;
                    }
            #endif
                }
                out[i] = acc;
            }
            """;

    @Param({"direct", "pointer", "switch"})
    String variant;

    WasmBackend backend;
    DeviceSession session;
    LaunchConfig config;
    List<KernelArg> args;

    @Setup(Level.Trial)
    public void setUp() {
        String v = switch (variant) {
            case "direct" -> "0";
            case "pointer" -> "1";
            default -> "2";
        };
        CompileResult compiled = KernelCompiler.compile(CompileRequest.of("fnptr.cu", SOURCE)
                .withDefines(Map.of("VARIANT", v)));
        backend = new WasmBackend(1, false);
        session = backend.open(compiled);
        SplittableRandom r = new SplittableRandom(7);
        float[] x = new float[N];
        for (int i = 0; i < N; i++) {
            x[i] = (float) r.nextDouble();
        }
        DeviceBuffer in = HostData.upload(session, x);
        DeviceBuffer out = session.allocate(4L * N);
        config = LaunchConfig.of(Dim3.of(N / 256), Dim3.of(256));
        args = List.of(KernelArg.of(in), KernelArg.of(out), KernelArg.of(3), KernelArg.of(N));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        session.close();
        backend.close();
    }

    @Benchmark
    public void launch() {
        session.launch("k", config, args, LaunchOptions.DEFAULT);
    }
}
