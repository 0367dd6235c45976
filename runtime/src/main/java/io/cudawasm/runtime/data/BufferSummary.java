package io.cudawasm.runtime.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * A short description of a result buffer: an exact fingerprint of its bytes (FNV-1a, 64 bit),
 * the sum of its elements, min and max (NaNs counted apart) and its first elements.
 */
public record BufferSummary(String type, long count, String fnv1a64, double sum, double min, double max, long nanCount,
        List<String> first) {

    public static BufferSummary of(byte[] bytes, ElementType type, int firstN) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        long count = bytes.length / type.size();
        double sum = 0;
        double compensation = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nans = 0;
        List<String> first = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int at = i * type.size();
            double v = type.get(b, at);
            if (i < firstN) {
                first.add(type.format(b, at));
            }
            if (Double.isNaN(v)) {
                nans++;
                continue;
            }
            min = Math.min(min, v);
            max = Math.max(max, v);
            // Kahan summation keeps the checksum stable for long float buffers
            double y = v - compensation;
            double t = sum + y;
            compensation = (t - sum) - y;
            sum = t;
        }
        return new BufferSummary(type.cName(), count, fnv1a64(bytes), sum, count == nans ? Double.NaN : min,
                count == nans ? Double.NaN : max, nans, List.copyOf(first));
    }

    public static String fnv1a64(byte[] bytes) {
        long h = 0xcbf29ce484222325L;
        for (byte x : bytes) {
            h ^= x & 0xFF;
            h *= 0x100000001b3L;
        }
        return String.format("%016x", h);
    }

    /** One line for terminals: {@code float[1024] fnv=... sum=... min=... max=... first=[...]}. */
    public String format() {
        return type + "[" + count + "] fnv1a64=" + fnv1a64 + " sum=" + sum + " min=" + min + " max=" + max
                + (nanCount > 0 ? " nan=" + nanCount : "") + " first=" + first;
    }
}
