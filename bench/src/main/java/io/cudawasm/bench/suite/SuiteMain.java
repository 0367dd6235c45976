package io.cudawasm.bench.suite;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code java -jar benchmarks.jar}: the suite behind one command. A command line that starts with
 * anything but a {@code --} option (a benchmark regex, JMH's {@code -f1}, {@code -l}) goes to JMH's own
 * main unchanged, so single benchmarks run as with any JMH jar.
 */
@Command(name = "benchmarks.jar", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Runs the cuda-wasm benchmark suite on this host: every bundled kernel x back end x size "
                + "(time per launch; GB/s or GFLOP/s in the report), launch overhead, compile time cold and cached, and "
                + "end-to-end HTTP job latency. Writes one result file tagged with this host's capabilities; compare "
                + "files with 'cuda-wasm bench report'.",
            "Back ends not present here (CUDA, TornadoVM, an OpenCL GPU) are listed in the file, not errors."})
public final class SuiteMain implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--preset", paramLabel = "smoke|quick|full", description = "Length of the run (default: ${DEFAULT-VALUE}).")
    String preset = "quick";

    @Option(names = "--label", description = "Name of this run in reports (default: GPU model and mode, or 'cpu').")
    String label;

    @Option(names = "--result", paramLabel = "FILE", description = "Result file (default: DIR/LABEL-TIMESTAMP.json).")
    Path result;

    @Option(names = "--result-dir", paramLabel = "DIR", description = "Folder for the result file (default: ${DEFAULT-VALUE}).")
    Path resultDir = Path.of("bench-results");

    @Option(names = "--backends", split = ",", paramLabel = "NAME",
            description = "Only these: java, wasm, opencl:N, cuda:N, tornadovm (default: all present).")
    List<String> backends;

    @Option(names = "--opencl-cpu", description = "Also measure OpenCL CPU devices (PoCL); they run in this JVM unisolated.")
    boolean openClCpu;

    @Option(names = "--benchmarks", split = ",", paramLabel = "GROUP",
            description = "throughput, launch, compile, http (default: all).")
    List<String> benchmarks = new ArrayList<>();

    @Option(names = "--kernels", split = ",", description = "Throughput kernels (default: the preset's).")
    List<String> kernels = new ArrayList<>();

    @Option(names = "--sizes", split = ",", paramLabel = "S|M|L", description = "Sizes (default: the preset's).")
    List<String> sizes = new ArrayList<>();

    @Option(names = "--forks", description = "JVMs per benchmark; 0 runs in this JVM (default: the preset's).")
    Integer forks;

    @Option(names = "--warmup-iterations", description = "Default: the preset's.")
    Integer warmups;

    @Option(names = "--iterations", description = "Measured iterations (default: the preset's).")
    Integer iterations;

    @Option(names = "--iteration-ms", description = "Length of an iteration in ms (default: the preset's).")
    Integer iterationMillis;

    @Option(names = {"-q", "--quiet"}, description = "Only progress lines, not JMH's own output.")
    boolean quiet;

    private final List<String> commandLine;

    public SuiteMain(List<String> commandLine) {
        this.commandLine = List.copyOf(commandLine);
    }

    /** The worker's INFO lines (a worker started per HTTP benchmark) would bury the progress lines. */
    static final String LOG_LEVEL = "org.slf4j.simpleLogger.defaultLogLevel";

    public static void main(String[] args) throws Exception {
        if (isJmhCommandLine(args)) {
            org.openjdk.jmh.Main.main(args);
            return;
        }
        if (System.getProperty(LOG_LEVEL) == null) {
            System.setProperty(LOG_LEVEL, "warn");
        }
        System.exit(execute(args));
    }

    /** The suite's options are all long ones (besides -q, -h, -V); JMH's are single-dash or a regex. */
    static boolean isJmhCommandLine(String[] args) {
        if (args.length == 0) {
            return false;
        }
        String first = args[0];
        return !first.startsWith("--") && !List.of("-q", "-h", "-V").contains(first);
    }

    /** Runs the command line and returns the exit code (0: result file written). */
    public static int execute(String... args) {
        List<String> line = new ArrayList<>(List.of("java", "-jar", "benchmarks.jar"));
        line.addAll(List.of(args));
        CommandLine cl = new CommandLine(new SuiteMain(line));
        cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof IllegalArgumentException) {
                cmd.getErr().println("error: " + e.getMessage());
                cmd.getErr().flush();
                return 2;
            }
            throw e;
        });
        return cl.execute(args);
    }

    @Override
    public Integer call() {
        SuiteSettings settings = new SuiteSettings(SuitePreset.parse(preset), Optional.ofNullable(label),
                Optional.ofNullable(result), resultDir, Optional.ofNullable(backends), openClCpu, benchmarks, kernels,
                sizes, Optional.ofNullable(forks), Optional.ofNullable(warmups), Optional.ofNullable(iterations),
                Optional.ofNullable(iterationMillis), quiet, commandLine);
        new BenchmarkSuite(settings, System.err, System.getenv()).run();
        return 0;
    }
}
