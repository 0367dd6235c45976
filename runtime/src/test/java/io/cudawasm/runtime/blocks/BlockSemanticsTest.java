package io.cudawasm.runtime.blocks;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.HostArrays;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Block-level CUDA semantics on the CPU path: shared memory, barriers (also in loops and in
 * device functions), atomics, constant memory, warp shuffles and votes, cooperative groups,
 * templates and vector types — each against a Java reference, with one and with two workers.
 * The kernels live in {@link BlockKernels} so other back ends can run the same corpus.
 */
class BlockSemanticsTest {

    private static KernelHarness harness(String source, int threads) {
        return KernelHarness.of(CompileRequest.of("blocks.cu", source), threads);
    }

    private static int[] randomInts(int n, long seed, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    private static float[] randomFloats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void sharedMemoryReverseStaticAndExtern(int workers) {
        int n = 64;
        int blocks = 5;
        int[] data = randomInts(n * blocks, 1, 1000);
        try (KernelHarness h = harness(BlockKernels.REVERSE, workers)) {
            DeviceBuffer a = h.buffer(data);
            DeviceBuffer b = h.buffer(data);
            h.launch("staticReverse", Dim3.of(blocks), Dim3.of(n), a, n);
            h.launch("dynamicReverse", new LaunchConfig(Dim3.of(blocks), Dim3.of(n), n * 4), LaunchOptions.DEFAULT, b, n);
            int[] expected = new int[n * blocks];
            for (int blk = 0; blk < blocks; blk++) {
                for (int i = 0; i < n; i++) {
                    expected[blk * n + i] = data[blk * n + n - 1 - i];
                }
            }
            assertArrayEquals(expected, h.ints(a));
            assertArrayEquals(expected, h.ints(b));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void tiledTransposeWithPaddedTile(int workers) {
        int w = 96;
        int hgt = 64;
        float[] in = randomFloats(w * hgt, 2);
        try (KernelHarness h = harness(BlockKernels.TRANSPOSE, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer dout = h.buffer(new float[w * hgt]);
            h.launch("transpose", new Dim3(w / 32, hgt / 32, 1), new Dim3(32, 8, 1), dout, din, w, hgt);
            float[] expected = new float[w * hgt];
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    expected[x * hgt + y] = in[y * w + x];
                }
            }
            assertArrayEquals(expected, h.floats(dout));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void tiledMatrixMultiplyWithBarriersInALoop(int workers) {
        int m = 48;
        int n = 80;
        int k = 64;
        float[] a = randomFloats(m * k, 3);
        float[] b = randomFloats(k * n, 4);
        try (KernelHarness h = harness(BlockKernels.TILED_MATMUL, workers)) {
            DeviceBuffer da = h.buffer(a);
            DeviceBuffer db = h.buffer(b);
            DeviceBuffer dc = h.buffer(new float[m * n]);
            h.launch("matmulTiled", new Dim3(n / 16, m / 16, 1), new Dim3(16, 16, 1), da, db, dc, m, n, k);
            float[] expected = new float[m * n];
            for (int r = 0; r < m; r++) {
                for (int c = 0; c < n; c++) {
                    float sum = 0;
                    for (int t = 0; t < k / 16; t++) {
                        for (int q = 0; q < 16; q++) {
                            sum += a[r * k + t * 16 + q] * b[(t * 16 + q) * n + c];
                        }
                    }
                    expected[r * n + c] = sum;
                }
            }
            assertArrayEquals(expected, h.floats(dc), "the tile order of the sums is the same, so bit-exact");
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void treeReductionInSharedMemory(int workers) {
        int blockSize = 256;
        int blocks = 40;
        int[] in = randomInts(blockSize * blocks, 5, 1 << 20);
        try (KernelHarness h = harness(BlockKernels.REDUCE, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer dout = h.buffer(new int[blocks]);
            h.launch("reduceSum", new LaunchConfig(Dim3.of(blocks), Dim3.of(blockSize), blockSize * 4),
                    LaunchOptions.DEFAULT, din, dout);
            int[] expected = new int[blocks];
            for (int b = 0; b < blocks; b++) {
                for (int i = 0; i < blockSize; i++) {
                    expected[b] += in[b * blockSize + i];
                }
            }
            assertArrayEquals(expected, h.ints(dout));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void guardedStepsInA2dBlockKeepEveryThreadsCarriedValues(int workers) {
        int[] in = randomInts(128 * 3, 12, 1000);
        try (KernelHarness h = harness(BlockKernels.ROW_REDUCE, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer sums = h.buffer(new int[12]);
            DeviceBuffer out = h.buffer(new int[128 * 3]);
            for (int b = 0; b < 3; b++) {
                // the same kernel on three slices, each a 32x4 block
                h.launch("rowReduce", new LaunchConfig(Dim3.of(1), new Dim3(32, 4, 1), 0), LaunchOptions.DEFAULT,
                        new KernelArg.Buffer(din, 4L * 128 * b), new KernelArg.Buffer(sums, 4L * 4 * b),
                        new KernelArg.Buffer(out, 4L * 128 * b));
            }
            int[] expectedSums = new int[12];
            int[] expectedOut = new int[128 * 3];
            for (int b = 0; b < 3; b++) {
                for (int y = 0; y < 4; y++) {
                    int sum = 0;
                    for (int x = 0; x < 32; x++) {
                        sum += in[b * 128 + y * 32 + x];
                    }
                    expectedSums[b * 4 + y] = sum;
                    for (int x = 0; x < 32; x++) {
                        expectedOut[b * 128 + y * 32 + x] = in[b * 128 + y * 32 + x] * 3 + y + sum;
                    }
                }
            }
            assertArrayEquals(expectedSums, h.ints(sums));
            assertArrayEquals(expectedOut, h.ints(out));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void warpShuffleReductionAndScan(int workers) {
        int n = 32 * 24;
        int[] in = randomInts(n, 6, 100);
        try (KernelHarness h = harness(BlockKernels.WARP, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer sums = h.buffer(new int[n / 32]);
            DeviceBuffer scan = h.buffer(new int[n]);
            DeviceBuffer bcast = h.buffer(new int[n]);
            h.launch("warpReduce", Dim3.of(n / 128), Dim3.of(128), din, sums);
            h.launch("warpScan", Dim3.of(n / 96), Dim3.of(96), din, scan, bcast);
            int[] expSums = new int[n / 32];
            int[] expScan = new int[n];
            int[] expBcast = new int[n];
            for (int w = 0; w < n / 32; w++) {
                int acc = 0;
                for (int l = 0; l < 32; l++) {
                    acc += in[w * 32 + l];
                    expScan[w * 32 + l] = acc;
                    expBcast[w * 32 + l] = in[w * 32 + (31 - l)] + in[w * 32 + (l ^ 5)];
                }
                expSums[w] = acc;
            }
            assertArrayEquals(expSums, h.ints(sums));
            assertArrayEquals(expScan, h.ints(scan));
            assertArrayEquals(expBcast, h.ints(bcast));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void histogramWithSharedAtomics(int workers) {
        int n = 100_000;
        int[] values = randomInts(n, 7, 256);
        byte[] bytes = new byte[n];
        for (int i = 0; i < n; i++) {
            bytes[i] = (byte) values[i];
        }
        try (KernelHarness h = harness(BlockKernels.HISTOGRAM, workers)) {
            DeviceBuffer din = h.buffer(bytes);
            DeviceBuffer hist = h.buffer(new int[256]);
            h.launch("histogram256", Dim3.of(30), Dim3.of(256), din, n, hist);
            int[] expected = new int[256];
            for (int v : values) {
                expected[v]++;
            }
            assertArrayEquals(expected, h.ints(hist));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void bitonicSortInSharedMemory(int workers) {
        int n = 512;
        int blocks = 6;
        int[] in = randomInts(n * blocks, 8, 100_000);
        try (KernelHarness h = harness(BlockKernels.BITONIC, workers)) {
            DeviceBuffer d = h.buffer(in);
            h.launch("bitonicSort", Dim3.of(blocks), Dim3.of(n), d);
            int[] expected = in.clone();
            for (int b = 0; b < blocks; b++) {
                Arrays.sort(expected, b * n, (b + 1) * n);
            }
            assertArrayEquals(expected, h.ints(d));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void everyAtomicOperationIsExact(int workers) {
        int blocks = 64;
        int threads = 128;
        int total = blocks * threads;
        try (KernelHarness h = harness(BlockKernels.ATOMICS, workers)) {
            DeviceBuffer ints = h.buffer(new int[] {0, 0, 0, 1000, -1000, 0, 0, 0xFFFF, 0, 0, -1, 0, 0});
            DeviceBuffer longs = h.buffer(new long[] {0, 0});
            DeviceBuffer floats = h.buffer(new float[] {0, 0});
            DeviceBuffer doubles = h.buffer(new double[] {0});
            DeviceBuffer slots = h.buffer(new int[total]);
            h.launch("atomics", Dim3.of(blocks), Dim3.of(threads), ints, longs, floats, doubles, slots);
            int[] r = h.ints(ints);
            assertEquals(total, r[0], "atomicAdd int");
            assertEquals(-total, r[1], "atomicSub");
            assertEquals(total * (total - 1L) / 2 % (1L << 32), r[2] & 0xFFFF_FFFFL, "atomicAdd unsigned");
            assertEquals(1000 + total - 1, r[3], "atomicMax over 1000 + i");
            assertEquals(-1000 - (total - 1), r[4], "atomicMin over -1000 - i");
            assertEquals(total % 17, r[5], "atomicInc counts 0..16 and wraps");
            assertEquals((17 - total % 17) % 17, r[6], "atomicDec wraps below 0 to 16");
            assertEquals(0xFF00, r[7], "atomicAnd cleared bits 0..7");
            assertEquals(0x7F, r[8], "atomicOr sets bits 0..6 (i % 7)");
            int xor = 0;
            for (int i = 0; i < total; i++) {
                xor ^= i;
            }
            assertEquals(xor, r[9], "atomicXor");
            assertEquals(total, r[11], "atomicCAS-based increment from every thread");
            long[] l = h.longs(longs);
            assertEquals((long) total * 3_000_000_000L, l[0], "atomicAdd unsigned long long");
            assertEquals(total, l[1], "64-bit CAS loop");
            float[] f = h.floats(floats);
            assertEquals(total * 0.5f, f[0], "float atomicAdd of 0.5 is exact");
            assertEquals(0.25f, Math.abs(f[1]), "atomicExch float leaves one thread's value");
            assertEquals(total * 0.25, h.doubles(doubles)[0], "double atomicAdd");
            int[] s = h.ints(slots);
            int[] sorted = s.clone();
            Arrays.sort(sorted);
            int[] expectedSlots = new int[total];
            Arrays.setAll(expectedSlots, i -> i);
            assertArrayEquals(expectedSlots, sorted, "atomicAdd hands out every ticket exactly once");
            assertTrue(r[10] >= 0 && r[10] < total, "atomicExch leaves one thread's value: " + r[10]);
            assertEquals(total, r[12], "every ticket was taken");
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void separableConvolutionWithConstantCoefficients(int workers) {
        int w = 128;
        int hgt = 48;
        float[] img = randomFloats(w * hgt, 9);
        float[] kernel = {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f};
        try (KernelHarness h = harness(BlockKernels.CONVOLUTION, workers)) {
            h.session().writeSymbol("c_kernel", 0, HostArrays.bytes(kernel));
            DeviceBuffer in = h.buffer(img);
            DeviceBuffer tmp = h.buffer(new float[w * hgt]);
            DeviceBuffer out = h.buffer(new float[w * hgt]);
            h.launch("rowConvolution", new Dim3(w / 32, hgt / 8, 1), new Dim3(32, 8, 1), tmp, in, w, hgt);
            h.launch("columnConvolution", new Dim3(w / 32, hgt / 8, 1), new Dim3(32, 8, 1), out, tmp, w, hgt);
            float[] rows = new float[w * hgt];
            float[] expected = new float[w * hgt];
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    for (int k = -2; k <= 2; k++) {
                        int xx = Math.min(Math.max(x + k, 0), w - 1);
                        sum += img[y * w + xx] * kernel[k + 2];
                    }
                    rows[y * w + x] = sum;
                }
            }
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    float sum = 0;
                    for (int k = -2; k <= 2; k++) {
                        int yy = Math.min(Math.max(y + k, 0), hgt - 1);
                        sum += rows[yy * w + x] * kernel[k + 2];
                    }
                    expected[y * w + x] = sum;
                }
            }
            assertArrayEquals(expected, h.floats(out));
            assertArrayEquals(HostArrays.bytes(kernel), h.session().readSymbol("c_kernel"));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void templateKernelInstantiatedAtTwoTypes(int workers) {
        CompileRequest req = CompileRequest.of("tmpl.cu", BlockKernels.TEMPLATES)
                .withInstantiations(List.of("blockSum<float, 128>", "blockSum<int,64>"));
        try (KernelHarness h = KernelHarness.of(req, workers)) {
            float[] fin = new float[128 * 3];
            Arrays.fill(fin, 0.5f);
            DeviceBuffer df = h.buffer(fin);
            DeviceBuffer dfo = h.buffer(new float[3]);
            h.launch("blockSum<float, 128>", Dim3.of(3), Dim3.of(128), df, dfo);
            assertArrayEquals(new float[] {64f, 64f, 64f}, h.floats(dfo));
            int[] iin = new int[64 * 2];
            Arrays.setAll(iin, i -> i);
            DeviceBuffer di = h.buffer(iin);
            DeviceBuffer dio = h.buffer(new int[2]);
            h.launch("blockSum<int, 64>", Dim3.of(2), Dim3.of(64), di, dio);
            assertArrayEquals(new int[] {63 * 64 / 2, (64 + 127) * 64 / 2}, h.ints(dio));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void cooperativeGroupsVotesAndBarrierReductions(int workers) {
        int n = 256;
        int[] in = randomInts(n * 3, 10, 50);
        try (KernelHarness h = harness(BlockKernels.GROUPS, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer sums = h.buffer(new int[n * 3 / 32]);
            DeviceBuffer votes = h.buffer(new int[n * 3 * 2]);
            DeviceBuffer counts = h.buffer(new int[3 * 3]);
            h.launch("groupReduce", Dim3.of(3), Dim3.of(n), din, sums, votes, counts);
            int[] s = h.ints(sums);
            int[] v = h.ints(votes);
            int[] c = h.ints(counts);
            for (int w = 0; w < n * 3 / 32; w++) {
                int acc = 0;
                int ballot = 0;
                boolean anyHigh = false;
                for (int l = 0; l < 32; l++) {
                    int x = in[w * 32 + l];
                    acc += x;
                    if (x > 25) {
                        ballot |= 1 << l;
                    }
                    anyHigh |= x > 48;
                }
                assertEquals(acc, s[w], "tile reduction of warp " + w);
                for (int l = 0; l < 32; l++) {
                    int lane = w * 32 + l;
                    assertEquals(ballot, v[2 * lane], "ballot seen by lane " + lane);
                    assertEquals(1 + (anyHigh ? 2 : 0), v[2 * lane + 1], "all/any seen by lane " + lane);
                }
            }
            for (int b = 0; b < 3; b++) {
                int count = 0;
                boolean all = true;
                boolean any = false;
                for (int i = 0; i < n; i++) {
                    boolean p = in[b * n + i] % 2 == 0;
                    count += p ? 1 : 0;
                    all &= p;
                    any |= p;
                }
                assertEquals(count, c[b * 3], "__syncthreads_count");
                assertEquals(all ? 1 : 0, c[b * 3 + 1], "__syncthreads_and");
                assertEquals(any ? 1 : 0, c[b * 3 + 2], "__syncthreads_or");
            }
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void vectorTypesAndBarrierInsideADeviceFunction(int workers) {
        int n = 128;
        float[] in = randomFloats(n * 4, 11);
        try (KernelHarness h = harness(BlockKernels.VECTORS, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer dout = h.buffer(new float[n * 4]);
            h.launch("rotateVectors", Dim3.of(1), Dim3.of(n), din, dout);
            float[] out = h.floats(dout);
            float[] expected = new float[n * 4];
            for (int i = 0; i < n; i++) {
                int j = (i + 1) % n;
                expected[i * 4] = in[j * 4] + in[j * 4 + 1];
                expected[i * 4 + 1] = in[j * 4 + 1] * 2;
                expected[i * 4 + 2] = in[j * 4 + 2];
                expected[i * 4 + 3] = in[j * 4 + 3] + 1;
            }
            assertArrayEquals(expected, out);
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void earlyReturnBeforeABarrierAndUniformBreak(int workers) {
        int n = 200;
        int[] in = randomInts(256, 12, 1000);
        try (KernelHarness h = harness(BlockKernels.EARLY_EXIT, workers)) {
            DeviceBuffer din = h.buffer(in);
            DeviceBuffer dout = h.buffer(new int[256]);
            h.launch("partialBlock", Dim3.of(1), Dim3.of(256), din, dout, n);
            int[] expected = new int[256];
            for (int i = 0; i < n; i++) {
                expected[i] = in[(i + 1) % n] + 7;
            }
            assertArrayEquals(expected, h.ints(dout));
        }
    }

    @ParameterizedTest(name = "workers={0}")
    @ValueSource(ints = {1, 2})
    void divergentBarrierStopsTheLaunchWithAClearError(int workers) {
        try (KernelHarness h = harness(BlockKernels.DIVERGENT, workers)) {
            DeviceBuffer d = h.buffer(new int[64]);
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("divergent", Dim3.of(1), Dim3.of(64), d));
            assertEquals(LaunchFailure.TRAP, e.failure());
            assertTrue(e.getMessage().contains("blocks.cu:"), e.getMessage());
        }
    }

    @org.junit.jupiter.api.Test
    void resultsDoNotDependOnTheNumberOfWorkers() {
        int blockSize = 128;
        int blocks = 97;
        int[] in = randomInts(blockSize * blocks, 13, 1 << 16);
        int[][] results = new int[3][];
        int[] workerCounts = {1, 2, 3};
        for (int i = 0; i < 3; i++) {
            try (KernelHarness h = harness(BlockKernels.REDUCE, workerCounts[i])) {
                DeviceBuffer din = h.buffer(in);
                DeviceBuffer dout = h.buffer(new int[blocks]);
                h.launch("reduceSum", new LaunchConfig(Dim3.of(blocks), Dim3.of(blockSize), blockSize * 4),
                        LaunchOptions.DEFAULT, din, dout);
                results[i] = h.ints(dout);
            }
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
    }
}
