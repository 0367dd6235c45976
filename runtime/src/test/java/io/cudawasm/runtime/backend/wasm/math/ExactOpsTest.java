package io.cudawasm.runtime.backend.wasm.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Exact operations beyond the sampled accuracy test: double-rounding traps for fmaf, and the integer intrinsics. */
class ExactOpsTest {

    private static float exactFmaf(float a, float b, float c) {
        BigDecimal exact = new BigDecimal(a).multiply(new BigDecimal(b)).add(new BigDecimal(c));
        double r = Ulps.roundToFormat(exact, Ulps.Format.FLOAT);
        if (r == 0.0) {
            // exact zero: +0 unless both addends are -0 (round to nearest)
            boolean negZero = exact.signum() == 0 && Math.copySign(1.0f, a * b) < 0 && Math.copySign(1.0f, c) < 0;
            return negZero ? -0.0f : (exact.signum() == 0 ? 0.0f : (float) r);
        }
        return (float) r;
    }

    @Test
    void fmafIsCorrectlyRoundedWhereDoubleRoundingFails() {
        List<double[]> cases = FmaHardCases.floatCases();
        int naiveWrong = 0;
        for (double[] t : cases) {
            float a = (float) t[0];
            float b = (float) t[1];
            float c = (float) t[2];
            float expected = exactFmaf(a, b, c);
            float naive = (float) ((double) a * b + c); // exact product, two roundings
            if (Float.floatToRawIntBits(naive) != Float.floatToRawIntBits(expected)) {
                naiveWrong++;
            }
            assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(DeviceMath.fmaf(a, b, c)),
                    () -> "fmaf(" + a + ", " + b + ", " + c + ")");
        }
        // the cases are real traps: rounding through double gets a good share of them wrong
        assertTrue(naiveWrong > cases.size() / 8, "only " + naiveWrong + " of " + cases.size() + " are hard");
    }

    @Test
    void fmafAgreesWithTheJdkOnRandomTriples() {
        SplittableRandom r = new SplittableRandom(21);
        for (int i = 0; i < 200_000; i++) {
            float a = Float.intBitsToFloat(r.nextInt());
            float b = Float.intBitsToFloat(r.nextInt());
            float c = i % 2 == 0 ? Float.intBitsToFloat(r.nextInt()) : -a * b * (1 + 0x1p-20f * (float) r.nextDouble());
            float expected = Math.fma(a, b, c); // specified as one rounding of the exact value
            float actual = DeviceMath.fmaf(a, b, c);
            if (Float.isNaN(expected)) {
                assertTrue(Float.isNaN(actual));
            } else {
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        "fmaf(" + a + ", " + b + ", " + c + ")");
            }
        }
    }

    @Test
    void fmodAndRemainderOfFloatsMatchTheExactDefinition() {
        SplittableRandom r = new SplittableRandom(22);
        for (int i = 0; i < 20_000; i++) {
            float x = (float) Inputs.randomFloat(r, -149, 127, false);
            float y = (float) Inputs.randomFloat(r, -149, 127, false);
            BigDecimal[] args = {new BigDecimal(x), new BigDecimal(y)};
            BigDecimal fmod = AccuracySpecs.fmodRef(args);
            BigDecimal rem = AccuracySpecs.remainderRef(args);
            float f = DeviceMath.fmodf(x, y);
            float q = DeviceMath.remainderf(x, y);
            assertEquals(0, fmod.compareTo(new BigDecimal(f)), () -> "fmodf(" + x + ", " + y + ")");
            assertEquals(0, rem.compareTo(new BigDecimal(q)), () -> "remainderf(" + x + ", " + y + ")");
            if (fmod.signum() == 0) {
                assertEquals(Math.copySign(1.0f, x), Math.copySign(1.0f, f), "zero fmod takes the sign of x");
            }
            if (rem.signum() == 0) {
                assertEquals(Math.copySign(1.0f, x), Math.copySign(1.0f, q), "zero remainder takes the sign of x");
            }
        }
    }

    @Test
    void bitReversal() {
        SplittableRandom r = new SplittableRandom(23);
        for (int i = 0; i < 10_000; i++) {
            int x = r.nextInt();
            long y = r.nextLong();
            int rx = 0;
            for (int b = 0; b < 32; b++) {
                rx |= ((x >>> b) & 1) << (31 - b);
            }
            long ry = 0;
            for (int b = 0; b < 64; b++) {
                ry |= ((y >>> b) & 1L) << (63 - b);
            }
            assertEquals(rx, DeviceMath.__brev(x));
            assertEquals(ry, DeviceMath.__brevll(y));
        }
    }

    private static final BigInteger TWO_64 = BigInteger.ONE.shiftLeft(64);

    private static BigInteger unsigned(long v) {
        BigInteger b = BigInteger.valueOf(v);
        return v < 0 ? b.add(TWO_64) : b;
    }

    @Test
    void highHalvesOf128BitProducts() {
        SplittableRandom r = new SplittableRandom(24);
        long[] edges = {0, 1, -1, 2, -2, Long.MAX_VALUE, Long.MIN_VALUE, Long.MIN_VALUE + 1, 0xFFFFFFFFL, 1L << 32,
            0x8000000000000001L};
        for (int i = 0; i < 20_000 + edges.length * edges.length; i++) {
            long a;
            long b;
            if (i < edges.length * edges.length) {
                a = edges[i / edges.length];
                b = edges[i % edges.length];
            } else {
                a = r.nextLong();
                b = i % 3 == 0 ? r.nextLong() >>> r.nextInt(64) : r.nextLong();
            }
            long signed = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).shiftRight(64).longValue();
            long unsignedHigh = unsigned(a).multiply(unsigned(b)).shiftRight(64).longValue();
            assertEquals(signed, DeviceMath.__mul64hi(a, b), "__mul64hi(" + a + ", " + b + ")");
            assertEquals(unsignedHigh, DeviceMath.__umul64hi(a, b), "__umul64hi(" + a + ", " + b + ")");
        }
        assertEquals(-2L, DeviceMath.__umul64hi(-1L, -1L), "(2^64 - 1)^2 = 2^128 - 2^65 + 1");
        assertEquals(1L << 62, DeviceMath.__mul64hi(Long.MIN_VALUE, Long.MIN_VALUE));
    }
}
