package io.cudawasm.kernels.devicelib;

import java.util.ArrayList;
import java.util.List;

/**
 * A C {@code printf} format string split into text and conversions, as CUDA's device printf reads
 * it: flags {@code -+ #0}, a width and a precision (numbers or {@code *}), length modifiers
 * {@code hh h l ll L z j t}, and the conversions {@code d i u o x X c s f F e E g G a A p %}.
 * The compiler uses it to know what each argument is; the runtime to format the records.
 */
public record PrintfFormat(String text, List<Piece> pieces) {

    public PrintfFormat {
        pieces = List.copyOf(pieces);
    }

    public sealed interface Piece {}

    /** Text printed as it is ({@code %%} already turned into {@code %}). */
    public record Literal(String text) implements Piece {}

    /**
     * One conversion. {@code width} and {@code precision} are -1 when absent and {@link #STAR} when
     * given by an argument; {@code length} is the length modifier as written ("" when none).
     */
    public record Conversion(String flags, int width, int precision, String length, char conversion) implements Piece {
        public static final int STAR = -2;

        public boolean has(char flag) {
            return flags.indexOf(flag) >= 0;
        }

        /** How many arguments it takes: one for the value, one more for each {@code *}. */
        public int arguments() {
            return 1 + (width == STAR ? 1 : 0) + (precision == STAR ? 1 : 0);
        }

        public boolean isInteger() {
            return "diuoxXc".indexOf(conversion) >= 0;
        }

        public boolean isFloating() {
            return "fFeEgGaA".indexOf(conversion) >= 0;
        }

        public boolean isString() {
            return conversion == 's';
        }

        public boolean isPointer() {
            return conversion == 'p';
        }

        /** Bytes nvcc's argument buffer gives the value (after C's default argument promotions). */
        public int valueBytes() {
            if (isFloating() || isString() || isPointer()) {
                return 8;
            }
            return switch (length) {
                case "l", "ll", "z", "j", "t", "L" -> 8;
                default -> 4;
            };
        }
    }

    /** What one argument of the call is to the format. */
    public enum ArgumentKind { STAR, INTEGER, FLOATING, STRING, POINTER }

    /** The arguments the format consumes, in order, with the value's byte size in nvcc's buffer. */
    public record Argument(ArgumentKind kind, int bytes, Conversion conversion) {}

    public List<Argument> arguments() {
        List<Argument> out = new ArrayList<>();
        for (Piece p : pieces) {
            if (p instanceof Conversion c) {
                if (c.width() == Conversion.STAR) {
                    out.add(new Argument(ArgumentKind.STAR, 4, c));
                }
                if (c.precision() == Conversion.STAR) {
                    out.add(new Argument(ArgumentKind.STAR, 4, c));
                }
                ArgumentKind k = c.isString() ? ArgumentKind.STRING : c.isPointer() ? ArgumentKind.POINTER
                        : c.isFloating() ? ArgumentKind.FLOATING : ArgumentKind.INTEGER;
                out.add(new Argument(k, c.valueBytes(), c));
            }
        }
        return out;
    }

    /** Thrown for a format the device printf does not take; {@code index} is the offending character. */
    public static final class FormatException extends IllegalArgumentException {
        private final int index;

        FormatException(String message, int index) {
            super(message);
            this.index = index;
        }

        public int index() {
            return index;
        }
    }

    /** Widths and precisions above this are refused (C leaves them unbounded; no output needs more). */
    public static final int MAX_WIDTH = 4096;

    public static PrintfFormat parse(String text) {
        List<Piece> pieces = new ArrayList<>();
        StringBuilder literal = new StringBuilder();
        int i = 0;
        int n = text.length();
        while (i < n) {
            char c = text.charAt(i);
            if (c != '%') {
                literal.append(c);
                i++;
                continue;
            }
            int start = i++;
            if (i < n && text.charAt(i) == '%') {
                literal.append('%');
                i++;
                continue;
            }
            int flagsStart = i;
            while (i < n && "-+ #0".indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            String flags = text.substring(flagsStart, i);
            int width = -1;
            if (i < n && text.charAt(i) == '*') {
                width = Conversion.STAR;
                i++;
            } else {
                int ws = i;
                while (i < n && Character.isDigit(text.charAt(i))) {
                    i++;
                }
                if (i > ws) {
                    width = number(text, ws, i);
                }
            }
            int precision = -1;
            if (i < n && text.charAt(i) == '.') {
                i++;
                if (i < n && text.charAt(i) == '*') {
                    precision = Conversion.STAR;
                    i++;
                } else {
                    int ps = i;
                    while (i < n && Character.isDigit(text.charAt(i))) {
                        i++;
                    }
                    precision = i > ps ? number(text, ps, i) : 0;
                }
            }
            int ls = i;
            while (i < n && "hlLzjt".indexOf(text.charAt(i)) >= 0) {
                i++;
            }
            String length = text.substring(ls, i);
            if (!List.of("", "h", "hh", "l", "ll", "L", "z", "j", "t").contains(length)) {
                throw new FormatException("printf length modifier '" + length + "' is not valid", ls);
            }
            if (i >= n) {
                throw new FormatException("printf format ends inside a conversion ('" + text.substring(start) + "')",
                        start);
            }
            char conv = text.charAt(i++);
            if ("diuoxXcsfFeEgGaAp".indexOf(conv) < 0) {
                throw new FormatException(conv == 'n' ? "printf's %n is not supported in device code"
                        : "unknown printf conversion '%" + conv + "'", i - 1);
            }
            if (literal.length() > 0) {
                pieces.add(new Literal(literal.toString()));
                literal.setLength(0);
            }
            pieces.add(new Conversion(flags, width, precision, length, conv));
        }
        if (literal.length() > 0) {
            pieces.add(new Literal(literal.toString()));
        }
        return new PrintfFormat(text, pieces);
    }

    private static int number(String text, int from, int to) {
        if (to - from > 4 || Integer.parseInt(text.substring(from, to)) > MAX_WIDTH) {
            throw new FormatException("printf width or precision above " + MAX_WIDTH, from);
        }
        return Integer.parseInt(text.substring(from, to));
    }
}
