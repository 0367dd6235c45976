package io.cudawasm.runtime.backend.wasm.math;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** Test inputs: the usual edge values and seeded random values spread over exponent ranges. */
final class Inputs {

    private Inputs() {
    }

    /** Finite float edge values (both signs): subnormal and normal limits, values near 1, small integers, etc. */
    static List<Double> floatEdges() {
        List<Double> v = new ArrayList<>();
        float[] base = {
            0.0f, Float.MIN_VALUE, 2 * Float.MIN_VALUE, 3 * Float.MIN_VALUE, Float.MIN_NORMAL - Float.MIN_VALUE,
            Float.MIN_NORMAL, Math.nextUp(Float.MIN_NORMAL), 1e-30f, 1e-10f, 0x1p-24f, 0x1p-12f, 1e-3f, 0.1f, 0.25f,
            0.5f, Math.nextDown(0.5f), Math.nextUp(0.5f), Math.nextDown(1.0f), 1.0f, Math.nextUp(1.0f), 1.5f, 2.0f,
            2.5f, 3.0f, (float) Math.PI, (float) (Math.PI / 2), (float) (Math.PI / 4), 4.0f, 5.0f, 7.0f, 10.0f,
            16.5f, 33.0f, 64.0f, 88.0f, 88.72f, 89.0f, 100.0f, 103.9f, 104.0f, 127.0f, 128.0f, 150.0f, 1000.0f,
            12345.678f, 1e6f, 0x1p23f, 0x1p24f, 1e10f, 1e20f, 1e30f, 1e38f, Math.nextDown(Float.MAX_VALUE),
            Float.MAX_VALUE,
        };
        for (float b : base) {
            v.add((double) b);
            v.add((double) -b);
        }
        return v;
    }

    /** Finite double edge values (both signs). */
    static List<Double> doubleEdges() {
        List<Double> v = new ArrayList<>();
        double[] base = {
            0.0, Double.MIN_VALUE, 2 * Double.MIN_VALUE, 3 * Double.MIN_VALUE, Double.MIN_NORMAL - Double.MIN_VALUE,
            Double.MIN_NORMAL, Math.nextUp(Double.MIN_NORMAL), 1e-300, 1e-200, 1e-100, 1e-20, 0x1p-53, 0x1p-28,
            1e-8, 1e-3, 0.1, 0.25, Math.nextDown(0.5), 0.5, Math.nextUp(0.5), Math.nextDown(1.0), 1.0,
            Math.nextUp(1.0), 1.5, 2.0, 2.5, 3.0, Math.PI, Math.PI / 2, Math.PI / 4, 4.0, 5.0, 6.0, 7.0, 10.0, 20.0,
            26.5, 27.2, 30.0, 100.0, 170.5, 171.6, 172.0, 700.0, 709.78, 710.0, 745.0, 1000.0, 1e5, 0x1p52,
            0x1p53, 1e20, 1e100, 1e200, 1e300, Math.nextDown(Double.MAX_VALUE), Double.MAX_VALUE,
        };
        for (double b : base) {
            v.add(b);
            v.add(-b);
        }
        return v;
    }

    /** A float with random sign (unless positive), exponent uniform in [minExp, maxExp] (below -126: subnormal). */
    static double randomFloat(SplittableRandom rnd, int minExp, int maxExp, boolean positive) {
        int e = rnd.nextInt(minExp, maxExp + 1);
        float f;
        if (e < -126) {
            int k = Math.max(e, -149) + 149; // leading bit position of the subnormal
            f = Float.intBitsToFloat((1 << k) | rnd.nextInt(1 << k));
        } else {
            f = Math.scalb(1.0f + rnd.nextInt(1 << 23) * 0x1p-23f, e);
        }
        return (positive || rnd.nextBoolean()) ? f : -f;
    }

    /** A double with random sign (unless positive), exponent uniform in [minExp, maxExp] (below -1022: subnormal). */
    static double randomDouble(SplittableRandom rnd, int minExp, int maxExp, boolean positive) {
        int e = rnd.nextInt(minExp, maxExp + 1);
        double d;
        if (e < -1022) {
            int k = Math.max(e, -1074) + 1074;
            d = Double.longBitsToDouble((1L << k) | (rnd.nextLong() & ((1L << k) - 1)));
        } else {
            d = Math.scalb(1.0 + (rnd.nextLong() >>> 12) * 0x1p-52, e);
        }
        return (positive || rnd.nextBoolean()) ? d : -d;
    }

    /** A float uniform in [lo, hi]. */
    static double uniformFloat(SplittableRandom rnd, double lo, double hi) {
        return (float) (lo + (hi - lo) * rnd.nextDouble());
    }

    /** A double uniform in [lo, hi]. */
    static double uniformDouble(SplittableRandom rnd, double lo, double hi) {
        return lo + (hi - lo) * rnd.nextDouble();
    }
}
