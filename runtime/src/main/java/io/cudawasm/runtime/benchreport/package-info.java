/**
 * Benchmark result files and the comparison report.
 *
 * <p>The JMH suite in {@code bench/} writes one {@link io.cudawasm.runtime.benchreport.BenchResultFile} per
 * run: JMH's own JSON entries plus the host's capabilities from self-registration, so that files from
 * different hosts (a passthrough GPU, a vGPU profile of the same GPU, a CPU-only node) or different releases
 * can be compared. {@link io.cudawasm.runtime.benchreport.BenchReport} reads several such files and writes
 * the side-by-side table with speed-ups and their confidence intervals, SVG charts and one HTML page. The
 * model lives here, not in {@code bench/}, because the bench module depends on the runtime and both sides
 * must agree on the format.
 */
package io.cudawasm.runtime.benchreport;
