package io.cudawasm.kernels.source;

import java.util.Arrays;

/** A named source text with a line index, so diagnostics can quote the offending line. */
public final class SourceFile {
    private final String name;
    private final String text;
    private final int[] lineStarts;

    public SourceFile(String name, String text) {
        this.name = name;
        this.text = text;
        int[] starts = new int[16];
        int n = 0;
        starts[n++] = 0;
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                if (n == starts.length) {
                    starts = Arrays.copyOf(starts, n * 2);
                }
                starts[n++] = i + 1;
            }
        }
        this.lineStarts = Arrays.copyOf(starts, n);
    }

    public String name() {
        return name;
    }

    public String text() {
        return text;
    }

    public int lineCount() {
        return lineStarts.length;
    }

    /** The text of a 1-based line, without its line terminator; empty when out of range. */
    public String line(int line) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return text.substring(start, Math.max(start, end));
    }

    /** The length of a 1-based line without its terminator; 0 when out of range. */
    public int lineLength(int line) {
        if (line < 1 || line > lineStarts.length) {
            return 0;
        }
        int start = lineStarts[line - 1];
        int end = line < lineStarts.length ? lineStarts[line] - 1 : text.length();
        if (end > start && text.charAt(end - 1) == '\r') {
            end--;
        }
        return Math.max(0, end - start);
    }

    /** Characters {@code from} (inclusive) to {@code to} (exclusive) of a 1-based line, 0-based. */
    public String lineSlice(int line, int from, int to) {
        if (line < 1 || line > lineStarts.length) {
            return "";
        }
        int start = lineStarts[line - 1];
        int length = lineLength(line);
        int a = Math.max(0, Math.min(from, length));
        int b = Math.max(a, Math.min(to, length));
        return text.substring(start + a, start + b);
    }

    /** The 1-based line of a character offset. */
    public int lineOf(int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    /** The 1-based column of a character offset. */
    public int columnOf(int offset) {
        return offset - lineStarts[lineOf(offset) - 1] + 1;
    }

    public SourcePos pos(int offset) {
        return new SourcePos(this, lineOf(offset), columnOf(offset));
    }

    @Override
    public String toString() {
        return name;
    }
}
