package io.cudawasm.bench;

import com.dylibso.chicory.wasm.Parser;
import io.cudawasm.kernels.CompileLimits;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the compile limits cost a normal compile (CUDA C to validated Wasm): this build's compiler
 * with {@link CompileLimits#defaults()} against a baseline build of the compiler from before the
 * limits, loaded from its jar in a class loader of its own, in the same JMH run. {@code baselineJar}
 * names that jar (bench/RESULTS.md, "Compile limits", shows how to build it); without it only the
 * current compiler runs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(2)
public class CompileLimitsOverheadBench {
    @Param({"current", "baseline"})
    public String compiler;

    /** Bundled kernels, and a 2,000-statement kernel (48 KB) where per-token costs show. */
    @Param({"saxpy", "particles", "statements2000"})
    public String kernel;

    @Param({""})
    public String baselineJar;

    /** One compile of the chosen kernel by the chosen compiler. */
    @FunctionalInterface
    interface Compile {
        Object run() throws Throwable;
    }

    private Compile compile;

    @Setup
    public void setUp() throws Exception {
        String fileName = kernel + ".cu";
        String source = kernel.equals("statements2000") ? statements(2000) : KernelLibrary.source(kernel).orElseThrow();
        if (compiler.equals("current")) {
            CompileRequest request = CompileRequest.of(fileName, source);
            compile = () -> KernelCompiler.compile(request, CompileLimits.defaults());
            return;
        }
        if (baselineJar.isEmpty()) {
            throw new IllegalStateException("the baseline compiler needs -p baselineJar=<kernels jar of the baseline>");
        }
        // the baseline's own classes first; Chicory from this benchmark's jar (its io.cudawasm classes are shadowed)
        URL chicory = Parser.class.getProtectionDomain().getCodeSource().getLocation();
        URLClassLoader loader = new URLClassLoader(new URL[] {Path.of(baselineJar).toUri().toURL(), chicory},
                ClassLoader.getPlatformClassLoader());
        Class<?> requestClass = loader.loadClass("io.cudawasm.kernels.CompileRequest");
        Class<?> compilerClass = loader.loadClass("io.cudawasm.kernels.KernelCompiler");
        Object request = requestClass.getMethod("of", String.class, String.class).invoke(null, fileName, source);
        MethodHandle handle = MethodHandles.lookup().unreflect(compilerClass.getMethod("compile", requestClass))
                .bindTo(request).asType(MethodType.methodType(Object.class));
        compile = handle::invokeExact;
    }

    static String statements(int n) {
        StringBuilder sb = new StringBuilder("__global__ void statements(float* x, const float* y, int n) {\n"
                + "    int i = blockIdx.x * blockDim.x + threadIdx.x;\n    if (i >= n) return;\n    float a = x[i];\n");
        for (int j = 0; j < n; j++) {
            sb.append("    a = a * 0.5f + y[(i + ").append(j).append(") % n];\n");
        }
        return sb.append("    x[i] = a;\n}\n").toString();
    }

    @Benchmark
    public Object compile() throws Throwable {
        return compile.run();
    }

    /**
     * The same comparison on a loaded machine: both compilers in one JVM, alternating in rounds,
     * each compile timed by its thread's CPU time (which waiting for a core does not inflate).
     * Prints, per kernel, the median of the per-round ratios current / baseline.
     * Usage: {@code java -cp benchmarks.jar io.cudawasm.bench.CompileLimitsOverheadBench BASELINE_JAR [ROUNDS]}.
     */
    public static void main(String[] args) throws Throwable {
        java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        for (String k : new String[] {"saxpy", "particles", "statements2000"}) {
            CompileLimitsOverheadBench current = arm("current", k, args[0]);
            CompileLimitsOverheadBench baseline = arm("baseline", k, args[0]);
            int perRound = k.equals("statements2000") ? 5 : 200;
            double[] ratios = new double[rounds];
            long currentNanos = 0;
            long baselineNanos = 0;
            for (int r = -5; r < rounds; r++) { // five rounds of warm-up
                long c = cpuTime(threads, current, perRound);
                long b = cpuTime(threads, baseline, perRound);
                if (r >= 0) {
                    ratios[r] = (double) c / b;
                    currentNanos += c;
                    baselineNanos += b;
                }
            }
            java.util.Arrays.sort(ratios);
            System.out.printf("%-15s current %8.1f us  baseline %8.1f us  ratio median %.3f (quartiles %.3f-%.3f)%n", k,
                    currentNanos / 1e3 / rounds / perRound, baselineNanos / 1e3 / rounds / perRound, ratios[rounds / 2],
                    ratios[rounds / 4], ratios[3 * rounds / 4]);
        }
    }

    private static CompileLimitsOverheadBench arm(String compiler, String kernel, String baselineJar) throws Exception {
        CompileLimitsOverheadBench b = new CompileLimitsOverheadBench();
        b.compiler = compiler;
        b.kernel = kernel;
        b.baselineJar = baselineJar;
        b.setUp();
        return b;
    }

    private static long cpuTime(java.lang.management.ThreadMXBean threads, CompileLimitsOverheadBench b, int times)
            throws Throwable {
        long start = threads.getCurrentThreadCpuTime();
        for (int i = 0; i < times; i++) {
            b.compile();
        }
        return threads.getCurrentThreadCpuTime() - start;
    }
}
