package io.cudawasm.runtime.cli;

import io.cudawasm.nutanix.deploy.WorkerEnvironment;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code cuda-wasm bench run [-- SUITE ARGS]}: starts {@code benchmarks.jar} in a child JVM and passes
 * its output (progress lines included) through. The suite is a separate jar because JMH forks JVMs from
 * its own class path and the worker's jar does not carry the benchmarks.
 */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the benchmark suite (benchmarks.jar) in a child JVM; arguments after -- go to the suite, "
                + "for example: cuda-wasm bench run -- --preset quick --result-dir results (--help lists the suite's options)",
            "The suite writes a result file tagged with this host's capabilities; compare files with 'bench report'."})
public final class BenchRunCommand implements Callable<Integer> {
    /** Environment variable naming benchmarks.jar when it is not in one of the usual places. */
    public static final String ENV_JAR = "CUDA_WASM_BENCHMARKS_JAR";

    @Spec
    CommandSpec spec;

    @Option(names = "--jar", paramLabel = "PATH", description = "benchmarks.jar (default: $" + ENV_JAR + ", "
            + WorkerEnvironment.BENCHMARKS_JAR + ", next to this jar, or bench/target/benchmarks.jar).")
    Path jar;

    @Option(names = "--java", paramLabel = "PATH", description = "Java launcher for the child (default: this JVM's).")
    Path java;

    @Parameters(paramLabel = "SUITE-ARG", description = "Arguments for the suite (use -- before them).")
    List<String> suiteArgs = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Optional<Path> found = jar != null ? Optional.of(jar) : locateJar();
        if (found.isEmpty() || !Files.isRegularFile(found.get())) {
            err.println("error: " + (found.isEmpty() ? "benchmarks.jar not found (looked at $" + ENV_JAR + ", "
                    + WorkerEnvironment.BENCHMARKS_JAR + ", next to cuda-wasm.jar and bench/target/); give it with --jar"
                    : found.get() + ": no such file"));
            err.flush();
            return 2;
        }
        List<String> command = new ArrayList<>();
        command.add((java != null ? java : Path.of(System.getProperty("java.home"), "bin", "java")).toString());
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()) {
            command.add(WorkerEnvironment.VECTOR_MODULE); // the suite measures what the worker runs: vector rows on
        }
        command.add("-jar");
        command.add(found.get().toString());
        command.addAll(suiteArgs);
        err.println("running " + String.join(" ", command));
        err.flush();
        Process child;
        try {
            child = new ProcessBuilder(command).redirectErrorStream(true).start();
        } catch (IOException e) {
            err.println("error: cannot start " + command.get(0) + ": " + e.getMessage());
            err.flush();
            return 2;
        }
        // copied line by line through this command's writer, so callers (and tests) see the progress as it comes
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                out.println(line);
                out.flush();
            }
        }
        return child.waitFor();
    }

    /** The usual places, in order: the environment variable, the image's path, beside this jar, the build tree. */
    static Optional<Path> locateJar() {
        List<Path> candidates = new ArrayList<>();
        String env = System.getenv(ENV_JAR);
        if (env != null && !env.isBlank()) {
            return Optional.of(Path.of(env));
        }
        candidates.add(Path.of(WorkerEnvironment.BENCHMARKS_JAR));
        try {
            Path self = Path.of(BenchRunCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            if (Files.isRegularFile(self) && self.getParent() != null) {
                candidates.add(self.getParent().resolve("benchmarks.jar"));
            }
        } catch (URISyntaxException | SecurityException | NullPointerException e) {
            // no code source (unusual class loaders): skip this candidate
        }
        candidates.add(Path.of("bench", "target", "benchmarks.jar"));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }
}
