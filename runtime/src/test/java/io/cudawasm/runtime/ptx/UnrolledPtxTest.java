package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18, item 14: a kernel whose loops nvcc unrolls completely (a 17-tap row convolution with a
 * shared-memory halo and 32 result steps per thread) is thousands of straight-line PTX
 * instructions after its barrier. The CPU path cuts that code into regions the JVM compiles
 * ({@code LongRegionSplit}); the cut must not change results, also when some threads have returned
 * before it. Compared with a Java model of the same arithmetic: bit for bit without contraction,
 * within a few ulp with nvcc's fma contraction.
 */
class UnrolledPtxTest {
    private static final int R = 8;
    private static final int STEPS = 32;
    private static final int BX = 16;
    private static final int BY = 4;
    private static final int W = 2 * STEPS * BX;
    /** Not a multiple of BY: the last block's last rows return before the barrier. */
    private static final int H = 10;

    private static final String SOURCE = """
            #define R 8
            #define STEPS 32
            #define BX 16
            #define BY 4
            __global__ void convRows(float* dst, const float* src, const float* weights, int w, int h) {
                __shared__ float s[BY][(STEPS + 2) * BX];
                const int x0 = (blockIdx.x * STEPS - 1) * BX + threadIdx.x;
                const int y = blockIdx.y * BY + threadIdx.y;
                if (y >= h) return;
                const float* row = src + y * w;
                #pragma unroll
                for (int i = 1; i <= STEPS; i++) s[threadIdx.y][threadIdx.x + i * BX] = row[x0 + i * BX];
                s[threadIdx.y][threadIdx.x] = x0 >= 0 ? row[x0] : 0.0f;
                s[threadIdx.y][threadIdx.x + (STEPS + 1) * BX] =
                        x0 + (STEPS + 1) * BX < w ? row[x0 + (STEPS + 1) * BX] : 0.0f;
                __syncthreads();
                #pragma unroll
                for (int i = 1; i <= STEPS; i++) {
                    float sum = 0.0f;
                    #pragma unroll
                    for (int j = -R; j <= R; j++) sum += weights[R - j] * s[threadIdx.y][threadIdx.x + i * BX + j];
                    dst[y * w + x0 + i * BX] = sum;
                }
            }
            """;

    @ParameterizedTest(name = "fma contraction {0}")
    @ValueSource(booleans = {false, true})
    void unrolledConvolutionMatchesTheJavaModel(boolean fmad) {
        String ptx = Nvcc.ptx(SOURCE, new Nvcc.Config(fmad ? "compute_90" : "compute_75", fmad), List.of());
        assertTrue(ptx.lines().count() > 1500, "nvcc unrolled the loops: " + ptx.lines().count() + " lines");
        SplittableRandom r = new SplittableRandom(18_14);
        float[] src = new float[W * H];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) r.nextDouble(0.5, 2.0); // positive: no cancellation, so ulp bounds are tight
        }
        float[] weights = new float[2 * R + 1];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) r.nextDouble(0.01, 0.2);
        }
        float[] expected = reference(src, weights);
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("conv.ptx", ptx), 2)) {
            DeviceBuffer dst = h.buffer(new float[W * H]);
            h.launch("convRows", new Dim3(W / (STEPS * BX), (H + BY - 1) / BY, 1), new Dim3(BX, BY, 1), dst,
                    h.buffer(src), h.buffer(weights), W, H);
            float[] got = h.floats(dst);
            for (int i = 0; i < expected.length; i++) {
                if (fmad) {
                    float tolerance = (2 * R + 1) * Math.ulp(Math.max(Math.abs(expected[i]), Math.abs(got[i])));
                    assertTrue(Math.abs(expected[i] - got[i]) <= tolerance,
                            "dst[" + i + "] = " + got[i] + ", model " + expected[i]);
                } else {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                            "dst[" + i + "] = " + got[i] + ", model " + expected[i]);
                }
            }
        }
    }

    /** The kernel's arithmetic in its order: zero outside the row, products added one by one. */
    private static float[] reference(float[] src, float[] weights) {
        float[] out = new float[W * H];
        for (int y = 0; y < H; y++) {
            for (int x = 0; x < W; x++) {
                float sum = 0.0f;
                for (int j = -R; j <= R; j++) {
                    int xx = x + j;
                    float v = xx >= 0 && xx < W ? src[y * W + xx] : 0.0f;
                    sum += weights[R - j] * v;
                }
                out[y * W + x] = sum;
            }
        }
        return out;
    }
}
