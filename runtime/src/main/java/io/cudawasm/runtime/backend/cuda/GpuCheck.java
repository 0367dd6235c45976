package io.cudawasm.runtime.backend.cuda;

import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.runtime.backend.Backend;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.BundledKernelCases;
import io.cudawasm.runtime.backend.check.CooperativeCases;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClBackend;
import io.cudawasm.runtime.backend.opencl.OpenClDevice;
import io.cudawasm.runtime.backend.opencl.OpenClProbe;
import io.cudawasm.runtime.executor.ExecutorBackend;
import io.cudawasm.runtime.executor.ExecutorSettings;
import io.cudawasm.runtime.executor.FaultDrill;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The GPU check ({@code scripts/gpu-check.sh}): every bundled kernel and every device-semantics
 * kernel (with the cooperative, cluster, independent-thread and tensor-copy cases) launched through JCuda on each NVIDIA GPU (and through OpenCL on each OpenCL GPU), the
 * outputs checked against the Java references, a line per case and a summary; then saxpy on 16M
 * floats and a tiled 1024x1024 matmul timed, then the {@link FaultDrill} (faulting kernels, each
 * failing its own job while the next job on the GPU comes out right). Back ends run in executor
 * processes as the worker runs them ({@code --in-process}: in this JVM, without the drill).
 * {@code --prepare DIR} instead compiles the PTX of every case with nvcc into DIR, for GPU hosts
 * without nvcc or NVRTC.
 */
public final class GpuCheck {
    private static final PrintStream OUT = System.out;

    private GpuCheck() {}

    public static void main(String[] args) {
        if (args.length >= 2 && args[0].equals("--prepare")) {
            prepare(Path.of(args[1]), args.length > 2 ? Arrays.asList(args).subList(2, args.length)
                    : List.of("compute_75", "compute_80", "compute_90"));
            return;
        }
        System.exit(check(Arrays.asList(args).contains("--in-process")));
    }

    private static final java.util.Set<String> CLUSTER_CASES = java.util.Set.copyOf(
            io.cudawasm.runtime.backend.check.ClusterCases.all().stream().map(KernelCase::name).toList());

    private static final java.util.Set<String> TENSOR_COPY_CASES = java.util.Set.copyOf(
            io.cudawasm.runtime.backend.check.TensorCopyCases.all().stream().map(KernelCase::name).toList());

    private static final java.util.Set<String> INDEPENDENT_CASES = java.util.Set.copyOf(
            io.cudawasm.runtime.backend.check.IndependentThreadCases.all().stream().map(KernelCase::name).toList());

    private static List<KernelCase> cases() {
        List<KernelCase> all = new ArrayList<>(BundledKernelCases.all());
        all.addAll(DeviceSemanticsCases.all());
        all.addAll(CooperativeCases.all());
        all.addAll(io.cudawasm.runtime.backend.check.ClusterCases.all());
        all.addAll(io.cudawasm.runtime.backend.check.IndependentThreadCases.all());
        all.addAll(io.cudawasm.runtime.backend.check.TensorCopyCases.all());
        all.addAll(io.cudawasm.runtime.backend.check.DeviceExitCases.all());
        return all;
    }

    private static void prepare(Path dir, List<String> archs) {
        PtxCompiler compiler = new PtxCompiler(dir);
        for (KernelCase c : cases()) {
            CompileResult compiled = c.compile();
            CudaProgram program = compiled.cuda();
            // a cluster shape only the launch gives: CudaSession compiles the kernel for it
            CudaProgram variant = program.kernel(c.launch().kernel()).flatMap(k -> CudaBackend.launchOnlyShape(k,
                    c.launch().config().cluster()).map(shape -> compiled.cuda(k.name(), shape))).orElse(null);
            for (String arch : archs) {
                if (CLUSTER_CASES.contains(c.name()) && arch.compareTo("compute_90") < 0) {
                    continue; // thread block clusters exist from sm_90 on
                }
                compiler.compileWithNvcc(program, arch);
                if (variant != null) {
                    compiler.compileWithNvcc(variant, arch);
                }
            }
            OUT.println("prepared " + c.name() + " for " + archs);
        }
        OUT.println("PTX in " + dir.toAbsolutePath());
    }

