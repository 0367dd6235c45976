package io.cudawasm.runtime.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Packs a struct passed by value from typed fields, with C's natural alignment:
 * {@code f32=9.81,f32=0.1,i32=3} for {@code struct {float g; float drag; int steps;}}.
 */
public final class StructPacker {
    private StructPacker() {}

    public record FieldValue(ElementType type, String value) {}

    public static List<FieldValue> parse(String text) {
        List<FieldValue> fields = new ArrayList<>();
        for (String part : text.split(",")) {
            int eq = part.indexOf('=');
            if (eq < 0) {
                throw new IllegalArgumentException("struct field '" + part + "' must be TYPE=VALUE, e.g. f32=1.5");
            }
            fields.add(new FieldValue(ElementType.parse(part.substring(0, eq).trim()), part.substring(eq + 1).trim()));
        }
        return fields;
    }

    /** The struct's bytes, padded to {@code size} (its sizeof). */
    public static byte[] pack(List<FieldValue> fields, int size) {
        int offset = 0;
        int align = 1;
        List<int[]> placed = new ArrayList<>();
        for (FieldValue f : fields) {
            int a = f.type().size();
            offset = (offset + a - 1) / a * a;
            placed.add(new int[] {offset});
            offset += f.type().size();
            align = Math.max(align, a);
        }
        int natural = (offset + align - 1) / align * align;
        if (natural != size && offset > size) {
            throw new IllegalArgumentException("the fields take " + offset + " bytes but the struct has " + size);
        }
        ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < fields.size(); i++) {
            FieldValue f = fields.get(i);
            int at = placed.get(i)[0];
            if (f.type().isFloating()) {
                f.type().put(b, at, Double.parseDouble(f.value()));
            } else {
                f.type().putLong(b, at, Long.decode(f.value()));
            }
        }
        return b.array();
    }
}
