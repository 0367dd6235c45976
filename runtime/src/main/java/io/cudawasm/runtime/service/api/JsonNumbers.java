package io.cudawasm.runtime.service.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.runtime.data.BufferSpecs;
import io.cudawasm.runtime.data.ElementType;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;

/**
 * Reads numbers from request JSON as the command line reads them: JSON numbers, or strings such
 * as {@code "1M"}, {@code "0x10"}, {@code "NaN"}. Integers are stored exactly (no detour through
 * double), and unsigned 64-bit values above {@code Long.MAX_VALUE} wrap as C converts them.
 */
final class JsonNumbers {
    private static final BigInteger TWO_TO_64 = BigInteger.ONE.shiftLeft(64);

    private JsonNumbers() {}

    /** A scalar kernel argument of the given C type. */
    static Number scalar(ScalarKind kind, JsonNode v, String field) {
        if (kind.isFloating()) {
            return floating(v, field);
        }
        return integer(v, field);
    }

    static double floating(JsonNode v, String field) {
        if (v.isNumber()) {
            return v.doubleValue();
        }
        if (v.isBoolean()) {
            return v.booleanValue() ? 1 : 0;
        }
        if (v.isTextual()) {
            String t = v.textValue().trim().replace("_", "");
            try {
                if (t.matches("[-+]?\\d+[kKmMgG]")) {
                    return BufferSpecs.parseSize(t);
                }
                return Double.parseDouble(t);
            } catch (NumberFormatException e) {
                throw invalid(field, "expected a number, got \"" + v.textValue() + '"');
            }
        }
        throw invalid(field, "expected a number");
    }

    static long integer(JsonNode v, String field) {
        if (v.isBoolean()) {
            return v.booleanValue() ? 1 : 0;
        }
        if (v.isIntegralNumber()) {
            return wrap(v.bigIntegerValue(), field);
        }
        if (v.isNumber()) {
            BigDecimal d = v.decimalValue();
            if (d.stripTrailingZeros().scale() > 0) {
                throw invalid(field, "expected an integer, got " + v.asText());
            }
            return wrap(d.toBigIntegerExact(), field);
        }
        if (v.isTextual()) {
            String t = v.textValue().trim().replace("_", "");
            try {
                if (t.matches("[-+]?\\d+[kKmMgG]")) {
                    return BufferSpecs.parseSize(t);
                }
                boolean negative = t.startsWith("-");
                String digits = negative || t.startsWith("+") ? t.substring(1) : t;
                BigInteger value = digits.toLowerCase(Locale.ROOT).startsWith("0x")
                        ? new BigInteger(digits.substring(2), 16) : new BigInteger(digits);
                return wrap(negative ? value.negate() : value, field);
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw invalid(field, "expected an integer, got \"" + v.textValue() + '"');
            }
        }
        throw invalid(field, "expected an integer");
    }

    /** Values in [-2^63, 2^64) map to 64 bits as C's conversion to an unsigned or signed type does. */
    private static long wrap(BigInteger value, String field) {
        if (value.compareTo(BigInteger.valueOf(Long.MIN_VALUE)) < 0 || value.compareTo(TWO_TO_64) >= 0) {
            throw invalid(field, "integer out of the 64-bit range: " + value);
        }
        return value.longValue();
    }

    /** Stores one element of a JSON data array. */
    static void put(ElementType type, ByteBuffer b, int byteOffset, JsonNode v, String field) {
        if (type.isFloating()) {
            type.put(b, byteOffset, floating(v, field));
        } else {
            type.putLong(b, byteOffset, integer(v, field));
        }
    }

    static ApiException invalid(String field, String message) {
        return ApiException.badRequest("invalid_job", field + ": " + message, Map.of("field", field));
    }
}
