package io.cudawasm.runtime.benchreport;

import java.util.Locale;

/** What the columns of a comparison are. */
public enum ComparisonAxis {
    /** One column per result file: passthrough against vGPU, one release against another. */
    FILE,
    /** One column per back end (per file and back end with several files): GPU against CPU on one host. */
    BACKEND;

    /** The benchmark parameter that names the back end. */
    public static final String BACKEND_PARAM = "backend";

    public static ComparisonAxis parse(String text) {
        try {
            return valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ReportInputException("--by: expected 'file' or 'backend', got '" + text + "'");
        }
    }
}
