package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import java.lang.management.ManagementFactory;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where the shared-memory tree reduction of {@link CpuLimits} spends its time on the Wasm path, and why
 * a second worker does not halve it: the kernel whole, its global-to-shared copy alone, and its tree
 * alone (on values the kernel makes, so no global memory is read), each with one and two workers, with
 * the process's CPU time per launch beside the wall time. A part whose CPU time grows with the second
 * worker is held back by something the workers share (memory bandwidth, caches), not by idle workers.
 *
 * <p>{@code java -XX:-DontCompileHugeMethods -cp bench/target/benchmarks.jar io.cudawasm.bench.ReductionParts [ROUNDS [LAUNCHES]]}
 * (defaults: 9 rounds of 20 launches; the variants take turns within a round, as in {@link CpuLimits}).
 */
public final class ReductionParts {
    private ReductionParts() {}

    private static final int N = CpuLimits.REDUCE_N;
    private static final String COPY = "s[tid] = in[blockIdx.x * blockDim.x + tid]; __syncthreads();";
    private static final String MADE = "s[tid] = (float) (tid & 7); __syncthreads();";
    private static final String TREE = "for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {"
            + " if (tid < st) s[tid] += s[tid + st]; __syncthreads(); }";

    private static String kernel(String body) {
        return "__global__ void reduce(const float* in, float* out) {\n    extern __shared__ float s[];\n"
                + "    unsigned tid = threadIdx.x;\n    " + body + "\n    if (tid == 0) out[blockIdx.x] = s[0];\n}\n";
    }

    /** One part on one worker count: wall and CPU milliseconds of each launch. */
    private record Part(WasmBackend backend, DeviceSession session, List<KernelArg> args) implements AutoCloseable {
        static Part open(String body, int workers) {
            WasmBackend backend = new WasmBackend(workers, false);
            DeviceSession session = backend.open(KernelCompiler.compile(CompileRequest.of("reduce.cu", kernel(body))));
            List<KernelArg> args = List.of(KernelArg.of(HostData.upload(session, HostData.floats(N, 3))),
                    KernelArg.of(session.allocate(4L * N / 256)));
            return new Part(backend, session, args);
        }

        /**
         * {median wall, mean CPU} over the launches, in ms; the CPU time is the process's over all of
         * them (the OS counts it in ticks of several milliseconds, too coarse for one launch).
         */
        double[] run(int launches) {
            var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
            LaunchConfig config = new LaunchConfig(Dim3.of(N / 256), Dim3.of(256), 256 * 4);
            double[] wall = new double[launches];
            long cpu = os.getProcessCpuTime();
            for (int i = 0; i < launches; i++) {
                long t = System.nanoTime();
                session.launch("reduce", config, args, LaunchOptions.DEFAULT);
                wall[i] = (System.nanoTime() - t) / 1e6;
            }
            return new double[] {CpuLimits.median(wall), (os.getProcessCpuTime() - cpu) / 1e6 / launches};
        }

        @Override
        public void close() {
            session.close();
            backend.close();
        }
    }

    public static void main(String[] args) {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 9;
        int launches = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Map<String, String> parts = new LinkedHashMap<>();
        parts.put("whole", COPY + " " + TREE);
        parts.put("copy", COPY);
        parts.put("tree", MADE + " " + TREE);
        parts.put("made", MADE);
        Map<String, Part> variants = new LinkedHashMap<>();
        parts.forEach((name, body) -> {
            variants.put(name + "-1", Part.open(body, 1));
            variants.put(name + "-2", Part.open(body, 2));
        });
        List<String> names = List.copyOf(variants.keySet());
        names.forEach(v -> variants.get(v).run(Math.max(10, launches))); // warm-up: the JIT
        Map<String, double[][]> perRound = new LinkedHashMap<>();
        names.forEach(v -> perRound.put(v, new double[rounds][]));
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < names.size(); i++) {
                String v = names.get((i + r) % names.size());
                perRound.get(v)[r] = variants.get(v).run(launches);
            }
        }
        variants.values().forEach(Part::close);
        System.out.printf(Locale.ROOT, "reduction of %d floats in blocks of 256 (%d rounds of %d launches; wall: median, CPU: mean)%n",
                N, rounds, launches);
        System.out.printf(Locale.ROOT, "  %-8s %9s %9s %11s%n", "part", "wall ms", "CPU ms", "1 / 2 wall");
        for (String v : names) {
            double wall = median(perRound.get(v), 0);
            double cpu = median(perRound.get(v), 1);
            String speedUp = "";
            if (v.endsWith("-2")) {
                double[][] one = perRound.get(v.substring(0, v.length() - 1) + "1");
                double[] q = new double[rounds];
                for (int r = 0; r < rounds; r++) {
                    q[r] = one[r][0] / perRound.get(v)[r][0];
                }
                speedUp = String.format(Locale.ROOT, "%.2f", CpuLimits.median(q));
            }
            System.out.printf(Locale.ROOT, "  %-8s %9.2f %9.2f %11s%n", v, wall, cpu, speedUp);
        }
        // "made" is the part of "tree" that only writes the values; "copy" reads N * 4 bytes per launch
        double copy = median(perRound.get("copy-1"), 0);
        System.out.printf(Locale.ROOT, "  copy with one worker reads %.1f GB/s%n", 4.0 * N / copy / 1e6);
    }

    private static double median(double[][] rounds, int column) {
        return CpuLimits.median(Arrays.stream(rounds).mapToDouble(r -> r[column]).toArray());
    }
}
