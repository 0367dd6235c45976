package io.cudawasm.runtime.samples;

import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.testing.CliRun;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs real, unmodified public CUDA samples as a user would: each sample's own source file, its
 * headers through {@code -I}, its own launch shapes, through {@code cuda-wasm run} on the
 * WebAssembly path, on OpenCL (PoCL) and through the PTX nvcc makes of the same file; outputs are
 * saved with {@code --out} and checked against references computed here, independently of the
 * sample. The samples are not part of this repository: give the folder holding a checkout of
 * NVIDIA/cuda-samples ({@code Samples/}, {@code Common/}).
 *
 * <pre>
 * java -cp RUNTIME_TEST_CLASSPATH io.cudawasm.runtime.samples.PublicSamplesRun /path/to/cuda-samples [paths [filter]]
 * </pre>
 * where paths is a comma-separated subset of {@code wasm,opencl,ptx,worker} (default: all; {@code worker}
 * starts a worker on a loopback port and sends each launch with {@code cuda-wasm submit}), and an
 * optional third argument keeps the samples whose path contains it. Prints one line per sample and
 * path and a pass count per path (the table in kernels/README.md).
 */
public final class PublicSamplesRun {
    enum Route { WASM, OPENCL, PTX, WORKER }

    private final Path root;
    private final Path work;
    private final Route route;
    private final Map<Path, Path> ptxCache;
    /** The worker the WORKER route submits to (a real one, on a loopback port). */
    private final java.net.URI worker;

    private PublicSamplesRun(Path root, Path work, Route route, Map<Path, Path> ptxCache, java.net.URI worker) {
        this.root = root;
        this.work = work;
        this.route = route;
        this.ptxCache = ptxCache;
        this.worker = worker;
    }

    /** The route this run takes (a sample may expect a route's refusal). */
    Route route() {
        return route;
    }

    /** What the last {@link #run} printed on standard output (device printf, then the summary). */
    private String stdout = "";

    String stdout() {
        return stdout;
    }

    /** A failed check, with what differed. */
    static final class Mismatch extends Exception {
        Mismatch(String message) {
            super(message);
        }
    }

    // ------------------------------------------------------------------ running the CLI

    private Path common() {
        return root.resolve("Common");
    }

    private Path source(String path) {
        return root.resolve("Samples").resolve(path);
    }

    /** {@code cuda-wasm run} on this route; returns the saved outputs by parameter name. */
    Map<String, byte[]> run(String path, String kernel, String grid, String block, int shared, List<String> args,
            List<String> outputs, String... extra) throws Mismatch, IOException {
        Path src = source(path);
        if (route == Route.WORKER) {
            return submit(src, kernel, grid, block, shared, args, outputs, extra);
        }
        List<String> cmd = new ArrayList<>(List.of("run"));
        if (route == Route.PTX) {
            cmd.add(ptx(src, extra).toString());
        } else {
            cmd.addAll(List.of(src.toString(), "-I", common().toString()));
        }
        cmd.addAll(List.of("--kernel", kernel, "--grid", grid, "--block", block, "--shared", Integer.toString(shared)));
        for (String a : args) {
            cmd.addAll(List.of("--arg", a));
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (String o : outputs) {
            Path f = work.resolve(route + "-" + o + "-" + System.nanoTime() + ".bin");
            files.put(o, f);
            // PTX names parameters by position: find the source's name there
            String param = route == Route.PTX ? "param_" + sourceParamIndex(src, kernel, o, extra) : o;
            cmd.addAll(List.of("--out", param + "=" + f));
        }
        cmd.addAll(route == Route.OPENCL ? List.of("--backend", "opencl") : List.of("--sandbox"));
        for (int i = 0; i < extra.length; i++) {
            if (route == Route.PTX && extra[i].equals("--instantiate")) {
                i++; // nvcc instantiated what the host code launches; the PTX holds it
                continue;
            }
            cmd.add(extra[i]);
        }
        CliRun r = CliRun.cudaWasm(cmd.toArray(String[]::new));
        if (r.code() != 0) {
            throw new Mismatch("exit " + r.code() + ": " + firstLines(fromFirstError(r.err()), 3));
        }
        stdout = r.out();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            out.put(f.getKey(), Files.readAllBytes(f.getValue()));
            Files.deleteIfExists(f.getValue());
        }
        return out;
    }

