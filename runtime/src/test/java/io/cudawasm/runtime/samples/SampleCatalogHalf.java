package io.cudawasm.runtime.samples;

import static io.cudawasm.runtime.samples.PublicSamplesRun.floats;
import static io.cudawasm.runtime.samples.PublicSamplesRun.writeFile;

import io.cudawasm.runtime.samples.PublicSamplesRun.Mismatch;
import io.cudawasm.runtime.samples.SampleCatalog.Sample;
import io.cudawasm.runtime.testing.Binary16;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * Half precision: fp16ScalarProduct's two kernels ({@code half2} buffers and shared memory,
 * {@code __hfma2}/{@code __hadd2} and the operators, {@code __low2float}/{@code __high2float}),
 * with the sample's sizes (128 blocks of 128 threads, 262,144 {@code half2} per vector). The
 * reference repeats each block's sums in binary16 in the kernels' order (per-thread accumulation,
 * then the shared-memory tree), rounding every half addition as IEEE does: the block sums pass
 * 2048, where halves are no longer exact integers.
 */
final class SampleCatalogHalf {
    private SampleCatalogHalf() {}

    private static final String PATH = "0_Introduction/fp16ScalarProduct/fp16ScalarProduct.cu";
    private static final int BLOCKS = 128;
    private static final int THREADS = 128;
    private static final int SIZE = BLOCKS * THREADS * 16;

    static List<Sample> all() {
        return List.of(new Sample(PATH, "scalarProductKernel_native, scalarProductKernel_intrinsics", r -> {
            // the host code's generateInput: x = rand() % 4, y = rand() % 2, as halves
            SplittableRandom random = new SplittableRandom(16);
            short[][] vec = new short[2][2 * SIZE];
            for (short[] v : vec) {
                for (int i = 0; i < SIZE; i++) {
                    v[2 * i] = Binary16.fromFloat(random.nextInt(4));
                    v[2 * i + 1] = Binary16.fromFloat(random.nextInt(2));
                }
            }
            Path a = writeFile(r.work(), "fp16-a.bin", bytes(vec[0]));
            Path b = writeFile(r.work(), "fp16-b.bin", bytes(vec[1]));
            float[] expected = reference(vec[0], vec[1]);
            for (String kernel : List.of("scalarProductKernel_native", "scalarProductKernel_intrinsics")) {
                Map<String, byte[]> out = r.run(PATH, kernel, Integer.toString(BLOCKS), Integer.toString(THREADS), 0,
                        List.of("file:" + a, "file:" + b, "zeros:" + BLOCKS, Integer.toString(SIZE)), List.of("results"));
                PublicSamplesRun.exact(kernel + " results", expected, floats(out.get("results")));
            }
        }));
    }

    private static byte[] bytes(short[] halves) {
        ByteBuffer buf = ByteBuffer.allocate(2 * halves.length).order(ByteOrder.LITTLE_ENDIAN);
        buf.asShortBuffer().put(halves);
        return buf.array();
    }

    /**
     * Each block's result as the kernels compute it; both kernels give the same bits here: products
     * of 0..3 by 0..3 and the per-thread sums (at most 16 terms of at most 9) are exact in half, so a
     * fused and an unfused multiply-add agree.
     */
    static float[] reference(short[] a, short[] b) throws Mismatch {
        float[] results = new float[BLOCKS];
        int stride = BLOCKS * THREADS;
        for (int block = 0; block < BLOCKS; block++) {
            short[][] sh = new short[THREADS][2];
            for (int t = 0; t < THREADS; t++) {
                short[] value = {0, 0};
                // the sample starts at threadIdx.x + blockDim.x + blockIdx.x (sic)
                for (int i = t + THREADS + block; i < SIZE; i += stride) {
                    for (int c = 0; c < 2; c++) {
                        short fused = Binary16.fma(a[2 * i + c], b[2 * i + c], value[c]);
                        short unfused = Binary16.add(Binary16.mul(a[2 * i + c], b[2 * i + c]), value[c]);
                        if (fused != unfused) {
                            throw new Mismatch("the reference assumes exact per-thread sums");
                        }
                        value[c] = fused;
                    }
                }
                sh[t] = value;
            }
            for (int s = THREADS / 2; s >= 1; s /= 2) {
                for (int t = 0; t < s; t++) {
                    sh[t][0] = Binary16.add(sh[t][0], sh[t + s][0]);
                    sh[t][1] = Binary16.add(sh[t][1], sh[t + s][1]);
                }
            }
            results[block] = Binary16.toFloat(sh[0][1]) + Binary16.toFloat(sh[0][0]);
        }
        return results;
    }
}
