package io.cudawasm.runtime.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.cudawasm.nutanix.NetworkErrors;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.service.client.WorkerClient;
import io.cudawasm.runtime.service.config.WorkerConfig;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm submit}: the {@code run} command against a worker. Builds a one-launch job from
 * the same arguments ({@code --arg 1M --arg random:1M:7 ...}), posts it to {@code /v1/jobs} and
 * prints the result. Exit codes: 0 done, 1 compile error, 2 bad request, 3 the job failed,
 * 4 the worker could not be reached or refused the job.
 */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Send a kernel launch to a worker (POST /v1/jobs) and print the result.",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the job finished",
            "1:the kernel did not compile (diagnostics on standard error)",
            "2:bad options or a request the worker rejected (400, 404, 413)",
            "3:the job failed: a trap, an out-of-bounds access, its time limit (422), a worker error (5xx)",
            "4:no answer: the worker cannot be reached, is busy (429) or draining (503), or wants a token (401)"},
        footer = {"", "Arguments follow the run command: numbers for scalars, zeros:N iota:N[:START[:STEP]]",
            "const:N:V random:N[:SEED[:MIN:MAX]] file:PATH for pointers, struct:TYPE=V,... for structs,",
            "tensormap:TYPE:DIMS:BOX[:STRIDES][:SWIZZLE][:es=E]/BUFFER for a CUtensorMap (its buffer named after the parameter);",
            "headers the source includes are read from its folder and the -I folders and sent with it;",
            "by position or as NAME=VALUE.",
            "", "Example: cuda-wasm submit --url http://worker:8080 lib:saxpy --kernel saxpy --grid 4096 --block 256 \\",
            "           --arg 1M --arg 2.0 --arg random:1M:7 --arg const:1M:1 --out y"})
