package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelNames;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.runtime.backend.BackendChoice;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.backend.check.BufferComparison;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.Tolerance;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.data.BufferSpec;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.BufferSummary;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.data.StructPacker;
import io.cudawasm.runtime.graph.GraphConditional;
import io.cudawasm.kernels.abi.AccessSite;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.FaultLocation;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.TensorMapText;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.launch.MemoryViolation;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm run kernel.cu|kernel.ptx --kernel NAME --grid X[,Y,Z] --block X[,Y,Z] --arg ...}: compiles,
 * fills input buffers, launches once on the chosen back end and summarizes (or saves) the output
 * buffers; with {@code --check-against} it replays the launch on a second back end and compares.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compile a kernel and launch it once on the best device (or the one named with --backend).",
        footer = {"", "Arguments are given in parameter order (or as NAME=VALUE):",
            "  numbers for scalar parameters: 1024, 2.5, 0x10",
            "  buffers for pointer parameters: zeros:N  iota:N[:START[:STEP]]  const:N:V  random:N[:SEED[:MIN:MAX]]",
            "  mod:N:M[:START] ((START+i) mod M)  affine:N:SCALE:OFFSET[:PERIOD] (SCALE*(i mod PERIOD)+OFFSET)",
            "  file:PATH (raw little-endian); counts accept K/M/G suffixes (16M); for a pointer to structs",
            "  counts are in structs, and iota/const/mod/affine fill each of their number fields in turn",
            "  @PARAM[+N] for a pointer N elements into the buffer passed for PARAM (d_data + N)",
            "  null (or 0) for a null pointer",
            "  struct:TYPE=V,TYPE=V,... for structs passed by value, e.g. struct:f32=9.81,i32=3",
            "  tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E]/BUFFER for a CUtensorMap (sm_90 bulk tensor copies,",
            "  WebAssembly path and CUDA): e.g. tensormap:f32:40x27:16x8:192/random:1296 (dims and box x first, row strides",
            "  in bytes, packed when left out; SWIZZLE 32B, 64B or 128B swizzles the box in shared memory; es=1x2 traversal",
            "  strides; im2col=CHANNELSxPIXELS,LOWER,UPPER in place of BOX for an im2col map; the buffer is any spec above,",
            "  in elements, and is reported like an output)",
            "", "Back ends: auto picks a CUDA GPU, else an OpenCL GPU, else WebAssembly;",
            "an OpenCL CPU device (PoCL) only when named, or by auto when",
            "CUDA_WASM_AUTO_CPU_BACKEND=opencl;",
            "--sandbox forces the WebAssembly path (memory-safe: for untrusted kernels).",
            "", "Template kernels are named as written: --kernel 'reduce<128, true>' (or <128,1>).",
            "", "Device printf: the kernel's output goes to standard output before the summary (with --json,",
            "under \"printf\"), ordered by block, then thread, then program order; the device buffer holds",
            "1 MiB of records (CUDA's default cudaLimitPrintfFifoSize) and the text is cut at 1 MiB: what was",
            "dropped or cut is said on standard error. malloc/new use an 8 MiB device heap per session.",
            "", "CUDA graph conditional nodes: each value a kernel sets with cudaGraphSetConditional(handle,",
            "value) is reported after the launch ('graph conditional HANDLE = VALUE', with --json under",
            "\"graphConditionals\"), the last one per handle; pass the handle as a number (--arg 7).",
            "", "Example: cuda-wasm run lib:saxpy --kernel saxpy --grid 4096 --block 256 \\",
            "           --arg 1M --arg 2.0 --arg random:1M:7 --arg const:1M:1 --check-against wasm"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE",
            description = "A .cu file, a .ptx file (or any file starting with .version), or lib:NAME for a bundled kernel.")
    String source;

    @Mixin
    CompileOptionsMixin compile = new CompileOptionsMixin();

    @Option(names = {"-k", "--kernel"}, required = true, description = "The kernel to launch.")
    String kernel;

    @Mixin
    LaunchShapeMixin shape = new LaunchShapeMixin();

    @Option(names = "--constant", paramLabel = "SYMBOL=SPEC",
            description = "Fill a __constant__/__device__ variable before the launch (like cudaMemcpyToSymbol).")
    List<String> constants = new ArrayList<>();

    @Option(names = "--out", paramLabel = "PARAM[=FILE]",
            description = "Report this buffer (default: every non-const pointer); with =FILE save its raw bytes.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--first", defaultValue = "8", description = "How many leading elements to print (default 8).")
    int first;

    @Option(names = {"-b", "--backend"}, defaultValue = "auto", paramLabel = "NAME",
            description = "auto, wasm, opencl[:N], cuda[:N] or tornadovm (default: auto).")
    String backend;

    @Option(names = "--sandbox", description = "Run on the WebAssembly sandbox only (for untrusted kernels).")
    boolean sandbox;

    @Option(names = "--check-against", paramLabel = "BACKEND",
            description = "Also run on this back end with the same inputs and compare the outputs.")
    String checkAgainst;

    @Option(names = "--ulp", defaultValue = "4", paramLabel = "N",
            description = "Float tolerance of --check-against in units in the last place (default 4; integers exact).")
    int ulps;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads of the Wasm path (default: all cores).")
    int threads;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Stop the kernel after this many seconds.")
    Double timeLimit;

    @Option(names = "--interpreter", description = "Run the Wasm path on Chicory's interpreter (slow).")
    boolean interpreter;

    @Option(names = "--memcheck", description = "Check every memory access against the bounds of its buffer, "
            + "shared or local array and report the invalid ones, like compute-sanitizer (WebAssembly path; slower; "
            + "exit code 3 when any is found).")
    boolean memcheck;

    @Option(names = "--cooperative", description = "A cooperative launch (cudaLaunchCooperativeKernel): every block at once, "
            + "the grid no larger than the device runs at once, this_grid().is_valid() true. A kernel that calls "
            + "grid.sync() is launched so anyway (WebAssembly path and CUDA; OpenCL has no grid barrier).")
    boolean cooperative;

    @Option(names = "--cluster", paramLabel = "X[,Y[,Z]]", description = "Thread block clusters of this shape in blocks "
            + "(cudaLaunchAttributeClusterDimension, sm_90): each cluster's blocks run at once, cluster.sync() and "
            + "map_shared_rank() reach across them. Default: the kernel's __cluster_dims__, else one block. "
            + "WebAssembly path and CUDA (sm_90); OpenCL runs clusters of one only.")
    String cluster;

    @Option(names = "--independent-threads", description = "Independent thread scheduling (Volta and later): every "
            + "CUDA thread of a block on a host thread of its own, so threads may wait for each other anywhere (spin "
            + "waits, barriers of part of a block). WebAssembly path; slower. A kernel with producer and consumer "
            + "pipeline roles runs so anyway.")
    boolean independentThreads;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KernelSource src = KernelSource.load(source);
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (Backends backends = Backends.detect(workers, interpreter)) {
            if (memcheck && !backend.equals("auto") && !backend.equals("wasm")) {
                throw new IllegalArgumentException("--memcheck runs on the WebAssembly path: use --backend wasm (or leave "
                        + "--backend out)");
            }
            if (cooperative && !backend.equals("auto") && !backend.equals("wasm") && !backend.startsWith("cuda")) {
                throw new IllegalArgumentException("--cooperative runs on the WebAssembly path and the CUDA back end: use "
                        + "--backend wasm (or leave --backend out)");
            }
            BackendChoice choice = backends.select(memcheck ? "wasm" : backend, sandbox);
            if (cooperative && !Backends.launchesCooperatively(choice.backend())) {
                choice = backends.select("wasm", sandbox);
            }
            if (independentThreads && !backend.equals("auto") && !backend.equals("wasm")) {
                throw new IllegalArgumentException("--independent-threads runs on the WebAssembly path: use --backend wasm"
                        + " (or leave --backend out)");
            }
            if (backend.equals("auto") && !Backends.takesTensorMaps(choice.backend()) && shape.args.stream()
                    .anyMatch(a -> TensorMapText.isTensorMap(a) || a.contains("=" + TensorMapText.PREFIX))) {
                // tensor maps are made for the CPU path and CUDA (see tensormap: below)
                choice = backends.select("wasm", sandbox);
            }
            if ((cluster != null || independentThreads) && backend.equals("auto")
                    && !(choice.backend() instanceof WasmBackend)) {
                // a cluster shape given at launch runs on the CPU path (see --cluster)
                choice = backends.select("wasm", sandbox);
            }
            BackendChoice check = checkAgainst == null ? null : backends.select(checkAgainst, sandbox);
            boolean wasmNeeded = choice.backend() instanceof WasmBackend
                    || check != null && check.backend() instanceof WasmBackend;
            CompileResult compiled;
            try {
                compiled = wasmNeeded ? KernelCompiler.compile(compile.request(src))
                        : KernelCompiler.compileForDevices(compile.request(src));
            } catch (CompileException e) {
                err.println(compile.describe(e));
                err.flush();
                return 1;
            }
            for (Diagnostic w : compiled.warnings()) {
                err.println(w.format());
            }
            KernelSignature sig = compiled.kernels().stream()
                    .filter(k -> KernelNames.matches(k.name(), k.sourceName(), kernel)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no kernel '" + kernel + "' in " + src.fileName()
                            + "; it has " + compiled.kernels().stream().map(KernelSignature::sourceName).toList()));
            CheckedRun.Launch launch = launch(sig, compiled);
            CheckedRun.BackendRun run;
            try {
                run = CheckedRun.run(choice.backend(), compiled, launch);
            } catch (CompileException e) {
                err.println(compile.describe(e));
                err.flush();
                return 1;
            }
            if (!json) {
                printDeviceOutput(run.printed(), out, err);
            }
            if (run.failure() != null && !run.failure().violations().isEmpty()) {
                printMemcheck(run.failure().violations(), err);
                err.flush();
                return 3;
            }
            if (run.failure() != null) {
                err.println("error: " + run.failure().getMessage() + " (on " + choice.backend().name() + ")");
                err.flush();
                return 3;
            }
            CheckedRun.Result checked = null;
            if (check != null) {
                CheckedRun.BackendRun second = CheckedRun.run(check.backend(), compiled, launch);
                Tolerance tolerance = Tolerance.ulps(ulps);
                checked = new CheckedRun.Result(run, second, CheckedRun.compare(run, second, launch, tolerance),
                        tolerance);
            }
            report(sig, run, choice, checked, out);
            if (memcheck) {
                printMemcheck(List.of(), out);
            }
            out.flush();
            err.flush();
            return checked == null || checked.passed() ? 0 : 4;
        }
    }

    /**
     * The kernel's printf output, first on standard output as CUDA prints it at the synchronization
     * after the launch; what was dropped or cut is said on standard error.
     */
    private static void printDeviceOutput(io.cudawasm.runtime.printf.PrintfOutput printed, PrintWriter out,
            PrintWriter err) {
        out.print(printed.text());
        out.flush();
        if (!printed.note().isEmpty()) {
            err.println("warning: " + printed.note());
        }
    }

    /** The launch as host data, replayable on any back end. */
    private CheckedRun.Launch launch(KernelSignature sig, CompileResult compiled) {
        Map<String, String> named = assignArguments(sig);
        Set<String> wanted = wantedOutputs(sig, named).keySet();
        for (String w : wanted) {
            ParamInfo p = sig.params().stream().filter(x -> x.name().equals(w)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException("--out " + w + ": the kernel has no parameter of that name"));
            if (TensorMapText.isTensorMap(named.get(w))) {
                continue; // the map's own buffer
            }
            if (p.kind() != ParamKind.POINTER || isNull(named.get(w)) || isView(named.get(w))) {
                throw new IllegalArgumentException("--out " + w + ": no buffer of its own was passed for that "
                        + "parameter" + (isView(named.get(w)) ? " (it points into " + viewTarget(named.get(w))
                        + "'s: report that one)" : ""));
            }
        }
        List<CheckedRun.Arg> launchArgs = new ArrayList<>();
        for (ParamInfo p : sig.params()) {
            String value = named.get(p.name());
            launchArgs.add(isView(value) ? view(sig, p, value, named)
                    : argument(p, value, wanted.contains(p.name()), structField(compiled, sig, p)));
        }
        Map<String, byte[]> symbols = new LinkedHashMap<>();
        for (String c : constants) {
            int eq = c.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("--constant needs SYMBOL=SPEC, got '" + c + "'");
            }
            symbols.put(c.substring(0, eq), symbolBytes(c.substring(eq + 1), symbolSize(compiled, c.substring(0, eq))));
        }
        LaunchOptions options = LaunchOptions.DEFAULT.withThreads(threads).withMemcheck(memcheck)
                .withCooperative(cooperative).withIndependentThreads(independentThreads);
        if (timeLimit != null) {
            options = options.withTimeLimit(Duration.ofMillis((long) (timeLimit * 1000)));
        }
        LaunchConfig config = new LaunchConfig(Dim3.parse(shape.grid), Dim3.parse(shape.block), shape.sharedBytes,
                cluster == null ? null : Dim3.parse(cluster));
        return new CheckedRun.Launch(sig.sourceName(), config, launchArgs, symbols, options);
    }

    /** A memcheck report in compute-sanitizer's layout: each violation, then the error summary. */
    private static void printMemcheck(List<MemoryViolation> violations, PrintWriter to) {
        String bar = "========= ";
        to.println(bar + "CUDA-WASM MEMCHECK");
        for (MemoryViolation v : violations) {
            FaultLocation at = v.location();
            to.println(bar + (v.access() == AccessSite.Access.POINTER ? "Pointer arithmetic out of the address space"
                    : "Invalid " + v.access().name().toLowerCase(java.util.Locale.ROOT) + " of size " + v.bytes()
                    + (v.bytes() == 1 ? " byte" : " bytes")));
            to.println(bar + "    at " + (at.position() == null ? "an unknown position" : at.position()) + " in "
                    + at.kernel());
            to.println(bar + "    by thread " + (at.threadIdx() == null ? "(unknown)" : at.threadIdx()) + " in block "
                    + (at.blockIdx() == null ? "(unknown)" : at.blockIdx()));
            String d = v.describe();
            to.println(bar + "    A" + d.substring(d.indexOf(": address ") + 3));
            to.println(bar);
        }
        to.println(bar + "ERROR SUMMARY: " + violations.size() + (violations.size() == 1 ? " error" : " errors")
                + (violations.size() >= 16 ? " (memcheck stops at 16)" : ""));
    }

    /** The size of a __constant__/__device__ variable, for struct: specs. */
    private static int symbolSize(CompileResult compiled, String name) {
        return compiled.kir().globals().stream()
                .filter(g -> g.name().equals(name) || g.name().replaceAll("_\\d+$", "").equals(name))
                .mapToInt(g -> g.size()).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no __constant__ or __device__ variable named '" + name
                        + "'"));
    }

    /** Output buffers by parameter name, each with the file to save it to (or null). */
    private Map<String, String> wantedOutputs(KernelSignature sig, Map<String, String> named) {
        Map<String, String> wanted = new LinkedHashMap<>();
        if (outputs.isEmpty()) {
            for (ParamInfo p : sig.params()) {
                if (p.kind() == ParamKind.POINTER && !p.pointeeConst() && !isNull(named.get(p.name()))
                        && !isView(named.get(p.name())) || TensorMapText.isTensorMap(named.get(p.name()))) {
                    wanted.put(p.name(), null);
                }
            }
        } else {
            for (String o : outputs) {
                int eq = o.indexOf('=');
                wanted.put(eq < 0 ? o : o.substring(0, eq), eq < 0 ? null : o.substring(eq + 1));
            }
        }
        return wanted;
    }

    /** Matches --arg values to parameters: NAME=VALUE by name, the others in order. */
    private Map<String, String> assignArguments(KernelSignature sig) {
        Map<String, String> named = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (String a : shape.args) {
            int eq = a.indexOf('=');
            String key = eq > 0 ? a.substring(0, eq) : null;
            if (key != null && sig.params().stream().anyMatch(p -> p.name().equals(key))) {
                named.put(key, a.substring(eq + 1));
            } else {
                positional.add(a);
            }
        }
        int next = 0;
        for (ParamInfo p : sig.params()) {
            if (!named.containsKey(p.name())) {
                if (next >= positional.size()) {
                    throw new IllegalArgumentException("missing --arg for parameter '" + p.type() + " " + p.name()
                            + "' of " + sig.sourceName());
                }
                named.put(p.name(), positional.get(next++));
            }
        }
        if (next < positional.size()) {
            throw new IllegalArgumentException("too many --arg values: " + sig.sourceName() + " takes "
                    + sig.params().size());
        }
        return named;
    }

    private static ElementType elementType(ParamInfo p) {
        return p.scalar() != null ? ElementType.of(p.scalar()) : ElementType.U8;
    }

    /** {@code --arg null} (or 0) for a pointer: a null pointer, no buffer. */
    private static boolean isNull(String value) {
        return value.equals("null") || value.equals("0");
    }

    private static boolean isView(String value) {
        return value != null && value.startsWith("@");
    }

    private static String viewTarget(String value) {
        int plus = value.indexOf('+');
        return (plus < 0 ? value.substring(1) : value.substring(1, plus)).trim();
    }

    /** {@code @PARAM[+N]}: a pointer N elements (of PARAM's buffer) into the buffer passed for PARAM. */
    private static CheckedRun.Arg view(KernelSignature sig, ParamInfo p, String value, Map<String, String> named) {
        if (p.kind() != ParamKind.POINTER) {
            throw new IllegalArgumentException("parameter '" + p.name() + "' is not a pointer: " + value + " points into a "
                    + "buffer");
        }
        String target = viewTarget(value);
        ParamInfo of = sig.params().stream().filter(x -> x.name().equals(target)).findFirst().orElseThrow(
                () -> new IllegalArgumentException(value + ": the kernel has no parameter named '" + target + "'"));
        String ofValue = named.get(target);
        if (of.kind() != ParamKind.POINTER || isNull(ofValue) || isView(ofValue)) {
            throw new IllegalArgumentException(value + ": parameter '" + target + "' has no buffer of its own");
        }
        int plus = value.indexOf('+');
        long n = plus < 0 ? 0 : BufferSpecs.parseSize(value.substring(plus + 1));
        long size = Math.max(1, of.elementSize());
        return new CheckedRun.Arg.View(target, n * size);
    }

    /** For a pointer to a struct of numbers of one kind (float4, a struct of floats): that kind, else null. */
    private static ElementType structField(CompileResult compiled, KernelSignature sig, ParamInfo p) {
        if (p.kind() != ParamKind.POINTER || p.scalar() != null || compiled.kir() == null) {
            return null;
        }
        return compiled.kir().kernels().stream().filter(k -> k.sourceName().equals(sig.sourceName())).findFirst()
                .flatMap(k -> k.params().stream().filter(l -> l.name().equals(p.name())).findFirst())
                .map(l -> l.type() instanceof io.cudawasm.kernels.types.PointerType pt ? pt.pointee() : null)
                .map(RunCommand::uniformField).orElse(null);
    }

    private static ElementType uniformField(io.cudawasm.kernels.types.CType t) {
        if (!(t instanceof io.cudawasm.kernels.types.StructType s) || s.fields().isEmpty()) {
            return null;
        }
        io.cudawasm.kernels.types.ScalarKind kind = null;
        int bytes = 0;
        for (io.cudawasm.kernels.types.Field f : s.fields()) {
            if (!(f.type() instanceof io.cudawasm.kernels.types.ScalarType st) || kind != null && st.kind() != kind) {
                return null;
            }
            kind = st.kind();
            bytes += st.size();
        }
        return bytes == s.size() ? ElementType.of(kind) : null; // no padding: the fields tile the struct
    }

    private CheckedRun.Arg argument(ParamInfo p, String value, boolean output, ElementType fields) {
        if (p.kind() != ParamKind.STRUCT && TensorMapText.isTensorMap(value)) {
            throw new IllegalArgumentException("parameter '" + p.type() + " " + p.name() + "' cannot take a tensor map:"
                    + " a kernel takes one by value, as 'const __grid_constant__ CUtensorMap " + p.name() + "'");
        }
        if (p.kind() == ParamKind.POINTER) {
            if (isNull(value)) {
                return new CheckedRun.Arg.Null();
            }
            ElementType type = elementType(p);
            BufferSpec bs = BufferSpecs.parse(value);
            if (p.scalar() == null && p.elementSize() > 1 && !(bs instanceof BufferSpec.Data)) {
                if (fields != null && !(bs instanceof BufferSpec.Zeros) && !(bs instanceof BufferSpec.Random)) {
                    // iota:N over float4 fills 4N floats: each field of each struct in turn
                    int perStruct = p.elementSize() / fields.size();
                    return new CheckedRun.Arg.Buffer(p.name(), bs.withCount(bs.count(fields) * perStruct)
                            .generate(fields), type, output);
                }
                bs = scaleForStruct(bs, p.elementSize());
            }
            return new CheckedRun.Arg.Buffer(p.name(), bs.generate(type), type, output);
        }
        if (p.kind() == ParamKind.STRUCT && TensorMapText.isTensorMap(value)) {
            TensorMapText map = TensorMapText.parse(value);
            return new CheckedRun.Arg.TensorMap(new CheckedRun.Arg.Buffer(p.name(),
                    BufferSpecs.parse(map.buffer()).generate(map.type()), map.type(), output), map.spec());
        }
        if (p.kind() == ParamKind.STRUCT) {
            if (!value.startsWith("struct:")) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is a struct (" + p.type()
                        + "): pass struct:TYPE=V,...");
            }
            return new CheckedRun.Arg.Struct(StructPacker.pack(StructPacker.parse(value.substring(7)), p.size()));
        }
        return new CheckedRun.Arg.Scalar(parseNumber(value, p));
    }

    /** For pointers to structs, counts are in structs: random:N gives N * sizeof bytes. */
    private static BufferSpec scaleForStruct(BufferSpec bs, int size) {
        if (bs instanceof BufferSpec.Zeros z) {
            return new BufferSpec.Zeros(z.count() * size);
        }
        if (bs instanceof BufferSpec.Random r) {
            return new BufferSpec.Random(r.count() * size, r.seed(), 0, 255);
        }
        throw new IllegalArgumentException("buffers of structs can be zeros:N, random:N[:SEED] or file:PATH (and "
                + "iota, const, mod and affine when every field is the same kind of number)");
    }

    private static Number parseNumber(String v, ParamInfo p) {
        try {
            if (p.scalar().isFloating()) {
                return Double.parseDouble(v);
            }
            if (v.matches("[-+]?\\d+[kKmMgG]")) {
                return BufferSpecs.parseSize(v);
            }
            String digits = v.replace("_", "");
            if (!p.scalar().isSigned() && digits.matches("\\d{19,20}")) {
                // an unsigned 64-bit value above 2^63 (a graph conditional handle, a hash): its bits
                return Long.parseUnsignedLong(digits);
            }
            return Long.decode(digits);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + p.type() + " " + p.name() + "' needs a number, got '" + v
                    + "'");
        }
    }

    private static byte[] symbolBytes(String value, int size) {
        String type = value.contains("@") ? value.substring(value.indexOf('@') + 1) : "f32";
        String body = value.contains("@") ? value.substring(0, value.indexOf('@')) : value;
        return body.startsWith("struct:") ? StructPacker.pack(StructPacker.parse(body.substring(7)), size)
                : BufferSpecs.parse(body).generate(ElementType.parse(type));
    }

    private void report(KernelSignature sig, CheckedRun.BackendRun run, BackendChoice choice, CheckedRun.Result checked,
            PrintWriter out) throws IOException {
        Map<String, BufferSummary> summaries = new LinkedHashMap<>();
        Map<String, String> named = assignArguments(sig);
        for (Map.Entry<String, String> w : wantedOutputs(sig, named).entrySet()) {
            ParamInfo p = sig.params().stream().filter(x -> x.name().equals(w.getKey())).findFirst().orElseThrow();
            byte[] data = run.outputs().get(w.getKey());
            if (w.getValue() != null) {
                Files.write(Path.of(w.getValue()), data);
            }
            ElementType type = TensorMapText.isTensorMap(named.get(p.name())) ? TensorMapText.parse(named.get(p.name()))
                    .type() : elementType(p);
            summaries.put(w.getKey(), BufferSummary.of(data, type, first));
        }
        LaunchStats stats = run.stats();
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kernel", stats.kernel());
            doc.put("backend", stats.backend());
            doc.put("device", stats.device());
            doc.put("reason", choice.reason());
            doc.put("elapsedMillis", stats.elapsed().toNanos() / 1e6);
            doc.put("workers", stats.workers());
            doc.put("outputs", summaries);
            if (!run.printed().isEmpty()) {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("text", run.printed().text());
                p.put("records", run.printed().records());
                p.put("droppedRecords", run.printed().droppedRecords());
                p.put("truncated", run.printed().truncated());
                p.put("note", run.printed().note());
                doc.put("printf", p);
            }
            if (!run.conditionals().isEmpty()) {
                Map<String, Object> g = new LinkedHashMap<>();
                List<Map<String, Object>> values = new ArrayList<>();
                for (GraphConditional c : run.conditionals().values()) {
                    Map<String, Object> v = new LinkedHashMap<>();
                    v.put("handle", Long.toUnsignedString(c.handle()));
                    v.put("value", c.value());
                    values.add(v);
                }
                g.put("values", values);
                g.put("droppedCalls", run.conditionals().droppedCalls());
                g.put("note", run.conditionals().note());
                doc.put("graphConditionals", g);
            }
            if (checked != null) {
                Map<String, Object> c = new LinkedHashMap<>();
                c.put("against", checked.second().backend());
                c.put("tolerance", checked.tolerance().toString());
                c.put("passed", checked.passed());
                c.put("failure", checked.second().failure() == null ? null : checked.second().failure().getMessage());
                c.put("buffers", checked.comparisons().stream().map(BufferComparison::format).toList());
                doc.put("check", c);
            }
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            return;
        }
        out.printf("%s on %s: %.3f ms (%d workers)%n", stats.kernel(), stats.backend(),
                stats.elapsed().toNanos() / 1e6, stats.workers());
        out.println("  device: " + stats.device());
        out.println("  chosen: " + choice.reason());
        for (GraphConditional c : run.conditionals().values()) {
            out.println("  graph conditional " + Long.toUnsignedString(c.handle()) + " = " + c.value());
        }
        if (!run.conditionals().note().isEmpty()) {
            out.println("  graph conditionals: " + run.conditionals().note());
        }
        for (Map.Entry<String, BufferSummary> s : summaries.entrySet()) {
            out.println("  " + s.getKey() + ": " + s.getValue().format());
        }
        if (checked != null) {
            out.print(checked.format());
        }
    }
}
