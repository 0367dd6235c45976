package io.cudawasm.runtime.backend.wasm.math;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Collects bit-exact expectations for special arguments, calling each function through its registered raw handle.
 * NaN expectations accept any NaN; everything else (signed zeros, infinities, exact values) must match bit for bit.
 */
final class SpecialCases {

    static final float FNAN = Float.NaN;
    static final float FINF = Float.POSITIVE_INFINITY;
    static final double NAN = Double.NaN;
    static final double INF = Double.POSITIVE_INFINITY;

    private final List<String> failures = new ArrayList<>();
    private int checked;

    static long[] raw(MathFunction fn, double... args) {
        long[] raw = new long[args.length];
        for (int i = 0; i < args.length; i++) {
            ValueKind k = fn.params().get(i);
            raw[i] = k == ValueKind.F32 ? Float.floatToRawIntBits((float) args[i])
                    : k == ValueKind.F64 ? Double.doubleToRawLongBits(args[i]) : (long) args[i];
        }
        return raw;
    }

    static MathFunction fn(String name) {
        return DeviceMath.lookup(name).orElseThrow(() -> new AssertionError("missing " + name));
    }

    /** Float function (float or int arguments) must return exactly {@code expected}. */
    SpecialCases f(String name, float expected, double... args) {
        checked++;
        float actual = Float.intBitsToFloat((int) fn(name).handle().apply(raw(fn(name), args)));
        boolean ok = Float.isNaN(expected) ? Float.isNaN(actual)
                : Float.floatToRawIntBits(expected) == Float.floatToRawIntBits(actual);
        if (!ok) {
            failures.add(name + Arrays.toString(args) + ": expected " + Float.toHexString(expected)
                    + " got " + Float.toHexString(actual));
        }
        return this;
    }

    /** Double function must return exactly {@code expected}. */
    SpecialCases d(String name, double expected, double... args) {
        checked++;
        double actual = Double.longBitsToDouble(fn(name).handle().apply(raw(fn(name), args)));
        boolean ok = Double.isNaN(expected) ? Double.isNaN(actual)
                : Double.doubleToRawLongBits(expected) == Double.doubleToRawLongBits(actual);
        if (!ok) {
            failures.add(name + Arrays.toString(args) + ": expected " + Double.toHexString(expected)
                    + " got " + Double.toHexString(actual));
        }
        return this;
    }

    /** Both precisions: {@code name + "f"} on float values and {@code name} on doubles. */
    SpecialCases both(String name, double expected, double... args) {
        f(name + "f", (float) expected, args);
        return d(name, expected, args);
    }

    void verify() {
        assertTrue(checked > 0);
        assertTrue(failures.isEmpty(), () -> failures.size() + " of " + checked + " special cases wrong:\n"
                + String.join("\n", failures));
    }
}