public final class SubmitCommand implements Callable<Integer> {
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Exit code when the worker gives no answer to act on: unreachable, busy, draining, or locked. */
    static final int UNREACHABLE = 4;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "SOURCE",
            description = "A .cu file, or lib:NAME for a bundled kernel (or use --kernel-id).")
    String source;

    @Option(names = "--kernel-id", paramLabel = "ID", description = "A kernel compiled before (POST /v1/kernels).")
    String kernelId;

    @Option(names = "--url", paramLabel = "URL", defaultValue = "${env:CUDA_WASM_URL:-http://localhost:8080}",
            description = "The worker (CUDA_WASM_URL, default ${DEFAULT-VALUE}).")
    URI url;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "Bearer token file (default: the CUDA_WASM_AUTH_TOKEN variable, if set).")
    Path tokenFile;

    @Mixin
    CompileOptionsMixin compile = new CompileOptionsMixin();

    @Option(names = {"-k", "--kernel"}, description = "The kernel to launch (optional when the source has one).")
    String kernel;

    @Mixin
    LaunchShapeMixin shape = new LaunchShapeMixin();

    @Option(names = "--constant", paramLabel = "SYMBOL=SPEC[@TYPE]",
            description = "Fill a __constant__/__device__ variable before the launch.")
    List<String> constants = new ArrayList<>();

    @Option(names = "--out", paramLabel = "PARAM[=FORMAT]",
            description = "Return this buffer: summary (default), array or base64. Default: every non-const pointer.")
    List<String> outputs = new ArrayList<>();

    @Option(names = "--save", paramLabel = "PARAM=FILE", description = "Save this buffer's raw bytes to a file.")
    List<String> saves = new ArrayList<>();

    @Option(names = "--first", defaultValue = "8", description = "Leading elements in summaries (default 8).")
    int first;

    @Option(names = "--backend", paramLabel = "NAME", description = "auto, wasm, opencl, cuda:0, ...")
    String backend;

    @Option(names = "--time-limit", paramLabel = "SECONDS", description = "Stop the job after this many seconds.")
    Double timeLimit;

    @Option(names = "--memcheck", description = "Run the job under memcheck (the worker's WebAssembly path): invalid "
            + "accesses fail it and are listed in the error's details.")
    boolean memcheck;

    @Option(names = "--cluster", paramLabel = "X[,Y[,Z]]", description = "Thread block clusters of this shape in blocks "
            + "(the launch's \"cluster\"): each cluster's blocks run at once (sm_90 clusters; the worker runs them on the "
            + "WebAssembly path when the backend is left out).")
    String cluster;

    @Option(names = "--independent-threads", description = "Independent thread scheduling: every CUDA thread of a "
            + "block on a host thread of its own (the launch's \"independentThreads\"; WebAssembly path, slower).")
    boolean independentThreads;

    @Option(names = "--cooperative", description = "A cooperative launch (cudaLaunchCooperativeKernel): every block at once, "
            + "the grid no larger than the device runs at once, this_grid().is_valid() true. A kernel that calls "
            + "grid.sync() is launched so anyway (WebAssembly path).")
    boolean cooperative;

    @Option(names = "--async", description = "Do not wait: print the job's id and URL.")
    boolean async;

    @Option(names = "--json", description = "Print the worker's JSON response.")
    boolean json;

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Map<String, Object> job = job();
        WorkerClient client = new WorkerClient(url, token(), Duration.ofMinutes(30));
        WorkerClient.Response r;
        try {
            r = client.post(async ? "/v1/jobs?async=true" : "/v1/jobs", job);
        } catch (IOException e) {
            err.println("error: cannot reach the worker at " + url + ": " + NetworkErrors.describe(e)
                    + " (is 'cuda-wasm serve' running there? --url or CUDA_WASM_URL names another worker)");
            err.flush();
            return UNREACHABLE;
        }
        int code = r.ok() ? 0 : report(r, err);
        if (json && r.body() != null) {
            out.println(JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(r.body()));
        } else if (r.ok() && async) {
            out.println(r.body().get("id").asText() + " " + url.resolve(r.location()));
        } else if (r.ok()) {
            print(r.body(), out);
        }
        if (r.ok()) {
            save(r.body());
        }
        out.flush();
        err.flush();
        return code;
    }

    private String token() throws IOException {
        if (tokenFile != null) {
            return WorkerConfig.readTokenFile(tokenFile, "--token-file");
        }
        String env = System.getenv(WorkerConfig.ENV_AUTH_TOKEN);
        return env == null || env.isBlank() ? null : env.trim();
    }

    /** The request body: the kernel, one launch, symbols and outputs. */
    Map<String, Object> job() throws IOException {
        Map<String, Object> job = new LinkedHashMap<>();
        job.put("kernel", kernelRef());
        if (backend != null) {
            job.put("backend", backend);
        }
        if (memcheck) {
            job.put("memcheck", true);
        }
        if (timeLimit != null) {
            job.put("timeLimitSeconds", timeLimit);
        }
        Map<String, Object> launch = new LinkedHashMap<>();
        if (kernel != null) {
            launch.put("kernel", kernel);
        }
        launch.put("grid", shape.grid);
        launch.put("block", shape.block);
        launch.put("sharedBytes", shape.sharedBytes);
        launch.put("args", arguments());
        if (cluster != null) {
            launch.put("cluster", cluster);
        }
        if (independentThreads) {
            launch.put("independentThreads", true);
        }
        if (cooperative) {
            launch.put("cooperative", true);
        }
        if (!constants.isEmpty()) {
            launch.put("symbols", symbols());
        }
        job.put("launches", List.of(launch));
        Map<String, Object> outs = new LinkedHashMap<>();
        for (String o : outputs) {
            int eq = o.indexOf('=');
            String format = eq < 0 ? "summary" : o.substring(eq + 1);
            outs.put(eq < 0 ? o : o.substring(0, eq), Map.of("format", format, "first", first));
        }
        for (String s : saves) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--save needs PARAM=FILE, got '" + s + "'");
            }
            outs.put(s.substring(0, eq), Map.of("format", "base64"));
        }
        if (!outs.isEmpty()) {
            job.put("outputs", outs);
        }
        return job;
    }

    private Map<String, Object> kernelRef() {
        Map<String, Object> ref = new LinkedHashMap<>();
        if (kernelId != null) {
            if (source != null) {
                throw new IllegalArgumentException("give a SOURCE or --kernel-id, not both");
            }
            ref.put("id", kernelId);
            return ref;
        }
        if (source == null) {
            throw new IllegalArgumentException("give a SOURCE (a .cu file or lib:NAME) or --kernel-id");
        }
        if (source.startsWith("lib:")) {
            ref.put("library", source.substring(4));
        } else {
            KernelSource src = KernelSource.load(source);
            ref.put("source", src.text());
            ref.put("fileName", src.fileName());
            // the headers it includes, found next to it and in the -I folders, travel with it
            Map<String, String> headers = IncludeFiles.load(src, compile.includeDirs).headers();
            if (!headers.isEmpty()) {
                ref.put("headers", headers);
            }
        }
        if (!compile.defines.isEmpty()) {
            ref.put("defines", compile.defineMap());
        }
        if (!compile.instantiations.isEmpty()) {
            ref.put("instantiate", compile.instantiations);
        }
        return ref;
    }

    /** Positional values become an array, NAME=VALUE pairs an object; mixing needs the signature, so it is refused. */
    private Object arguments() throws IOException {
        Map<String, Object> named = new LinkedHashMap<>();
        List<Object> positional = new ArrayList<>();
        for (String a : shape.args) {
            int eq = a.indexOf('=');
            if (eq > 0 && IDENTIFIER.matcher(a.substring(0, eq)).matches()) {
                named.put(a.substring(0, eq), value(a.substring(eq + 1)));
            } else {
                positional.add(value(a));
            }
        }
        if (!named.isEmpty() && !positional.isEmpty()) {
            throw new IllegalArgumentException("give every --arg by position or every one as NAME=VALUE, not both");
        }
        return named.isEmpty() ? positional : named;
    }

    /** A command-line value as JSON: files are sent as base64, everything else as the text the worker parses. */
    private static Object value(String v) throws IOException {
        if (v.equals("null")) {
            return null;
        }
        if (v.startsWith("file:")) {
            return Map.of("base64", Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(v.substring(5)))));
        }
        return v;
    }

    private Map<String, Object> symbols() throws IOException {
        Map<String, Object> symbols = new LinkedHashMap<>();
        for (String c : constants) {
            int eq = c.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("--constant needs SYMBOL=SPEC, got '" + c + "'");
            }
            String body = c.substring(eq + 1);
            String type = "f32";
            int at = body.lastIndexOf('@');
            if (at > 0) {
                type = body.substring(at + 1);
                body = body.substring(0, at);
            }
            Object value;
            if (body.startsWith("struct:")) {
                value = body;
            } else if (body.startsWith("file:")) {
                value = Map.of("type", type, "base64",
                        Base64.getEncoder().encodeToString(Files.readAllBytes(Path.of(body.substring(5)))));
            } else if (BufferSpecs.looksLikeSpec(body)) {
                value = Map.of("type", type, "generate", body);
            } else {
                throw new IllegalArgumentException("--constant " + c + ": expected a buffer spec, file:PATH or struct:...");
            }
            symbols.put(c.substring(0, eq), value);
        }
        return symbols;
    }

    private static int report(WorkerClient.Response r, PrintWriter err) {
        JsonNode body = r.body();
        String code = body == null ? "http_" + r.status() : body.path("error").asText("http_" + r.status());
        String message = body == null ? "HTTP " + r.status() : body.path("message").asText();
        if (code.equals("compile_error")) {
            for (JsonNode d : body.path("details").path("diagnostics")) {
                err.println(d.path("file").asText() + ":" + d.path("line").asInt() + ":" + d.path("column").asInt()
                        + ": " + d.path("severity").asText() + ": " + d.path("message").asText());
                if (!d.path("sourceLine").asText("").isEmpty()) {
                    err.println("    " + d.path("sourceLine").asText());
                }
            }
            return 1;
        }
        err.println("error: " + code + ": " + message
                + (r.retryAfterSeconds() != null ? " (retry after " + r.retryAfterSeconds() + " s)" : ""));
        if (r.status() == 429 || r.status() == 503 || r.status() == 401) {
            return UNREACHABLE;
        }
        return r.status() >= 500 || r.status() == 409 || r.status() == 422 ? 3 : 2;
    }

    private void print(JsonNode job, PrintWriter out) {
        // device printf first, as `run` prints it; what was dropped or cut goes to standard error
        out.print(job.path("printf").path("text").asText(""));
        String note = job.path("printf").path("note").asText("");
        if (!note.isEmpty()) {
            spec.commandLine().getErr().println("warning: " + note);
        }
        for (JsonNode l : job.path("launches")) {
            out.printf("%s on %s: %.3f ms (%d workers)%n", l.path("kernel").asText(), job.path("backend").asText(),
                    l.path("elapsedMillis").asDouble(), l.path("workers").asInt());
        }
        // the values the kernels set with cudaGraphSetConditional, as `run` prints them
        for (JsonNode c : job.path("graphConditionals").path("values")) {
            out.println("  graph conditional " + c.path("handle").asText() + " = " + c.path("value").asLong());
        }
        String dropped = job.path("graphConditionals").path("note").asText("");
        if (!dropped.isEmpty()) {
            out.println("  graph conditionals: " + dropped);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = job.path("outputs").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> o = it.next();
            JsonNode v = o.getValue();
            String line = switch (v.path("format").asText()) {
                case "summary" -> {
                    JsonNode s = v.path("summary");
                    yield s.path("type").asText() + "[" + s.path("count").asLong() + "] fnv1a64="
                            + s.path("fnv1a64").asText() + " sum=" + s.path("sum").asText() + " min="
                            + s.path("min").asText() + " max=" + s.path("max").asText() + " first=" + s.path("first");
                }
                case "array" -> v.path("type").asText() + "[" + v.path("count").asLong() + "] " + v.path("data");
                default -> v.path("type").asText() + "[" + v.path("count").asLong() + "] base64 ("
                        + v.path("base64").asText().length() + " chars)";
            };
            out.println("  " + o.getKey() + ": " + line);
        }
    }

    private void save(JsonNode job) throws IOException {
        for (String s : saves) {
            int eq = s.indexOf('=');
            JsonNode o = job.path("outputs").path(s.substring(0, eq));
            Files.write(Path.of(s.substring(eq + 1)), Base64.getDecoder().decode(o.path("base64").asText()));
        }
    }
}
