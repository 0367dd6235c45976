package io.cudawasm.runtime.ptx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.math.BigDecimal;
import java.math.RoundingMode;
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

    /**
     * fma.rn.f32 (computed in double with a fix-up for double rounding) and the directed roundings
     * against exact references over 60,000 triples: random magnitudes, results in the subnormal
     * range, products whose sum with c lands exactly on a midpoint between floats or near one,
     * cancellation, and infinities/NaN. Bit-exact.
     */
    @Test
    void fusedMultiplyAddAndDirectedRoundingsAreExact() {
        int n = 60_000;
        float[] in = new float[n * 3];
        SplittableRandom r = new SplittableRandom(42);
        for (int i = 0; i < n; i++) {
            float a;
            float b;
            float c;
            switch (i % 6) {
                case 0 -> { // anything
                    a = Float.intBitsToFloat(r.nextInt());
                    b = Float.intBitsToFloat(r.nextInt());
                    c = Float.intBitsToFloat(r.nextInt());
                }
                case 1 -> { // ordinary magnitudes
                    a = (float) (r.nextDouble() * 4 - 2);
                    b = (float) (r.nextDouble() * 4 - 2);
                    c = (float) (r.nextDouble() * 4 - 2);
                }
                case 2 -> { // results around the subnormal range
                    a = (float) ((r.nextDouble() - 0.5) * 0x1p-60);
                    b = (float) ((r.nextDouble() - 0.5) * 0x1p-62);
                    c = (float) ((r.nextDouble() - 0.5) * 0x1p-124);
                }
                case 3 -> { // a*b is c's half ulp plus or minus a little: midpoints after the sum
                    c = 1 + r.nextInt(1 << 23) * 0x1p-23f;
                    a = 0x1p-24f * (1 + r.nextInt(4) * 0x1p-23f);
                    b = r.nextBoolean() ? 1 : -1 + r.nextInt(3) * 0x1p-23f;
                }
                case 4 -> { // cancellation: c close to -a*b
                    a = (float) (r.nextDouble() * 2 + 1);
                    b = (float) (r.nextDouble() * 2 + 1);
                    c = -a * b;
                    c = Float.intBitsToFloat(Float.floatToRawIntBits(c) + r.nextInt(-2, 3));
                }
                default -> { // exact products, integers, infinities, NaN
                    float[] special = {0, -0f, 1, -1, 3, 0.5f, Float.MAX_VALUE, Float.MIN_VALUE, Float.MIN_NORMAL,
                        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN, 16777216f, 16777217f};
                    a = special[r.nextInt(special.length)];
                    b = special[r.nextInt(special.length)];
                    c = special[r.nextInt(special.length)];
                }
            }
            in[3 * i] = a;
            in[3 * i + 1] = b;
            in[3 * i + 2] = c;
        }
        float[] out;
        String ptx = PtxIntegerAndBitsTest.resource("fma.ptx");
        try (KernelHarness h = KernelHarness.of(CompileRequest.of("fma.ptx", ptx), 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer output = h.buffer(new float[n * 6]);
            h.launch("fma", Dim3.of((n + 255) / 256), Dim3.of(256), input, output, n);
            out = h.floats(output);
        }
        String[] names = {"fma.rn", "fma.rz", "fma.rm", "fma.rp", "add.rz", "mul.rp"};
        for (int i = 0; i < n; i++) {
            float a = in[3 * i];
            float b = in[3 * i + 1];
            float c = in[3 * i + 2];
            BigDecimal exactFma = exact(a, b, c);
            BigDecimal exactAdd = exact(a, 1, c);
            BigDecimal exactMul = exact(a, b, 0);
            double ab = (double) a * b;
            float fma = Math.fma(a, b, c);
            float[] want = {fma, round(fma, exactFma, RoundingMode.DOWN, ab, c),
                round(fma, exactFma, RoundingMode.FLOOR, ab, c), round(fma, exactFma, RoundingMode.CEILING, ab, c),
                round(a + c, exactAdd, RoundingMode.DOWN, a, c), round(a * b, exactMul, RoundingMode.CEILING, ab, 0)};
            for (int k = 0; k < 6; k++) {
                float got = out[6 * i + k];
                if (Float.isNaN(want[k])) {
                    assertTrue(Float.isNaN(got), names[k] + "(" + a + ", " + b + ", " + c + ") = " + got + ", not NaN");
                } else {
                    assertEquals(Float.floatToRawIntBits(want[k]), Float.floatToRawIntBits(got),
                            names[k] + "(" + a + ", " + b + ", " + c + "): " + want[k] + " vs " + got);
                }
            }
        }
    }

    /** a*b+c exactly, or null when an operand is not finite. */
    private static BigDecimal exact(float a, float b, float c) {
        if (!Float.isFinite(a) || !Float.isFinite(b) || !Float.isFinite(c)) {
            return null;
        }
        return new BigDecimal(a).multiply(new BigDecimal(b)).add(new BigDecimal(c));
    }

    /**
     * The float next to the exact value {@code p + q} in the given direction, from the correctly
     * rounded one ({@code nearest}): equal when exact, else one step toward the direction if
     * nearest went the other way (overflow included: toward zero stops at the largest float). An
     * exact zero sum is -0 when rounding toward minus infinity unless both terms are +0 (IEEE 754
     * 6.3), and otherwise has nearest's sign.
     */
    private static float round(float nearest, BigDecimal exact, RoundingMode mode, double p, double q) {
        if (exact == null || Float.isNaN(nearest)) {
            return nearest;
        }
        if (exact.signum() == 0) {
            boolean bothPositiveZero = Double.doubleToRawLongBits(p) == 0 && Double.doubleToRawLongBits(q) == 0;
            return mode == RoundingMode.FLOOR && !bothPositiveZero ? -0f : nearest;
        }
        int cmp = Float.isInfinite(nearest) ? (nearest > 0 ? 1 : -1) : new BigDecimal(nearest).compareTo(exact);
        boolean positive = exact.signum() > 0;
        boolean down = mode == RoundingMode.FLOOR || mode == RoundingMode.DOWN && positive;
        boolean up = mode == RoundingMode.CEILING || mode == RoundingMode.DOWN && !positive;
        if (down && cmp > 0) {
            return Math.nextDown(nearest);
        }
        if (up && cmp < 0) {
            return Math.nextUp(nearest);
        }
        return nearest;
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
