package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Floating-point arithmetic, conversions and compare/select, hand-written PTX (resources
 * ptx/floats.ptx) against Java: add/sub/mul/div/fma/sqrt/rcp with .rn are correctly rounded, so
 * every float result is bit-exact (NaNs only need to be NaN); min/max return the non-NaN operand;
 * float-to-integer conversions saturate and send NaN to 0 (as Java's casts do); unordered
 * comparisons ({@code gtu}) are true for NaN; setp with a combining predicate; slct; copysign.
 */
class PtxFloatsTest {
    private static final long M = 0xFFFF_FFFFL;

    static float[] inputs(int threads) {
        float[] fixed = {Float.NaN, 1, 2, 1, Float.NaN, 0, Float.POSITIVE_INFINITY, 2, 1, Float.NEGATIVE_INFINITY, -3, 0.5f,
            3e38f, 3e38f, -3e38f, 1e-40f, 2, 1.4e-45f, -2.5f, 0.5f, 1, 2.5e7f, -1e-3f, 7, 0.1f, 0.2f, 0.3f, -0.005f, 3, 4,
            21474836.0f, 1, 1, -21474837.0f, 1, 1};
        float[] in = new float[threads * 3];
        System.arraycopy(fixed, 0, in, 0, fixed.length);
        SplittableRandom r = new SplittableRandom(7);
        for (int i = fixed.length; i < in.length; i++) {
            in[i] = (float) ((r.nextDouble() * 2 - 1) * Math.pow(10, r.nextInt(-4, 5)));
        }
        return in;
    }

    @Test
    void floatingPointConversionsAndComparisons() {
        int threads = 64;
        float[] in = inputs(threads);
        long[] got;
        String ptx = PtxIntegerAndBitsTest.resource("floats.ptx");
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("floats.ptx", ptx), 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer out = h.buffer(new long[threads * 32]);
            h.launch("floats", Dim3.of(1), Dim3.of(threads), input, out);
            got = h.longs(out);
        }
        for (int t = 0; t < threads; t++) {
            float x = in[3 * t];
            float y = in[3 * t + 1];
            float z = in[3 * t + 2];
            float f2 = x * 100f;
            int r2 = (int) f2;
            double dx = x;
            double dy = y;
            long l = (long) (dx * 1e10);
            Object[] want = {x + y, x - y, x * y, x / y, Math.fma(x, y, z), Math.abs(x), -x, cMin(x, y), cMax(x, y),
                (float) Math.sqrt(y), 1f / x, r2, (int) Math.rint(f2), (int) Math.floor(f2), (int) Math.ceil(f2),
                (float) (r2 * 3 + 1), dx, (float) (dx * dy), (int) unsignedSat(f2), x < y ? 7 : -7, !(x <= y) ? 1 : 0,
                x == x && y >= z ? 1 : 0, r2 >= 0 ? x : y, Math.copySign(x, y), Math.fma(dx, dy, (double) z), dx / dy,
                Math.sqrt(Math.abs(dy)), l, (double) l, Float.floatToRawIntBits(x), (float) l};
            for (int k = 0; k < want.length; k++) {
                long g = got[t * 32 + k];
                String at = "thread " + t + " (" + x + ", " + y + ", " + z + ") slot " + k;
                Object w = want[k];
                if (w instanceof Float) {
                    float e = (Float) w;
                    float a = Float.intBitsToFloat((int) g);
                    assertEquals(0, g >>> 32, at + ": a float store leaves the high word");
                    if (Float.isNaN(e)) {
                        assertTrue(Float.isNaN(a), at + ": NaN expected, got " + a);
                    } else {
                        assertEquals(Float.floatToRawIntBits(e), (int) g, at + ": " + e + " vs " + a);
                    }
                } else if (w instanceof Double) {
                    double e = (Double) w;
                    double a = Double.longBitsToDouble(g);
                    if (Double.isNaN(e)) {
                        assertTrue(Double.isNaN(a), at + ": NaN expected, got " + a);
                    } else {
                        assertEquals(Double.doubleToRawLongBits(e), g, at + ": " + e + " vs " + a);
                    }
                } else if (w instanceof Integer) {
                    assertEquals(((Integer) w) & M, g, at);
                } else {
                    assertEquals((long) (Long) w, g, at);
                }
            }
        }
    }

    /** PTX min/max: a NaN operand yields the other. */
    private static float cMin(float x, float y) {
        return Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.min(x, y);
    }

    private static float cMax(float x, float y) {
        return Float.isNaN(x) ? y : Float.isNaN(y) ? x : Math.max(x, y);
    }

    /** cvt.rzi.u32.f32: saturating at 0 and 2^32 - 1, NaN to 0. */
    private static long unsignedSat(float x) {
        if (Float.isNaN(x) || x <= 0) {
            return 0;
        }
        return x >= 4294967295.0f ? 0xFFFF_FFFFL : (long) x;
    }
}
