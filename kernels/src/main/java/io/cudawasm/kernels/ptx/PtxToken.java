package io.cudawasm.kernels.ptx;

/**
 * One PTX token. Names keep their dotted modifiers ({@code ld.global.v4.f32}, {@code %tid.x});
 * directives start with a dot ({@code .reg}); numbers keep their spelling for exact decoding.
 *
 * @param offset character offset in the source, for line:column
 * @param line 1-based line, so line-oriented directives ({@code .loc}) can be skipped
 */
public record PtxToken(Kind kind, String text, int offset, int line) {

    public enum Kind { NAME, DIRECTIVE, INTEGER, FLOAT, STRING, PUNCT, END }

    public boolean is(String punctOrWord) {
        return text.equals(punctOrWord) && kind != Kind.STRING;
    }

    public String describe() {
        return kind == Kind.END ? "end of file" : "'" + text + "'";
    }
}
