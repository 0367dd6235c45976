package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.bits;
import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.functionText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.backend.check.DeviceSemanticsCases;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Accumulating rows ({@code VectorAccumulateAbi}): a thread row whose threads each add a float term
 * per trip of a counted loop to their own value hands its threads to the host's vector routines and
 * leaves the bits the threads one by one leave: against Java loops in the kernels' order, against a
 * back end whose rows stay scalar, and against the memcheck build (which has no fast rows); with
 * matrix sizes that leave partial tiles and rows of fewer threads than a vector, and with sources
 * that run past the memory or whose indices wrap, which still fault where the threads one by one do.
 */
class VectorAccumulateKernelTest {
    private static final String KERNELS = DeviceSemanticsCases.TILED_MATMUL + """
            __global__ void naive(const float* A, const float* B, float* C, int M, int N, int K) {
                int row = blockIdx.y * blockDim.y + threadIdx.y;
                int col = blockIdx.x * blockDim.x + threadIdx.x;
                if (row < M && col < N) {
                    float sum = 0.0f;
                    for (int k = 0; k < K; k++) sum += A[row * K + k] * B[k * N + col];
                    C[row * N + col] = sum;
                }
            }
            // a term of three sources and row-wide values, one source read backwards
            __global__ void mixed(const float* x, const float* w, const float* v, float* out, int n, int K, float a, float b) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) {
                    float acc = a;
                    for (int k = 0; k < K; k++) acc += (x[K - 1 - k] - b) * w[k * n + i] / v[i + 2 * k];
                    out[i] = acc;
                }
            }
            // the accumulator kept in the thread's frame across barriers, rows of blockDim.x threads
            __global__ void framed(const float* x, float* out, int K) {
                __shared__ float s[64];
                int t = threadIdx.x;
                float acc = 0.0f;
                for (int r = 0; r < 3; r++) {
                    s[t] = x[r * blockDim.x + t];
                    __syncthreads();
                    for (int k = 0; k < K; k++) acc += s[k] * s[t];
                    __syncthreads();
                }
                out[blockIdx.x * blockDim.x + t] = acc;
            }
            __global__ void tail(const float* x, float* out, int off, int K) {
                int i = threadIdx.x;
                float acc = 1.0f;
                for (int k = 0; k < K; k++) acc += x[i + k + off] * 0.5f;
                out[i] = acc;
            }
            __global__ void repeat(const float* x, float* out, int K) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                float acc = 0.0f;
                for (int k = 0; k < K; k++) acc += x[i] * 0.5f;
                out[i] = acc;
            }
            __global__ void offset(const float* x, float* out, int off, int K) {
                int i = threadIdx.x;
                float acc = 0.0f;
                for (int k = 0; k < K; k++) acc += x[k + off] * 2.0f;
                out[i] = acc;
            }
            """;

