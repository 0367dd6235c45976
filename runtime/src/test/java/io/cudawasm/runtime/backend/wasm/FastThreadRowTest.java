package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import java.util.Arrays;
import java.util.function.IntPredicate;
import org.junit.jupiter.api.Test;

/**
 * Thread rows run the fast way (the guard as a range of threadIdx.x, pointers linear in threadIdx.x
 * checked once per row) compute exactly what the general thread loop computes, and where a row's
 * check fails the general loop runs it and faults where it always did. Each kernel is also run under
 * memcheck, which never uses fast rows, and must leave the same bytes.
 */
class FastThreadRowTest {
    private static final String GUARDS = """
            __global__ void lt(int* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) out[i] += 1;
            }
            __global__ void range(int* out, int lo, int hi) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i >= lo && i < hi) out[i] += 2;
            }
            __global__ void mirrored(int* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (n >= i) out[i] += 3;
            }
            __global__ void one(int* out, int k) {
                if (threadIdx.x == k) out[blockIdx.x] = threadIdx.x + 100;
            }
            __global__ void early(int* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i >= n) return;
                out[i] += 4;
            }
            __global__ void flagged(int* out, int n, int flag) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (flag != 0 && i < n) out[i] += 5;
            }
            __global__ void grid2d(float* out, int w, int h) {
                unsigned x = blockIdx.x * blockDim.x + threadIdx.x;
                unsigned y = blockIdx.y * blockDim.y + threadIdx.y;
                if (x < (unsigned) w && y < (unsigned) h) out[y * w + x] = x * 0.5f + y;
            }
            __global__ void pointers(float* out, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                float* p = out + 2 * i;
                if (i < n) { p[0] = i; p[1] += 1.5f; }
            }
            """;

    /** Runs a kernel normally and under memcheck on the same input; returns the normal result. */
    private static int[] both(KernelHarness h, String kernel, int[] input, Dim3 grid, Dim3 block, Object... scalars) {
        int[][] results = new int[2][];
        for (int pass = 0; pass < 2; pass++) {
            DeviceBuffer b = h.buffer(input);
            Object[] args = new Object[scalars.length + 1];
            args[0] = b;
            System.arraycopy(scalars, 0, args, 1, scalars.length);
            h.launch(kernel, LaunchConfig.of(grid, block), LaunchOptions.DEFAULT.withMemcheck(pass == 1), args);
            results[pass] = h.ints(b);
        }
        assertArrayEquals(results[1], results[0], kernel + ": the fast rows leave what the general loop leaves");
        return results[0];
    }

