package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.abi.TensorMapAbi;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.TensorMapSpec;
import io.cudawasm.runtime.launch.TensorMapText;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * sm_90's im2col bulk tensor copies ({@code cp.async.bulk.tensor.Nd...im2col} with its offsets, stores
 * and reductions in {@code .im2col_no_offs}) and traversal strides of tiled maps, in inline PTX on
 * the CUDA source path and through nvcc's PTX (compute_90).
 *
 * <p>The first test replays the examples of the Triton project's TMA im2col tutorial, whose expected
 * values its tests check on Hopper GPUs (padding, offsets, wrapping into the next image). The others
 * check a Java reference of the PTX ISA's description ("im2col mode": the filter base walks the
 * bounding box W first, stepping by the traversal strides, then H, D and the next image; each row is
 * the channels of the pixel at base plus offsets, zeros outside the tensor).
 */
class Im2colTensorMapTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);

    /** Waits until the mbarrier at shared address b completes phase 0. */
    private static final String COMMON = """
            #include <cuda.h>
            #define WAIT_PHASE0(b) asm volatile("{ .reg .pred done;\\nWAIT:\\n\\tmbarrier.try_wait.parity.shared::cta.b64"\\
                    " done, [%0], 0;\\n\\t@!done bra WAIT; }" :: "r"(b) : "memory")
            #define INIT_BARRIER(b) if (threadIdx.x == 0) {\\
                    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;" :: "r"(b), "r"(blockDim.x) : "memory"); }\\
                    __syncthreads()
            #define ARRIVE(b) asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];" :: "r"(b) : "memory")
            """;

    /** A block per row of {@code at}: one im2col load of {@code words} floats, copied to out; kernels load3..load5. */
    private static final String LOADS = COMMON + loadKernel(3) + loadKernel(4) + loadKernel(5);

    /**
     * The kernel {@code load<rank>}: block b reads its coordinates and offsets from
     * {@code at[8 b ..]} ({c, w, h, d, n, ow, oh, od}, those of the rank), loads, and writes the rows out.
     */
    private static String loadKernel(int rank) {
        int spatial = rank - 2;
        StringBuilder coords = new StringBuilder("%4");
        StringBuilder coordArgs = new StringBuilder("\"r\"(a[0])");
        for (int i = 1; i < rank; i++) {
            coords.append(", %").append(4 + i);
            // the spatial coordinates are a[1..spatial], the image a[4]
            coordArgs.append(", \"r\"(a[").append(i < rank - 1 ? i : 4).append("])");
        }
        StringBuilder offsets = new StringBuilder();
        StringBuilder offsetArgs = new StringBuilder();
        for (int i = 0; i < spatial; i++) {
            offsets.append(i == 0 ? "" : ", ").append('%').append(4 + rank + i);
            offsetArgs.append(", \"h\"((unsigned short)a[").append(5 + i).append("])");
        }
        return """
                __global__ void load%1$d(const __grid_constant__ CUtensorMap map, float *out, const int *at, int words)
                {
                    __shared__ __align__(128) float tile[2048];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                    unsigned b = (unsigned)__cvta_generic_to_shared(&bar);
                    INIT_BARRIER(b);
                    const int *a = at + blockIdx.x * 8;
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%%0], %%1;\\n\\t"
                                     "cp.async.bulk.tensor.%1$dd.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                                     " [%%2], [%%3, {%2$s}], [%%0], {%3$s};"
                                     :: "r"(b), "r"(words * 4), "r"(s), "l"(&map), %4$s%5$s : "memory");
                    } else {
                        ARRIVE(b);
                    }
                    WAIT_PHASE0(b);
                    for (int i = threadIdx.x; i < words; i += blockDim.x) { out[blockIdx.x * words + i] = tile[i]; }
                }
                """.formatted(rank, coords, offsets, coordArgs, offsetArgs);
    }

    private static void check(KernelCase c) {
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "", SM90);
    }

    /** {c, w, h, d, n, ow, oh, od}: a block's coordinates and offsets, as the kernels read them. */
    private record At(int c, int w, int h, int d, int n, int ow, int oh, int od) {
        int[] words() {
            return new int[] {c, w, h, d, n, ow, oh, od};
        }
    }

    /**
     * The reference, from the PTX ISA's im2col description: {@code pixels} rows of {@code channels}
     * elements of the packed tensor {@code t} (dims C, W[, H[, D]], N).
     */
    static float[] reference(float[] t, long[] dims, int[] lower, int[] upper, int[] es, int channels, int pixels,
            At at) {
        int rank = dims.length;
        int spatial = rank - 2;
        int[] base = {at.w, at.h, at.d};
        int[] off = {at.ow, at.oh, at.od};
        int image = at.n;
        float[] out = new float[channels * pixels];
        for (int p = 0; p < pixels; p++) {
            boolean inside = image >= 0 && image < dims[rank - 1];
            long index = image;
            for (int s = spatial - 1; s >= 0; s--) {
                int y = base[s] + off[s];
                inside &= y >= 0 && y < dims[s + 1];
                index = index * dims[s + 1] + y;
            }
            for (int i = 0; i < channels; i++) {
                int ch = at.c + i;
                if (inside && ch >= 0 && ch < dims[0]) {
                    out[p * channels + i] = t[(int) (index * dims[0] + ch)];
                }
            }
            // the filter base steps on: W by its stride, back to the lower corner past the upper, then H, D, the image
            int s = 0;
            for (; s < spatial; s++) {
                base[s] += es[s + 1];
                if (base[s] <= dims[s + 1] - 1 + upper[s]) {
                    break;
                }
                base[s] = lower[s];
            }
            if (s == spatial) {
                image++;
            }
        }
        return out;
    }

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < a.length; i++) {
            a[i] = r.nextInt(1, 2000) / 8.0f;
        }
        return a;
    }

    private static int count(long[] dims) {
        long n = 1;
        for (long d : dims) {
            n *= d;
        }
        return (int) n;
    }

    /** The examples of Triton's im2col tutorial (checked there on Hopper): a [N, 4, 4, 32] tensor, 16 pixels. */
    @Test
    void theTutorialsHardwareCheckedExamplesLoadAsOnAGpu() {
        record Example(String name, int images, int[] lower, int[] upper, At at, float[] expected) {}
        float[] ones = new float[16];
        for (int i = 0; i < 16; i++) {
            ones[i] = i + 1;
        }
        List<Example> examples = List.of(
                new Example("basic", 1, new int[] {0, 0}, new int[] {0, 0}, new At(0, 0, 0, 0, 0, 0, 0, 0), ones),
                new Example("padded", 1, new int[] {-1, -1}, new int[] {-1, -1}, new At(0, -1, -1, 0, 0, 0, 0, 0),
                        new float[] {0, 0, 0, 0, 0, 1, 2, 3, 0, 5, 6, 7, 0, 9, 10, 11}),
                new Example("offset", 1, new int[] {-1, -1}, new int[] {-1, -1}, new At(0, -1, -1, 0, 0, 1, 1, 0), ones),
                new Example("multi_batch", 2, new int[] {0, 0}, new int[] {0, 0}, new At(0, 3, 1, 0, 0, 0, 0, 0),
                        new float[] {8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23}),
                new Example("multi_batch_padded", 2, new int[] {-1, -1}, new int[] {-1, -1},
                        new At(0, 2, 1, 0, 0, 0, 0, 0),
                        new float[] {7, 0, 9, 10, 11, 0, 0, 0, 0, 0, 17, 18, 19, 0, 21, 22}));
        for (Example e : examples) {
            long[] dims = {32, 4, 4, e.images};
            float[] t = new float[count(dims)];
            for (int i = 0; i < t.length; i++) {
                t[i] = i / 32 + 1; // every channel of pixel (n, h, w) holds n * 16 + h * 4 + w + 1
            }
            float[] expected = new float[16 * 32];
            for (int i = 0; i < expected.length; i++) {
                expected[i] = e.expected[i / 32];
            }
            // the Java reference agrees with the hardware's figures
            float[] model = reference(t, dims, e.lower, e.upper, new int[] {1, 1, 1, 1}, 32, 16, e.at);
            org.junit.jupiter.api.Assertions.assertArrayEquals(expected, model, e.name);
            TensorMapSpec map = TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(e.lower, e.upper, 32, 16));
            check(CaseBuilder.of("im2col_tutorial_" + e.name, "im2col.cu", LOADS).kernel("load4")
                    .launch(Dim3.of(1), Dim3.of(64)).tensorMap("tensor", t, null, map)
                    .out("out", new float[expected.length], expected).in("at", e.at.words()).scalar(16 * 32).build());
        }
    }

    /** 3-, 4- and 5-dimensional maps: traversal strides, offsets, channels past the end and past the last image. */
    @Test
    void walksThroughTheBoundingBoxOfEveryRankAgainstTheReference() {
        record Shape(String kernel, long[] dims, int[] lower, int[] upper, int[] es, int channels, int pixels, At[] at) {}
        List<Shape> shapes = List.of(
                new Shape("load3", new long[] {8, 37, 3}, new int[] {-2}, new int[] {-1}, new int[] {1, 1, 1}, 8, 40,
                        new At[] {new At(0, -2, 0, 0, 0, 0, 0, 0), new At(4, 30, 0, 0, 1, 2, 0, 0),
                            new At(0, 5, 0, 0, 2, 1, 0, 0)}),
                new Shape("load4", new long[] {16, 9, 7, 2}, new int[] {-1, -1}, new int[] {-1, -1},
                        new int[] {1, 2, 2, 1}, 16, 48, new At[] {new At(0, -1, -1, 0, 0, 0, 0, 0),
                            new At(8, 3, 1, 0, 0, 1, 1, 0), new At(4, 5, 3, 0, 1, 2, 2, 0),
                            new At(0, 7, 5, 0, 1, 0, 1, 0)}),
                new Shape("load5", new long[] {4, 5, 4, 3, 2}, new int[] {0, -1, 0}, new int[] {-1, 0, -1},
                        new int[] {1, 1, 1, 1, 1}, 4, 64, new At[] {new At(0, 0, -1, 0, 0, 0, 0, 0),
                            new At(0, 2, 1, 1, 0, 1, 1, 1), new At(0, 3, 2, 1, 1, 0, 0, 0)}));
        for (Shape s : shapes) {
            float[] t = random(count(s.dims), s.dims.length);
            int words = s.channels * s.pixels;
            float[] expected = new float[words * s.at.length];
            int[] at = new int[8 * s.at.length];
            for (int b = 0; b < s.at.length; b++) {
                System.arraycopy(reference(t, s.dims, s.lower, s.upper, s.es, s.channels, s.pixels, s.at[b]), 0, expected,
                        b * words, words);
                System.arraycopy(s.at[b].words(), 0, at, b * 8, 8);
            }
            TensorMapSpec map = TensorMapSpec.im2col(4, s.dims, null, new TensorMapAbi.Im2col(s.lower, s.upper,
                    s.channels, s.pixels)).withElementStrides(s.es);
            check(CaseBuilder.of("im2col_" + s.kernel, "im2col.cu", LOADS).kernel(s.kernel)
                    .launch(Dim3.of(s.at.length), Dim3.of(64)).tensorMap("tensor", t, null, map)
                    .out("out", new float[expected.length], expected).in("at", at).scalar(words).build());
        }
    }

    /** Stores ({@code .im2col_no_offs}) write each pixel inside the tensor back; reductions add into them. */
    @Test
    void storesAndReductionsWalkTheSamePixels() {
        String src = COMMON + """
                __global__ void twice(const __grid_constant__ CUtensorMap map, const int *at, int words, int reduce)
                {
                    __shared__ __align__(128) float tile[1024];
                    __shared__ __align__(8) unsigned long long bar;
                    unsigned s = (unsigned)__cvta_generic_to_shared(tile);
                    unsigned b = (unsigned)__cvta_generic_to_shared(&bar);
                    INIT_BARRIER(b);
                    const int *a = at + blockIdx.x * 8;
                    unsigned short zero = 0;
                    if (threadIdx.x == 0) {
                        asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\\n\\t"
                                     "cp.async.bulk.tensor.4d.shared::cluster.global.im2col.mbarrier::complete_tx::bytes"
                                     " [%2], [%3, {%4, %5, %6, %7}], [%0], {%8, %8};"
                                     :: "r"(b), "r"(words * 4), "r"(s), "l"(&map), "r"(a[0]), "r"(a[1]), "r"(a[2]),
                                        "r"(a[4]), "h"(zero) : "memory");
                    } else {
                        ARRIVE(b);
                    }
                    WAIT_PHASE0(b);
                    for (int i = threadIdx.x; i < words; i += blockDim.x) { tile[i] = reduce ? 1.0f + i : tile[i] * 2.0f + 1.0f; }
                    asm volatile("fence.proxy.async.shared::cta;" ::: "memory");
                    __syncthreads();
                    if (threadIdx.x == 0 && !reduce) {
                        asm volatile("cp.async.bulk.tensor.4d.global.shared::cta.im2col_no_offs.bulk_group"
                                     " [%0, {%1, %2, %3, %4}], [%5];\\n\\tcp.async.bulk.commit_group;\\n\\t"
                                     "cp.async.bulk.wait_group.read 0;"
                                     :: "l"(&map), "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[4]), "r"(s) : "memory");
                    }
                    if (threadIdx.x == 0 && reduce) {
                        asm volatile("cp.reduce.async.bulk.tensor.4d.global.shared::cta.add.im2col_no_offs.bulk_group"
                                     " [%0, {%1, %2, %3, %4}], [%5];\\n\\tcp.async.bulk.commit_group;\\n\\t"
                                     "cp.async.bulk.wait_group.read 0;"
                                     :: "l"(&map), "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[4]), "r"(s) : "memory");
                    }
                }
                """;
        long[] dims = {8, 6, 5, 2};
        int[] lower = {-1, 0};
        int[] upper = {0, 0};
        int channels = 8;
        int pixels = 20;
        // two blocks with disjoint walks: image 0 from (-1, 0), image 1 from (-1, 2)
        At[] at = {new At(0, -1, 0, 0, 0, 0, 0, 0), new At(0, -1, 2, 0, 1, 0, 0, 0)};
        int[] atWords = new int[16];
        for (int b = 0; b < 2; b++) {
            System.arraycopy(at[b].words(), 0, atWords, b * 8, 8);
        }
        for (int reduce = 0; reduce < 2; reduce++) {
            float[] t = random(count(dims), 40 + reduce);
            float[] expected = t.clone();
            for (At a : at) {
                int[] base = {a.w, a.h};
                int image = a.n;
                for (int p = 0; p < pixels; p++) {
                    boolean inside = image < dims[3] && base[0] >= 0 && base[0] < dims[1] && base[1] < dims[2];
                    for (int i = 0; i < channels && inside; i++) {
                        int index = (int) (((image * dims[2] + base[1]) * dims[1] + base[0]) * dims[0] + i);
                        expected[index] = reduce == 1 ? t[index] + 1.0f + p * channels + i : t[index] * 2.0f + 1.0f;
                    }
                    if (++base[0] > dims[1] - 1 + upper[0]) {
                        base[0] = lower[0];
                        if (++base[1] > dims[2] - 1 + upper[1]) {
                            base[1] = lower[1];
                            image++;
                        }
                    }
                }
            }
            TensorMapSpec map = TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(lower, upper, channels,
                    pixels));
            check(CaseBuilder.of("im2col_" + (reduce == 1 ? "reduce" : "store"), "twice.cu", src).kernel("twice")
                    .launch(Dim3.of(2), Dim3.of(64)).tensorMap("tensor", t, expected, map).in("at", atWords)
                    .scalar(channels * pixels).scalar(reduce).build());
        }
    }

    /** Tiled maps with traversal strides: a box of 16 x 8 with stride 2 takes every other row, 4 of them. */
    @Test
    void tiledTraversalStridesTakeEveryNthElement() {
        String src = """
                #include <cuda.h>
                #include <cuda/barrier>
                using barrier = cuda::barrier<cuda::thread_scope_block>;
                namespace cde = cuda::device::experimental;
                __global__ void strided(const __grid_constant__ CUtensorMap map, float *out, int words)
                {
                    __shared__ __align__(128) float tile[1024];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    int x = (int)blockIdx.x * 16 - 4;
                    int y = (int)blockIdx.y * 6 - 2;
                    int z = (int)blockIdx.z * 3 - 1;
                    barrier::arrival_token token;
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_3d_global_to_shared(tile, &map, x, y, z, bar);
                        token = cuda::device::barrier_arrive_tx(bar, 1, words * sizeof(float));
                    } else {
                        token = bar.arrive();
                    }
                    bar.wait(std::move(token));
                    int block = (blockIdx.z * gridDim.y + blockIdx.y) * gridDim.x + blockIdx.x;
                    for (int i = threadIdx.x; i < words; i += blockDim.x) { out[block * words + i] = tile[i]; }
                }
                """;
        long[] dims = {40, 13, 7};
        int[] box = {16, 8, 6};
        int[] es = {1, 2, 3};
        float[] t = random(count(dims), 77);
        int gx = 3;
        int gy = 3;
        int gz = 3;
        int words = 16 * 4 * 2;
        float[] expected = new float[gx * gy * gz * words];
        for (int bz = 0; bz < gz; bz++) {
            for (int by = 0; by < gy; by++) {
                for (int bx = 0; bx < gx; bx++) {
                    int block = (bz * gy + by) * gx + bx;
                    for (int k = 0; k < 2; k++) {
                        for (int j = 0; j < 4; j++) {
                            for (int i = 0; i < 16; i++) {
                                int x = bx * 16 - 4 + i;
                                int y = by * 6 - 2 + j * 2;
                                int z = bz * 3 - 1 + k * 3;
                                boolean inside = x >= 0 && x < dims[0] && y >= 0 && y < dims[1] && z >= 0 && z < dims[2];
                                expected[block * words + (k * 4 + j) * 16 + i] = inside
                                        ? t[(int) ((z * dims[1] + y) * dims[0] + x)] : 0;
                            }
                        }
                    }
                }
            }
        }
        TensorMapSpec map = new TensorMapSpec(4, dims, null, box).withElementStrides(es);
        check(CaseBuilder.of("tensor_element_strides", "strided.cu", src).kernel("strided")
                .launch(new Dim3(gx, gy, gz), Dim3.of(64)).tensorMap("tensor", t, null, map)
                .out("out", new float[expected.length], expected).scalar(words).build());
    }

    /** A tiled copy of an im2col map, and an im2col copy of a tiled map, stop at their line. */
    @Test
    void aCopyWhoseModeIsNotItsMapsStopsTheKernel() {
        long[] dims = {16, 4, 4, 1};
        TensorMapSpec im2col = TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {0, 0},
                new int[] {0, 0}, 16, 4));
        KernelCase imMapTiledCopy = CaseBuilder.of("im2col_mode_tiled", "tiled.cu", """
                #include <cuda.h>
                #include <cuda/barrier>
                using barrier = cuda::barrier<cuda::thread_scope_block>;
                namespace cde = cuda::device::experimental;
                __global__ void tiled(const __grid_constant__ CUtensorMap map, float *out)
                {
                    __shared__ __align__(128) float tile[64];
                    __shared__ barrier bar;
                    if (threadIdx.x == 0) { init(&bar, blockDim.x); }
                    __syncthreads();
                    if (threadIdx.x == 0) {
                        cde::cp_async_bulk_tensor_4d_global_to_shared(tile, &map, 0, 0, 0, 0, bar);
                    }
                    bar.arrive_and_wait();
                    out[threadIdx.x] = tile[threadIdx.x];
                }
                """).kernel("tiled").launch(Dim3.of(1), Dim3.of(64)).tensorMap("tensor", new float[count(dims)], null,
                        im2col).out("out", new float[64], null).build();
        stops(AllPaths.compile(imMapTiledCopy.request()), imMapTiledCopy, "tiled.cu:12");
        TensorMapSpec tiled = new TensorMapSpec(4, dims, null, new int[] {16, 4, 1, 1});
        KernelCase tiledMapIm2colCopy = CaseBuilder.of("im2col_mode_im2col", "im2col.cu", LOADS).kernel("load4")
                .launch(Dim3.of(1), Dim3.of(64)).tensorMap("tensor", new float[count(dims)], null, tiled)
                .out("out", new float[64], null).in("at", new int[8]).scalar(64).build();
        CompileResult compiled = AllPaths.compile(tiledMapIm2colCopy.request());
        stops(compiled, tiledMapIm2colCopy, "im2col.cu:"); // inline PTX: the stop names the asm statement's line
        String ptx = Nvcc.ptx(LOADS, SM90, List.of());
        stops(AllPaths.compile(CompileRequest.of("im2col.ptx", ptx)), tiledMapIm2colCopy, "im2col.ptx:");
    }

    private static void stops(CompileResult compiled, KernelCase c, String where) {
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), compiled, c.launch());
        assertNotNull(r.failure(), "the kernel ran to its end");
        assertTrue(r.failure().getMessage().contains(TensorMapAbi.MODE), r.failure().getMessage());
        assertTrue(r.failure().getMessage().contains(where), r.failure().getMessage());
    }

    @Test
    void badIm2colMapsAndStridesAreRefusedWhereTheyAreMade() {
        long[] dims = {16, 9, 9, 2};
        assertRefused(() -> TensorMapSpec.im2col(4, new long[] {16, 9}, null, new TensorMapAbi.Im2col(new int[0],
                new int[0], 16, 4)), "3 to 5 dimensions");
        assertRefused(() -> TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {-1}, new int[] {-1},
                16, 4)), "has 2 lower and upper corners");
        assertRefused(() -> TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {-129, 0},
                new int[] {0, 0}, 16, 4)), "corners from -128 to 127");
        assertRefused(() -> TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {0, 0},
                new int[] {-9, 0}, 16, 4)), "bounding box of an im2col tensor map is empty in dimension 1");
        assertRefused(() -> TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {0, 0},
                new int[] {0, 0}, 3, 4)), "multiple of 16 bytes");
        assertRefused(() -> TensorMapSpec.im2col(4, dims, null, new TensorMapAbi.Im2col(new int[] {0, 0},
                new int[] {0, 0}, 16, 1025)), "1 to 1024 pixels per column");
        assertRefused(() -> new TensorMapSpec(4, new long[] {64, 64}, null, new int[] {16, 6}).withElementStrides(1, 4),
                "multiple of its element stride");
        assertRefused(() -> new TensorMapSpec(4, new long[] {64, 64}, null, new int[] {16, 9}).withElementStrides(1, 9),
                "is 1 to 8");
        // the text form of run --arg takes both
        TensorMapText text = TensorMapText.parse("tensormap:f32:16x9x9x2:im2col=16x64,-1x-1,-1x-1:es=1x2x2x1/zeros:2592");
        assertEquals(new TensorMapAbi.Im2col(new int[] {-1, -1}, new int[] {-1, -1}, 16, 64), text.spec().im2col());
        assertEquals(2, text.spec().elementStrides()[1]);
        TensorMapText strided = TensorMapText.parse("tensormap:f32:64x64:16x8:es=1x2/zeros:4096");
        assertEquals(2, strided.spec().elementStrides()[1]);
    }

    private static void assertRefused(org.junit.jupiter.api.function.Executable e, String message) {
        IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
        assertTrue(x.getMessage().contains(message), x.getMessage());
    }
}
