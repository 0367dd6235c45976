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
 * group) and binary partitions of a tile; and those passing a {@code cg::thread_group} to their
 * device functions (simpleCooperativeGroups, dxtc). Their outputs depend on the order in which groups reach
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
        s.add(new Sample("0_Introduction/simpleCooperativeGroups/simpleCooperativeGroups.cu",
                "cgkernel (a thread_group parameter given a block and tiles of 16; device printf)", r -> {
            // one block of 64 threads, 64 ints of dynamic shared memory, as the sample's host code launches it
            String printed = r.printed("0_Introduction/simpleCooperativeGroups/simpleCooperativeGroups.cu", "cgkernel",
                    "1", "64", 64 * 4, List.of());
            int block = 64;
            String whole = "Sum of all ranks 0.." + (block - 1) + " in threadBlockGroup is " + block * (block - 1) / 2
                    + " (expected " + block * (block - 1) / 2 + ")";
            String tile = "Sum of all ranks 0..15 in this tiledPartition16 group is " + 16 * 15 / 2 + " (expected "
                    + 16 * 15 / 2 + ")";
            if (!printed.contains(whole)) {
                throw new Mismatch("no line '" + whole + "' in: " + printed.strip().replace('\n', '|'));
            }
            long tiles = printed.lines().filter(l -> l.contains(tile)).count();
            if (tiles != block / 16) {
                throw new Mismatch(tiles + " lines '" + tile + "', expected " + block / 16);
            }
        }));
        s.add(new Sample(DXTC, "compress (cg::thread_group of a tiled_partition(block, 16) in device functions)",
                SampleCatalogGroups::dxtc));
        return s;
    }

    private static final String DXTC = "5_Domain_Specific/dxtc/dxtc.cu";

    /**
     * DXT1 compression of a synthetic 128×128 image (the sample reads a teapot; the kernel reads
     * 4×4 blocks of RGBA words laid out block after block), in two launches as the sample splits
     * them ({@code blockOffset}). The permutation table is made here: every monotone assignment of
     * the 16 colours, sorted along the block's axis, to the four palette entries (the kernel fits
     * endpoints to each and keeps the least error). Checked by decoding the result with a DXT1
     * decoder written here: every block must decode close to its pixels, far closer than the
     * block's mean colour does.
     */
    private static void dxtc(PublicSamplesRun r) throws Mismatch, java.io.IOException {
        int side = 128;
        int blocks = side / 4 * (side / 4);
        int[] image = new int[blocks * 16];
        java.util.SplittableRandom noise = new java.util.SplittableRandom(5);
        for (int b = 0; b < blocks; b++) {
            int bx = b % (side / 4);
            int by = b / (side / 4);
            for (int i = 0; i < 16; i++) {
                int x = bx * 4 + i % 4;
                int y = by * 4 + i / 4;
                // two colours that drift over the image, mixed by a ramp: nearly a line in colour space per block
                double s = 0.5 + 0.5 * Math.sin((0.7 * x + 0.4 * y) / 3.0);
                int[] c = new int[3];
                for (int k = 0; k < 3; k++) {
                    double from = 40 + 30 * k + 60 * Math.sin((x + 2 * k * y) / 40.0);
                    double to = 200 - 20 * k + 40 * Math.cos((y + k * x) / 50.0);
                    c[k] = Math.max(0, Math.min(255, (int) Math.round(from + s * (to - from)) + noise.nextInt(-1, 2)));
                }
                image[b * 16 + i] = c[0] | c[1] << 8 | c[2] << 16;
            }
        }
        int[] permutations = new int[1024];
        int count = 0;
        for (int n0 = 0; n0 <= 16; n0++) {
            for (int n2 = 0; n0 + n2 <= 16; n2++) {
                for (int n3 = 0; n0 + n2 + n3 <= 16; n3++) {
                    int p = 0;
                    for (int i = 0; i < 16; i++) {
                        // palette order along the axis: endpoint 0, the 2/3 and 1/3 mixes, endpoint 1
                        int index = i < n0 ? 0 : i < n0 + n2 ? 2 : i < n0 + n2 + n3 ? 3 : 1;
                        p |= index << (2 * i);
                    }
                    permutations[count++] = p;
                }
            }
        }
        for (int i = count; i < permutations.length; i++) {
            permutations[i] = permutations[i - count];
        }
        String perms = "file:" + PublicSamplesRun.writeFile(r.work(), "dxtc-permutations.bin", intBytes(permutations));
        String img = "file:" + PublicSamplesRun.writeFile(r.work(), "dxtc-image.bin", intBytes(image));
        int[] result = new int[2 * blocks];
        int half = blocks / 2;
        for (int offset = 0; offset < blocks; offset += half) {
            Map<String, byte[]> o = r.run(DXTC, "compress", Integer.toString(half), "64", 0,
                    List.of(perms, img, "zeros:" + blocks, Integer.toString(offset)), List.of("result"));
            int[] part = ints(o.get("result"));
            System.arraycopy(part, 2 * offset, result, 2 * offset, 2 * half);
        }
        double dxt = 0;
        double mean = 0;
        for (int b = 0; b < blocks; b++) {
            int[][] palette = palette(result[2 * b]);
            double blockError = 0;
            double[] avg = new double[3];
            for (int i = 0; i < 16; i++) {
                for (int k = 0; k < 3; k++) {
                    avg[k] += (image[b * 16 + i] >> (8 * k) & 0xFF) / 16.0;
                }
            }
            for (int i = 0; i < 16; i++) {
                int[] decoded = palette[result[2 * b + 1] >>> (2 * i) & 3];
                for (int k = 0; k < 3; k++) {
                    int c = image[b * 16 + i] >> (8 * k) & 0xFF;
                    blockError += (c - decoded[k]) * (c - decoded[k]);
                    mean += (c - avg[k]) * (c - avg[k]);
                }
            }
            if (Math.sqrt(blockError / 48) > 12) {
                throw new Mismatch("block " + b + " decodes with an RMS error of " + Math.sqrt(blockError / 48));
            }
            dxt += blockError;
        }
        double dxtRms = Math.sqrt(dxt / (48.0 * blocks));
        double meanRms = Math.sqrt(mean / (48.0 * blocks));
        if (dxtRms > 4 || dxtRms > 0.35 * meanRms) {
            throw new Mismatch("the image decodes with an RMS error of " + dxtRms + " (its blocks' mean colours: "
                    + meanRms + ")");
        }
    }

    /** A DXT1 block's palette from its two RGB565 endpoints (three colours and black when c0 <= c1). */
    private static int[][] palette(int endpoints) {
        int c0 = endpoints & 0xFFFF;
        int c1 = endpoints >>> 16;
        int[] a = rgb(c0);
        int[] b = rgb(c1);
        int[][] p = new int[4][3];
        for (int k = 0; k < 3; k++) {
            p[0][k] = a[k];
            p[1][k] = b[k];
            p[2][k] = c0 > c1 ? (2 * a[k] + b[k]) / 3 : (a[k] + b[k]) / 2;
            p[3][k] = c0 > c1 ? (a[k] + 2 * b[k]) / 3 : 0;
        }
        return p;
    }

    /** RGB565 to 8 bits per channel; red (the kernel's x, the image's low byte) in the top five bits. */
    private static int[] rgb(int c) {
        int r = c >> 11 & 31;
        int g = c >> 5 & 63;
        int b = c & 31;
        return new int[] {r << 3 | r >> 2, g << 2 | g >> 4, b << 3 | b >> 2};
    }

    private static byte[] intBytes(int[] v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(4 * v.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.asIntBuffer().put(v);
        return b.array();
    }
}
