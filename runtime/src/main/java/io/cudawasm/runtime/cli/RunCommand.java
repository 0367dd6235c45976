package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.abi.KernelSignature;
import io.cudawasm.kernels.abi.ParamInfo;
import io.cudawasm.kernels.abi.ParamKind;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.runtime.backend.DeviceSession;
import io.cudawasm.runtime.backend.wasm.WasmBackend;
import io.cudawasm.runtime.data.BufferSpec;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.BufferSummary;
import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.data.StructPacker;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.launch.LaunchStats;
import io.cudawasm.runtime.memory.DeviceBuffer;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm run kernel.cu --kernel NAME --grid X[,Y,Z] --block X[,Y,Z] --arg ...}: compiles,
 * fills input buffers, launches once and summarizes (or saves) the output buffers.
 */
@Command(name = "run", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Compile a kernel and launch it once on the CPU (WebAssembly) back end.",
        footer = {"", "Arguments are given in parameter order (or as NAME=VALUE):",
            "  numbers for scalar parameters: 1024, 2.5, 0x10",
            "  buffers for pointer parameters: zeros:N  iota:N[:START[:STEP]]  const:N:V  random:N[:SEED[:MIN:MAX]]",
            "  file:PATH (raw little-endian); counts accept K/M/G suffixes (16M)",
            "  struct:TYPE=V,TYPE=V,... for structs passed by value, e.g. struct:f32=9.81,i32=3",
            "", "Example: cuda-wasm run lib:saxpy --kernel saxpy --grid 4096 --block 256 \\",
            "           --arg 1M --arg 2.0 --arg random:1M:7 --arg const:1M:1"})
