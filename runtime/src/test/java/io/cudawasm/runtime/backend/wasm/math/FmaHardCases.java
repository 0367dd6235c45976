package io.cudawasm.runtime.backend.wasm.math;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * fmaf inputs whose exact result lies within 2^-40 ulp of a float rounding midpoint, on either side. Rounding the
 * exact value to double first lands exactly on the midpoint, so a naive double-then-float evaluation breaks the tie
 * by evenness and is wrong for about half of them.
 *
 * <p>Construction: a*b = +-2^(e-24) (1 - 2^-2j) is half an ulp of c (scaled 1 + m 2^-23) minus a tiny amount.
 */
final class FmaHardCases {

    private FmaHardCases() {
    }

    static List<double[]> floatCases() {
        SplittableRandom rnd = new SplittableRandom(0xF3A);
        List<double[]> out = new ArrayList<>();
        for (int j = 15; j <= 23; j++) {
            float up = 1.0f + Math.scalb(1.0f, -j);
            float down = 1.0f - Math.scalb(1.0f, -j);
            for (int k = 0; k < 16; k++) {
                int m = rnd.nextInt(1 << 23);
                int e = rnd.nextInt(-100, 100);
                float c = Math.scalb(1.0f + m * 0x1p-23f, e);
                for (int signs = 0; signs < 4; signs++) {
                    float sc = (signs & 1) == 0 ? c : -c;
                    float sab = (signs & 2) == 0 ? 1.0f : -1.0f;
                    float a = sab * Math.scalb(up, e - 24);
                    out.add(new double[] {a, down, sc});
                }
                // subnormal results: c = k 2^-149, a*b = +-2^-150 (1 - 2^-2j)
                float sub = Float.MIN_VALUE * rnd.nextInt(1, 1 << 23);
                float a = Math.scalb(up, -75);
                float b = Math.scalb(down, -75);
                out.add(new double[] {a, b, sub});
                out.add(new double[] {-a, b, sub});
                out.add(new double[] {a, b, -sub});
                out.add(new double[] {-a, b, -sub});
            }
        }
        return out;
    }
}
