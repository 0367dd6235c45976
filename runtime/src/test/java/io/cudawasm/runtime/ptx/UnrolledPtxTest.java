package io.cudawasm.runtime.ptx;

import static io.cudawasm.runtime.backend.check.UnrolledConvolution.BX;
import static io.cudawasm.runtime.backend.check.UnrolledConvolution.BY;
import static io.cudawasm.runtime.backend.check.UnrolledConvolution.COLUMNS_PER_BLOCK;
import static io.cudawasm.runtime.backend.check.UnrolledConvolution.TAPS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.backend.check.UnrolledConvolution;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 18, item 14: a kernel whose loops nvcc unrolls completely ({@link UnrolledConvolution}) is
 * thousands of straight-line PTX instructions after its barrier. The CPU path cuts that code into regions the JVM compiles
 * ({@code LongRegionSplit}); the cut must not change results, also when some threads have returned
 * before it. Compared with a Java model of the same arithmetic: bit for bit without contraction,
 * within a few ulp with nvcc's fma contraction.
 */
class UnrolledPtxTest {
    private static final int W = 2 * COLUMNS_PER_BLOCK;
    /** Not a multiple of BY: the last block's last rows return before the barrier. */
    private static final int H = 10;

    @ParameterizedTest(name = "fma contraction {0}")
    @ValueSource(booleans = {false, true})
    void unrolledConvolutionMatchesTheJavaModel(boolean fmad) {
        String ptx = Nvcc.ptx(UnrolledConvolution.SOURCE, new Nvcc.Config(fmad ? "compute_90" : "compute_75", fmad),
                List.of());
        assertTrue(ptx.lines().count() > 1500, "nvcc unrolled the loops: " + ptx.lines().count() + " lines");
        SplittableRandom r = new SplittableRandom(18_14);
        float[] src = new float[W * H];
        for (int i = 0; i < src.length; i++) {
            src[i] = (float) r.nextDouble(0.5, 2.0); // positive: no cancellation, so ulp bounds are tight
        }
        float[] weights = new float[TAPS];
        for (int i = 0; i < weights.length; i++) {
            weights[i] = (float) r.nextDouble(0.01, 0.2);
        }
        float[] expected = UnrolledConvolution.reference(src, weights, W, H);
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("conv.ptx", ptx), 2)) {
            DeviceBuffer dst = h.buffer(new float[W * H]);
            h.launch(UnrolledConvolution.KERNEL, new Dim3(W / COLUMNS_PER_BLOCK, (H + BY - 1) / BY, 1),
                    new Dim3(BX, BY, 1), dst, h.buffer(src), h.buffer(weights), W, H);
            float[] got = h.floats(dst);
            for (int i = 0; i < expected.length; i++) {
                if (fmad) {
                    float tolerance = TAPS * Math.ulp(Math.max(Math.abs(expected[i]), Math.abs(got[i])));
                    assertTrue(Math.abs(expected[i] - got[i]) <= tolerance,
                            "dst[" + i + "] = " + got[i] + ", model " + expected[i]);
                } else {
                    assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(got[i]),
                            "dst[" + i + "] = " + got[i] + ", model " + expected[i]);
                }
            }
        }
    }
}
