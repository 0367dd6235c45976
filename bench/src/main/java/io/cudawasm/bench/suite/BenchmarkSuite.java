package io.cudawasm.bench.suite;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.runtime.backend.Backends;
import io.cudawasm.runtime.benchreport.BenchResultFile;
import io.cudawasm.runtime.benchreport.BenchResultFile.Absence;
import io.cudawasm.runtime.benchreport.BenchResultFile.BackendStatus;
import io.cudawasm.runtime.benchreport.BenchResultFile.Failure;
import io.cudawasm.runtime.benchreport.ResultFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.format.OutputFormatFactory;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.util.Version;

/**
 * Runs the suite: probes the back ends and the host's capabilities, runs each benchmark class through
 * JMH with the present back ends as its {@code backend} parameter, and writes the result file after each
 * class (so an interrupted run still leaves its numbers, marked incomplete).
 */
public final class BenchmarkSuite {
    /** Bumped when a benchmark's definition changes; the report warns when revisions differ. */
    public static final int REVISION = 1;

    private final SuiteSettings settings;
    private final PrintStream progress;
    private final Map<String, String> env;
    /** Why the last class did not run at all (JMH's lock held by another run, a bad option); null when it ran. */
    private String classError;

    public BenchmarkSuite(SuiteSettings settings, PrintStream progress, Map<String, String> env) {
        this.settings = settings;
        this.progress = progress;
        this.env = env;
    }

    /** Runs everything and returns the result file's path. */
    public Path run() {
        Instant started = Instant.now();
        long startedNanos = System.nanoTime();
        BackendInventory inventory;
        JsonNode host;
        progress.println("probing back ends and host capabilities ...");
        try (Backends probed = Backends.detect(0)) {
            inventory = BackendInventory.of(probed, settings.openClCpu(), settings.backends().orElse(null));
            host = HostCapabilities.probe(probed, env);
        }
        for (BackendStatus s : inventory.statuses()) {
            progress.println("  " + s.name() + ": " + (inventory.measured().contains(s.name()) ? "measured"
                    : "not measured") + (s.device() != null ? " (" + s.device() + ")" : "")
                    + (s.available() ? "" : ": " + s.reason()));
        }
        String label = settings.label().orElseGet(() -> defaultLabel(host));
        Path target = settings.result().orElseGet(() -> settings.resultDir().resolve(label + "-"
                + DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC).format(started) + ".json"));
        List<ClassPlan> plans = plans(inventory);
        List<Absence> absent = new ArrayList<>();
        for (ClassPlan plan : plans) {
            if (plan.hasBackend()) {
                for (BackendStatus s : inventory.unavailable()) {
                    absent.add(new Absence(plan.simpleName(), s.name(), s.reason()));
                }
            }
        }
        int total = plans.stream().filter(p -> !p.isEmpty()).mapToInt(p -> p.combinations().size()).sum();
        progress.printf("%d benchmarks in %d classes, about %s; results: %s%n", total, plans.size(),
                ProgressOutput.duration(total * (settings.secondsPerCombination() + 1)), target);
        progress.flush();

