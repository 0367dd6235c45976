package io.cudawasm.kernels.lex;

import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourceFile;
import java.util.ArrayList;
import java.util.List;

/** Turns a source file into preprocessing tokens (C's translation phases 1-3). */
public final class Lexer {
    private static final String[] PUNCTUATORS = {
        "<<=", ">>=", "...", "->", "++", "--", "<<", ">>", "<=", ">=", "==", "!=", "&&", "||",
        "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=", "##", "::",
        "+", "-", "*", "/", "%", "&", "|", "^", "~", "!", "<", ">", "=", "?", ":", ";", ",", ".",
        "(", ")", "[", "]", "{", "}", "#", "@", "$", "\\"
    };

    private final SourceFile file;
    private final String s;
    private final CompileBudget budget = CompileBudget.current();
    /** CUDA's built-in prelude is the compiler's own text, not the request's: its tokens are not counted. */
    private final boolean counted;
    private int i;

    private Lexer(SourceFile file) {
        this.file = file;
        this.s = file.text();
        this.counted = !file.name().equals(BUILTIN_FILE);
    }

    /** The name of the compiler's own prelude. */
    public static final String BUILTIN_FILE = "<built-in>";

    public static List<Token> tokenize(SourceFile file) {
        return new Lexer(file).run();
    }

    private List<Token> run() {
        List<Token> out = new ArrayList<>();
        boolean startOfLine = true;
        boolean space = false;
        while (i < s.length()) {
            char c = s.charAt(i);
            if (c == '\n') {
                i++;
                startOfLine = true;
                space = false;
                continue;
            }
            if (c == '\\' && lineSpliceAt(i) > 0) {
                i += lineSpliceAt(i);
                space = true;
                continue;
            }
            if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\u000b') {
                i++;
                space = true;
                continue;
            }
            if (c == '/' && peek(1) == '/') {
                while (i < s.length() && s.charAt(i) != '\n') {
                    // a backslash at the end of a // comment continues it, as in C
                    if (s.charAt(i) == '\\' && lineSpliceAt(i) > 0) {
                        i += lineSpliceAt(i);
                    } else {
                        i++;
                    }
                }
                space = true;
                continue;
            }
            if (c == '/' && peek(1) == '*') {
                int start = i;
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    throw CompileException.at(file.pos(start), "unterminated /* comment");
                }
                i = end + 2;
                space = true;
                continue;
            }
            int start = i;
            TokenKind kind;
            if (isIdentStart(c)) {
                while (i < s.length() && isIdentPart(s.charAt(i))) {
                    i++;
                }
                kind = TokenKind.IDENT;
                // u8"..", L'x' and friends: prefixes of literals
                if (i < s.length() && (s.charAt(i) == '"' || s.charAt(i) == '\'')
                        && List.of("L", "u", "U", "u8").contains(s.substring(start, i))) {
                    kind = s.charAt(i) == '"' ? TokenKind.STRING : TokenKind.CHAR;
                    quoted(s.charAt(i), start);
                }
            } else if (isDigit(c) || (c == '.' && isDigit(peek(1)))) {
                i++;
                while (i < s.length()) {
                    char d = s.charAt(i);
                    char prev = s.charAt(i - 1);
                    if ((d == '+' || d == '-') && (prev == 'e' || prev == 'E' || prev == 'p' || prev == 'P')) {
                        i++;
                    } else if (isIdentPart(d) || d == '.' || (d == '\'' && isIdentPart(peek(1)))) {
                        i++;
                    } else {
                        break;
                    }
                }
                kind = TokenKind.NUMBER;
            } else if (c == '"' || c == '\'') {
                kind = c == '"' ? TokenKind.STRING : TokenKind.CHAR;
                quoted(c, start);
            } else {
                String p = punctuatorAt(i);
                if (p == null) {
                    throw CompileException.at(file.pos(i), "stray character '" + printable(c) + "' in program");
                }
                i += p.length();
                kind = TokenKind.PUNCT;
            }
            if (counted) {
                budget.countLexedToken(file, start);
            }
            out.add(new Token(kind, s.substring(start, i), file.pos(start), startOfLine, space, null));
            startOfLine = false;
            space = false;
        }
        out.add(new Token(TokenKind.EOF, "", file.pos(s.length()), true, false, null));
        return out;
    }

    private void quoted(char quote, int start) {
        i++;
        while (true) {
            if (i >= s.length() || s.charAt(i) == '\n') {
                throw CompileException.at(file.pos(start),
                        quote == '"' ? "missing terminating \" character" : "missing terminating ' character");
            }
            char c = s.charAt(i);
            if (c == '\\') {
                i += 2;
                continue;
            }
            i++;
            if (c == quote) {
                return;
            }
        }
    }

    private int lineSpliceAt(int at) {
        int j = at + 1;
        while (j < s.length() && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\r')) {
            j++;
        }
        return j < s.length() && s.charAt(j) == '\n' ? j + 1 - at : 0;
    }

    private String punctuatorAt(int at) {
        for (String p : PUNCTUATORS) {
            if (s.startsWith(p, at)) {
                return p;
            }
        }
        return null;
    }

    private char peek(int ahead) {
        return i + ahead < s.length() ? s.charAt(i + ahead) : '\0';
    }

    static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    static boolean isIdentPart(char c) {
        return isIdentStart(c) || isDigit(c);
    }

    static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static String printable(char c) {
        return c < 32 || c > 126 ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }
}
