package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.gen;
import static io.cudawasm.runtime.samples.PublicSamplesRun.relativeL1;

import io.cudawasm.runtime.data.ElementType;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * globalToShmemAsyncCopy: tiled matrix products whose tiles reach shared memory by
 * {@code cuda::memcpy_async} through a thread's pipeline (one stage and four), through a block
 * {@code cuda::barrier}, and by plain loads (the sample's baselines). 128 x 128 matrices (the sample
 * uses 1280 x 1280), 16 x 16 blocks as its host code launches them. Its PTX is made for
 * {@code compute_80}, where nvcc emits {@code cp.async} and {@code mbarrier}.
 *
 * <p>References: kernels that compute the product get random matrices and the product; the
 * "large chunk" kernels read B's tile at A's offsets ({@code B[a + wA * ty + 4 tx]}), so their
 * reference computes that; the four-stage kernels refill a stage's buffer one stage before it is
 * consumed (a race on the GPU too), so they get the sample's own constant matrices (A = 1, B = 2.1),
 * where every tile is alike, and its check (every element wA * 2.1).
 */
final class SampleCatalogAsync {
    private SampleCatalogAsync() {}

    static final String PATH = "3_CUDA_Features/globalToShmemAsyncCopy/globalToShmemAsyncCopy.cu";
    /** The samples whose PTX needs sm_80 (asynchronous copies and shared-memory barriers). */
    static final Set<String> SM80 = Set.of(PATH);
    private static final int W = 128;
    private static final int BLOCK = 16;

    private interface Product {
        double at(float[] a, float[] b, int row, int col);
    }

    static List<Sample> all() {
        List<Sample> s = new ArrayList<>();
        Product product = (a, b, row, col) -> {
            double sum = 0;
            for (int k = 0; k < W; k++) {
                sum += (double) a[row * W + k] * b[k * W + col];
            }
            return sum;
        };
        Product largeChunk = (a, b, row, col) -> {
            // the tile of B at tile t holds B[aBegin + 16 t + wA * r + c] for its row r and column c
            int by = row / BLOCK;
            int tx = col % BLOCK;
            double sum = 0;
            for (int t = 0; t < W / BLOCK; t++) {
                for (int k = 0; k < BLOCK; k++) {
                    sum += (double) a[row * W + t * BLOCK + k] * b[W * BLOCK * by + t * BLOCK + W * k + tx];
                }
            }
            return sum;
        };
        List<PublicSamplesRun.Check> kernels = List.of(
                random("MatrixMulAsyncCopySingleStage<16>", product, 41),
                random("MatrixMulAsyncCopyLargeChunk<16>", largeChunk, 42),
                random("MatrixMulAsyncCopyLargeChunkAWBarrier<16>", largeChunk, 43),
                random("MatrixMulNaive<16>", product, 44),
                random("MatrixMulNaiveLargeChunk<16>", largeChunk, 45),
                constant("MatrixMulAsyncCopyMultiStage<16>"),
                constant("MatrixMulAsyncCopyMultiStageLargeChunk<16>"));
        s.add(new Sample(PATH, "7 of its 8 kernels", r -> {
            for (PublicSamplesRun.Check k : kernels) {
                k.run(r);
            }
        }));
        // the eighth: two warps of producers and sixteen rows of consumers meet stage by stage in a shared
        // pipeline (cuda::pipeline_role), launched as its host code does, 16 x 18 threads; it needs threads
        // that wait for each other: the CPU path's independent threads (which the source path chooses by
        // itself, nvcc's PTX of libcu++'s mbarriers when asked); OpenCL stops it
        s.add(new Sample(PATH, "its producer/consumer kernel", random("MatrixMulAsyncCopyMultiStageSharedState<16>",
                product, 46, BLOCK + "," + (BLOCK + 2), "--independent-threads")));
        return s;
    }

    private static PublicSamplesRun.Check random(String kernel, Product reference, int seed) {
        return random(kernel, reference, seed, BLOCK + "," + BLOCK);
    }

    private static PublicSamplesRun.Check random(String kernel, Product reference, int seed, String block,
            String... extra) {
        return r -> {
            String aSpec = "random:" + W * W + ":" + seed;
            String bSpec = "random:" + W * W + ":" + (seed + 100);
            float[] a = floats(gen(aSpec, ElementType.F32));
            float[] b = floats(gen(bSpec, ElementType.F32));
            Map<String, byte[]> o = launch(r, kernel, block, List.of("zeros:" + W * W, aSpec, bSpec, "" + W, "" + W),
                    extra);
            double[] c = new double[W * W];
            for (int row = 0; row < W; row++) {
                for (int col = 0; col < W; col++) {
                    c[row * W + col] = reference.at(a, b, row, col);
                }
            }
            try {
                relativeL1("C", c, floats(o.get("C")), 1e-6);
            } catch (PublicSamplesRun.Mismatch e) {
                throw new PublicSamplesRun.Mismatch(kernel + ": " + e.getMessage());
            }
        };
    }

    private static PublicSamplesRun.Check constant(String kernel) {
        return r -> {
            Map<String, byte[]> o = launch(r, kernel, BLOCK + "," + BLOCK,
                    List.of("zeros:" + W * W, "const:" + W * W + ":1.0", "const:" + W * W + ":2.1", "" + W, "" + W));
            // the sample's criterion: |C - wA * 2.1| / |C| / wA below 1e-6 for every element
            float[] c = floats(o.get("C"));
            for (int i = 0; i < c.length; i++) {
                double error = Math.abs(c[i] - W * 2.1) / Math.abs(c[i]) / W;
                if (!(error <= 1e-6)) {
                    throw new PublicSamplesRun.Mismatch(kernel + ": C[" + i + "] = " + c[i] + ", expected " + W * 2.1);
                }
            }
        };
    }

    private static Map<String, byte[]> launch(PublicSamplesRun r, String kernel, String block, List<String> args,
            String... extra) throws PublicSamplesRun.Mismatch, java.io.IOException {
        String grid = W / BLOCK + "," + W / BLOCK;
        return r.run(PATH, kernel, grid, block, 0, args, List.of("C"), extra);
    }
}
