package io.cudawasm.kernels.lex;

public enum TokenKind {
    IDENT,
    /** A preprocessing number: classified into integer or floating literal by the parser. */
    NUMBER,
    CHAR,
    STRING,
    PUNCT,
    EOF
}
