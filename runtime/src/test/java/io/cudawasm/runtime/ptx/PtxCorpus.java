package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.library.KernelLibrary;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.ptx.Scenario.Word;
import io.cudawasm.runtime.testing.HostArrays;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The kernels the PTX path must run like the source path: every block-semantics test kernel and
 * every bundled kernel, with the launches their own tests use (sizes trimmed where that keeps
 * the test quick without losing a case).
 */
final class PtxCorpus {
    private PtxCorpus() {}

    /**
     * The block-semantics kernels are package-private constants of that test package; they are
     * read here rather than copied so both corpora stay one.
     */
    private static String block(String name) {
        try {
            Class<?> c = Class.forName("io.cudawasm.runtime.blocks.BlockKernels");
            Field f = c.getDeclaredField(name);
            f.setAccessible(true);
            return (String) f.get(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("block kernel " + name + " not found", e);
        }
    }

    private static String library(String name) {
        return KernelLibrary.source(name).orElseThrow();
    }

    static int[] ints(int n, long seed, int bound) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = r.nextInt(bound);
        }
        return a;
    }

    static float[] floats(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) (r.nextDouble() * 2 - 1);
        }
        return a;
    }

    private static LaunchConfig grid(int gx, int gy, int bx, int by) {
        return new LaunchConfig(new Dim3(gx, gy, 1), new Dim3(bx, by, 1), 0);
    }

    private static LaunchConfig linear(int blocks, int threads) {
        return new LaunchConfig(Dim3.of(blocks), Dim3.of(threads), 0);
    }

    private static LaunchConfig linear(int blocks, int threads, int shared) {
        return new LaunchConfig(Dim3.of(blocks), Dim3.of(threads), shared);
    }

    static List<Scenario> blockKernels() {
        int[] reverse = ints(64 * 5, 1, 1000);
        int[] groups = ints(256 * 3, 10, 50);
        byte[] histogram = new byte[20_000];
        int[] hv = ints(histogram.length, 7, 256);
        for (int i = 0; i < hv.length; i++) {
            histogram[i] = (byte) hv[i];
        }
        float[] halves = new float[128 * 3];
        Arrays.fill(halves, 0.5f);
        int[] counting = new int[128];
        Arrays.setAll(counting, i -> i);
        return List.of(
                Scenario.of("reverse", block("REVERSE"))
                        .buffer("a", HostArrays.bytes(reverse), Word.INT32)
                        .buffer("b", HostArrays.bytes(reverse), Word.INT32)
                        .launch("staticReverse", linear(5, 64), "a", 64)
                        .launch("dynamicReverse", linear(5, 64, 64 * 4), "b", 64).build(),
                Scenario.of("transpose", block("TRANSPOSE"))
                        .buffer("in", HostArrays.bytes(floats(96 * 64, 2)), Word.FLOAT32)
                        .buffer("out", new byte[96 * 64 * 4], Word.FLOAT32)
                        .launch("transpose", grid(3, 2, 32, 8), "out", "in", 96, 64).build(),
                Scenario.of("tiled matmul", block("TILED_MATMUL"))
                        .buffer("a", HostArrays.bytes(floats(48 * 64, 3)), Word.FLOAT32)
                        .buffer("b", HostArrays.bytes(floats(64 * 80, 4)), Word.FLOAT32)
                        .buffer("c", new byte[48 * 80 * 4], Word.FLOAT32)
                        .launch("matmulTiled", grid(5, 3, 16, 16), "a", "b", "c", 48, 80, 64).build(),
                Scenario.of("reduce", block("REDUCE"))
                        .buffer("in", HostArrays.bytes(ints(256 * 40, 5, 1 << 20)), Word.INT32)
                        .buffer("out", new byte[40 * 4], Word.INT32)
                        .launch("reduceSum", linear(40, 256, 256 * 4), "in", "out").build(),
                Scenario.of("row reduce", block("ROW_REDUCE"))
                        .buffer("in", HostArrays.bytes(ints(128, 13, 1000)), Word.INT32)
                        .buffer("sums", new byte[4 * 4], Word.INT32)
                        .buffer("out", new byte[128 * 4], Word.INT32)
                        .launch("rowReduce", grid(1, 1, 32, 4), "in", "sums", "out").build(),
                Scenario.of("warp shuffles", block("WARP"))
                        .buffer("in", HostArrays.bytes(ints(32 * 24, 6, 100)), Word.INT32)
                        .buffer("sums", new byte[24 * 4], Word.INT32)
                        .buffer("scan", new byte[32 * 24 * 4], Word.INT32)
                        .buffer("bcast", new byte[32 * 24 * 4], Word.INT32)
                        .launch("warpReduce", linear(6, 128), "in", "sums")
                        .launch("warpScan", linear(8, 96), "in", "scan", "bcast").build(),
                Scenario.of("histogram", block("HISTOGRAM"))
                        .buffer("data", histogram, Word.BYTE)
                        .buffer("hist", new byte[256 * 4], Word.INT32)
                        .launch("histogram256", linear(30, 256), "data", histogram.length, "hist").build(),
                Scenario.of("bitonic sort", block("BITONIC"))
                        .buffer("d", HostArrays.bytes(ints(512 * 4, 8, 100_000)), Word.INT32)
                        .launch("bitonicSort", linear(4, 512), "d").build(),
                atomics(),
                Scenario.of("convolution", block("CONVOLUTION"))
                        .symbol("c_kernel", HostArrays.bytes(new float[] {0.0625f, 0.25f, 0.375f, 0.25f, 0.0625f}))
                        .buffer("in", HostArrays.bytes(floats(128 * 48, 9)), Word.FLOAT32)
                        .buffer("tmp", new byte[128 * 48 * 4], Word.FLOAT32)
                        .buffer("out", new byte[128 * 48 * 4], Word.FLOAT32)
                        .launch("rowConvolution", grid(4, 6, 32, 8), "tmp", "in", 128, 48)
                        .launch("columnConvolution", grid(4, 6, 32, 8), "out", "tmp", 128, 48).build(),
                Scenario.of("templates", block("TEMPLATES"))
                        .instantiate("blockSum<float, 128>",
                                "template __global__ void blockSum<float, 128>(const float*, float*);")
                        .instantiate("blockSum<int, 64>", "template __global__ void blockSum<int, 64>(const int*, int*);")
                        .buffer("fin", HostArrays.bytes(halves), Word.FLOAT32)
                        .buffer("fout", new byte[3 * 4], Word.FLOAT32)
                        .buffer("iin", HostArrays.bytes(counting), Word.INT32)
                        .buffer("iout", new byte[2 * 4], Word.INT32)
                        .launch("blockSum<float, 128>", linear(3, 128), "fin", "fout")
                        .launch("blockSum<int, 64>", linear(2, 64), "iin", "iout").build(),
                Scenario.of("cooperative groups", block("GROUPS"))
                        .buffer("in", HostArrays.bytes(groups), Word.INT32)
                        .buffer("sums", new byte[groups.length / 32 * 4], Word.INT32)
                        .buffer("votes", new byte[groups.length * 2 * 4], Word.INT32)
                        .buffer("counts", new byte[9 * 4], Word.INT32)
                        .launch("groupReduce", linear(3, 256), "in", "sums", "votes", "counts").build(),
                Scenario.of("vector types", block("VECTORS"))
                        .buffer("in", HostArrays.bytes(floats(128 * 4, 11)), Word.FLOAT32)
                        .buffer("out", new byte[128 * 4 * 4], Word.FLOAT32)
                        .launch("rotateVectors", linear(1, 128), "in", "out").build(),
                Scenario.of("early exit", block("EARLY_EXIT"))
                        .buffer("in", HostArrays.bytes(ints(256, 12, 1000)), Word.INT32)
                        .buffer("out", new byte[256 * 4], Word.INT32)
                        .launch("partialBlock", linear(1, 256), "in", "out", 200).build(),
                Scenario.of("divergent barrier", block("DIVERGENT"))
                        .buffer("d", new byte[64 * 4], Word.INT32)
                        .launch("divergent", linear(1, 64), "d").expectTrap().build());
    }

    /** Atomics race by design: compare what is deterministic (totals, extremes, sets), as their own test does. */
    private static Scenario atomics() {
        int blocks = 64;
        int threads = 128;
        int total = blocks * threads;
        Scenario.BufferCheck ints = (src, ptx) -> {
            int[] a = HostArrays.ints(src);
            int[] b = HostArrays.ints(ptx);
            for (int i = 0; i < a.length; i++) {
                if (i == 10) {
                    assertEquals(true, b[i] >= 0 && b[i] < total, "atomicExch leaves one thread's value");
                } else {
                    assertEquals(a[i], b[i], "ints[" + i + "]");
                }
            }
        };
        Scenario.BufferCheck floats = (src, ptx) -> {
            float[] a = HostArrays.floats(src);
            float[] b = HostArrays.floats(ptx);
            assertEquals(a[0], b[0], "float atomicAdd");
            assertEquals(Math.abs(a[1]), Math.abs(b[1]), "float atomicExch");
        };
        Scenario.BufferCheck slots = (src, ptx) -> {
            int[] a = HostArrays.ints(src);
            int[] b = HostArrays.ints(ptx);
            Arrays.sort(a);
            Arrays.sort(b);
            assertArrayEquals(a, b, "every ticket handed out once");
        };
        return Scenario.of("atomics", block("ATOMICS"))
                .buffer("ints", HostArrays.bytes(new int[] {0, 0, 0, 1000, -1000, 0, 0, 0xFFFF, 0, 0, -1, 0, 0}), ints)
                .buffer("longs", HostArrays.bytes(new long[] {0, 0}), Word.INT64)
                .buffer("floats", HostArrays.bytes(new float[] {0, 0}), floats)
                .buffer("doubles", HostArrays.bytes(new double[] {0}), Word.FLOAT64)
                .buffer("slots", new byte[total * 4], slots)
                .launch("atomics", linear(blocks, threads), "ints", "longs", "floats", "doubles", "slots").build();
    }

    static List<Scenario> libraryKernels() {
        int n = 20_001;
        SplittableRandom r = new SplittableRandom(11);
        int particles = 1000;
        ByteBuffer ps = ByteBuffer.allocate(particles * 32).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < particles; i++) {
            for (int f = 0; f < 7; f++) {
                ps.putFloat(i * 32 + f * 4, f == 6 ? (float) (0.5 + r.nextDouble()) : (float) (r.nextDouble() * 4 - 1));
            }
            ps.putInt(i * 32 + 28, 0);
        }
        byte[] prm = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putFloat(9.81f).putFloat(0.1f)
                .putFloat(0.8f).putFloat(0.01f).array();
        double[] xs = new double[5000];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = r.nextDouble() * 4 - 2;
        }
        return List.of(
                Scenario.of("vector_add", library("vector_add"))
                        .buffer("a", HostArrays.bytes(floats(n, 1)), Word.FLOAT32)
                        .buffer("b", HostArrays.bytes(floats(n, 2)), Word.FLOAT32)
                        .buffer("c", new byte[n * 4], Word.FLOAT32)
                        .launch("vectorAdd", linear((n + 255) / 256, 256), "a", "b", "c", n).build(),
                Scenario.of("saxpy", library("saxpy"))
                        .buffer("x", HostArrays.bytes(floats(n, 3)), Word.FLOAT32)
                        .buffer("y", HostArrays.bytes(floats(n, 4)), Word.FLOAT32)
                        .launch("saxpy", linear((n + 255) / 256, 256), n, 2.5f, "x", "y").build(),
                Scenario.of("elementwise_2d", library("elementwise_2d"))
                        .buffer("in", HostArrays.bytes(floats(320 * 77, 5)), Word.FLOAT32)
                        .buffer("out", new byte[320 * 77 * 4], Word.FLOAT32)
                        .launch("scale_shift_2d", grid(19, 5, 16, 16), "in", "out", 300, 77, 320, 3.0f, 0.25f, -1.5f,
                                2.0f).build(),
                Scenario.of("matmul_naive", library("matmul_naive"))
                        .buffer("a", HostArrays.bytes(floats(67 * 33, 6)), Word.FLOAT32)
                        .buffer("b", HostArrays.bytes(floats(33 * 45, 7)), Word.FLOAT32)
                        .buffer("c", new byte[67 * 45 * 4], Word.FLOAT32)
                        .launch("matmul", grid(3, 5, 16, 16), "a", "b", "c", 67, 45, 33).build(),
                Scenario.of("gemm_polybench", library("gemm_polybench"))
                        .define("NI", 48).define("NJ", 40).define("NK", 36)
                        .buffer("a", HostArrays.bytes(floats(48 * 36, 8)), Word.FLOAT32)
                        .buffer("b", HostArrays.bytes(floats(36 * 40, 9)), Word.FLOAT32)
                        .buffer("c", HostArrays.bytes(floats(48 * 40, 10)), Word.FLOAT32)
                        .launch("gemm_kernel", grid(2, 6, 32, 8), 1.5f, 0.75f, "a", "b", "c").build(),
                Scenario.of("particles", library("particles"))
                        .buffer("p", ps.array(), Word.FLOAT32, Word.FLOAT32, Word.FLOAT32, Word.FLOAT32, Word.FLOAT32,
                                Word.FLOAT32, Word.FLOAT32, Word.INT32)
                        .launch("update_particles", linear((particles + 127) / 128, 128), "p", particles, prm, 40).build(),
                Scenario.of("double_poly", library("double_poly"))
                        .buffer("x", HostArrays.bytes(xs), Word.FLOAT64)
                        .buffer("y", new byte[xs.length * 8], Word.FLOAT64)
                        .launch("double_poly", linear((xs.length + 255) / 256, 256), "x", "y", (long) xs.length).build());
    }
}
