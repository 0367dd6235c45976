package io.cudawasm.bench.suite;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of the suite as the command line asked for it.
 *
 * @param label       the run's name in reports; empty: derived from the host (GPU model and mode, or "cpu")
 * @param result      the result file; empty: {@code resultDir/LABEL-TIMESTAMP.json}
 * @param backends    only these back ends; empty: every one present (OpenCL CPU devices only with openClCpu)
 * @param benchmarks  which groups: {@code throughput}, {@code launch}, {@code compile}, {@code http}
 * @param kernels     throughput kernels instead of the preset's; empty: the preset's
 * @param sizes       sizes instead of the preset's; empty: the preset's
 * @param forks       instead of the preset's, when present (likewise the iteration settings)
 * @param quiet       no JMH output, only the progress lines
 */
public record SuiteSettings(SuitePreset preset, Optional<String> label, Optional<Path> result, Path resultDir,
        Optional<List<String>> backends, boolean openClCpu, List<String> benchmarks, List<String> kernels,
        List<String> sizes, Optional<Integer> forks, Optional<Integer> warmupIterations, Optional<Integer> measurements,
        Optional<Integer> iterationMillis, boolean quiet, List<String> commandLine) {

    /** The benchmark groups, in the order they run. */
    public static final List<String> GROUPS = List.of("throughput", "launch", "compile", "http");

    public SuiteSettings {
        Objects.requireNonNull(preset, "preset");
        backends = backends.map(List::copyOf);
        benchmarks = List.copyOf(benchmarks.isEmpty() ? GROUPS : benchmarks);
        for (String b : benchmarks) {
            if (!GROUPS.contains(b)) {
                throw new IllegalArgumentException("--benchmarks: " + String.join(", ", GROUPS) + "; got '" + b + "'");
            }
        }
        kernels = List.copyOf(kernels.isEmpty() ? preset.kernels() : kernels);
        kernels.forEach(SuiteKernel::parse);
        sizes = List.copyOf(sizes.isEmpty() ? preset.sizes() : sizes);
        sizes.forEach(SuiteSize::parse);
        commandLine = List.copyOf(commandLine);
    }

    public int effectiveForks() {
        return forks.orElse(preset.forks());
    }

    public int effectiveWarmups() {
        return warmupIterations.orElse(preset.warmupIterations());
    }

    public int effectiveMeasurements() {
        return measurements.orElse(preset.measurements());
    }

    public int effectiveIterationMillis() {
        return iterationMillis.orElse(preset.iterationMillis());
    }

    /** {@code smoke}, {@code quick} or {@code full}; {@code custom} once a setting departs from the preset. */
    public String presetName() {
        boolean custom = forks.isPresent() || warmupIterations.isPresent() || measurements.isPresent()
                || iterationMillis.isPresent() || !kernels.equals(preset.kernels()) || !sizes.equals(preset.sizes());
        return custom ? "custom" : preset.name();
    }

    public double secondsPerCombination() {
        return Math.max(1, effectiveForks()) * (effectiveWarmups() + effectiveMeasurements())
                * effectiveIterationMillis() / 1000.0;
    }
}
