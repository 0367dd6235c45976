package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import java.io.IOException;

/**
 * Bytes written as a base64 JSON string by the generator itself, in chunks into its output: a
 * 512 MiB output never becomes a 683 MB Java string.
 */
@JsonSerialize(using = Base64Bytes.Writer.class)
record Base64Bytes(byte[] bytes) {

    static final class Writer extends JsonSerializer<Base64Bytes> {
        @Override
        public void serialize(Base64Bytes b, JsonGenerator gen, SerializerProvider provider) throws IOException {
            gen.writeBinary(b.bytes());
        }
    }
}
