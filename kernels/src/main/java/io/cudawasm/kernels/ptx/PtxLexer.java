package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourceFile;
import java.util.ArrayList;
import java.util.List;

/** Splits PTX text into tokens, dropping comments. */
final class PtxLexer {
    private final SourceFile file;
    private final String s;
    private int i;
    private final List<PtxToken> out = new ArrayList<>();
    private final CompileBudget budget = CompileBudget.current();

    private PtxLexer(SourceFile file) {
        this.file = file;
        this.s = file.text();
    }

    static List<PtxToken> tokenize(SourceFile file) {
        PtxLexer l = new PtxLexer(file);
        l.run();
        return l.out;
    }

    private static boolean identStart(char c) {
        return Character.isLetter(c) || c == '_' || c == '$' || c == '%';
    }

    private static boolean identPart(char c) {
        return Character.isLetterOrDigit(c) || c == '_' || c == '$';
    }

    private void run() {
        while (true) {
            skipSpaceAndComments();
            if (i >= s.length()) {
                out.add(new PtxToken(PtxToken.Kind.END, "", s.length(), file.lineOf(s.length())));
                return;
            }
            int start = i;
            char c = s.charAt(i);
            if (identStart(c)) {
                i++;
                dottedName();
                add(PtxToken.Kind.NAME, start);
            } else if (c == '.' && i + 1 < s.length() && identPart(s.charAt(i + 1)) && !Character.isDigit(s.charAt(i + 1))) {
                i++;
                dottedName();
                add(PtxToken.Kind.DIRECTIVE, start);
            } else if (Character.isDigit(c)) {
                number(start);
            } else if (c == '"') {
                i++;
                while (i < s.length() && s.charAt(i) != '"' && s.charAt(i) != '\n') {
                    i += s.charAt(i) == '\\' ? 2 : 1;
                }
                if (i >= s.length() || s.charAt(i) != '"') {
                    throw CompileException.at(file.pos(start), "unterminated string");
                }
                i++;
                add(PtxToken.Kind.STRING, start);
            } else if ("{}[](),;:+-!|@<>=".indexOf(c) >= 0) {
                i++;
                add(PtxToken.Kind.PUNCT, start);
            } else {
                throw CompileException.at(file.pos(start), "unexpected character '" + c + "' in PTX");
            }
        }
    }

    /** The rest of a name: identifier characters, {@code .part} and {@code ::part} segments. */
    private void dottedName() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (identPart(c)) {
                i++;
            } else if (c == '.' && i + 1 < s.length() && identPart(s.charAt(i + 1))) {
                i++;
            } else if (c == ':' && i + 2 < s.length() && s.charAt(i + 1) == ':' && identPart(s.charAt(i + 2))) {
                i += 2;
            } else {
                return;
            }
        }
    }

    private void number(int start) {
        char c = s.charAt(i);
        if (c == '0' && i + 1 < s.length() && "fFdD".indexOf(s.charAt(i + 1)) >= 0
                && i + 2 < s.length() && isHex(s.charAt(i + 2))) {
            i += 2;
            while (i < s.length() && isHex(s.charAt(i))) {
                i++;
            }
            add(PtxToken.Kind.FLOAT, start);
            return;
        }
        if (c == '0' && i + 1 < s.length() && "xXbB".indexOf(s.charAt(i + 1)) >= 0) {
            i += 2;
            while (i < s.length() && isHex(s.charAt(i))) {
                i++;
            }
        } else {
            while (i < s.length() && Character.isDigit(s.charAt(i))) {
                i++;
            }
            boolean floating = false;
            if (i < s.length() && s.charAt(i) == '.' && i + 1 < s.length() && Character.isDigit(s.charAt(i + 1))) {
                floating = true;
                i++;
                while (i < s.length() && Character.isDigit(s.charAt(i))) {
                    i++;
                }
            }
            if (i < s.length() && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
                int save = i;
                i++;
                if (i < s.length() && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                    i++;
                }
                if (i < s.length() && Character.isDigit(s.charAt(i))) {
                    floating = true;
                    while (i < s.length() && Character.isDigit(s.charAt(i))) {
                        i++;
                    }
                } else {
                    i = save;
                }
            }
            if (floating) {
                add(PtxToken.Kind.FLOAT, start);
                return;
            }
        }
        if (i < s.length() && (s.charAt(i) == 'U' || s.charAt(i) == 'u')) {
            i++;
        }
        if (i < s.length() && identPart(s.charAt(i))) {
            throw CompileException.at(file.pos(start), "malformed number '" + s.substring(start, i + 1) + "'");
        }
        add(PtxToken.Kind.INTEGER, start);
    }

    private static boolean isHex(char c) {
        return Character.isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }

    private void add(PtxToken.Kind kind, int start) {
        budget.countLexedToken(file, start);
        out.add(new PtxToken(kind, s.substring(start, i), start, file.lineOf(start)));
    }

    private void skipSpaceAndComments() {
        while (i < s.length()) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (s.startsWith("//", i)) {
                while (i < s.length() && s.charAt(i) != '\n') {
                    i++;
                }
            } else if (s.startsWith("/*", i)) {
                int end = s.indexOf("*/", i + 2);
                if (end < 0) {
                    throw CompileException.at(file.pos(i), "unterminated comment");
                }
                i = end + 2;
            } else {
                return;
            }
        }
    }
}
