package io.cudawasm.runtime.benchreport;

import java.util.Map;

/**
 * A JMH score unit: time per operation ({@code ms/op}) or operations per time ({@code ops/s}). Scores of
 * the same kind are converted to one unit before they are compared.
 *
 * @param text      the unit as JMH writes it
 * @param perOp     true for time per operation (lower is better), false for operations per time
 * @param seconds   the time unit in seconds
 */
public record ScoreUnit(String text, boolean perOp, double seconds) {
    private static final Map<String, Double> TIME = Map.of("ns", 1e-9, "us", 1e-6, "\u00b5s", 1e-6, "ms", 1e-3,
            "s", 1.0, "min", 60.0, "hr", 3600.0);

    /**
     * Parses {@code ns/op ... s/op} and {@code ops/ns ... ops/s}.
     *
     * @throws IllegalArgumentException for any other unit
     */
    public static ScoreUnit parse(String text) {
        String t = text == null ? "" : text.strip();
        int slash = t.indexOf('/');
        if (slash > 0) {
            String left = t.substring(0, slash);
            String right = t.substring(slash + 1);
            if (right.equals("op") && TIME.containsKey(left)) {
                return new ScoreUnit(t, true, TIME.get(left));
            }
            if (left.equals("ops") && TIME.containsKey(right)) {
                return new ScoreUnit(t, false, TIME.get(right));
            }
        }
        throw new IllegalArgumentException("unknown score unit '" + text + "'");
    }

    /** Whether scores in the two units can be converted into each other. */
    public boolean compatible(ScoreUnit other) {
        return perOp == other.perOp;
    }

    /** The factor that turns a score in this unit into one in {@code target}. */
    public double factorTo(ScoreUnit target) {
        if (!compatible(target)) {
            throw new IllegalArgumentException("cannot convert " + text + " to " + target.text);
        }
        return perOp ? seconds / target.seconds : target.seconds / seconds;
    }

    /** Seconds per operation for a score in this unit. */
    public double secondsPerOp(double score) {
        return perOp ? score * seconds : seconds / score;
    }
}
