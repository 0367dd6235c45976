package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/** The API's JSON settings: strict on input (unknown fields, duplicate keys, trailing data are errors). */
public final class Json {
    private Json() {}

    public static ObjectMapper mapper() {
        ObjectMapper m = new ObjectMapper();
        m.configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, true);
        m.configure(DeserializationFeature.FAIL_ON_TRAILING_TOKENS, true);
        m.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
        return m;
    }
}
