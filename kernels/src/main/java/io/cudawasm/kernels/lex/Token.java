package io.cudawasm.kernels.lex;

import io.cudawasm.kernels.source.SourcePos;
import java.util.Set;

/**
 * A lexical token. Tokens are immutable; macro expansion makes copies with a different position
 * (the invocation site, so diagnostics point where the user wrote the macro) and hide set.
 */
public record Token(TokenKind kind, String text, SourcePos pos, boolean startOfLine, boolean spaceBefore,
        Set<String> hideSet) {

    public Token {
        hideSet = hideSet == null ? Set.of() : hideSet;
    }

    public boolean is(String s) {
        return (kind == TokenKind.PUNCT || kind == TokenKind.IDENT) && text.equals(s);
    }

    public boolean isIdent() {
        return kind == TokenKind.IDENT;
    }

    public boolean isEof() {
        return kind == TokenKind.EOF;
    }

    public Token withPos(SourcePos newPos, boolean newStartOfLine, boolean newSpaceBefore) {
        return new Token(kind, text, newPos, newStartOfLine, newSpaceBefore, hideSet);
    }

    public Token withHideSet(Set<String> newHideSet) {
        return new Token(kind, text, pos, startOfLine, spaceBefore, newHideSet);
    }

    public Token withSpaceBefore(boolean space) {
        return new Token(kind, text, pos, startOfLine, space, hideSet);
    }

    /** How the token is named in messages. */
    public String describe() {
        return switch (kind) {
            case EOF -> "end of input";
            case STRING -> "string literal";
            default -> "'" + text + "'";
        };
    }

    @Override
    public String toString() {
        return text;
    }
}
