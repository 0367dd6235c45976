package io.cudawasm.nutanix.deploy;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses the durations people type: {@code 90s}, {@code 5m}, {@code 1h30m}, plain seconds, or ISO-8601 {@code PT5M}. */
public final class Durations {
    private static final Pattern PART = Pattern.compile("(\\d+)(h|m|s)");

    private Durations() {}

    public static Duration parse(String text) {
        String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
        if (t.matches("\\d+")) {
            return Duration.ofSeconds(Long.parseLong(t));
        }
        if (t.startsWith("pt")) {
            try {
                return Duration.parse(t.toUpperCase(Locale.ROOT));
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("duration '" + text + "' is not valid ISO-8601", e);
            }
        }
        Matcher m = PART.matcher(t);
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find() && m.start() == end) {
            long n = Long.parseLong(m.group(1));
            total = total.plus(switch (m.group(2)) {
                case "h" -> Duration.ofHours(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end == 0 || end != t.length()) {
            throw new IllegalArgumentException("duration '" + text + "' must look like 90s, 5m or 1h30m");
        }
        return total;
    }
}
