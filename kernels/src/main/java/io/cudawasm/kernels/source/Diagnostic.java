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

    /** Characters quoted before the column when a long line is cut (marked by a leading {@link #ELIDED}). */
    static final int QUOTED_BEFORE = 100;
    /** Characters quoted from the column on. */
    static final int QUOTED_AFTER = 200;
    static final char ELIDED = '\u2026';

    public static Diagnostic of(Severity severity, SourcePos pos, String message) {
        return new Diagnostic(severity, message, pos.fileName(), pos.line(), pos.column(),
                quotedLine(pos.file(), pos.line(), pos.column()));
    }

    /**
     * The source line, or for a long one (a minified or hostile source can be one 64 MiB line, and
     * every diagnostic keeps its copy) the part around the column, with the elided start marked.
     */
    private static String quotedLine(SourceFile file, int line, int column) {
        int length = file.lineLength(line);
        if (length <= QUOTED_BEFORE + QUOTED_AFTER) {
            return file.line(line);
        }
        int caret = Math.max(0, Math.min(column - 1, length));
        int from = caret > QUOTED_BEFORE ? caret - QUOTED_BEFORE : 0;
        return (from > 0 ? String.valueOf(ELIDED) : "") + file.lineSlice(line, from, caret + QUOTED_AFTER);
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
            int caret = column - 1 > QUOTED_BEFORE && sourceLine.charAt(0) == ELIDED ? QUOTED_BEFORE + 1 : column - 1;
            for (int i = 0; i < caret && i < sourceLine.length(); i++) {
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
