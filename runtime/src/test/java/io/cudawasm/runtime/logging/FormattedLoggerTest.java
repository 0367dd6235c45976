package io.cudawasm.runtime.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.slf4j.event.Level;

class FormattedLoggerTest {
    @Test
    void anEventIsOneLineOfJsonWithItsExceptionAndStack() throws Exception {
        String line = FormattedLogger.jsonLine(Instant.parse("2026-01-02T03:04:05.678901Z"), Level.WARN, "io.cudawasm.x",
                "main", "kernel \"saxpy\"\nfailed", new IllegalStateException("boom"));
        assertEquals(1, line.lines().count(), "newlines inside the message and stack are escaped");
        JsonNode event = new ObjectMapper().readTree(line);
        assertEquals("2026-01-02T03:04:05.678Z", event.path("time").asText());
        assertEquals("WARN", event.path("level").asText());
        assertEquals("kernel \"saxpy\"\nfailed", event.path("message").asText());
        assertEquals("java.lang.IllegalStateException: boom", event.path("error").asText());
        assertTrue(event.path("stack").asText().contains("at io.cudawasm.runtime.logging.FormattedLoggerTest"), line);
    }

    @Test
    void theFormatIsTextOrJson() {
        assertEquals(LogFormat.TEXT, LogFormat.parse(null));
        assertEquals(LogFormat.JSON, LogFormat.parse(" JSON "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LogFormat.parse("yaml"));
        assertEquals("CUDA_WASM_LOG_FORMAT / --log-format: expected text or json, got 'yaml'", e.getMessage());
    }
}
