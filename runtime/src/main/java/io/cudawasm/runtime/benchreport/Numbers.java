package io.cudawasm.runtime.benchreport;

import java.util.Locale;

/** How the report writes numbers: about three significant digits, "n/a" for what is not known. */
final class Numbers {
    private Numbers() {}

    static String sig(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        if (Double.isInfinite(v)) {
            return v > 0 ? "inf" : "-inf";
        }
        double a = Math.abs(v);
        if (a >= 100 || a == 0) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        if (a >= 1) {
            return String.format(Locale.ROOT, "%.2f", v);
        }
        if (a >= 0.01) {
            return String.format(Locale.ROOT, "%.3f", v);
        }
        return String.format(Locale.ROOT, "%.3g", v);
    }

    /** "12.3 ± 0.4 ms/op", or "12.3 ms/op" when there is no error. */
    static String score(Measurement m) {
        String error = Double.isFinite(m.error()) ? " \u00b1 " + sig(m.error()) : "";
        return sig(m.score()) + error + " " + m.unit().text();
    }

    /** "2.00x [1.71, 2.34]". */
    static String speedUp(Estimate e) {
        String value = sig(e.value()) + "x";
        return e.hasInterval() ? value + " [" + sig(e.low()) + ", " + sig(e.high()) + "]" : value + " [no CI]";
    }

    /** The confidence level as a percentage: "99.9%". */
    static String percent(double confidence) {
        String s = String.format(Locale.ROOT, "%.4f", confidence * 100).replaceAll("0+$", "").replaceAll("\\.$", "");
        return s + "%";
    }
}
