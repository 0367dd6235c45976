package io.cudawasm.kernels.types;

/** The arithmetic types, with CUDA's sizes on 64-bit Linux. */
public enum ScalarKind {
    BOOL("bool", 1, false, 0),
    CHAR("char", 1, true, 1),
    SCHAR("signed char", 1, true, 1),
    UCHAR("unsigned char", 1, false, 1),
    SHORT("short", 2, true, 2),
    USHORT("unsigned short", 2, false, 2),
    INT("int", 4, true, 3),
    UINT("unsigned int", 4, false, 3),
    LONG("long", 8, true, 4),
    ULONG("unsigned long", 8, false, 4),
    LONGLONG("long long", 8, true, 5),
    ULONGLONG("unsigned long long", 8, false, 5),
    FLOAT("float", 4, true, 10),
    DOUBLE("double", 8, true, 11);

    private final String spelling;
    private final int size;
    private final boolean signed;
    private final int rank;

    ScalarKind(String spelling, int size, boolean signed, int rank) {
        this.spelling = spelling;
        this.size = size;
        this.signed = signed;
        this.rank = rank;
    }

    public String spelling() {
        return spelling;
    }

    public int size() {
        return size;
    }

    public int bits() {
        return size * 8;
    }

    /** Signed integers and floating types; bool and the unsigned integers are not. */
    public boolean isSigned() {
        return signed;
    }

    public boolean isUnsigned() {
        return isInteger() && !signed;
    }

    public boolean isInteger() {
        return rank < 10;
    }

    public boolean isFloating() {
        return rank >= 10;
    }

    /** C's integer conversion rank (bool lowest); floating types rank above all integers. */
    public int rank() {
        return rank;
    }

    /** The unsigned type of the same rank. */
    public ScalarKind toUnsigned() {
        return switch (this) {
            case CHAR, SCHAR, UCHAR -> UCHAR;
            case SHORT, USHORT -> USHORT;
            case INT, UINT -> UINT;
            case LONG, ULONG -> ULONG;
            case LONGLONG, ULONGLONG -> ULONGLONG;
            default -> this;
        };
    }

    /** True for 64-bit integers (long, long long and their unsigned forms). */
    public boolean is64BitInteger() {
        return isInteger() && size == 8;
    }
}
