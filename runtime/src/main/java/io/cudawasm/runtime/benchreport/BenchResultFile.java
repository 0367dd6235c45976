package io.cudawasm.runtime.benchreport;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One run of the benchmark suite on one host, as written to disk ({@code bench/README.md} documents the
 * format field by field).
 *
 * @param format      always {@link #FORMAT}; a reader refuses anything else
 * @param label       what the run is called in reports ("l40s-passthrough", "a40-12c-vgpu", "cpu-epyc")
 * @param suite       which suite produced the numbers
 * @param startedAt   ISO-8601 instant the run started
 * @param finishedAt  ISO-8601 instant the run ended (or the file was last written, while not complete)
 * @param complete    false while the run is still going (the file is rewritten after each benchmark class)
 * @param commandLine how the suite was started
 * @param host        the capabilities document of self-registration ({@code cuda-wasm.io/capabilities/v1}),
 *                    kept as JSON so a newer writer's fields survive an older reader
 * @param backends    every back end the suite probed for, present or not
 * @param absent      benchmarks not run because their back end is not on this host, with the reason
 * @param failed      benchmarks that were run and failed, with the reason
 * @param workloads   the problem behind each kernel and size: bytes and floating-point operations per launch
 * @param benchmarks  JMH's own JSON result entries, unchanged
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record BenchResultFile(String format, String label, Suite suite, String startedAt, String finishedAt,
        boolean complete, List<String> commandLine, JsonNode host, List<BackendStatus> backends,
        List<Absence> absent, List<Failure> failed, List<Workload> workloads, List<JsonNode> benchmarks) {

    /** The format identifier; bump the version when a field changes meaning. */
    public static final String FORMAT = "cuda-wasm.io/bench-result/v1";

    public BenchResultFile {
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(label, "label");
        commandLine = commandLine == null ? List.of() : List.copyOf(commandLine);
        backends = backends == null ? List.of() : List.copyOf(backends);
        absent = absent == null ? List.of() : List.copyOf(absent);
        failed = failed == null ? List.of() : List.copyOf(failed);
        workloads = workloads == null ? List.of() : List.copyOf(workloads);
        benchmarks = benchmarks == null ? List.of() : List.copyOf(benchmarks);
    }

    /**
     * The suite that produced a file.
     *
     * @param version  the project version of {@code benchmarks.jar}
     * @param revision bumped whenever a benchmark's definition changes, so that figures from different
     *                 definitions are not compared without a warning
     * @param preset   {@code smoke}, {@code quick}, {@code full} or {@code custom}
     * @param jmh      the JMH version
     */
    public record Suite(String version, int revision, String preset, String jmh) {}

    /** A back end the suite looked for: {@code java}, {@code wasm}, {@code opencl:0}, {@code cuda}, ... */
    public record BackendStatus(String name, boolean available, String device, String reason) {}

    /** A benchmark class that has a back end parameter, and one of its back ends that this host lacks. */
    public record Absence(String benchmark, String backend, String reason) {}

    /** A benchmark (with its parameters) that ran and produced no result. */
    public record Failure(String benchmark, Map<String, String> params, String reason) {
        public Failure {
            params = params == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(params));
        }
    }

    /**
     * The problem one launch of a bundled kernel solves at one size.
     *
     * @param shape            human description ("n=1048576", "512x512x512")
     * @param bytesPerLaunch   bytes a launch must read and write at least (compulsory traffic)
     * @param flopsPerLaunch   floating-point operations per launch
     * @param rate             which derived rate describes the kernel best: {@code GB/s} or {@code GFLOP/s}
     */
    public record Workload(String kernel, String size, String shape, long elements, long bytesPerLaunch,
            long flopsPerLaunch, String rate) {}
}
