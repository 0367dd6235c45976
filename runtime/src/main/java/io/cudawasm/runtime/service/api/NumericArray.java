package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.cudawasm.runtime.data.ElementType;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * A device buffer written as a JSON array of numbers straight from its bytes (no boxed list of a
 * million elements). Floats keep their shortest round-trip form; NaN and infinities are written as
 * the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"}.
 */
@JsonSerialize(using = NumericArray.Writer.class)
record NumericArray(ElementType type, byte[] bytes) {

    static final class Writer extends JsonSerializer<NumericArray> {
        @Override
        public void serialize(NumericArray a, JsonGenerator gen, SerializerProvider provider) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(a.bytes()).order(ByteOrder.LITTLE_ENDIAN);
            int size = a.type().size();
            int count = a.bytes().length / size;
            gen.writeStartArray(a, count);
            for (int i = 0; i < count; i++) {
                int at = i * size;
                switch (a.type()) {
                    case F32 -> writeFloat(gen, b.getFloat(at));
                    case F64 -> writeDouble(gen, b.getDouble(at));
                    case U64 -> {
                        long v = b.getLong(at);
                        if (v >= 0) {
                            gen.writeNumber(v);
                        } else {
                            gen.writeNumber(new BigInteger(Long.toUnsignedString(v)));
                        }
                    }
                    default -> gen.writeNumber(a.type().getLong(b, at));
                }
            }
            gen.writeEndArray();
        }

        private static void writeFloat(JsonGenerator gen, float v) throws IOException {
            if (Float.isFinite(v)) {
                gen.writeNumber(v);
            } else {
                gen.writeString(Float.toString(v));
            }
        }

        private static void writeDouble(JsonGenerator gen, double v) throws IOException {
            if (Double.isFinite(v)) {
                gen.writeNumber(v);
            } else {
                gen.writeString(Double.toString(v));
            }
        }
    }
}
