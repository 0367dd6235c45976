package io.cudawasm.runtime.testing;

import io.cudawasm.runtime.testing.Binary16.Mode;
import java.math.BigDecimal;

/**
 * A Java reference for bfloat16 (CUDA's {@code __nv_bfloat16}: float's sign and 8 exponent bits,
 * 7 fraction bits), independent of the compiler's bit sequences: every bfloat16 is a float, so a
 * real value is rounded by a binary search over the bit patterns (ordered as their magnitudes) for
 * its two neighbours, compared as exact decimals, and a choice between them by the rounding mode.
 * Arithmetic is exact in {@link BigDecimal} (division to 80 digits, far finer than any midpoint a
 * quotient of two bfloat16 can come near) and rounded once. NaN results are CUDA's canonical
 * {@code 0x7fff}; a NaN converted to float keeps its bits, as CUDA's {@code __bfloat162float}.
 */
public final class BFloat16 {
    public static final short NAN = 0x7fff;
    public static final short INF = 0x7f80;
    private static final BigDecimal TWO_128 = new BigDecimal(0x1p127).multiply(BigDecimal.valueOf(2));

    private BFloat16() {}

    /** The magnitude of bit pattern i <= 0x7f80; 0x7f80 stands for 2^128, where rounding past the largest lands. */
    private static BigDecimal magnitude(int i) {
        return i == INF ? TWO_128 : new BigDecimal(Float.intBitsToFloat(i << 16));
    }

    /** The bfloat16 nearest (by {@code mode}) to an exact nonzero real value; never NaN. */
    public static short round(BigDecimal exact, Mode mode) {
        boolean negative = exact.signum() < 0;
        BigDecimal x = exact.abs();
        int lo = 0;
        int hi = INF;
        if (x.compareTo(TWO_128) >= 0) {
            lo = INF;
        } else {
            while (hi - lo > 1) { // magnitude(lo) <= x < magnitude(hi)
                int mid = (lo + hi) >>> 1;
                if (magnitude(mid).compareTo(x) <= 0) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
        }
        int bits;
        if (lo == INF || magnitude(lo).compareTo(x) == 0) {
            bits = lo == INF && towardZero(mode, negative) ? INF - 1 : lo;
        } else {
            bits = switch (mode) {
                case TOWARD_ZERO -> lo;
                case DOWN -> negative ? hi : lo;
                case UP -> negative ? lo : hi;
                case NEAREST_EVEN -> {
                    int c = x.subtract(magnitude(lo)).compareTo(magnitude(hi).subtract(x));
                    yield c < 0 ? lo : c > 0 ? hi : (lo % 2 == 0 ? lo : hi);
                }
            };
            if (bits == INF && towardZero(mode, negative)) {
                bits = INF - 1;
            }
        }
        return (short) (bits | (negative ? 0x8000 : 0));
    }

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

    public static short fromLong(long n, Mode mode) {
        return n == 0 ? 0 : round(BigDecimal.valueOf(n), mode);
    }

    /** The exact value as a float: the bits shifted up (a NaN keeps its payload). */
    public static float toFloat(short h) {
        return Float.intBitsToFloat((h & 0xffff) << 16);
    }

    public static boolean isNaN(short h) {
        return (h & 0x7fff) > INF;
    }

    private static boolean finite(short h) {
        return (h & 0x7f80) != INF;
    }

    private static BigDecimal exact(short h) {
        return new BigDecimal(toFloat(h));
    }

    /** This format as {@link SixteenBitArithmetic} sees it. */
    private static final SixteenBitArithmetic.Format FORMAT = new SixteenBitArithmetic.Format(BFloat16::exact,
            BFloat16::finite, BFloat16::isNaN, BFloat16::toFloat, x -> round(x, Mode.NEAREST_EVEN),
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
}
