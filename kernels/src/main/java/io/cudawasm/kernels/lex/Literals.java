package io.cudawasm.kernels.lex;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import java.math.BigInteger;
import java.util.Locale;

/** Classifies and decodes numeric and character literals as C++17 (and nvcc) define them. */
public final class Literals {
    private Literals() {}

    /** An integer literal: its value (two's complement bits) and the suffix-derived type hints. */
    public record IntLiteral(long value, boolean unsignedSuffix, int longs, boolean decimal, boolean fitsInt,
            boolean fitsUInt, boolean fitsLong) {}

    /** A floating literal; when {@code isFloat} the value is exactly representable as a float. */
    public record FloatLiteral(double value, boolean isFloat) {}

    public static boolean isFloating(String text) {
        String t = text.toLowerCase(Locale.ROOT);
        if (t.startsWith("0x")) {
            return t.contains(".") || t.contains("p");
        }
        return t.contains(".") || t.contains("e");
    }

    public static IntLiteral parseInteger(String text, SourcePos pos) {
        String t = text.replace("'", "");
        int end = t.length();
        boolean unsigned = false;
        int longs = 0;
        // strip suffixes in any order: u, l, ll
        while (end > 0) {
            char c = Character.toLowerCase(t.charAt(end - 1));
            if (c == 'u' && !unsigned) {
                unsigned = true;
                end--;
            } else if (c == 'l' && longs == 0) {
                longs = end >= 2 && Character.toLowerCase(t.charAt(end - 2)) == 'l' ? 2 : 1;
                end -= longs;
            } else {
                break;
            }
        }
        String digits = t.substring(0, end);
        int radix = 10;
        String lower = digits.toLowerCase(Locale.ROOT);
        if (lower.startsWith("0x")) {
            radix = 16;
            digits = digits.substring(2);
        } else if (lower.startsWith("0b")) {
            radix = 2;
            digits = digits.substring(2);
        } else if (digits.length() > 1 && digits.startsWith("0")) {
            radix = 8;
            digits = digits.substring(1);
        }
        if (digits.isEmpty()) {
            throw CompileException.at(pos, "invalid integer literal '" + text + "'");
        }
        int firstSignificant = 0;
        while (firstSignificant < digits.length() - 1 && digits.charAt(firstSignificant) == '0') {
            firstSignificant++;
        }
        if (digits.length() - firstSignificant > 64) {
            // 64 binary digits is the most any integer type holds; BigInteger's parse is quadratic in the length
            throw CompileException.at(pos, "integer literal '" + abbreviated(text) + "' is too large for any integer type");
        }
        BigInteger v;
        try {
            v = new BigInteger(digits.substring(firstSignificant), radix);
        } catch (NumberFormatException e) {
            throw CompileException.at(pos, "invalid integer literal '" + text + "'");
        }
        if (v.bitLength() > 64) {
            throw CompileException.at(pos, "integer literal '" + text + "' is too large for any integer type");
        }
        boolean fitsInt = v.bitLength() <= 31;
        boolean fitsUInt = v.bitLength() <= 32;
        boolean fitsLong = v.bitLength() <= 63;
        return new IntLiteral(v.longValue(), unsigned, longs, radix == 10, fitsInt, fitsUInt, fitsLong);
    }

    /** A literal as a message quotes it: long ones shortened. */
    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 20) + "..." + text.substring(text.length() - 10);
    }

    public static FloatLiteral parseFloating(String text, SourcePos pos) {
        String t = text.replace("'", "");
        boolean isFloat = false;
        char last = Character.toLowerCase(t.charAt(t.length() - 1));
        boolean hex = t.toLowerCase(Locale.ROOT).startsWith("0x");
        if (last == 'f' && !hex) {
            isFloat = true;
            t = t.substring(0, t.length() - 1);
        } else if (last == 'f' && hex && t.toLowerCase(Locale.ROOT).contains("p")) {
            isFloat = true;
            t = t.substring(0, t.length() - 1);
        } else if (last == 'l') {
            throw CompileException.at(pos, "long double literals are not supported by CUDA device code");
        }
        try {
            if (hex && !t.toLowerCase(Locale.ROOT).contains("p")) {
                throw new NumberFormatException();
            }
            if (isFloat) {
                return new FloatLiteral(Float.parseFloat(hex ? t : t + "f"), true);
            }
            return new FloatLiteral(Double.parseDouble(t), false);
        } catch (NumberFormatException e) {
            throw CompileException.at(pos, "invalid floating literal '" + text + "'");
        }
    }

    /** The value of a character literal as a (signed) char, or a wide char's code point. */
    public static int parseChar(String text, SourcePos pos) {
        int q = text.indexOf('\'');
        String body = text.substring(q + 1, text.length() - 1);
        String decoded = unescape(body, pos);
        if (decoded.isEmpty()) {
            throw CompileException.at(pos, "empty character constant");
        }
        if (decoded.length() > 1) {
            throw CompileException.at(pos, "multi-character character constants are not supported");
        }
        int c = decoded.charAt(0);
        return q == 0 ? (byte) c : c;
    }

    /** The contents of a string literal with escapes decoded. */
    public static String parseString(String text, SourcePos pos) {
        int q = text.indexOf('"');
        return unescape(text.substring(q + 1, text.length() - 1), pos);
    }

    private static String unescape(String body, SourcePos pos) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c != '\\') {
                sb.append(c);
                continue;
            }
            if (++i >= body.length()) {
                throw CompileException.at(pos, "incomplete escape sequence");
            }
            char e = body.charAt(i);
            switch (e) {
                case 'n' -> sb.append('\n');
                case 't' -> sb.append('\t');
                case 'r' -> sb.append('\r');
                case 'a' -> sb.append('\u0007');
                case 'b' -> sb.append('\b');
                case 'f' -> sb.append('\f');
                case 'v' -> sb.append('\u000b');
                case '\\', '\'', '"', '?' -> sb.append(e);
                case 'x' -> {
                    int j = i + 1;
                    while (j < body.length() && Character.digit(body.charAt(j), 16) >= 0) {
                        j++;
                    }
                    if (j == i + 1) {
                        throw CompileException.at(pos, "\\x used with no following hex digits");
                    }
                    sb.append((char) (Integer.parseInt(body.substring(i + 1, Math.min(j, i + 5)), 16) & 0xFF));
                    i = j - 1;
                }
                default -> {
                    if (e >= '0' && e <= '7') {
                        int j = i;
                        while (j < body.length() && j < i + 3 && body.charAt(j) >= '0' && body.charAt(j) <= '7') {
                            j++;
                        }
                        sb.append((char) (Integer.parseInt(body.substring(i, j), 8) & 0xFF));
                        i = j - 1;
                    } else {
                        throw CompileException.at(pos, "unknown escape sequence '\\" + e + "'");
                    }
                }
            }
        }
        return sb.toString();
    }
}
