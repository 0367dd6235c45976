package io.cudawasm.runtime.printf;

import io.cudawasm.kernels.devicelib.PrintfFormat;
import io.cudawasm.kernels.devicelib.PrintfFormat.Conversion;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * One printf conversion with C's semantics (glibc's output, which CUDA's device printf matches for
 * these conversions): integers with their length modifier, {@code %f %e %g %a} rounded exactly from
 * the binary value (half to even on the exact decimal expansion, as glibc does), {@code %p} as
 * {@code 0x…} or {@code (nil)}, flags, width and precision. A width or precision from {@code *} is
 * capped at {@link PrintfFormat#MAX_WIDTH}, like the ones written in the format.
 */
final class CFormat {
    private CFormat() {}

    /** Appends an integer conversion ({@code d i u o x X c}) of the 64-bit slot {@code v}. */
    static void integer(ByteArrayOutputStream out, Conversion c, int width, int precision, long v, String flags) {
        char conv = c.conversion();
        if (conv == 'c') {
            pad(out, new byte[] {(byte) v}, width, flags.indexOf('-') >= 0, ' ', 0);
            return;
        }
        boolean signed = conv == 'd' || conv == 'i';
        String len = c.length();
        BigInteger value;
        if (signed) {
            long s = switch (len) {
                case "hh" -> (byte) v;
                case "h" -> (short) v;
                case "" -> (int) v;
                default -> v;
            };
            value = BigInteger.valueOf(s);
        } else {
            long u = switch (len) {
                case "hh" -> v & 0xFF;
                case "h" -> v & 0xFFFF;
                case "" -> v & 0xFFFF_FFFFL;
                default -> v;
            };
            value = new BigInteger(Long.toUnsignedString(u));
        }
        boolean negative = value.signum() < 0;
        int radix = conv == 'o' ? 8 : conv == 'x' || conv == 'X' ? 16 : 10;
        String digits = value.abs().toString(radix);
        if (conv == 'X') {
            digits = digits.toUpperCase(java.util.Locale.ROOT);
        }
        if (precision == 0 && value.signum() == 0) {
            digits = "";
        }
        if (precision > digits.length()) {
            digits = "0".repeat(precision - digits.length()) + digits;
        }
        boolean alternate = flags.indexOf('#') >= 0;
        String prefix = "";
        if (signed) {
            prefix = negative ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "";
        } else if (alternate && conv == 'o' && !digits.startsWith("0")) {
            digits = "0" + digits;
        } else if (alternate && radix == 16 && value.signum() != 0) {
            prefix = conv == 'X' ? "0X" : "0x";
        }
        boolean zero = flags.indexOf('0') >= 0 && flags.indexOf('-') < 0 && precision < 0;
        number(out, prefix, digits, width, flags, zero);
    }

    /** Appends {@code %p}: glibc's {@code 0x…} in lowercase hex, {@code (nil)} for null. */
    static void pointer(ByteArrayOutputStream out, int width, long v, String flags) {
        String text = v == 0 ? "(nil)" : "0x" + Long.toHexString(v);
        pad(out, ascii(text), width, flags.indexOf('-') >= 0, ' ', 0);
    }

    /** Appends {@code %s} of the given bytes ({@code null}: a null pointer, printed as glibc does). */
    static void string(ByteArrayOutputStream out, int width, int precision, byte[] bytes, String flags) {
        byte[] b = bytes == null ? ascii("(null)") : bytes;
        if (precision >= 0 && precision < b.length) {
            b = java.util.Arrays.copyOf(b, bytes == null ? 0 : precision);
        }
        pad(out, b, width, flags.indexOf('-') >= 0, ' ', 0);
    }

    /** Appends a floating-point conversion ({@code f F e E g G a A}). */
    static void floating(ByteArrayOutputStream out, Conversion c, int width, int precision, double v, String flags) {
        char conv = c.conversion();
        boolean upper = Character.isUpperCase(conv);
        boolean negative = (Double.doubleToRawLongBits(v) & Long.MIN_VALUE) != 0;
        String sign = negative ? "-" : flags.indexOf('+') >= 0 ? "+" : flags.indexOf(' ') >= 0 ? " " : "";
        if (Double.isNaN(v) || Double.isInfinite(v)) {
            String t = Double.isNaN(v) ? "nan" : "inf";
            pad(out, ascii(sign + (upper ? t.toUpperCase(java.util.Locale.ROOT) : t)), width, flags.indexOf('-') >= 0,
                    ' ', 0);
            return;
        }
        boolean alternate = flags.indexOf('#') >= 0;
        double a = Math.abs(v);
        String body = switch (Character.toLowerCase(conv)) {
            case 'f' -> fixed(a, precision < 0 ? 6 : precision, alternate);
            case 'e' -> exponent(a, precision < 0 ? 6 : precision, alternate);
            case 'g' -> general(a, precision < 0 ? 6 : precision == 0 ? 1 : precision, alternate);
            default -> hex(a, precision, alternate);
        };
        if (upper) {
            body = body.toUpperCase(java.util.Locale.ROOT);
        }
        String prefix = sign;
        if (Character.toLowerCase(conv) == 'a') {
            prefix = sign + (upper ? "0X" : "0x");
            body = body.substring(2);
        }
        number(out, prefix, body, width, flags, flags.indexOf('0') >= 0 && flags.indexOf('-') < 0);
    }

    private static String fixed(double a, int precision, boolean alternate) {
        String s = new BigDecimal(a).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
        return precision == 0 && alternate ? s + "." : s;
    }

    private static String exponent(double a, int precision, boolean alternate) {
        String digits;
        int exp;
        if (a == 0) {
            digits = "0".repeat(precision + 1);
            exp = 0;
        } else {
            BigDecimal r = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
            String u = r.unscaledValue().toString();
            exp = u.length() - r.scale() - 1;
            digits = u.length() >= precision + 1 ? u.substring(0, precision + 1) : u + "0".repeat(precision + 1 - u.length());
        }
        String mantissa = digits.substring(0, 1) + (precision > 0 || alternate ? "." + digits.substring(1) : "");
        int e = Math.abs(exp);
        return mantissa + "e" + (exp < 0 ? "-" : "+") + (e < 10 ? "0" + e : Integer.toString(e));
    }

    private static String general(double a, int p, boolean alternate) {
        int x = 0;
        if (a != 0) {
            BigDecimal r = new BigDecimal(a).round(new MathContext(p, RoundingMode.HALF_EVEN));
            x = r.precision() - r.scale() - 1;
        }
        String s = p > x && x >= -4 ? fixed(a, p - 1 - x, alternate) : exponent(a, p - 1, alternate);
        if (alternate) {
            return s;
        }
        int e = s.indexOf('e');
        String mantissa = e < 0 ? s : s.substring(0, e);
        String rest = e < 0 ? "" : s.substring(e);
        if (mantissa.indexOf('.') >= 0) {
            mantissa = mantissa.replaceAll("0+$", "");
            if (mantissa.endsWith(".")) {
                mantissa = mantissa.substring(0, mantissa.length() - 1);
            }
        }
        return mantissa + rest;
    }

    /** {@code %a}: glibc's form, {@code 0x1.8p+1}; a precision rounds the hex digits half to even. */
    private static String hex(double a, int precision, boolean alternate) {
        long bits = Double.doubleToRawLongBits(a);
        int exp = (int) ((bits >>> 52) & 0x7FF);
        long frac = bits & 0xF_FFFF_FFFF_FFFFL;
        long lead;
        int e;
        if (exp == 0) {
            lead = 0;
            e = frac == 0 ? 0 : -1022;
        } else {
            lead = 1;
            e = exp - 1023;
        }
        String digits = String.format("%013x", frac);
        if (precision >= 0 && precision < 13) {
            int drop = (13 - precision) * 4;
            long full = (lead << 52) | frac;
            long half = 1L << (drop - 1);
            long rem = full & ((1L << drop) - 1);
            long kept = full >>> drop;
            if (rem > half || (rem == half && (kept & 1) == 1)) {
                kept++;
            }
            lead = kept >>> (precision * 4);
            long keptFrac = precision == 0 ? 0 : kept & ((1L << (precision * 4)) - 1);
            digits = precision == 0 ? "" : String.format("%0" + precision + "x", keptFrac);
        } else {
            digits = digits.replaceAll("0+$", "");
            if (precision > 13) {
                digits = digits + "0".repeat(precision - digits.length());
            }
        }
        String mantissa = "0x" + lead + (digits.isEmpty() && !alternate ? "" : "." + digits);
        return mantissa + "p" + (e < 0 ? "-" : "+") + Math.abs(e);
    }

    /** Sign or prefix, then zeros (the {@code 0} flag) or spaces to the width, then the digits. */
    private static void number(ByteArrayOutputStream out, String prefix, String digits, int width, String flags,
            boolean zeroPad) {
        int length = prefix.length() + digits.length();
        boolean left = flags.indexOf('-') >= 0;
        if (!left && !zeroPad && width > length) {
            repeat(out, ' ', width - length);
        }
        out.writeBytes(ascii(prefix));
        if (!left && zeroPad && width > length) {
            repeat(out, '0', width - length);
        }
        out.writeBytes(ascii(digits));
        if (left && width > length) {
            repeat(out, ' ', width - length);
        }
    }

    private static void pad(ByteArrayOutputStream out, byte[] text, int width, boolean left, char fill, int unused) {
        if (!left && width > text.length) {
            repeat(out, fill, width - text.length);
        }
        out.writeBytes(text);
        if (left && width > text.length) {
            repeat(out, ' ', width - text.length);
        }
    }

    private static void repeat(ByteArrayOutputStream out, char c, int n) {
        for (int i = 0; i < n; i++) {
            out.write(c);
        }
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