    /** A launch whose result is what the kernel prints (device printf): the command's standard output. */
    String printed(String path, String kernel, String grid, String block, int shared, List<String> args)
            throws Mismatch, IOException {
        Path src = source(path);
        List<String> cmd = new ArrayList<>(route == Route.WORKER
                ? List.of("submit", "--url", worker.toString(), src.toString(), "-I", common().toString(), "--backend",
                        "wasm", "--time-limit", "120")
                : List.of("run"));
        if (route == Route.PTX) {
            cmd.add(ptx(src).toString());
        } else if (route != Route.WORKER) {
            cmd.addAll(List.of(src.toString(), "-I", common().toString()));
        }
        cmd.addAll(List.of("--kernel", kernel, "--grid", grid, "--block", block, "--shared", Integer.toString(shared)));
        for (String a : args) {
            cmd.addAll(List.of("--arg", a));
        }
        if (route != Route.WORKER) {
            cmd.addAll(route == Route.OPENCL ? List.of("--backend", "opencl") : List.of("--sandbox"));
        }
        CliRun r = CliRun.cudaWasm(cmd.toArray(String[]::new));
        if (r.code() != 0) {
            throw new Mismatch("exit " + r.code() + ": " + firstLines(r.err() + r.out(), 3));
        }
        return r.out();
    }