final class RunCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "A .cu file, or lib:NAME for a bundled kernel.")
    String source;

    @Mixin
    CompileOptionsMixin compile = new CompileOptionsMixin();

    @Option(names = {"-k", "--kernel"}, required = true, description = "The kernel to launch.")
    String kernel;

    @Option(names = "--grid", required = true, paramLabel = "X[,Y,Z]", description = "Grid size in blocks.")
    String grid;

    @Option(names = "--block", required = true, paramLabel = "X[,Y,Z]", description = "Block size in threads.")
    String block;

    @Option(names = "--shared", paramLabel = "BYTES", defaultValue = "0", description = "Dynamic shared memory bytes.")
    int sharedBytes;

    @Option(names = {"-a", "--arg"}, paramLabel = "VALUE", description = "A kernel argument (see below).")
    List<String> args = new ArrayList<>();

    @Option(names = "--constant", paramLabel = "SYMBOL=SPEC",
            description = "Fill a __constant__/__device__ variable before the launch (like cudaMemcpyToSymbol).")
    List<String> constants = new ArrayList<>();

    @Option(names = "--out", paramLabel = "PARAM[=FILE]",
            description = "Report this buffer (default: every non-const pointer); with =FILE save its raw bytes.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--first", defaultValue = "8", description = "How many leading elements to print (default 8).")
    int first;

    @Option(names = "--threads", defaultValue = "0", description = "Worker threads (default: all cores).")
    int threads;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Stop the kernel after this many seconds.")
    Double timeLimit;

    @Option(names = "--interpreter", description = "Run on Chicory's interpreter instead of compiling (slow).")
    boolean interpreter;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        KernelSource src = KernelSource.load(source);
        CompileResult compiled;
        try {
            compiled = KernelCompiler.compile(compile.request(src));
        } catch (CompileException e) {
            err.println(e.formatted());
            err.flush();
            return 1;
        }
        for (Diagnostic w : compiled.warnings()) {
            err.println(w.format());
        }
        KernelSignature sig = compiled.kernels().stream()
                .filter(k -> k.sourceName().equals(kernel) || k.name().equals(kernel)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no kernel '" + kernel + "' in " + src.fileName()
                        + "; it has " + compiled.kernels().stream().map(KernelSignature::sourceName).toList()));
        Map<String, String> named = assignArguments(sig);
        LaunchConfig config = new LaunchConfig(Dim3.parse(grid), Dim3.parse(block), sharedBytes);
        int workers = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        try (WasmBackend backend = new WasmBackend(workers, interpreter); DeviceSession session = backend.open(compiled)) {
            List<KernelArg> launchArgs = new ArrayList<>();
            Map<String, DeviceBuffer> buffers = new LinkedHashMap<>();
            for (ParamInfo p : sig.params()) {
                launchArgs.add(argument(p, named.get(p.name()), session, buffers));
            }
            for (String c : constants) {
                fillSymbol(session, c);
            }
            LaunchOptions options = LaunchOptions.DEFAULT.withThreads(workers);
            if (timeLimit != null) {
                options = options.withTimeLimit(Duration.ofMillis((long) (timeLimit * 1000)));
            }
            LaunchStats stats;
            try {
                stats = session.launch(sig.sourceName(), config, launchArgs, options);
            } catch (LaunchException e) {
                err.println("error: " + e.getMessage());
                err.flush();
                return 3;
            }
            report(sig, session, buffers, stats, out);
        }
        out.flush();
        err.flush();
        return 0;
    }

    /** Matches --arg values to parameters: NAME=VALUE by name, the others in order. */
    private Map<String, String> assignArguments(KernelSignature sig) {
        Map<String, String> named = new LinkedHashMap<>();
        List<String> positional = new ArrayList<>();
        for (String a : args) {
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

    private KernelArg argument(ParamInfo p, String value, DeviceSession session, Map<String, DeviceBuffer> buffers) {
        if (p.kind() == ParamKind.POINTER) {
            if (value.equals("null") || value.equals("0")) {
                return KernelArg.of(0);
            }
            ElementType type = elementType(p);
            BufferSpec bs = BufferSpecs.parse(value);
            if (p.scalar() == null && p.elementSize() > 1 && !(bs instanceof BufferSpec.Data)) {
                bs = scaleForStruct(bs, p.elementSize());
            }
            byte[] data = bs.generate(type);
            DeviceBuffer b = session.allocate(data.length);
            session.write(b, 0, data);
            buffers.put(p.name(), b);
            return KernelArg.of(b);
        }
        if (p.kind() == ParamKind.STRUCT) {
            if (!value.startsWith("struct:")) {
                throw new IllegalArgumentException("parameter '" + p.name() + "' is a struct (" + p.type()
                        + "): pass struct:TYPE=V,...");
            }
            return new KernelArg.Bytes(StructPacker.pack(StructPacker.parse(value.substring(7)), p.size()));
        }
        return KernelArg.of(parseNumber(value, p));
    }

    /** For pointers to structs, counts are in structs: random:N gives N * sizeof bytes. */
    private static BufferSpec scaleForStruct(BufferSpec bs, int size) {
        if (bs instanceof BufferSpec.Zeros z) {
            return new BufferSpec.Zeros(z.count() * size);
        }
        if (bs instanceof BufferSpec.Random r) {
            return new BufferSpec.Random(r.count() * size, r.seed(), 0, 255);
        }
        throw new IllegalArgumentException("buffers of structs can be zeros:N, random:N[:SEED] or file:PATH");
    }

    private static Number parseNumber(String v, ParamInfo p) {
        try {
            if (p.scalar().isFloating()) {
                return Double.parseDouble(v);
            }
            if (v.matches("[-+]?\\d+[kKmMgG]")) {
                return BufferSpecs.parseSize(v);
            }
            return Long.decode(v.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + p.type() + " " + p.name() + "' needs a number, got '" + v
                    + "'");
        }
    }

    private void fillSymbol(DeviceSession session, String spec) {
        int eq = spec.indexOf('=');
        if (eq < 0) {
            throw new IllegalArgumentException("--constant needs SYMBOL=SPEC, got '" + spec + "'");
        }
        String name = spec.substring(0, eq);
        String value = spec.substring(eq + 1);
        String type = value.contains("@") ? value.substring(value.indexOf('@') + 1) : "f32";
        String body = value.contains("@") ? value.substring(0, value.indexOf('@')) : value;
        byte[] data = body.startsWith("struct:") ? StructPacker.pack(StructPacker.parse(body.substring(7)),
                session.readSymbol(name).length) : BufferSpecs.parse(body).generate(ElementType.parse(type));
        session.writeSymbol(name, 0, data);
    }

    private void report(KernelSignature sig, DeviceSession session, Map<String, DeviceBuffer> buffers, LaunchStats stats,
            PrintWriter out) throws IOException {
        Map<String, String> wanted = new LinkedHashMap<>();
        if (outputs.isEmpty()) {
            for (ParamInfo p : sig.params()) {
                if (p.kind() == ParamKind.POINTER && !p.pointeeConst() && buffers.containsKey(p.name())) {
                    wanted.put(p.name(), null);
                }
            }
        } else {
            for (String o : outputs) {
                int eq = o.indexOf('=');
                wanted.put(eq < 0 ? o : o.substring(0, eq), eq < 0 ? null : o.substring(eq + 1));
            }
        }
        Map<String, BufferSummary> summaries = new LinkedHashMap<>();
        for (Map.Entry<String, String> w : wanted.entrySet()) {
            DeviceBuffer b = buffers.get(w.getKey());
            if (b == null) {
                throw new IllegalArgumentException("--out " + w.getKey() + ": no buffer was passed for that parameter");
            }
            ParamInfo p = sig.params().stream().filter(x -> x.name().equals(w.getKey())).findFirst().orElseThrow();
            byte[] data = session.read(b, 0, (int) b.size());
            if (w.getValue() != null) {
                Files.write(Path.of(w.getValue()), data);
            }
            summaries.put(w.getKey(), BufferSummary.of(data, elementType(p), first));
        }
        if (json) {
            Map<String, Object> doc = new LinkedHashMap<>();
            doc.put("kernel", stats.kernel());
            doc.put("backend", stats.backend());
            doc.put("device", stats.device());
            doc.put("elapsedMillis", stats.elapsed().toNanos() / 1e6);
            doc.put("workers", stats.workers());
            doc.put("outputs", summaries);
            out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(doc));
            return;
        }
        out.printf("%s on %s: %.3f ms (%d workers)%n", stats.kernel(), stats.backend(),
                stats.elapsed().toNanos() / 1e6, stats.workers());
        for (Map.Entry<String, BufferSummary> s : summaries.entrySet()) {
            out.println("  " + s.getKey() + ": " + s.getValue().format());
        }
    }
}
