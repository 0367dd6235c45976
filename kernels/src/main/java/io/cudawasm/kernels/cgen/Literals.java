package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.types.ScalarKind;
import java.util.function.Function;

/** Exact C spellings of constants. */
public final class Literals {
    private Literals() {}

    /**
     * A float constant that reads back to the same bits: the shortest decimal form when it
     * round-trips, else a hexadecimal literal (C99 / C++17). Infinities and NaNs come from
     * {@code special}, which spells a bit pattern in the dialect.
     */
    public static String floating(ScalarKind kind, double value, SpecialFloat special) {
        if (kind == ScalarKind.FLOAT) {
            float f = (float) value;
            if (Float.isNaN(f) || Float.isInfinite(f)) {
                return special.bits(true, Float.floatToRawIntBits(f) & 0xFFFF_FFFFL);
            }
            String s = Float.toString(f);
            if (Float.floatToRawIntBits(Float.parseFloat(s)) != Float.floatToRawIntBits(f)) {
                s = Float.toHexString(f);
            }
            return s + "f";
        }
        if (Double.isNaN(value) || Double.isInfinite(value)) {
            return special.bits(false, Double.doubleToRawLongBits(value));
        }
        String s = Double.toString(value);
        if (Double.doubleToRawLongBits(Double.parseDouble(s)) != Double.doubleToRawLongBits(value)) {
            s = Double.toHexString(value);
        }
        return s;
    }

    /** Spells a float or double from its bits (for infinities and NaNs). */
    @FunctionalInterface
    public interface SpecialFloat {
        String bits(boolean single, long bits);
    }

    /**
     * An integer constant of the given kind: {@code suffix} gives the literal suffix of 64-bit
     * kinds ("L", "LL"), {@code typeName} spells the cast narrow kinds need.
     */
    public static String integer(ScalarKind kind, long value, Function<ScalarKind, String> suffix,
            Function<ScalarKind, String> typeName) {
        switch (kind) {
            case INT -> {
                int v = (int) value;
                return v == Integer.MIN_VALUE ? "(-2147483647 - 1)" : v < 0 ? "(" + v + ")" : Integer.toString(v);
            }
            case UINT -> {
                return (value & 0xFFFF_FFFFL) + "u";
            }
            case LONG, LONGLONG -> {
                String sfx = suffix.apply(kind);
                return value == Long.MIN_VALUE ? "(-9223372036854775807" + sfx + " - 1" + sfx + ")"
                        : value < 0 ? "(" + value + sfx + ")" : value + sfx;
            }
            case ULONG, ULONGLONG -> {
                return Long.toUnsignedString(value) + "U" + suffix.apply(kind);
            }
            default -> {
                long v = kind == ScalarKind.BOOL ? (value != 0 ? 1 : 0) : value;
                return "((" + typeName.apply(kind) + ")" + (v < 0 ? "(" + v + ")" : Long.toString(v)) + ")";
            }
        }
    }
}
