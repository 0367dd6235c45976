package io.cudawasm.kernels.source;

/**
 * One compiler message, anchored to file:line:column with the source line quoted, in the form
 * users know from gcc and nvcc.
 */
public record Diagnostic(Severity severity, String message, String file, int line, int column, String sourceLine) {

    public static Diagnostic error(SourcePos pos, String message) {
        return of(Severity.ERROR, pos, message);
    }

    public static Diagnostic warning(SourcePos pos, String message) {
        return of(Severity.WARNING, pos, message);
    }

    public static Diagnostic of(Severity severity, SourcePos pos, String message) {
        return new Diagnostic(severity, message, pos.fileName(), pos.line(), pos.column(), pos.sourceLine());
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** {@code file:line:col: error: message}, the source line and a caret under the column. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sb.append(file).append(':').append(line).append(':').append(column).append(": ")
                .append(severity.label()).append(": ").append(message);
        if (sourceLine != null && !sourceLine.isEmpty()) {
            String gutter = String.format("%5d | ", line);
            sb.append('\n').append(gutter).append(sourceLine).append('\n');
            sb.append(" ".repeat(gutter.length() - 2)).append("| ");
            for (int i = 0; i < column - 1 && i < sourceLine.length(); i++) {
                sb.append(sourceLine.charAt(i) == '\t' ? '\t' : ' ');
            }
            sb.append('^');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return file + ":" + line + ":" + column + ": " + severity.label() + ": " + message;
    }
}
