package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;

/** One HTTP answer of the simulator, ready to send: status, content type, body and at most one extra header. */
record SimAnswer(int status, String contentType, byte[] body, String headerName, String headerValue) {

    static SimAnswer json(int status, byte[] body) {
        return new SimAnswer(status, "application/json", body, null, null);
    }

    static SimAnswer json(int status, JsonNode body) {
        return json(status, body.toString().getBytes(StandardCharsets.UTF_8));
    }

    SimAnswer withHeader(String name, String value) {
        return new SimAnswer(status, contentType, body, name, value);
    }
}
