package io.cudawasm.runtime.backend.check;

import io.cudawasm.runtime.data.ElementType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * How two versions of one output buffer differ.
 *
 * @param maxUlps the largest float distance seen (0 for integer buffers)
 * @param examples the first few differing elements, for messages
 */
public record BufferComparison(String name, ElementType type, int elements, int mismatches, long maxUlps,
        List<String> examples) {

    public BufferComparison {
        examples = List.copyOf(examples);
    }

    public boolean passed() {
        return mismatches == 0;
    }

    /** Compares element by element; {@code a} and {@code b} are labels for messages. */
    public static BufferComparison of(String name, ElementType type, byte[] a, byte[] b, Tolerance tolerance,
            String labelA, String labelB) {
        if (a.length != b.length) {
            return new BufferComparison(name, type, 0, 1, 0, List.of("sizes differ: " + a.length + " vs " + b.length
                    + " bytes"));
        }
        ByteBuffer x = ByteBuffer.wrap(a).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer y = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int n = a.length / type.size();
        int bad = 0;
        long worst = 0;
        List<String> examples = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int at = i * type.size();
            long ulps;
            boolean same;
            if (type == ElementType.F32) {
                float p = x.getFloat(at);
                float q = y.getFloat(at);
                ulps = UlpDistance.of(p, q);
                same = tolerance.ulps() == 0 ? Float.floatToRawIntBits(p) == Float.floatToRawIntBits(q)
                        || Float.isNaN(p) && Float.isNaN(q) : ulps <= tolerance.ulps();
            } else if (type == ElementType.F64) {
                double p = x.getDouble(at);
                double q = y.getDouble(at);
                ulps = UlpDistance.of(p, q);
                same = tolerance.ulps() == 0 ? Double.doubleToRawLongBits(p) == Double.doubleToRawLongBits(q)
                        || Double.isNaN(p) && Double.isNaN(q) : ulps <= tolerance.ulps();
            } else {
                ulps = 0;
                same = type.getLong(x, at) == type.getLong(y, at);
            }
            if (type.isFloating() && ulps != Long.MAX_VALUE) {
                worst = Math.max(worst, ulps);
            }
            if (!same) {
                bad++;
                if (examples.size() < 5) {
                    examples.add("[" + i + "] " + labelA + "=" + show(type, x, at) + " " + labelB + "="
                            + show(type, y, at) + (type.isFloating() ? " (" + (ulps == Long.MAX_VALUE ? "inf"
                            : Long.toString(ulps)) + " ulp)" : ""));
                }
            }
        }
        return new BufferComparison(name, type, n, bad, worst, examples);
    }

    private static String show(ElementType t, ByteBuffer b, int at) {
        return switch (t) {
            case F32 -> Float.toString(b.getFloat(at));
            case F64 -> Double.toString(b.getDouble(at));
            case U64 -> Long.toUnsignedString(b.getLong(at));
            default -> Long.toString(t.getLong(b, at));
        };
    }

    public String format() {
        return name + " (" + elements + " x " + type.name().toLowerCase(java.util.Locale.ROOT) + "): "
                + (passed() ? "match" : mismatches + " differ") + (type.isFloating() ? ", max " + maxUlps + " ulp" : "")
                + (examples.isEmpty() ? "" : "; " + String.join("; ", examples));
    }
}
