package io.cudawasm.runtime.service.config;

import java.util.Locale;
import java.util.Set;

/**
 * Maps {@code CUDA_WASM_LOG_LEVEL} onto slf4j-simple, which reads system properties when loggers
 * are created: set before the worker's classes load. Jetty stays at warn, and at info for debug or
 * trace: its debug output prints raw request headers, bearer tokens included, so no log level of
 * the worker turns it on. A property given with {@code -D} wins (a developer's explicit choice).
 */
public final class LogLevels {
    private static final String PREFIX = "org.slf4j.simpleLogger.";
    private static final Set<String> LEVELS = Set.of("trace", "debug", "info", "warn", "error", "off");

    private LogLevels() {}

    public static void apply(String level) {
        String l = level.toLowerCase(Locale.ROOT);
        if (!LEVELS.contains(l)) {
            throw new IllegalArgumentException("CUDA_WASM_LOG_LEVEL: expected one of " + LEVELS + ", got '" + level + "'");
        }
        boolean verbose = l.equals("debug") || l.equals("trace");
        setDefault(PREFIX + "defaultLogLevel", l);
        setDefault(PREFIX + "log.io.cudawasm", l);
        setDefault(PREFIX + "log.org.eclipse.jetty", verbose ? "info" : "warn");
        setDefault(PREFIX + "log.io.javalin", verbose ? l : "warn");
        setDefault(PREFIX + "showDateTime", "true");
        setDefault(PREFIX + "dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSZ");
    }

    private static void setDefault(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }
}
