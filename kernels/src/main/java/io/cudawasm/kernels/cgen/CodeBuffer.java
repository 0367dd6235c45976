package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.List;

/** Generated C text, line by line, with the CUDA position each line came from and indentation. */
public final class CodeBuffer {
    private final List<String> lines = new ArrayList<>();
    private final List<SourcePos> origins = new ArrayList<>();
    private int depth;
    private SourcePos current;

    /** Positions later lines are attributed to (until the next call). */
    public void at(SourcePos pos) {
        if (pos != null) {
            current = pos;
        }
    }

    public SourcePos current() {
        return current;
    }

    public CodeBuffer line(String text) {
        lines.add(text.isEmpty() ? "" : "    ".repeat(depth) + text);
        origins.add(current);
        return this;
    }

    /** Adds several lines (split at newlines) at the current indentation. */
    public CodeBuffer lines(String text) {
        for (String l : text.split("\n", -1)) {
            line(l);
        }
        return this;
    }

    public void indent() {
        depth++;
    }

    public void outdent() {
        depth--;
    }

    public void append(CodeBuffer other) {
        lines.addAll(other.lines);
        origins.addAll(other.origins);
    }

    public int lineCount() {
        return lines.size();
    }

    public String text() {
        return String.join("\n", lines) + "\n";
    }

    public LineMap lineMap() {
        return new LineMap(origins, lines);
    }
}