    /**
     * Accumulating rows under a time limit: a loop too long for one call (the host refuses more than
     * 2^20 terms) runs in the kernel's code and is interrupted there; a grid of many calls each under
     * the cap stops between them. Both end with TIMEOUT soon after the limit, and the worker runs on.
     */
    @Test
    void longAccumulationsStopAtTheTimeLimit() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 2)) {
            DeviceBuffer x = h.buffer(new float[1 << 20]);
            DeviceBuffer out = h.buffer(new float[1 << 20]);
            // one row of 64 threads, 2^27 trips each; then 2^14 blocks of 64 threads, 2^14 trips each (2^20
            // terms a call, the most the host takes; about half a second of vector work in all here)
            for (int[] shape : new int[][] {{1, 1 << 27}, {1 << 14, 1 << 14}}) {
                long start = System.nanoTime();
                LaunchException e = assertThrows(LaunchException.class, () -> h.launch("repeat",
                        LaunchConfig.of(Dim3.of(shape[0]), Dim3.of(64)),
                        LaunchOptions.DEFAULT.withTimeLimit(java.time.Duration.ofMillis(50)), x, out, shape[1]));
                assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 10_000, "stopped promptly, took " + ms + " ms");
            }
            DeviceBuffer ones = h.buffer(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16});
            h.launch("repeat", Dim3.of(1), Dim3.of(16), ones, out, 10);
            assertEquals(80.0f, h.floats(out)[15]); // ten halves of 16
        }
    }

    /** Ordinary values, with one NaN or infinity in every {@code run} values when {@code specials}. */
    private static float[] values(int n, long seed, boolean specials, int run) {
        int[] corners = {0x7F800001, 0x7FC01234, 0xFFC00007, 0x7F800000, 0xFF800000};
        int[] finite = {0x00000001, 0x807FFFFF, 0x00000000, 0x80000000, 0x3F800000};
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(8) == 0 ? Float.intBitsToFloat(finite[r.nextInt(finite.length)])
                    : (r.nextFloat() - 0.5f) * (float) Math.pow(2, r.nextInt(40) - 20);
        }
        if (specials) {
            // at most one special per run of values: two NaNs meeting leave either payload (IEEE 754)
            for (int start = 0; start < n; start += run) {
                v[start + r.nextInt(Math.min(run, n - start))] = Float.intBitsToFloat(corners[r.nextInt(corners.length)]);
            }
        }
        return v;
    }

    @Test
    void accumulatingRowsCallTheHost() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 1)) {
            String text = h.compiled().wasm().text();
            for (String k : new String[] {"matmul_tiled", "naive", "mixed", "framed", "offset", "tail", "repeat"}) {
                assertTrue(functionText(text, k).contains("call $env.__cw_vector_accumulate"), k);
            }
        }
    }

    /** Tiled and naive matmuls of sizes that leave partial tiles, on three builds, against the Java loops. */
    @Test
    void matmulsGiveTheBitsOfTheThreadsOneByOne() {
        try (KernelHarness vector = KernelHarness.of(KERNELS, 2); WasmBackend scalarBackend = new WasmBackend(2, false, false);
                KernelHarness scalar = KernelHarness.of(vector.compiled(), scalarBackend)) {
            assertTrue(((WasmSession) vector.session()).vectorRowsOn());
            for (int[] size : new int[][] {{16, 16, 16}, {50, 37, 29}, {64, 48, 80}, {3, 5, 7}, {17, 100, 33}}) {
                int m = size[0];
                int n = size[1];
                int k = size[2];
                float[] a = values(m * k, m * 7L + k, true, k); // at most one special per row of A
                float[] b = values(k * n, n * 11L + k, false, 1);
                float[] tiled = DeviceSemanticsCases.tiledMatmulReference(a, b, m, n, k);
                float[] naive = new float[m * n];
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        float sum = 0.0f;
                        for (int p = 0; p < k; p++) {
                            sum += a[i * k + p] * b[p * n + j];
                        }
                        naive[i * n + j] = sum;
                    }
                }
                for (KernelHarness h : List.of(vector, scalar)) {
                    for (boolean memcheck : new boolean[] {false, true}) {
                        String at = m + "x" + n + "x" + k + (h == vector ? " vector" : " scalar") + (memcheck ? " memcheck" : "");
                        LaunchOptions options = LaunchOptions.DEFAULT.withMemcheck(memcheck);
                        DeviceBuffer c = h.buffer(new float[m * n]);
                        h.launch("matmul_tiled", LaunchConfig.of(new Dim3((n + 15) / 16, (m + 15) / 16, 1), new Dim3(16, 16, 1)),
                                options, h.buffer(a), h.buffer(b), c, m, n, k);
                        assertArrayEquals(bits(tiled), bits(h.floats(c)), "tiled " + at);
                        DeviceBuffer c2 = h.buffer(new float[m * n]);
                        h.launch("naive", LaunchConfig.of(new Dim3((n + 31) / 32, (m + 3) / 4, 1), new Dim3(32, 4, 1)),
                                options, h.buffer(a), h.buffer(b), c2, m, n, k);
                        assertArrayEquals(bits(naive), bits(h.floats(c2)), "naive " + at);
                    }
                }
            }
        }
    }

    /** Three sources (one read backwards), division, row-wide values, rows of 1 to 1024 threads. */
    @Test
    void mixedTermsGiveTheBitsOfTheThreadsOneByOne() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 2)) {
            for (int block : new int[] {7, 8, 15, 16, 17, 40, 256, 1024}) {
                for (int[] shape : new int[][] {{1000, 5}, {block, 1}, {3 * block + 1, 23}}) {
                    int n = shape[0];
                    int trips = shape[1];
                    float[] x = values(trips, n + trips, true, trips);
                    float[] w = values(trips * n, n * 3L + trips, false, 1);
                    float[] v = values(n + 2 * trips, n * 5L + trips, false, 1);
                    for (int i = 0; i < v.length; i++) {
                        v[i] = 1.0f + Math.abs(v[i]); // no 0 / 0, no x / 0: one NaN at most per thread, x's
                    }
                    float a = 0.375f;
                    float b = -1.5f;
                    float[] expected = new float[n];
                    for (int i = 0; i < n; i++) {
                        float acc = a;
                        for (int k = 0; k < trips; k++) {
                            acc += (x[trips - 1 - k] - b) * w[k * n + i] / v[i + 2 * k];
                        }
                        expected[i] = acc;
                    }
                    for (boolean memcheck : new boolean[] {false, true}) {
                        DeviceBuffer out = h.buffer(new float[n]);
                        h.launch("mixed", LaunchConfig.of(Dim3.of((n + block - 1) / block), Dim3.of(block)),
                                LaunchOptions.DEFAULT.withMemcheck(memcheck), h.buffer(x), h.buffer(w), h.buffer(v), out,
                                n, trips, a, b);
                        assertArrayEquals(bits(expected), bits(h.floats(out)),
                                "block " + block + " n " + n + " trips " + trips + (memcheck ? " memcheck" : ""));
                    }
                }
            }
        }
    }

    /** The accumulator in the thread's frame across barriers: rows of 8 to 64 threads, in two dimensions. */
    @Test
    void frameAccumulatorsGiveTheBitsOfTheThreadsOneByOne() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 2)) {
            for (int block : new int[] {8, 15, 16, 33, 64}) {
                int blocks = 5;
                int trips = Math.min(block, 12);
                float[] x = values(3 * block * blocks, block, false, 1);
                float[] expected = new float[block * blocks];
                for (int g = 0; g < blocks; g++) {
                    for (int t = 0; t < block; t++) {
                        float acc = 0.0f;
                        for (int r = 0; r < 3; r++) {
                            for (int k = 0; k < trips; k++) {
                                acc += x[r * block + k] * x[r * block + t];
                            }
                        }
                        expected[g * block + t] = acc;
                    }
                }
                DeviceBuffer out = h.buffer(new float[block * blocks]);
                h.launch("framed", Dim3.of(blocks), Dim3.of(block), h.buffer(x), out, trips);
                assertArrayEquals(bits(expected), bits(h.floats(out)), "block " + block);
            }
        }
    }

    /**
     * A source past the end of the memory, and an index that wraps ({@code k + off} past INT_MAX): the
     * launch fails as on the back end whose rows stay scalar, at the same thread.
     */
    @Test
    void badSourcesFaultAsTheThreadsOneByOneDo() {
        try (KernelHarness vector = KernelHarness.of(KERNELS, 1); WasmBackend scalarBackend = new WasmBackend(1, false, false);
                KernelHarness scalar = KernelHarness.of(vector.compiled(), scalarBackend)) {
            for (int[] args : new int[][] {{1 << 29, 4}, {Integer.MAX_VALUE - 3, 8}, {-(1 << 29), 3}}) {
                String[] messages = new String[2];
                int i = 0;
                for (KernelHarness h : List.of(vector, scalar)) {
                    DeviceBuffer x = h.buffer(new float[64]);
                    DeviceBuffer out = h.buffer(new float[64]);
                    LaunchException e = assertThrows(LaunchException.class,
                            () -> h.launch("offset", Dim3.of(1), Dim3.of(64), x, out, args[0], args[1]));
                    assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
                    messages[i++] = e.location().threadIdx() + " " + e.failure();
                }
                assertEquals(messages[1], messages[0], "off " + args[0]);
            }
            // in bounds, the same kernel runs on the host
            DeviceBuffer x = vector.buffer(values(64, 3, false, 1));
            DeviceBuffer out = vector.buffer(new float[64]);
            vector.launch("offset", Dim3.of(1), Dim3.of(64), x, out, 10, 20);
            float[] xs = vector.floats(x);
            float sum = 0.0f;
            for (int k = 0; k < 20; k++) {
                sum += xs[k + 10] * 2.0f;
            }
            float[] o = vector.floats(out);
            for (float f : o) {
                assertEquals(Float.floatToRawIntBits(sum), Float.floatToRawIntBits(f));
            }
            assertFalse(o.length == 0);
        }
    }

    /**
     * A row whose threads read further the higher their index, up to past the end of the memory: the
     * host declines it and the loop faults at the first thread that reads past the end, after the
     * threads before it stored, exactly as on the back end whose rows stay scalar (the same stored
     * floats, the same report: the memcheck re-run names the first read past {@code x}).
     */
    @Test
    void rowsPastTheMemoryFaultAsTheThreadsOneByOneDo() {
        try (KernelHarness vector = KernelHarness.of(KERNELS, 1); WasmBackend scalarBackend = new WasmBackend(1, false, false);
                KernelHarness scalar = KernelHarness.of(vector.compiled(), scalarBackend)) {
            List<String> reports = new java.util.ArrayList<>();
            List<float[]> stored = new java.util.ArrayList<>();
            for (KernelHarness h : List.of(vector, scalar)) {
                WasmSession session = (WasmSession) h.session();
                DeviceBuffer x = h.buffer(values(64, 5, false, 1));
                float[] sentinel = new float[64];
                java.util.Arrays.fill(sentinel, -7f);
                DeviceBuffer out = h.buffer(sentinel);
                // a first fault: its report (a memcheck run of the launch) takes memory of its own
                assertThrows(LaunchException.class, () -> h.launch("tail", Dim3.of(1), Dim3.of(64), x, out, 1 << 28, 1));
                long end = session.memoryBytes();
                int trips = 5;
                // thread t reads floats off + t .. off + t + trips - 1 of x: thread 10 is the first past the end
                int off = (int) ((end - x.address()) / 4) - 10 - (trips - 1);
                LaunchException e = assertThrows(LaunchException.class,
                        () -> h.launch("tail", Dim3.of(1), Dim3.of(64), x, out, off, trips));
                assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure());
                reports.add(e.getMessage());
                float[] got = h.floats(out);
                for (int t = 0; t < 64; t++) {
                    assertEquals(t < 10, got[t] != -7f, "thread " + t + (t < 10 ? " stored" : " did not store"));
                }
                stored.add(got);
            }
            assertEquals(reports.get(1), reports.get(0));
            assertArrayEquals(bits(stored.get(1)), bits(stored.get(0)));
        }
    }
}
