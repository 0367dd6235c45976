package io.cudawasm.bench;

import io.cudawasm.bench.suite.HostData;
import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.library.KernelLibrary;
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
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The CPU path against the CPU's practical limit and against PoCL, side by side in one process: the
 * Wasm path with one and two workers (and, where the JVM has the vector API, the same with its float
 * rows kept scalar: {@code wasm-1s}, {@code wasm-2s}), PoCL's CPU device on the same kernel (where there is an OpenCL
 * device), and the C reference ({@link CpuReference}) with one and two OpenMP threads, for saxpy over
 * 16M floats, the shared-memory tree reduction of 16M floats ({@link WasmBlockBench}'s kernel) and the
 * tiled 512x512 matmul ({@link DeviceSemanticsCases#TILED_MATMUL}, the kernel of
 * {@link OpenClMatmulBench}; the C reference multiplies in ikj order).
 *
 * <p>Not a JMH benchmark, because the machine it runs on is shared: the variants of a kernel take turns
 * within each round (a few launches each, in a rotating order), so a change of load hits all of them,
 * and each ratio is taken within a round and then its median over the rounds.
 * {@code java -cp bench/target/benchmarks.jar io.cudawasm.bench.CpuLimits [ROUNDS [LAUNCHES [KERNEL...]]]}
 * (defaults: 15 rounds of 5 launches; saxpy, reduce, tiled).
 */
public final class CpuLimits {
    private CpuLimits() {}

    static final int SAXPY_N = 16 << 20;
    static final int REDUCE_N = 16 << 20;
    static final int MATMUL_N = 512;

    /** One way of running a kernel: a launch (or the C reference's run), timed in milliseconds. */
    interface Variant extends AutoCloseable {
        double[] run(int launches) throws Exception;

        @Override
        default void close() throws Exception {}
    }

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 15;
        int launches = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        List<String> kernels = args.length > 2 ? List.of(Arrays.copyOfRange(args, 2, args.length))
                : List.of("saxpy", "reduce", "tiled");
        CpuReference.Started c = CpuReference.start(Path.of(System.getProperty("java.io.tmpdir"), "cuda-wasm-cpu-reference"));
        System.out.printf(Locale.ROOT, "C reference: %s%n", c.reference() != null
                ? c.reference().compiler() + ", " + String.join(" ", CpuReference.FLAGS) : "none (" + c.reason() + ")");
        OpenClProbe.Result opencl = OpenClProbe.devices();
        System.out.printf(Locale.ROOT, "OpenCL: %s%n", opencl.devices().isEmpty() ? "none (" + opencl.reason() + ")"
                : opencl.devices().get(0).name());
        System.out.printf(Locale.ROOT, "load average before: %s%n", loadAverage());
        try {
            for (String kernel : kernels) {
                compare(kernel, rounds, launches, c.reference(), opencl);
            }
        } finally {
            if (c.reference() != null) {
                c.reference().close();
            }
        }
        System.out.printf(Locale.ROOT, "load average after: %s%n", loadAverage());
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).strip();
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * System property that, when {@code false}, leaves out the variants with scalar rows: the two back ends
     * run the same kernel's compiled classes, and HotSpot then compiles its region functions for both the
     * vector calls and the scalar loops they replace, which costs the vector variants time a worker
     * (one back end, vectors on or off) does not pay.
     */
    static final String SCALAR_ROWS_PROPERTY = "cpulimits.scalarRows";

    /**
     * {@code -Dcpulimits.rounds=true}: also print every variant's per-round medians, in the order the
     * round ran them, to see what a slow round had run just before it.
     */
    static final String ROUNDS_PROPERTY = "cpulimits.rounds";

    private static void compare(String kernel, int rounds, int launches, CpuReference c, OpenClProbe.Result opencl)
            throws Exception {
        Map<String, Variant> variants = new LinkedHashMap<>();
        variants.put("wasm-1", wasm(kernel, 1));
        variants.put("wasm-2", wasm(kernel, 2));
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
                && !"false".equals(System.getProperty(SCALAR_ROWS_PROPERTY))) {
            // the same path with its float rows scalar, side by side ("s": scalar rows)
            variants.put("wasm-1s", backend(kernel, new WasmBackend(1, false, false), false));
            variants.put("wasm-2s", backend(kernel, new WasmBackend(2, false, false), false));
        }
        if (!opencl.devices().isEmpty() && !kernel.equals("reduce")) {
            variants.put("pocl", backend(kernel, new OpenClBackend(opencl.devices().get(0)), true));
        }
        if (c != null) {
            String name = kernel.equals("tiled") ? "matmul" : kernel;
            long n = kernel.equals("tiled") ? MATMUL_N : kernel.equals("saxpy") ? SAXPY_N : REDUCE_N;
            variants.put("c-1", k -> c.run(name, n, 1, k));
            variants.put("c-2", k -> c.run(name, n, 2, k));
        }
        variants.put("java-1", new JavaLimits(kernel, 1));
        variants.put("java-2", new JavaLimits(kernel, 2));
        List<String> names = new ArrayList<>(variants.keySet());
        for (String v : names) {
            variants.get(v).run(Math.max(3, launches)); // warm-up (the JIT, PoCL's per-size build)
        }
        Map<String, double[]> perRound = new LinkedHashMap<>();
        names.forEach(v -> perRound.put(v, new double[rounds]));
        boolean showRounds = Boolean.getBoolean(ROUNDS_PROPERTY);
        for (int r = 0; r < rounds; r++) {
            StringBuilder round = new StringBuilder();
            for (int i = 0; i < names.size(); i++) {
                String v = names.get((i + r) % names.size());
                perRound.get(v)[r] = median(variants.get(v).run(launches));
                round.append(String.format(Locale.ROOT, " %s %.2f", v, perRound.get(v)[r]));
            }
            if (showRounds) {
                System.out.printf(Locale.ROOT, "  %s round %d:%s%n", kernel, r, round);
            }
        }
        for (Variant v : variants.values()) {
            v.close();
        }
        double perOp = kernel.equals("tiled") ? (double) MATMUL_N * MATMUL_N : kernel.equals("saxpy") ? SAXPY_N : 0;
        System.out.printf(Locale.ROOT, "%n%s (%d rounds of %d launches; ms per launch: median of the rounds' medians, "
                + "quartiles)%n", kernel, rounds, launches);
        for (String v : names) {
            double[] t = perRound.get(v).clone();
            Arrays.sort(t);
            System.out.printf(Locale.ROOT, "  %-7s %9.2f ms  (%.2f .. %.2f)%s%n", v, t[rounds / 2], t[rounds / 4],
                    t[3 * rounds / 4], perOp > 0 ? String.format(Locale.ROOT, "  %.3f ns per %s", t[rounds / 2] * 1e6 / perOp,
                    kernel.equals("tiled") ? "output" : "element") : "");
        }
        ratio(perRound, "wasm-2", "c-2", rounds);
        ratio(perRound, "wasm-1", "c-1", rounds);
        ratio(perRound, "wasm-1", "wasm-2", rounds);
        ratio(perRound, "wasm-2", "java-2", rounds);
        ratio(perRound, "java-2", "c-2", rounds);
        ratio(perRound, "pocl", "wasm-2", rounds);
        ratio(perRound, "wasm-1s", "wasm-1", rounds);
        ratio(perRound, "wasm-2s", "wasm-2", rounds);
    }

    /** The median over the rounds of {@code a / b} within each round, with quartiles. */
    private static void ratio(Map<String, double[]> perRound, String a, String b, int rounds) {
        if (!perRound.containsKey(a) || !perRound.containsKey(b)) {
            return;
        }
        double[] q = new double[rounds];
        for (int r = 0; r < rounds; r++) {
            q[r] = perRound.get(a)[r] / perRound.get(b)[r];
        }
        Arrays.sort(q);
        System.out.printf(Locale.ROOT, "  %s / %s: %.2f (%.2f .. %.2f)%n", a, b, q[rounds / 2], q[rounds / 4], q[3 * rounds / 4]);
    }

    static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static Variant wasm(String kernel, int workers) {
        return backend(kernel, new WasmBackend(workers, false), false);
    }

    /** A session of {@code backend} with the kernel's data on the device; each run launches the kernel. */
    private static Variant backend(String kernel, Backend backend, boolean forDevices) {
        String fileName;
        String source;
        switch (kernel) {
            case "saxpy" -> {
                fileName = "saxpy.cu";
                source = KernelLibrary.source("saxpy").orElseThrow();
            }
            case "reduce" -> {
                fileName = "block.cu";
                source = WasmBlockBench.SOURCE;
            }
            case "tiled" -> {
                fileName = "matmul_tiled.cu";
                source = DeviceSemanticsCases.TILED_MATMUL;
            }
            default -> throw new IllegalArgumentException("unknown kernel " + kernel + " (saxpy, reduce, tiled)");
        }
        CompileRequest request = CompileRequest.of(fileName, source);
        DeviceSession session = backend.open(forDevices ? KernelCompiler.compileForDevices(request)
                : KernelCompiler.compile(request));
        String name;
        LaunchConfig config;
        List<KernelArg> args;
        switch (kernel) {
            case "saxpy" -> {
                DeviceBuffer x = HostData.upload(session, HostData.floats(SAXPY_N, 1));
                DeviceBuffer y = HostData.upload(session, HostData.floats(SAXPY_N, 2));
                name = "saxpy";
                config = LaunchConfig.of(Dim3.of(SAXPY_N / 256), Dim3.of(256));
                args = List.of(KernelArg.of(SAXPY_N), KernelArg.of(2.0f), KernelArg.of(x), KernelArg.of(y));
            }
            case "reduce" -> {
                DeviceBuffer in = HostData.upload(session, HostData.floats(REDUCE_N, 3));
                DeviceBuffer out = session.allocate(4L * REDUCE_N / 256);
                name = "reduce";
                config = new LaunchConfig(Dim3.of(REDUCE_N / 256), Dim3.of(256), 256 * 4);
                args = List.of(KernelArg.of(in), KernelArg.of(out));
            }
            default -> {
                int n = MATMUL_N;
                DeviceBuffer a = HostData.upload(session, HostData.floats(n * n, 4));
                DeviceBuffer b = HostData.upload(session, HostData.floats(n * n, 5));
                DeviceBuffer cm = session.allocate(4L * n * n);
                name = "matmul_tiled";
                config = LaunchConfig.of(new Dim3(n / 16, n / 16, 1), new Dim3(16, 16, 1));
                args = List.of(KernelArg.of(a), KernelArg.of(b), KernelArg.of(cm), KernelArg.of(n), KernelArg.of(n),
                        KernelArg.of(n));
            }
        }
        return new Variant() {
            @Override
            public double[] run(int launches) {
                double[] t = new double[launches];
                for (int i = 0; i < launches; i++) {
                    long start = System.nanoTime();
                    session.launch(name, config, args, LaunchOptions.DEFAULT);
                    t[i] = (System.nanoTime() - start) / 1e6;
                }
                return t;
            }

            @Override
            public void close() throws Exception {
                session.close();
                if (backend instanceof AutoCloseable a) {
                    a.close();
                }
            }
        };
    }
}
