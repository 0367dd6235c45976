package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.types.ScalarType;
import java.util.Locale;
import java.util.Optional;

/** The fundamental PTX types; half-precision types are carried as their bits. */
public enum PtxType {
    PRED(1, Kind.PRED),
    B8(8, Kind.BITS), B16(16, Kind.BITS), B32(32, Kind.BITS), B64(64, Kind.BITS),
    U8(8, Kind.UNSIGNED), U16(16, Kind.UNSIGNED), U32(32, Kind.UNSIGNED), U64(64, Kind.UNSIGNED),
    S8(8, Kind.SIGNED), S16(16, Kind.SIGNED), S32(32, Kind.SIGNED), S64(64, Kind.SIGNED),
    F16(16, Kind.HALF), F16X2(32, Kind.HALF), BF16(16, Kind.HALF), BF16X2(32, Kind.HALF),
    F32(32, Kind.FLOAT), F64(64, Kind.FLOAT);

    /** How the bits of a value are interpreted. */
    public enum Kind { PRED, BITS, UNSIGNED, SIGNED, HALF, FLOAT }

    private final int bits;
    private final Kind kind;

    PtxType(int bits, Kind kind) {
        this.bits = bits;
        this.kind = kind;
    }

    public int bits() {
        return bits;
    }

    /** Size in bytes in memory (a predicate is not addressable; 1 for completeness). */
    public int bytes() {
        return Math.max(1, bits / 8);
    }

    public Kind kind() {
        return kind;
    }

    public boolean isFloat() {
        return kind == Kind.FLOAT;
    }

    public boolean isSigned() {
        return kind == Kind.SIGNED;
    }

    /** Integer-like: bit, unsigned and signed types. */
    public boolean isInteger() {
        return kind == Kind.BITS || kind == Kind.UNSIGNED || kind == Kind.SIGNED;
    }

    /** The type named by a modifier such as {@code u32}, if it is one. */
    public static Optional<PtxType> of(String modifier) {
        String m = modifier.startsWith(".") ? modifier.substring(1) : modifier;
        for (PtxType t : values()) {
            if (t.name().toLowerCase(Locale.ROOT).equals(m)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The kernel IR type values of this PTX type are kept in. */
    public ScalarType kir() {
        return switch (this) {
            case PRED -> ScalarType.BOOL;
            case B8, U8 -> ScalarType.UCHAR;
            case S8 -> ScalarType.SCHAR;
            case B16, U16, F16, BF16 -> ScalarType.USHORT;
            case S16 -> ScalarType.SHORT;
            case B32, U32, F16X2, BF16X2 -> ScalarType.UINT;
            case S32 -> ScalarType.INT;
            case B64, U64 -> ScalarType.ULONGLONG;
            case S64 -> ScalarType.LONGLONG;
            case F32 -> ScalarType.FLOAT;
            case F64 -> ScalarType.DOUBLE;
        };
    }

    /** The integer type of the same width and the given signedness. */
    public static PtxType integer(int bits, boolean signed) {
        return switch (bits) {
            case 8 -> signed ? S8 : U8;
            case 16 -> signed ? S16 : U16;
            case 32 -> signed ? S32 : U32;
            case 64 -> signed ? S64 : U64;
            default -> throw new IllegalArgumentException("no " + bits + "-bit integer type");
        };
    }

    public String spelling() {
        return "." + name().toLowerCase(Locale.ROOT);
    }
}
