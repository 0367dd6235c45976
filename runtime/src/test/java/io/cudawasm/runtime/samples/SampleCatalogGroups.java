package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.ints;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The cooperative-groups samples built on coalesced groups (issue 18, item 6): warp-aggregated
 * atomics ({@code coalesced_threads}, {@code labeled_partition}, {@code cg::reduce} of a labeled
 * group) and binary partitions of a tile. Their outputs depend on the order in which groups reach
 * the atomics, so they are checked as the samples define them: counts, sums, maxima, and each
 * bucket holding exactly its own indices. Sizes are reduced (10 M elements to 100 K).
 */
final class SampleCatalogGroups {
    private SampleCatalogGroups() {}

    private static final String AGGREGATED = "3_CUDA_Features/warpAggregatedAtomicsCG/warpAggregatedAtomicsCG.cu";
    private static final int N = 100_000;
    private static final int BLOCK = 512;
    private static final int BUCKETS = 5;

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        s.add(new Sample(AGGREGATED, "filter_arr, mapToBuckets, calculateMaxInEachBuckets", r -> {
            String data = "random:" + N + ":31:0:4"; // rand() % numOfBuckets
            int[] src = ints(gen(data, ElementType.I32));
            int[] count = new int[BUCKETS];
            for (int v : src) {
                if (v < 0 || v >= BUCKETS) {
                    throw new Mismatch("the generator made a value outside the buckets: " + v);
                }
                count[v]++;
            }
            // filter_arr: every positive value once, in any order
            Map<String, byte[]> f = r.run(AGGREGATED, "filter_arr", Integer.toString(N / BLOCK + 1),
                    Integer.toString(BLOCK), 0, List.of("zeros:" + N, "zeros:1", data, Integer.toString(N)),
                    List.of("dst", "nres"));
            int nres = ints(f.get("nres"))[0];
            int positives = N - count[0];
            if (nres != positives) {
                throw new Mismatch("nres = " + nres + ", expected " + positives);
            }
            int[] kept = Arrays.copyOf(ints(f.get("dst")), nres);
            int[] seen = new int[BUCKETS];
            for (int v : kept) {
                if (v <= 0 || v >= BUCKETS) {
                    throw new Mismatch("dst holds " + v + ", not a positive input value");
                }
                seen[v]++;
            }
            for (int b = 1; b < BUCKETS; b++) {
                if (seen[b] != count[b]) {
                    throw new Mismatch("dst holds " + seen[b] + " values " + b + ", expected " + count[b]);
                }
            }
            // mapToBuckets: bucket b's counter starts at b * N; its slots get exactly the indices of its values
            Map<String, byte[]> m = r.run(AGGREGATED, "mapToBuckets", Integer.toString(N / BLOCK),
                    Integer.toString(BLOCK), 0, List.of(data, "zeros:" + N * BUCKETS, "affine:" + BUCKETS + ":" + N + ":0",
                            Integer.toString(N), Integer.toString(BUCKETS)), List.of("indicesBuckets", "bucketCounters"));
            int[] counters = ints(m.get("bucketCounters"));
            int[] slots = ints(m.get("indicesBuckets"));
            int covered = N; // a grid-stride loop over grid.thread_rank() and grid.size()
            for (int b = 0; b < BUCKETS; b++) {
                int bb = b;
                int[] want = java.util.stream.IntStream.range(0, covered).filter(i -> src[i] == bb).toArray();
                if (counters[b] - b * N != want.length) {
                    throw new Mismatch("bucket " + b + " counted " + (counters[b] - b * N) + ", expected " + want.length);
                }
                int[] got = Arrays.copyOfRange(slots, b * N, b * N + want.length);
                Arrays.sort(got);
                if (!Arrays.equals(got, want)) {
                    throw new Mismatch("bucket " + b + " does not hold exactly the indices of its values");
                }
            }
            // calculateMaxInEachBuckets: cg::reduce(labeledGroup, v, cg::greater<int>()) then atomicMax
            String values = "random:" + N + ":32:0:2147483647";
            int[] v = ints(gen(values, ElementType.I32));
            Map<String, byte[]> x = r.run(AGGREGATED, "calculateMaxInEachBuckets", Integer.toString(N / BLOCK),
                    Integer.toString(BLOCK), 0, List.of(data, values, "zeros:" + BUCKETS, Integer.toString(N),
                            Integer.toString(BUCKETS)), List.of("bucketsMax"));
            int[] max = new int[BUCKETS];
            for (int i = 0; i < covered; i++) {
                max[src[i]] = Math.max(max[src[i]], v[i]);
            }
            PublicSamplesRun.exact("bucketsMax", max, ints(x.get("bucketsMax")));
        }));
        s.add(new Sample("3_CUDA_Features/binaryPartitionCG/binaryPartitionCG.cu", "oddEvenCountAndSumCG", r -> {
            int size = 1024 * 100;
            String data = "random:" + size + ":33:0:49"; // rand() % 50
            int[] in = ints(gen(data, ElementType.I32));
            int odds = 0;
            int oddSum = 0;
            int evenSum = 0;
            for (int v : in) {
                if ((v & 1) != 0) {
                    odds++;
                    oddSum += v;
                } else {
                    evenSum += v;
                }
            }
            // the sample sizes the launch with cudaOccupancyMaxPotentialBlockSize: 1024 threads, a grid-stride loop
            Map<String, byte[]> o = r.run("3_CUDA_Features/binaryPartitionCG/binaryPartitionCG.cu",
                    "oddEvenCountAndSumCG", "20", "1024", 0, List.of(data, "zeros:1", "zeros:2", Integer.toString(size)),
                    List.of("numOfOdds", "sumOfOddAndEvens"));
            PublicSamplesRun.exact("numOfOdds", new int[] {odds}, ints(o.get("numOfOdds")));
            PublicSamplesRun.exact("sumOfOddAndEvens", new int[] {oddSum, evenSum}, ints(o.get("sumOfOddAndEvens")));
        }));
        return s;
    }
}
