package io.cudawasm.runtime.logging;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.AbstractLogger;
import org.slf4j.helpers.MessageFormatter;

/**
 * One logger in the format of the moment: in {@link LogFormat#TEXT} it hands the call to slf4j-simple's
 * logger unchanged; in {@link LogFormat#JSON} it writes one line to standard error:
 * {@code {"time","level","logger","thread","message"}} plus {@code "error"} and {@code "stack"} for an
 * exception. Levels are always slf4j-simple's, so {@code CUDA_WASM_LOG_LEVEL} means the same in both.
 */
final class FormattedLogger extends AbstractLogger {
    private static final long serialVersionUID = 1L;
    private static final JsonFactory JSON = new JsonFactory();
    private static final Object LOCK = new Object();

    private final transient Logger text;

    FormattedLogger(Logger text) {
        this.text = text;
        this.name = text.getName();
    }

    @Override
    public boolean isTraceEnabled() { return text.isTraceEnabled(); }
    @Override
    public boolean isTraceEnabled(Marker marker) { return text.isTraceEnabled(marker); }
    @Override
    public boolean isDebugEnabled() { return text.isDebugEnabled(); }
    @Override
    public boolean isDebugEnabled(Marker marker) { return text.isDebugEnabled(marker); }
    @Override
    public boolean isInfoEnabled() { return text.isInfoEnabled(); }
    @Override
    public boolean isInfoEnabled(Marker marker) { return text.isInfoEnabled(marker); }
    @Override
    public boolean isWarnEnabled() { return text.isWarnEnabled(); }
    @Override
    public boolean isWarnEnabled(Marker marker) { return text.isWarnEnabled(marker); }
    @Override
    public boolean isErrorEnabled() { return text.isErrorEnabled(); }
    @Override
    public boolean isErrorEnabled(Marker marker) { return text.isErrorEnabled(marker); }

    @Override
    protected String getFullyQualifiedCallerName() {
        return null;
    }

    @Override
    protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
            Throwable throwable) {
        if (LogFormat.current() == LogFormat.TEXT) {
            var event = text.atLevel(level).setMessage(pattern).setCause(throwable);
            if (marker != null) {
                event.addMarker(marker);
            }
            if (arguments != null) {
                for (Object argument : arguments) {
                    event.addArgument(argument);
                }
            }
            event.log();
            return;
        }
        String line = jsonLine(Instant.now(), level, name, Thread.currentThread().getName(),
                MessageFormatter.basicArrayFormat(pattern, arguments), throwable);
        synchronized (LOCK) {
            System.err.println(line);
            System.err.flush();
        }
    }

    /** One event as a JSON object on one line. */
    static String jsonLine(Instant time, Level level, String logger, String thread, String message, Throwable throwable) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = JSON.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("time", time.truncatedTo(ChronoUnit.MILLIS).toString());
            g.writeStringField("level", level.name());
            g.writeStringField("logger", logger);
            g.writeStringField("thread", thread);
            g.writeStringField("message", message);
            if (throwable != null) {
                g.writeStringField("error", throwable.getClass().getName()
                        + (throwable.getMessage() == null ? "" : ": " + throwable.getMessage()));
                StringWriter stack = new StringWriter();
                throwable.printStackTrace(new PrintWriter(stack));
                g.writeStringField("stack", stack.toString());
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
