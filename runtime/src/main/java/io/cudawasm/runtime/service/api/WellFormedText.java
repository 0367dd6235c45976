package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;

/**
 * Refuses JSON strings with a lone UTF-16 surrogate ({@code "\ud800"}), in values and in object
 * keys, while the request is parsed: such text cannot be encoded as UTF-8, so it could not be
 * hashed, stored or compiled faithfully. The caller gets a 400 naming the field.
 */
final class WellFormedText {
    private WellFormedText() {}

    static SimpleModule module() {
        SimpleModule m = new SimpleModule("well-formed-text");
        m.addDeserializer(String.class, new Values());
        m.addKeyDeserializer(String.class, new Keys());
        return m;
    }

    /** The index of the first unpaired surrogate, or -1. */
    static int firstLoneSurrogate(CharSequence s) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    private static String check(String value, DeserializationContext ctx) throws IOException {
        int at = value == null ? -1 : firstLoneSurrogate(value);
        if (at >= 0) {
            throw new NotUnicode(ctx.getParser(), "a lone UTF-16 surrogate at character " + at
                    + " is not Unicode text");
        }
        return value;
    }

    /** The refusal, told apart from other mapping errors so the caller sees the reason. */
    static final class NotUnicode extends JsonMappingException {
        private static final long serialVersionUID = 1L;

        NotUnicode(JsonParser p, String message) {
            super(p, message);
        }
    }

    private static final class Values extends StdScalarDeserializer<String> {
        private static final long serialVersionUID = 1L;

        Values() {
            super(String.class);
        }

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
            return check(StringDeserializer.instance.deserialize(p, ctx), ctx);
        }
    }

    private static final class Keys extends KeyDeserializer {
        @Override
        public Object deserializeKey(String key, DeserializationContext ctx) throws IOException {
            return check(key, ctx);
        }
    }
}