        List<JsonNode> entries = new ArrayList<>();
        List<Failure> failed = new ArrayList<>();
        int done = 0;
        for (ClassPlan plan : plans) {
            if (plan.isEmpty()) {
                progress.println(plan.simpleName() + ": nothing to run here (no device back end)");
                continue;
            }
            ProgressOutput out = new ProgressOutput(
                    OutputFormatFactory.createFormatInstance(System.out, settings.quiet() ? VerboseMode.SILENT
                            : VerboseMode.NORMAL), progress, total, settings.secondsPerCombination() + 1, done,
                    startedNanos);
            List<JsonNode> got = runClass(plan, out);
            done += plan.combinations().size();
            entries.addAll(got);
            failed.addAll(missing(plan, got, out.failures(), classError));
            write(target, label, started, false, inventory, host, absent, failed, entries);
        }
        write(target, label, started, true, inventory, host, absent, failed, entries);
        progress.printf("done in %s: %d results, %d failed, %d absent; wrote %s%n",
                ProgressOutput.duration((System.nanoTime() - startedNanos) / 1e9), entries.size(), failed.size(),
                absent.size(), target);
        progress.flush();
        return target;
    }

    /** The classes of the chosen groups with their parameters for this host. */
    List<ClassPlan> plans(BackendInventory inventory) {
        List<ClassPlan> plans = new ArrayList<>();
        for (String group : settings.benchmarks()) {
            Map<String, List<String>> p = new LinkedHashMap<>();
            switch (group) {
                case "throughput" -> {
                    p.put("backend", inventory.measured());
                    p.put("kernel", settings.kernels().stream().map(k -> SuiteKernel.parse(k).libraryName()).toList());
                    p.put("size", settings.sizes().stream().map(s -> SuiteSize.parse(s).name()).toList());
                    plans.add(new ClassPlan(KernelThroughputBench.class, List.of("launch"), p));
                }
                case "launch" -> {
                    p.put("backend", inventory.measured());
                    plans.add(new ClassPlan(LaunchOverheadBench.class, List.of("launch"), p));
                }
                case "compile" -> {
                    p.put("backend", inventory.devices());
                    p.put("kernel", settings.preset().compileKernels());
                    plans.add(new ClassPlan(CompileTimeBench.class, List.of("cached", "cold"), p));
                }
                case "http" -> {
                    p.put("backend", inventory.devices());
                    p.put("scenario", settings.preset().scenarios());
                    plans.add(new ClassPlan(HttpJobBench.class, List.of("job"), p));
                }
                default -> throw new IllegalArgumentException("unknown benchmark group " + group);
            }
        }
        return plans;
    }

    /** One class through JMH; its JSON entries as JMH wrote them. */
    List<JsonNode> runClass(ClassPlan plan, ProgressOutput out) {
        classError = null;
        Path json = null;
        try {
            json = Files.createTempFile("cuda-wasm-jmh", ".json");
            ChainedOptionsBuilder options = new OptionsBuilder()
                    .include("^" + Pattern.quote(plan.type().getName()) + "\\.")
                    .forks(settings.effectiveForks())
                    .warmupIterations(settings.effectiveWarmups())
                    .warmupTime(TimeValue.milliseconds(settings.effectiveIterationMillis()))
                    .measurementIterations(settings.effectiveMeasurements())
                    .measurementTime(TimeValue.milliseconds(settings.effectiveIterationMillis()))
                    .jvmArgsPrepend("-D" + SuiteMain.LOG_LEVEL + "=" + System.getProperty(SuiteMain.LOG_LEVEL, "warn"))
                    .shouldFailOnError(false)
                    .resultFormat(ResultFormatType.JSON)
                    .result(json.toString());
            for (Map.Entry<String, List<String>> p : plan.params().entrySet()) {
                options.param(p.getKey(), p.getValue().toArray(String[]::new));
            }
            new Runner(options.build(), out).run();
            String text = Files.readString(json);
            List<JsonNode> entries = new ArrayList<>();
            if (!text.isBlank()) {
                ResultFiles.json().readTree(text).forEach(entries::add);
            }
            return entries;
        } catch (RunnerException | IOException | RuntimeException e) {
            classError = String.valueOf(e.getMessage()).lines().findFirst().orElse(e.toString());
            progress.println(plan.simpleName() + " did not run: " + e);
            progress.flush();
            return List.of();
        } finally {
            if (json != null) {
                try {
                    Files.deleteIfExists(json);
                } catch (IOException ignored) {
                    // a temporary file
                }
            }
        }
    }

    /** Combinations the run should have produced and did not, with the reason JMH printed. */
    static List<Failure> missing(ClassPlan plan, List<JsonNode> got, Map<Map<String, String>, String> reasons,
            String classError) {
        List<Failure> failures = new ArrayList<>();
        for (Map<String, String> combination : plan.combinations()) {
            String method = combination.get("@method");
            String benchmark = plan.type().getName() + "." + method;
            Map<String, String> params = new LinkedHashMap<>(combination);
            params.remove("@method");
            boolean present = got.stream().anyMatch(e -> e.path("benchmark").asText().equals(benchmark)
                    && params.entrySet().stream().allMatch(p -> e.path("params").path(p.getKey()).asText().equals(p.getValue())));
            if (!present) {
                failures.add(new Failure(plan.simpleName() + "." + method, params,
                        reasons.getOrDefault(combination, classError != null ? classError
                                : "no result (see the suite's output)")));
            }
        }
        return failures;
    }

    private void write(Path target, String label, Instant started, boolean complete, BackendInventory inventory,
            JsonNode host, List<Absence> absent, List<Failure> failed, List<JsonNode> entries) {
        String version = BenchmarkSuite.class.getPackage().getImplementationVersion();
        BenchResultFile file = new BenchResultFile(BenchResultFile.FORMAT, label,
                new BenchResultFile.Suite(version != null ? version : "dev", REVISION, settings.presetName(),
                        Version.getPlainVersion()),
                started.truncatedTo(ChronoUnit.SECONDS).toString(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS).toString(), complete, settings.commandLine(), host,
                inventory.statuses(), absent, failed, SuiteKernel.workloads(), entries);
        ResultFiles.write(target, file);
    }

    /** "cpu", or the GPU model and how it is attached ("nvidia-a40-passthrough", "nvidia-a40-12c-vgpu"). */
    static String defaultLabel(JsonNode host) {
        JsonNode gpus = host.path("gpus");
        String vendor = gpus.path("vendor").asText("none");
        if (vendor.isEmpty() || vendor.equals("none")) {
            return "cpu";
        }
        String model = gpus.path("model").asText("");
        String mode = gpus.path("mode").asText("");
        String raw = (model.toLowerCase(Locale.ROOT).startsWith(vendor.toLowerCase(Locale.ROOT)) ? model
                : vendor + " " + model) + (mode.isEmpty() || mode.equals("unknown") ? "" : " " + mode);
        String label = raw.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9.]+", "-").replaceAll("^-+|-+$", "");
        return label.isEmpty() ? "gpu" : label;
    }
}
