package io.cudawasm.bench.suite;

import java.util.List;
import java.util.Locale;

/**
 * How long and how wide a run is. {@code smoke} proves the suite works (seconds, in-process, numbers
 * not meaningful); {@code quick} gives usable numbers in about a quarter of an hour on a CPU node;
 * {@code full} is what the comparison report should be made from.
 *
 * @param forks            JVMs per benchmark (0: in this JVM)
 * @param warmupIterations iterations discarded before measuring
 * @param measurements     iterations measured
 * @param iterationMillis  length of each iteration
 */
public record SuitePreset(String name, int forks, int warmupIterations, int measurements, int iterationMillis,
        List<String> kernels, List<String> sizes, List<String> compileKernels, List<String> scenarios) {

    public static final SuitePreset SMOKE = new SuitePreset("smoke", 0, 0, 1, 100,
            List.of("saxpy", "matmul_naive"), List.of("S"), List.of("saxpy"), List.of("tiny"));
    public static final SuitePreset QUICK = new SuitePreset("quick", 1, 2, 5, 1000,
            List.of("vector_add", "saxpy", "elementwise_2d", "matmul_naive", "double_poly"), List.of("S", "M"),
            List.of("saxpy", "matmul_naive", "gemm_polybench", "particles"), List.of("tiny", "saxpy"));
    public static final SuitePreset FULL = new SuitePreset("full", 2, 3, 5, 2000,
            List.of("vector_add", "saxpy", "elementwise_2d", "matmul_naive", "double_poly"), List.of("S", "M", "L"),
            List.of("saxpy", "matmul_naive", "gemm_polybench", "particles"), List.of("tiny", "saxpy"));

    public SuitePreset {
        kernels = List.copyOf(kernels);
        sizes = List.copyOf(sizes);
        compileKernels = List.copyOf(compileKernels);
        scenarios = List.copyOf(scenarios);
    }

    public static SuitePreset parse(String text) {
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "smoke" -> SMOKE;
            case "quick" -> QUICK;
            case "full" -> FULL;
            default -> throw new IllegalArgumentException("--preset: smoke, quick or full, got '" + text + "'");
        };
    }
}
