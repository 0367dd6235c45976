package io.cudawasm.runtime.benchreport;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One JMH result entry, as the report needs it.
 *
 * @param benchmark the full benchmark name ({@code io.cudawasm.bench.suite.KernelThroughputBench.launch})
 * @param mode      JMH's short mode name: {@code avgt}, {@code thrpt}, {@code sample}, {@code ss}
 * @param params    the benchmark's parameters, in JMH's order
 * @param score     the mean score
 * @param error     the half-width of JMH's 99.9% confidence interval, NaN when JMH could not give one
 * @param unit      the score unit
 * @param samples   how many measurements the score averages (iterations over all forks, or samples)
 */
public record Measurement(String benchmark, String mode, Map<String, String> params, double score, double error,
        ScoreUnit unit, long samples) {

    /** The confidence level of JMH's {@code scoreError}, fixed in JMH. */
    public static final double JMH_CONFIDENCE = 0.999;

    public Measurement {
        params = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(params));
    }

    /** The class and method without the package: {@code KernelThroughputBench.launch}. */
    public String shortName() {
        int method = benchmark.lastIndexOf('.');
        int type = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        return benchmark.substring(type + 1);
    }

    /**
     * The standard error of the mean, recovered from JMH's error ({@code t(0.9995, n-1) * s / sqrt(n)});
     * NaN when it cannot be known.
     */
    public double standardError() {
        if (!Double.isFinite(error) || samples < 2) {
            return Double.NaN;
        }
        return error / StudentT.quantile(1 - (1 - JMH_CONFIDENCE) / 2, samples - 1);
    }

    /** This measurement in another (compatible) unit. */
    public Measurement in(ScoreUnit target) {
        double f = unit.factorTo(target);
        return new Measurement(benchmark, mode, params, score * f, error * f, target, samples);
    }

    /**
     * Reads one entry of JMH's JSON output.
     *
     * @throws IllegalArgumentException when the entry lacks what a JMH entry always has
     */
    public static Measurement fromJmh(JsonNode entry) {
        String benchmark = entry.path("benchmark").asText(null);
        String mode = entry.path("mode").asText(null);
        JsonNode primary = entry.path("primaryMetric");
        if (benchmark == null || mode == null || !primary.isObject() || !primary.path("score").isNumber()) {
            throw new IllegalArgumentException("not a JMH result entry (needs benchmark, mode and primaryMetric.score)");
        }
        Map<String, String> params = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entry.path("params").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> p = it.next();
            params.put(p.getKey(), p.getValue().asText());
        }
        double score = primary.path("score").asDouble();
        JsonNode e = primary.path("scoreError");
        double error = e.isNumber() ? e.asDouble() : Double.NaN;
        return new Measurement(benchmark, mode, params, score, error, ScoreUnit.parse(primary.path("scoreUnit").asText()),
                samples(entry, primary));
    }

    /** Measurements behind the score: raw iteration scores, histogram counts, or iterations x forks. */
    private static long samples(JsonNode entry, JsonNode primary) {
        JsonNode raw = primary.path("rawData");
        if (raw.isArray() && raw.size() > 0) {
            long n = 0;
            for (JsonNode fork : raw) {
                n += fork.size();
            }
            return n;
        }
        JsonNode histogram = primary.path("rawDataHistogram");
        if (histogram.isArray() && histogram.size() > 0) {
            long n = 0;
            for (JsonNode fork : histogram) {
                for (JsonNode iteration : fork) {
                    for (JsonNode bin : iteration) {
                        n += bin.path(1).asLong();
                    }
                }
            }
            return n;
        }
        return (long) entry.path("forks").asInt(1) * entry.path("measurementIterations").asInt(1);
    }
}