    private static int check(boolean inProcess) {
        OUT.println("cuda-wasm GPU check (" + (inProcess ? "back ends in this process" : "back ends in executor "
                + "processes, as the worker runs them") + ")");
        CudaProbe.Result cuda = CudaProbe.devices();
        OUT.println("  CUDA:   " + (cuda.available() ? cuda.devices().stream().map(CudaDevice::describe).toList()
                : "unavailable: " + cuda.reason()));
        OUT.println("  PTX:    " + (PtxCompiler.nvrtcAvailable() ? PtxCompiler.nvrtcReason()
                : PtxCompiler.nvcc().map(p -> "nvcc " + p).orElse("prepared PTX only (no NVRTC: "
                + PtxCompiler.nvrtcReason() + ", no nvcc)")));
        OpenClProbe.Result opencl = OpenClProbe.devices();
        OUT.println("  OpenCL: " + (opencl.available() ? opencl.devices().stream().map(OpenClDevice::describe).toList()
                : "unavailable: " + opencl.reason()));
        List<Backend> backends = new ArrayList<>();
        // the drill kills executors on purpose: no crash-loop cooldown in the middle of it
        ExecutorSettings settings = ExecutorSettings.fromEnvironment(System.getenv()).withIsolated(true)
                .withCrashLoop(100, java.time.Duration.ofSeconds(60), java.time.Duration.ofSeconds(1));
        ExecutorBackend.Shared shared = new ExecutorBackend.Shared();
        java.util.Set<String> withClusters = new java.util.HashSet<>();
        for (CudaDevice d : cuda.devices()) {
            if (d.major() >= 9) {
                withClusters.add("cuda:" + d.index());
            }
            backends.add(inProcess ? new CudaBackend(d) : new ExecutorBackend("cuda:" + d.index(), d.describe(),
                    settings, shared));
        }
        for (OpenClDevice d : opencl.devices()) {
            if (d.isGpu()) {
                backends.add(inProcess ? new OpenClBackend(d) : new ExecutorBackend("opencl:" + d.index(),
                        d.describe(), settings, shared));
            }
        }
        if (cuda.devices().isEmpty()) {
            OUT.println("no NVIDIA GPU here: nothing to check (exit 2)");
            return 2;
        }
        int failed = 0;
        int runs = 0;
        OUT.printf(Locale.ROOT, "%-34s %-10s %-9s %-10s %s%n", "case", "backend", "result", "ms", "detail");
        for (KernelCase c : cases()) {
            CompileResult compiled;
            try {
                compiled = c.compile();
            } catch (RuntimeException e) {
                OUT.printf(Locale.ROOT, "%-34s %-10s %-9s %-10s %s%n", c.name(), "-", "FAIL", "-", e.getMessage());
                failed++;
                continue;
            }
            for (Backend b : backends) {
                if (CLUSTER_CASES.contains(c.name()) && !withClusters.contains(b.name())) {
                    // clusters need sm_90; OpenCL runs clusters of one block only (refused by name, tested on the CPU path)
                    continue;
                }
                if (INDEPENDENT_CASES.contains(c.name()) && !b.name().startsWith("cuda")) {
                    continue; // threads that wait for each other: OpenCL stops them (tested on the CPU path)
                }
                if (TENSOR_COPY_CASES.contains(c.name()) && !b.name().startsWith("cuda")) {
                    continue; // OpenCL has no bulk tensor copies: it refuses tensor maps by name (tested on PoCL)
                }
                runs++;
                String result;
                String detail;
                String ms = "-";
                try {
                    CheckedRun.BackendRun run = CheckedRun.run(b, compiled, c.request(), c.launch());
                    if (run.failure() != null) {
                        result = "FAIL";
                        detail = run.failure().getMessage();
                    } else {
                        List<BufferComparison> cmp = c.againstReference(run);
                        boolean ok = cmp.stream().allMatch(BufferComparison::passed);
                        result = ok ? "PASS" : "FAIL";
                        long ulps = cmp.stream().mapToLong(BufferComparison::maxUlps).max().orElse(0);
                        detail = ok ? "max " + ulps + " ulp (" + c.tolerance() + ")" : cmp.stream()
                                .filter(x -> !x.passed()).map(BufferComparison::format).toList().toString();
                        ms = String.format(Locale.ROOT, "%.3f", run.stats().elapsed().toNanos() / 1e6);
                    }
                } catch (RuntimeException e) {
                    result = "FAIL";
                    detail = e.toString();
                }
                if (!result.equals("PASS")) {
                    failed++;
                }
                OUT.printf(Locale.ROOT, "%-34s %-10s %-9s %-10s %s%n", c.name(), b.name(), result, ms, detail);
            }
        }
        OUT.println("summary: " + (runs - failed) + " of " + runs + " runs passed (" + cases().size() + " cases on "
                + backends.stream().map(Backend::name).toList() + ")");
        for (Backend b : backends) {
            try {
                timings(b);
            } catch (RuntimeException e) {
                OUT.println("timing on " + b.name() + " failed: " + e);
            }
        }
        // faulting kernels: each fails its own job, the executor is replaced where it must be, the next job is right
        for (Backend b : backends) {
            if (b instanceof ExecutorBackend e) {
                OUT.println("fault drill on " + b.name() + ":");
                for (FaultDrill.Outcome o : new FaultDrill(e).run()) {
                    OUT.println(o.format());
                    if (!o.passed()) {
                        failed++;
                    }
                }
            }
        }
        for (Backend b : backends) {
            if (b instanceof AutoCloseable c) {
                try {
                    c.close();
                } catch (Exception e) {
                    // exiting
                }
            }
        }
        return failed == 0 ? 0 : 1;
    }