    private static int[] pattern(int n) {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = 1000 + i;
        }
        return a;
    }

    private static int[] added(int[] in, int add, IntPredicate where) {
        int[] out = in.clone();
        for (int i = 0; i < out.length; i++) {
            if (where.test(i)) {
                out[i] += add;
            }
        }
        return out;
    }

    @Test
    void guardsOfEveryShapeRunExactlyThePassingThreads() {
        try (KernelHarness h = KernelHarness.of(GUARDS, 2)) {
            for (int block : new int[] {1, 3, 64, 96, 256}) {
                for (int n : new int[] {-5, 0, 1, 63, 64, 65, 300}) {
                    int size = 320;
                    Dim3 grid = Dim3.of((size + block - 1) / block);
                    int threads = grid.x() * block;
                    int[] in = pattern(Math.max(size, threads) + 1);
                    int fn = n;
                    String at = " (block " + block + ", n " + n + ")";
                    assertArrayEquals(added(in, 1, i -> i < fn && i < threads), both(h, "lt", in, grid, Dim3.of(block), n),
                            "lt" + at);
                    assertArrayEquals(added(in, 4, i -> i < fn && i < threads), both(h, "early", in, grid, Dim3.of(block),
                            n), "early" + at);
                    assertArrayEquals(added(in, 3, i -> i <= fn && i < threads), both(h, "mirrored", in, grid,
                            Dim3.of(block), n), "mirrored" + at);
                    assertArrayEquals(added(in, 2, i -> i >= fn && i < fn + 37 && i < threads), both(h, "range", in, grid,
                            Dim3.of(block), n, n + 37), "range" + at);
                    for (int flag = 0; flag < 2; flag++) {
                        int ff = flag;
                        assertArrayEquals(added(in, 5, i -> ff != 0 && i < fn && i < threads), both(h, "flagged", in, grid,
                                Dim3.of(block), n, flag), "flagged" + at);
                    }
                }
                for (int k : new int[] {-1, 0, 1, block - 1, block, 1 << 30}) {
                    int[] in = pattern(8);
                    int[] expected = in.clone();
                    for (int b = 0; b < 8; b++) {
                        if (k >= 0 && k < block) {
                            expected[b] = k + 100;
                        }
                    }
                    assertArrayEquals(expected, both(h, "one", in, Dim3.of(8), Dim3.of(block), k), "one, k " + k);
                }
            }
        }
    }

    @Test
    void twoDimensionalGuardsAndPointersMadeInTheRow() {
        try (KernelHarness h = KernelHarness.of(GUARDS, 2)) {
            int w = 37;
            int hgt = 21;
            DeviceBuffer out = h.buffer(new float[w * hgt]);
            h.launch("grid2d", new Dim3(3, 3, 1), new Dim3(16, 8, 1), out, w, hgt);
            float[] got = h.floats(out);
            for (int y = 0; y < hgt; y++) {
                for (int x = 0; x < w; x++) {
                    assertEquals(x * 0.5f + y, got[y * w + x], "(" + x + ", " + y + ")");
                }
            }
            float[] in = new float[2 * 300 + 2];
            Arrays.fill(in, 0.25f);
            DeviceBuffer p = h.buffer(in);
            h.launch("pointers", Dim3.of(3), Dim3.of(128), p, 250);
            float[] expected = in.clone();
            for (int i = 0; i < 250; i++) {
                expected[2 * i] = i;
                expected[2 * i + 1] += 1.5f;
            }
            assertArrayEquals(expected, h.floats(p));
        }
    }

    @Test
    void aRowWhoseGuardIndexWrapsRunsTheGeneralLoop() {
        String src = """
                __global__ void wrap(int* out, int base, int n) {
                    int i = blockIdx.x * blockDim.x + threadIdx.x + base;
                    if (i < n) out[i - base] = i;
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            int threads = 4 * 128;
            for (int base : new int[] {Integer.MAX_VALUE - 300, Integer.MAX_VALUE - 127, -200}) {
                for (int n : new int[] {Integer.MAX_VALUE, Integer.MAX_VALUE - 200, 0, -100}) {
                    int[] expected = new int[threads];
                    Arrays.fill(expected, -7);
                    int[] in = expected.clone();
                    for (int g = 0; g < threads; g++) {
                        int i = g + base; // wraps as on the GPU
                        if (i < n) {
                            expected[i - base] = i;
                        }
                    }
                    assertArrayEquals(expected, both(h, "wrap", in, Dim3.of(4), Dim3.of(128), base, n),
                            "base " + base + ", n " + n);
                }
            }
        }
    }

    @Test
    void anAccessARowCannotProveStillFaultsAtItsThread() {
        String src = """
                __global__ void far(float* out, int off, int from) {
                    if (threadIdx.x >= from) out[threadIdx.x + off] = 1.0f;
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 1)) {
            DeviceBuffer out = h.buffer(new float[64]);
            h.launch("far", Dim3.of(1), Dim3.of(32), out, 0, 0);
            float[] ones = new float[64];
            Arrays.fill(ones, 0, 32, 1.0f);
            assertArrayEquals(ones, h.floats(out));
            // threads from 10 on pass the guard, and their addresses lie beyond the memory: the row's check
            // fails, the general loop runs and faults at the first of them
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("far", Dim3.of(1), Dim3.of(32), out, (1 << 29) - 10, 10));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure());
            assertNotNull(e.location());
            assertEquals(new Index3(10, 0, 0), e.location().threadIdx(), e.getMessage());
            // an index that would leave the 32-bit range: the general loop's own check traps, at thread 12
            LaunchException wild = assertThrows(LaunchException.class,
                    () -> h.launch("far", Dim3.of(1), Dim3.of(32), out, Integer.MAX_VALUE - 5, 12));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, wild.failure());
            assertEquals(new Index3(12, 0, 0), wild.location().threadIdx(), wild.getMessage());
            // no thread passes the guard: nothing is accessed, nothing faults
            h.launch("far", Dim3.of(1), Dim3.of(32), out, Integer.MAX_VALUE - 5, 32);
        }
    }

    @Test
    void regionsKeepEachThreadsValuesAcrossNarrowedRows() {
        String src = """
                __global__ void ctx(int* out, int n) {
                    __shared__ int s[512];
                    int t = threadIdx.y * blockDim.x + threadIdx.x;
                    int v = t * 7 + 1;
                    s[t] = v;
                    __syncthreads();
                    if (threadIdx.x < n) s[t] += 1;
                    __syncthreads();
                    out[blockIdx.x * blockDim.x * blockDim.y + t] = s[t] * 1000 + v;
                }
                __global__ void smooth(float* data, int iters) {
                    __shared__ float s[258];
                    int t = threadIdx.x;
                    s[t + 1] = data[blockIdx.x * blockDim.x + t];
                    if (t == 0) { s[0] = 0.0f; s[blockDim.x + 1] = 0.0f; }
                    __syncthreads();
                    for (int it = 0; it < iters; it++) {
                        float a = (s[t] + s[t + 1] + s[t + 2]) / 3.0f;
                        __syncthreads();
                        s[t + 1] = a;
                        __syncthreads();
                    }
                    data[blockIdx.x * blockDim.x + t] = s[t + 1];
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            for (int n : new int[] {0, 3, 16, 40}) {
                int bx = 16;
                int by = 4;
                int[] got = both(h, "ctx", new int[2 * bx * by], Dim3.of(2), new Dim3(bx, by, 1), n);
                for (int b = 0; b < 2; b++) {
                    for (int y = 0; y < by; y++) {
                        for (int x = 0; x < bx; x++) {
                            int t = y * bx + x;
                            int v = t * 7 + 1;
                            assertEquals((v + (x < n ? 1 : 0)) * 1000 + v, got[b * bx * by + t], "n " + n + ", t " + t);
                        }
                    }
                }
            }
            float[] data = new float[2 * 256];
            for (int i = 0; i < data.length; i++) {
                data[i] = (i * 37 % 101) / 7.0f;
            }
            DeviceBuffer d = h.buffer(data);
            h.launch("smooth", Dim3.of(2), Dim3.of(256), d, 5);
            float[] expected = data.clone();
            for (int b = 0; b < 2; b++) {
                float[] s = new float[258];
                System.arraycopy(data, b * 256, s, 1, 256);
                for (int it = 0; it < 5; it++) {
                    float[] a = new float[256];
                    for (int t = 0; t < 256; t++) {
                        a[t] = (s[t] + s[t + 1] + s[t + 2]) / 3.0f;
                    }
                    System.arraycopy(a, 0, s, 1, 256);
                }
                System.arraycopy(s, 1, expected, b * 256, 256);
            }
            assertArrayEquals(expected, h.floats(d));
        }
    }

    @Test
    void loopsAroundBoundedLoopsStillStopAtTheTimeLimit() {
        String src = """
                __global__ void spinOutside(int* flag, float* out) {
                    float acc = 0.0f;
                    while (flag[0] == 0) {
                        for (int k = 0; k < 16; k++) acc += out[threadIdx.x];
                    }
                    out[threadIdx.x] = acc;
                }
                __global__ void spinInside(int* flag, float* out) {
                    for (int k = 0; k < 16; k++) {
                        while (flag[0] == 0) { }
                        out[threadIdx.x] += 1.0f;
                    }
                }
                """;
        try (KernelHarness h = KernelHarness.of(src, 2)) {
            DeviceBuffer flag = h.buffer(new int[1]);
            DeviceBuffer out = h.buffer(new float[64]);
            for (String kernel : new String[] {"spinOutside", "spinInside"}) {
                long start = System.nanoTime();
                LaunchException e = assertThrows(LaunchException.class, () -> h.launch(kernel,
                        LaunchConfig.of(Dim3.of(2), Dim3.of(32)), LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(200)),
                        flag, out));
                assertEquals(LaunchFailure.TIMEOUT, e.failure(), kernel);
                long ms = (System.nanoTime() - start) / 1_000_000;
                assertTrue(ms < 30_000, kernel + " stopped promptly, took " + ms + " ms");
            }
        }
    }
}
