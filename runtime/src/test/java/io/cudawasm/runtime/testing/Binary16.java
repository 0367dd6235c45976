package io.cudawasm.runtime.testing;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * A Java reference for IEEE binary16 (CUDA's {@code __half}), independent of the compiler's bit
 * sequences: a real value is rounded by searching the table of every finite half value (as exact
 * decimals) for its two neighbours and choosing between them by the rounding mode. Arithmetic is
 * computed exactly in {@link BigDecimal} (division to 60 digits, far finer than any half midpoint
 * a quotient of two halves can come near) and rounded once. NaN results are CUDA's canonical NaN
 * {@code 0x7fff}. Java 17 has no {@code Float.floatToFloat16}.
 */
public final class Binary16 {
    public enum Mode { NEAREST_EVEN, TOWARD_ZERO, DOWN, UP }

    public static final short NAN = 0x7fff;
    public static final short INF = 0x7c00;

    /** VALUES[i] is the magnitude of bit pattern i for i <= 0x7bff; VALUES[0x7c00] is 2^16, where rounding past the largest finite value lands. */
    private static final BigDecimal[] VALUES = new BigDecimal[0x7c01];

    static {
        for (int i = 0; i <= 0x7c00; i++) {
            int e = i >> 10;
            int m = i & 0x3ff;
            BigDecimal significand = BigDecimal.valueOf(e == 0 ? m : 1024 + m);
            int exponent = (e == 0 ? 1 : e) - 25; // value = significand * 2^exponent
            VALUES[i] = exponent >= 0 ? significand.multiply(BigDecimal.valueOf(2).pow(exponent))
                    : significand.divide(BigDecimal.valueOf(2).pow(-exponent));
        }
    }

    private Binary16() {}

    /** The half nearest (by {@code mode}) to an exact real value with the given sign; never NaN. */
    public static short round(BigDecimal exact, Mode mode) {
        boolean negative = exact.signum() < 0;
        BigDecimal x = exact.abs();
        int i = Arrays.binarySearch(VALUES, x);
        int bits;
        if (i >= 0) {
            bits = i; // exactly a half value (0x7c00: exactly 2^16, which is past the largest half)
            if (i == 0x7c00) {
                bits = towardZero(mode, negative) ? 0x7bff : 0x7c00;
            }
        } else {
            int hi = -i - 1; // first value above x
            int lo = hi - 1;
            if (hi > 0x7c00) { // beyond 2^16
                bits = towardZero(mode, negative) ? 0x7bff : 0x7c00;
            } else {
                bits = switch (mode) {
                    case TOWARD_ZERO -> lo;
                    case DOWN -> negative ? hi : lo;
                    case UP -> negative ? lo : hi;
                    case NEAREST_EVEN -> {
                        int c = x.subtract(VALUES[lo]).compareTo(VALUES[hi].subtract(x));
                        yield c < 0 ? lo : c > 0 ? hi : (lo % 2 == 0 ? lo : hi);
                    }
                };
            }
        }
        return (short) (bits | (negative ? 0x8000 : 0));
    }

    /** Whether a result past the largest finite half stays at 65504 (else it becomes infinity). */
    private static boolean towardZero(Mode mode, boolean negative) {
        return mode == Mode.TOWARD_ZERO || mode == Mode.DOWN && !negative || mode == Mode.UP && negative;
    }

    public static short fromDouble(double d, Mode mode) {
        if (Double.isNaN(d)) {
            return NAN;
        }
        if (Double.isInfinite(d)) {
            return (short) (d > 0 ? INF : INF | 0x8000);
        }
        if (d == 0) {
            return (short) (Double.doubleToRawLongBits(d) < 0 ? 0x8000 : 0);
        }
        return round(new BigDecimal(d), mode);
    }

    public static short fromFloat(float f, Mode mode) {
        return fromDouble(f, mode);
    }

    public static short fromFloat(float f) {
        return fromFloat(f, Mode.NEAREST_EVEN);
    }

    /** The exact value of a half as a float (every half is one); NaN as CUDA's canonical float NaN. */
    public static float toFloat(short h) {
        int e = (h >> 10) & 0x1f;
        int m = h & 0x3ff;
        boolean negative = (h & 0x8000) != 0;
        float v;
        if (e == 0x1f) {
            if (m != 0) {
                return Float.intBitsToFloat(0x7fffffff);
            }
            v = Float.POSITIVE_INFINITY;
        } else {
            v = VALUES[h & 0x7fff].floatValue(); // exact: 11 significant bits
        }
        return negative ? -v : v;
    }

    public static boolean isNaN(short h) {
        return (h & 0x7fff) > 0x7c00;
    }

    private static BigDecimal exact(short h) {
        BigDecimal v = VALUES[h & 0x7fff];
        return (h & 0x8000) != 0 ? v.negate() : v;
    }

    private static boolean finite(short h) {
        return (h & 0x7c00) != 0x7c00;
    }

    /** This format as {@link SixteenBitArithmetic} sees it. */
    private static final SixteenBitArithmetic.Format FORMAT = new SixteenBitArithmetic.Format(Binary16::exact,
            Binary16::finite, Binary16::isNaN, Binary16::toFloat, x -> round(x, Mode.NEAREST_EVEN),
            d -> fromDouble(d, Mode.NEAREST_EVEN), NAN);

    public static short add(short a, short b) {
        return SixteenBitArithmetic.add(FORMAT, a, b);
    }

    public static short sub(short a, short b) {
        return add(a, (short) (b ^ 0x8000));
    }

    public static short mul(short a, short b) {
        return SixteenBitArithmetic.mul(FORMAT, a, b);
    }

    public static short div(short a, short b) {
        return SixteenBitArithmetic.div(FORMAT, a, b);
    }

    public static short fma(short a, short b, short c) {
        return SixteenBitArithmetic.fma(FORMAT, a, b, c);
    }

    public static short max(short a, short b) {
        return SixteenBitArithmetic.max(FORMAT, a, b);
    }

    public static short min(short a, short b) {
        return SixteenBitArithmetic.min(FORMAT, a, b);
    }

    /** Halves packed two to an int, element 2i in the low 16 bits (little-endian memory order). */
    public static int[] pack(short[] h) {
        int[] p = new int[(h.length + 1) / 2];
        for (int i = 0; i < h.length; i++) {
            p[i / 2] |= (h[i] & 0xffff) << (16 * (i % 2));
        }
        return p;
    }

    public static short[] unpack(int[] p) {
        short[] h = new short[p.length * 2];
        for (int i = 0; i < h.length; i++) {
            h[i] = (short) (p[i / 2] >>> (16 * (i % 2)));
        }
        return h;
    }
}
