package io.cudawasm.bench.load;

import java.util.Arrays;
import java.util.Locale;

/** The outcome of one load run: counts, throughput and latency percentiles. */
record LoadReport(String scenario, int clients, double seconds, long succeeded, long failed, long lost, long rejected,
        long[] latenciesNanos, long[] serverRunNanos) {

    static double percentileMillis(long[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
    }

    double throughput() {
        return succeeded / seconds;
    }

    /** One Markdown table row: scenario, clients, jobs, failed, lost, jobs/s, p50, p90, p99, max, server run p50. */
    String row() {
        long[] l = latenciesNanos.clone();
        Arrays.sort(l);
        long[] s = serverRunNanos.clone();
        Arrays.sort(s);
        return String.format(Locale.ROOT, "| %s | %d | %d | %d | %d | %d | %.0f | %.3f | %.3f | %.3f | %.3f | %.3f |",
                scenario, clients, succeeded, failed, lost, rejected, throughput(), percentileMillis(l, 50),
                percentileMillis(l, 90), percentileMillis(l, 99), l.length == 0 ? Double.NaN : l[l.length - 1] / 1e6,
                percentileMillis(s, 50));
    }

    static String header() {
        return "| scenario | clients | jobs ok | failed | lost | 429 retried | jobs/s | p50 ms | p90 ms | p99 ms | max ms "
                + "| kernel run p50 ms |\n|---|---|---|---|---|---|---|---|---|---|---|---|";
    }
}
