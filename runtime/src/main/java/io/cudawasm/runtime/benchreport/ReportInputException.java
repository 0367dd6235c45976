package io.cudawasm.runtime.benchreport;

/**
 * Input the report cannot use: a missing or unreadable file, something that is not a result file,
 * result files with nothing to compare. The message is one line meant for the person who ran the
 * command, so the command prints it instead of a stack trace.
 */
public final class ReportInputException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ReportInputException(String message) {
        super(message);
    }

    public ReportInputException(String message, Throwable cause) {
        super(message, cause);
    }
}