    /** {@code cuda-wasm submit} to the worker: the same launch as a job, its headers sent with the source. */
    private Map<String, byte[]> submit(Path src, String kernel, String grid, String block, int shared, List<String> args,
            List<String> outputs, String... extra) throws Mismatch, IOException {
        List<String> cmd = new ArrayList<>(List.of("submit", "--url", worker.toString(), src.toString(), "-I",
                common().toString(), "--kernel", kernel, "--grid", grid, "--block", block, "--shared",
                Integer.toString(shared), "--backend", "wasm", "--time-limit", "120"));
        for (String a : args) {
            cmd.addAll(List.of("--arg", a));
        }
        Map<String, Path> files = new LinkedHashMap<>();
        for (String o : outputs) {
            Path f = work.resolve("worker-" + o + "-" + System.nanoTime() + ".bin");
            files.put(o, f);
            cmd.addAll(List.of("--out", o, "--save", o + "=" + f));
        }
        cmd.addAll(Arrays.asList(extra));
        CliRun r = CliRun.cudaWasm(cmd.toArray(String[]::new));
        if (r.code() != 0) {
            throw new Mismatch("exit " + r.code() + ": " + firstLines(r.err() + r.out(), 3));
        }
        stdout = r.out();
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, Path> f : files.entrySet()) {
            out.put(f.getKey(), Files.readAllBytes(f.getValue()));
            Files.deleteIfExists(f.getValue());
        }
        return out;
    }

    /** The position of a source parameter, from the source's signature as {@code compile} prints it. */
    private int sourceParamIndex(Path src, String kernel, String name, String[] extra) throws Mismatch {
        List<String> cmd = new ArrayList<>(List.of("compile", src.toString(), "-I", common().toString()));
        for (int i = 0; i + 1 < extra.length; i++) {
            if (extra[i].equals("--instantiate") || extra[i].equals("-I")) {
                cmd.addAll(List.of(extra[i], extra[i + 1]));
            }
        }
        CliRun r = CliRun.cudaWasm(cmd.toArray(String[]::new));
        String wanted = io.cudawasm.kernels.abi.KernelNames.canonical(kernel);
        for (String line : r.out().split("\n")) {
            int open = line.indexOf('(');
            if (!line.startsWith("kernel ") || open < 0
                    || !io.cudawasm.kernels.abi.KernelNames.canonical(line.substring(7, open)).equals(wanted)) {
                continue;
            }
            String[] params = line.substring(open + 1, line.lastIndexOf(')')).split(",");
            for (int i = 0; i < params.length; i++) {
                String p = params[i].trim();
                if (p.substring(p.lastIndexOf(' ') + 1).equals(name)) {
                    return i;
                }
            }
        }
        throw new Mismatch("no parameter '" + name + "' of " + kernel + " in the source's signature");
    }

    /** From the first error on: a sample's warnings (a skipped system header) come before it. */
    private static String fromFirstError(String s) {
        int at = s.indexOf(": error:");
        return at < 0 ? s : s.substring(s.lastIndexOf('\n', at) + 1);
    }

    private static String firstLines(String s, int n) {
        String[] lines = s.strip().split("\n");
        return String.join(" | ", Arrays.copyOf(lines, Math.min(n, lines.length)));
    }

    /** nvcc's PTX of a sample file, made once ({@code compute_75 -fmad=false}: comparable bit for bit;
     * {@code compute_80} for the samples that need it). */
    private Path ptx(Path src, String... extra) throws Mismatch, IOException {
        Path cached = ptxCache.get(src);
        if (cached != null) {
            return cached;
        }
        Path out = work.resolve(src.getFileName().toString().replace(".cu", "") + "-" + ptxCache.size() + ".ptx");
        String log = nvcc(src, out, false, extra);
        if (log != null && log.contains("separate compilation mode")) {
            // kernels launched from device code (dynamic parallelism): nvcc wants -rdc=true, as a user would add
            log = nvcc(src, out, true, extra);
        }
        if (log != null) {
            throw new Mismatch("nvcc -ptx failed: " + firstLines(log, 2));
        }
        ptxCache.put(src, out);
        return out;
    }

    /** Runs nvcc -ptx; null when it succeeded, else its output. */
    private String nvcc(Path src, Path out, boolean rdc, String... extra) throws Mismatch, IOException {
        // sm_80 where the sample needs it: its PTX then has cp.async and mbarrier, as a GPU of today runs it
        String relative = root.resolve("Samples").relativize(src).toString().replace('\\', '/');
        String arch = SampleCatalogAsync.SM80.contains(relative) ? "compute_80" : "compute_75";
        List<String> cmd = new ArrayList<>(List.of("nvcc", "-ptx", "-arch=" + arch, "-fmad=false"));
        if (rdc) {
            cmd.add("-rdc=true");
        }
        for (int i = 0; i + 1 < extra.length; i++) {
            if (extra[i].equals("-I")) {
                cmd.addAll(List.of("-I", extra[i + 1])); // a sample's own include folder (FDTD3d's inc/)
            }
        }
        cmd.addAll(List.of("-I", common().toString(), "-I", src.getParent().toString(), "-o", out.toString(),
                src.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            return p.waitFor(300, TimeUnit.SECONDS) && p.exitValue() == 0 ? null : log;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Mismatch("interrupted");
        }
    }

    // ------------------------------------------------------------------ data

    static byte[] gen(String spec, ElementType t) {
        return BufferSpecs.parse(spec).generate(t);
    }

    static float[] floats(byte[] b) {
        float[] f = new float[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
        return f;
    }

    static double[] doubles(byte[] b) {
        double[] f = new double[b.length / 8];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(f);
        return f;
    }

    static int[] ints(byte[] b) {
        int[] f = new int[b.length / 4];
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(f);
        return f;
    }

    static byte[] bytes(float[] f) {
        ByteBuffer b = ByteBuffer.allocate(f.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        b.asFloatBuffer().put(f);
        return b.array();
    }

    static void exact(String what, int[] expected, int[] actual) throws Mismatch {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                throw new Mismatch(what + "[" + i + "] = " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    static void exact(String what, float[] expected, float[] actual) throws Mismatch {
        for (int i = 0; i < expected.length; i++) {
            if (Float.floatToIntBits(expected[i]) != Float.floatToIntBits(actual[i])) {
                throw new Mismatch(what + "[" + i + "] = " + actual[i] + ", expected " + expected[i]);
            }
        }
    }

    /** The samples' own criterion: the L1 norm of the error relative to the L1 norm of the reference. */
    static void relativeL1(String what, double[] expected, float[] actual, double eps) throws Mismatch {
        double err = 0;
        double ref = 0;
        for (int i = 0; i < expected.length; i++) {
            err += Math.abs(expected[i] - actual[i]);
            ref += Math.abs(expected[i]);
            if (Double.isNaN(actual[i])) {
                throw new Mismatch(what + "[" + i + "] is NaN");
            }
        }
        if (err / Math.max(ref, 1e-30) > eps) {
            throw new Mismatch(what + ": relative L1 error " + err / ref + " > " + eps);
        }
    }

    static Path writeFile(Path dir, String name, byte[] data) throws IOException {
        Path f = dir.resolve(name);
        Files.write(f, data);
        return f;
    }

    // ------------------------------------------------------------------ the run

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args[0]);
        List<Route> routes = args.length > 1 ? Arrays.stream(args[1].split(",")).map(s -> Route.valueOf(
                s.trim().toUpperCase(java.util.Locale.ROOT))).toList() : List.of(Route.values());
        Path work = Files.createTempDirectory("cuda-wasm-samples");
        Map<Path, Path> ptx = new LinkedHashMap<>();
        Map<Route, int[]> score = new LinkedHashMap<>();
        io.cudawasm.runtime.service.WorkerService service = routes.contains(Route.WORKER)
                ? io.cudawasm.runtime.service.WorkerService.start(io.cudawasm.runtime.service.config.WorkerConfig
                        .fromEnvironment(Map.of()).cache(io.cudawasm.runtime.cache.CacheSettings.of(work.resolve("cache")))
                        .bindAddress("127.0.0.1").port(0).workers(2).build())
                : null;
        java.net.URI url = service == null ? null : service.url();
        String only = args.length > 2 ? args[2] : "";
        for (SampleCatalog.Sample s : SampleCatalog.all()) {
            if (!s.path().contains(only)) {
                continue;
            }
            StringBuilder line = new StringBuilder(String.format("%-60s", s.path() + " " + s.name()));
            for (Route r : routes) {
                PublicSamplesRun run = new PublicSamplesRun(root, work, r, ptx, url);
                int[] sc = score.computeIfAbsent(r, k -> new int[2]);
                sc[1]++;
                long started = System.nanoTime();
                try {
                    s.check().run(run);
                    sc[0]++;
                    line.append(String.format(" %s:pass(%.1fs)", r.name().toLowerCase(java.util.Locale.ROOT),
                            (System.nanoTime() - started) / 1e9));
                } catch (Mismatch | RuntimeException e) {
                    line.append(" ").append(r.name().toLowerCase(java.util.Locale.ROOT)).append(":FAIL(")
                            .append(e.getMessage() == null ? e.toString() : e.getMessage().replace('\n', ' ')).append(")");
                }
            }
            System.out.println(line);
        }
        for (Map.Entry<Route, int[]> e : score.entrySet()) {
            System.out.println(e.getKey().name().toLowerCase(java.util.Locale.ROOT) + ": " + e.getValue()[0] + "/"
                    + e.getValue()[1] + " passed");
        }
        if (service != null) {
            service.close();
        }
    }

    /** One sample's check, given the runner for a route. */
    interface Check {
        void run(PublicSamplesRun r) throws Mismatch, IOException;
    }

    Path work() {
        return work;
    }

    /** A file or folder of the samples checkout ({@code 5_Domain_Specific/FDTD3d/inc}). */
    Path sample(String path) {
        return source(path);
    }
}