    /** Median of five launches of saxpy on 16M floats and of the tiled matmul at 1024. */
    private static void timings(Backend b) {
        int n = 1 << 24;
        KernelCase saxpy = BundledKernelCases.saxpy();
        try (DeviceSession s = b.open(saxpy.compile(), saxpy.request())) {
            DeviceBuffer x = s.allocate(4L * n);
            DeviceBuffer y = s.allocate(4L * n);
            List<KernelArg> args = List.of(KernelArg.of(n), KernelArg.of(2.0f), KernelArg.of(x), KernelArg.of(y));
            LaunchConfig config = LaunchConfig.of(Dim3.of(n / 256), Dim3.of(256));
            OUT.printf(Locale.ROOT, "timing %s: saxpy 16M floats %.3f ms (median of 5)%n", b.name(),
                    median(() -> s.launch("saxpy", config, args, LaunchOptions.DEFAULT).elapsed().toNanos()));
        }
        int m = 1024;
        KernelCase tiled = io.cudawasm.runtime.backend.check.CaseBuilder.of("tiled", "matmul_tiled.cu",
                DeviceSemanticsCases.TILED_MATMUL).kernel("matmul_tiled").build();
        try (DeviceSession s = b.open(tiled.compile(), tiled.request())) {
            DeviceBuffer a = s.allocate(4L * m * m);
            DeviceBuffer bb = s.allocate(4L * m * m);
            DeviceBuffer c = s.allocate(4L * m * m);
            List<KernelArg> args = List.of(KernelArg.of(a), KernelArg.of(bb), KernelArg.of(c), KernelArg.of(m),
                    KernelArg.of(m), KernelArg.of(m));
            LaunchConfig config = LaunchConfig.of(new Dim3(m / 16, m / 16, 1), new Dim3(16, 16, 1));
            OUT.printf(Locale.ROOT, "timing %s: tiled matmul 1024x1024 %.3f ms (median of 5)%n", b.name(),
                    median(() -> s.launch("matmul_tiled", config, args, LaunchOptions.DEFAULT).elapsed().toNanos()));
        }
    }

    private static double median(java.util.function.LongSupplier nanos) {
        long[] t = new long[5];
        for (int i = 0; i < t.length; i++) {
            t[i] = nanos.getAsLong();
        }
        Arrays.sort(t);
        return t[2] / 1e6;
    }
}
