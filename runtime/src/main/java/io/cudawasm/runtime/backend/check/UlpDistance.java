package io.cudawasm.runtime.backend.check;

/** Distance in units in the last place between two floats or doubles. */
public final class UlpDistance {
    private UlpDistance() {}

    /** 0 for identical bits; NaNs are 0 apart from each other and infinitely far from numbers. */
    public static long of(float a, float b) {
        if (Float.isNaN(a) || Float.isNaN(b)) {
            return Float.isNaN(a) && Float.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        return Math.abs(ordered(Float.floatToRawIntBits(a)) - ordered(Float.floatToRawIntBits(b)));
    }

    public static long of(double a, double b) {
        if (Double.isNaN(a) || Double.isNaN(b)) {
            return Double.isNaN(a) && Double.isNaN(b) ? 0 : Long.MAX_VALUE;
        }
        long x = ordered(Double.doubleToRawLongBits(a));
        long y = ordered(Double.doubleToRawLongBits(b));
        long d = x - y;
        return (x > y) != (d > 0) && d != 0 ? Long.MAX_VALUE : Math.abs(d);
    }

    /** Maps float bits onto a line where adjacent floats are adjacent integers (-0 and +0 meet at 0). */
    private static long ordered(int bits) {
        return bits < 0 ? -(long) (bits & 0x7FFF_FFFF) : bits;
    }

    private static long ordered(long bits) {
        return bits < 0 ? -(bits & 0x7FFF_FFFF_FFFF_FFFFL) : bits;
    }
}
