package io.cudawasm.kernels.cgen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.types.ScalarKind;
import org.junit.jupiter.api.Test;

/** Constants must read back to the same bits in C. */
class LiteralsTest {
    private static final Literals.SpecialFloat BITS = (single, bits) -> (single ? "F" : "D") + Long.toHexString(bits);

    @Test
    void floatsRoundTripThroughTheirText() {
        for (float f : new float[] {0.1f, 1.0f / 3, 16777217f, Float.MIN_VALUE, Float.MAX_VALUE, -2.5e-38f, 3.0e10f}) {
            String text = Literals.floating(ScalarKind.FLOAT, f, BITS);
            String number = text.substring(0, text.length() - 1);
            float back = Float.parseFloat(number); // Java reads C99 hexadecimal floats too
            assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(back), text);
        }
        assertEquals("-0.0f", Literals.floating(ScalarKind.FLOAT, -0.0, BITS));
        assertEquals("0.1", Literals.floating(ScalarKind.DOUBLE, 0.1, BITS));
    }

    @Test
    void infinitiesAndNansAreSpelledFromTheirBits() {
        assertEquals("F7f800000", Literals.floating(ScalarKind.FLOAT, Double.POSITIVE_INFINITY, BITS));
        assertEquals("D7ff8000000000000", Literals.floating(ScalarKind.DOUBLE, Double.NaN, BITS));
    }

    @Test
    void integersCarryTheirType() {
        assertEquals("(-2147483647 - 1)", Literals.integer(ScalarKind.INT, Integer.MIN_VALUE, k -> "L", k -> "t"));
        assertEquals("4294967295u", Literals.integer(ScalarKind.UINT, -1, k -> "L", k -> "t"));
        assertEquals("(-9223372036854775807LL - 1LL)", Literals.integer(ScalarKind.LONGLONG, Long.MIN_VALUE,
                k -> "LL", k -> "t"));
        assertEquals("18446744073709551615UL", Literals.integer(ScalarKind.ULONG, -1, k -> "L", k -> "t"));
        assertEquals("((uchar)200)", Literals.integer(ScalarKind.UCHAR, 200, k -> "L", k -> "uchar"));
        assertEquals("((char)(-3))", Literals.integer(ScalarKind.CHAR, -3, k -> "L", k -> "char"));
    }
}
