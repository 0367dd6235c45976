package io.cudawasm.kernels.source;

/** A 1-based line and column in a source file. */
public record SourcePos(SourceFile file, int line, int column) {

    /** A position for things that come from no file (built-ins, command-line defines). */
    public static final SourcePos BUILTIN = new SourcePos(new SourceFile("<built-in>", ""), 1, 1);

    public String fileName() {
        return file.name();
    }

    public String sourceLine() {
        return file.line(line);
    }

    @Override
    public String toString() {
        return file.name() + ":" + line + ":" + column;
    }
}
