package io.cudawasm.nutanix.prism.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The part of OData {@code $filter} the simulator understands: comparisons {@code path eq|ne literal},
 * joined by {@code and} (binding tighter) and {@code or}, no parentheses. A path walks JSON objects with
 * {@code /} ({@code cluster/extId}, {@code physicalGpuConfig/deviceName}); a literal is a quoted string
 * (quotes doubled inside), a number, {@code true}, {@code false} or {@code null}. String comparison is
 * case-sensitive, as OData's {@code eq} is.
 */
final class ODataFilter {
    private static final Pattern COMPARISON = Pattern.compile(
            "\\s*([A-Za-z_$][A-Za-z0-9_/]*)\\s+(eq|ne)\\s+('(?:[^']|'')*'|-?\\d+(?:\\.\\d+)?|true|false|null)\\s*");

    private ODataFilter() {}

    /** The predicate for this {@code $filter}; everything matches an empty one. */
    static Predicate<JsonNode> parse(String filter) {
        if (filter == null || filter.isBlank()) {
            return e -> true;
        }
        Predicate<JsonNode> any = null;
        for (String alternative : splitOutsideQuotes(filter, " or ")) {
            Predicate<JsonNode> all = null;
            for (String comparison : splitOutsideQuotes(alternative, " and ")) {
                Predicate<JsonNode> p = comparison(comparison);
                all = all == null ? p : all.and(p);
            }
            any = any == null ? all : any.or(all);
        }
        return any;
    }

    private static Predicate<JsonNode> comparison(String text) {
        Matcher m = COMPARISON.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("unsupported $filter expression: " + text.trim());
        }
        String[] path = m.group(1).split("/");
        boolean equal = m.group(2).equals("eq");
        String literal = m.group(3);
        Predicate<JsonNode> test;
        if (literal.startsWith("'")) {
            String value = literal.substring(1, literal.length() - 1).replace("''", "'");
            test = n -> n.isValueNode() && !n.isNull() && n.asText().equals(value);
        } else if (literal.equals("null")) {
            test = n -> n.isMissingNode() || n.isNull();
        } else if (literal.equals("true") || literal.equals("false")) {
            boolean value = Boolean.parseBoolean(literal);
            test = n -> n.isBoolean() && n.asBoolean() == value;
        } else {
            double value = Double.parseDouble(literal);
            test = n -> n.isNumber() && n.asDouble() == value;
        }
        Predicate<JsonNode> atPath = entity -> {
            JsonNode n = entity;
            for (String step : path) {
                n = n.path(step);
            }
            return test.test(n);
        };
        return equal ? atPath : atPath.negate();
    }

    /** Splits on a keyword (with its spaces) that does not lie inside a quoted string. */
    private static List<String> splitOutsideQuotes(String text, String keyword) {
        List<String> parts = new ArrayList<>();
        boolean quoted = false;
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\'') {
                quoted = !quoted;
            } else if (!quoted && text.regionMatches(true, i, keyword, 0, keyword.length())) {
                parts.add(text.substring(start, i));
                start = i + keyword.length();
                i = start - 1;
            }
        }
        parts.add(text.substring(start));
        return parts;
    }
}
