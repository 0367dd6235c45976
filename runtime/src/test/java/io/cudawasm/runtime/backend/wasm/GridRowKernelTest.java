package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.bits;
import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.functionText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Grid rows: a kernel without barriers whose body is one vector row over the global index
 * {@code blockIdx.x * blockDim.x + threadIdx.x} hands the passing threads of all the blocks a worker
 * runs at once to one vector row call, and leaves the bits the threads one by one leave: against Java
 * references, the back end with host rows off and the memcheck build, with one and two workers; grids
 * whose indices do not run on from block to block, two-dimensional grids, overlapping and wrapping
 * indices and sources past the memory fall back to the block loop and behave exactly as before.
 */
class GridRowKernelTest {
    private static final String KERNELS = """
            __global__ void axpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }
            // a window [lo, n) of the grid, and a second source
            __global__ void window(int lo, int n, const float* x, const float* z, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i >= lo && i < n) y[i] = (x[i] - z[i]) / 4.0f;
            }
            // every other block's threads: the index does not run on from block to block
            __global__ void strided(int n, const float* x, float* y) {
                int i = 2 * blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = x[i] * 3.0f;
            }
            // shifted sources: thread i reads what thread i + d stores (or stored)
            __global__ void shift(int n, int d, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i + 64] = y[i + 64 + d] + 1.0f;
            }
            """;

    @Test
    void rowKernelsCallTheHostForTheirBlocks() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 1)) {
            String text = h.compiled().wasm().text();
            for (String k : new String[] {"axpy", "window", "strided", "shift"}) {
                assertTrue(functionText(text, k).contains("grid_call"), k);
            }
        }
    }

    private static float[] floats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() - 0.5f) * (float) Math.pow(2, r.nextInt(30) - 15);
        }
        return v;
    }

    /** The launch on two workers and one, with host rows and without, and under memcheck: all {@code expected}. */
    private static void everywhere(String at, int[] expected,
            java.util.function.BiFunction<KernelHarness, LaunchOptions, Object> launch) {
        for (int workers : new int[] {1, 2}) {
            try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, workers)) {
                KernelHarness vector = builds.vector();
                KernelHarness scalar = builds.scalar();
                HostRowBuilds.agree(vector, scalar, expected, at + ", " + workers + " workers", launch);
            }
        }
    }

    @Test
    void gridsOfRowsMatchTheThreadsOneByOne() {
        for (int[] shape : new int[][] {{256, 100_000}, {64, 1000}, {128, 4097}, {1024, 3000}, {32, 17}}) {
            int block = shape[0];
            int n = shape[1];
            int blocks = (n + block - 1) / block;
            float[] x = floats(blocks * block, n);
            float[] y = floats(blocks * block, n + 1);
            float a = 1.75f;
            float[] expected = y.clone();
            for (int i = 0; i < n; i++) {
                expected[i] = a * x[i] + y[i];
            }
            everywhere("axpy " + block + "/" + n, bits(expected), (h, options) -> {
                DeviceBuffer out = h.buffer(y);
                h.launch("axpy", LaunchConfig.of(Dim3.of(blocks), Dim3.of(block)), options, n, a, h.buffer(x), out);
                return bits(h.floats(out));
            });
            int lo = n / 3;
            float[] z = floats(blocks * block, n + 2);
            float[] window = y.clone();
            for (int i = lo; i < n; i++) {
                window[i] = (x[i] - z[i]) / 4.0f;
            }
            everywhere("window " + block + "/" + n, bits(window), (h, options) -> {
                DeviceBuffer out = h.buffer(y);
                h.launch("window", LaunchConfig.of(Dim3.of(blocks), Dim3.of(block)), options, lo, n, h.buffer(x),
                        h.buffer(z), out);
                return bits(h.floats(out));
            });
        }
    }

    /** Indices that skip from block to block: the block loop, as before. */
    @Test
    void gridsThatAreNotOneRowRunBlockByBlock() {
        int n = 5000;
        float[] x = floats(n, 3);
        float[] expected = new float[n];
        int block = 128;
        int blocks = (n + 2 * block - 1) / (2 * block);
        for (int b = 0; b < blocks; b++) {
            for (int t = 0; t < block; t++) {
                int i = 2 * b * block + t;
                if (i < n) {
                    expected[i] = x[i] * 3.0f;
                }
            }
        }
        everywhere("strided", bits(expected), (h, options) -> {
            DeviceBuffer out = h.buffer(new float[n]);
            h.launch("strided", LaunchConfig.of(Dim3.of(blocks), Dim3.of(block)), options, n, h.buffer(x), out);
            return bits(h.floats(out));
        });
    }

    /**
     * Thread i reading what thread i + 1 stores (the host may run it: the old float) and what thread
     * i - 1 stored (it may not: the host declines and the blocks run their rows); one worker, so the
     * blocks' order is the threads' order. And a two-dimensional grid.
     */
    @Test
    void overlappingRowsKeepTheThreadsOrder() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            float[] data = floats(4096, 9);
            for (int d : new int[] {1, -1, 300, -40}) {
                int n = 3000;
                float[] expected = data.clone();
                for (int i = 0; i < n; i++) {
                    expected[i + 64] = expected[i + 64 + d] + 1.0f;
                }
                List<int[]> got = new ArrayList<>();
                for (KernelHarness h : List.of(vector, scalar)) {
                    DeviceBuffer buf = h.buffer(data);
                    h.launch("shift", LaunchConfig.of(Dim3.of(12), Dim3.of(256)), LaunchOptions.DEFAULT, n, d, buf);
                    got.add(bits(h.floats(buf)));
                }
                assertArrayEquals(bits(expected), got.get(0), "d " + d);
                assertArrayEquals(got.get(1), got.get(0), "d " + d);
            }
            // a two-dimensional grid (blockIdx.y does not enter the index: the second row of blocks
            // applies the row again): the block loop, as before
            float[] x = floats(1024, 3);
            float[] y = floats(1024, 4);
            float[] twice = y.clone();
            for (int pass = 0; pass < 2; pass++) {
                for (int i = 0; i < 1024; i++) {
                    twice[i] = 0.5f * x[i] + twice[i];
                }
            }
            for (KernelHarness h : List.of(vector, scalar)) {
                DeviceBuffer out = h.buffer(y);
                h.launch("axpy", LaunchConfig.of(new Dim3(4, 2, 1), Dim3.of(256)), LaunchOptions.DEFAULT, 1024, 0.5f,
                        h.buffer(x), out);
                assertArrayEquals(bits(twice), bits(h.floats(out)), "two-dimensional grid");
            }
        }
    }

    /** A source past the end of the memory in a later block: the same fault, at the same thread, as before. */
    @Test
    void aGridPastTheMemoryFaultsAsTheThreadsDo() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            List<String> reports = new ArrayList<>();
            for (KernelHarness h : List.of(vector, scalar)) {
                DeviceBuffer y = h.buffer(new float[1024]);
                long end = ((WasmSession) h.session()).memoryBytes();
                int n = (int) ((end - y.address()) / 4) + 100; // the last 164 threads' y lies past the end
                int blocks = (n + 255) / 256;
                LaunchException e = assertThrows(LaunchException.class,
                        () -> h.launch("shift", LaunchConfig.of(Dim3.of(blocks), Dim3.of(256)), LaunchOptions.DEFAULT,
                                n, 0, y));
                assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
                reports.add(e.location().blockIdx() + " " + e.location().threadIdx() + " " + e.getMessage());
            }
            assertEquals(reports.get(1), reports.get(0));
        }
    }
}
