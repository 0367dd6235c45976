package io.cudawasm.kernels.check;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.Binary;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KExpr.Convert;
import io.cudawasm.kernels.kir.KExpr.FloatConst;
import io.cudawasm.kernels.kir.KExpr.IntConst;
import io.cudawasm.kernels.kir.KExpr.Unary;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;

/**
 * Folds operations on constants with exactly the semantics the back ends give them at run time
 * (two's complement wrap-around, truncating division, IEEE arithmetic in the operand precision).
 * Operations that would trap at run time (division by zero) are left alone.
 */
public final class ConstantFolder {
    private ConstantFolder() {}

    /** Normalizes a value to the width and signedness of an integer type. */
    public static long wrap(long v, ScalarKind k) {
        return switch (k) {
            case BOOL -> v != 0 ? 1 : 0;
            case CHAR, SCHAR -> (byte) v;
            case UCHAR -> v & 0xFF;
            case SHORT -> (short) v;
            case USHORT -> v & 0xFFFF;
            case INT -> (int) v;
            case UINT -> v & 0xFFFF_FFFFL;
            default -> v;
        };
    }

    public static KExpr intConst(ScalarType t, long v) {
        return new IntConst(t, wrap(v, t.kind()));
    }

    public static KExpr floatConst(ScalarType t, double v) {
        return new FloatConst(t, t.kind() == ScalarKind.FLOAT ? (double) (float) v : v);
    }

    public static boolean isConst(KExpr e) {
        return e instanceof IntConst || e instanceof FloatConst;
    }

    public static KExpr convert(CType to, KExpr e) {
        if (to instanceof ScalarType t && e.type() instanceof ScalarType f && f.kind() == t.kind()) {
            return e;
        }
        if (to instanceof ScalarType t && e.type() instanceof ScalarType) {
            if (e instanceof IntConst c) {
                boolean unsignedSrc = c.type().kind().isUnsigned() || c.type().kind() == ScalarKind.BOOL;
                if (t.kind().isFloating()) {
                    double d = unsignedSrc && c.value() < 0 ? unsignedToDouble(c.value()) : (double) c.value();
                    if (t.kind() == ScalarKind.FLOAT) {
                        // round the exact integer to float once (a double would round twice)
                        float f = unsignedSrc && c.value() < 0 ? unsignedToFloat(c.value()) : (float) c.value();
                        return new FloatConst(t, f);
                    }
                    return new FloatConst(t, d);
                }
                return intConst(t, c.value());
            }
            if (e instanceof FloatConst f) {
                if (t.kind().isFloating()) {
                    return floatConst(t, f.value());
                }
                if (t.kind() == ScalarKind.BOOL) {
                    return new IntConst(t, f.value() != 0 ? 1 : 0);
                }
                return intConst(t, floatToInt(f.value(), t.kind()));
            }
        }
        return new Convert(to, e);
    }

    /** Saturating truncation, NaN to 0: what cvt.rzi does on the GPU and trunc_sat in Wasm. */
    public static long floatToInt(double v, ScalarKind k) {
        if (Double.isNaN(v)) {
            return 0;
        }
        double t = v < 0 ? Math.ceil(v) : Math.floor(v);
        return switch (k) {
            case CHAR, SCHAR, SHORT, INT -> (long) (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, t));
            case UCHAR, USHORT, UINT -> t <= 0 ? 0 : t >= 4294967295.0 ? 0xFFFF_FFFFL : (long) t;
            case LONG, LONGLONG -> (long) t;
            case ULONG, ULONGLONG -> t <= 0 ? 0 : t >= 18446744073709551615.0 ? -1L
                    : t >= 9223372036854775808.0 ? (long) (t - 9223372036854775808.0) + Long.MIN_VALUE : (long) t;
            default -> (long) t;
        };
    }

    private static double unsignedToDouble(long v) {
        // halve keeping the lost bit as a sticky bit, so the one rounding is the right one; doubling is exact
        return (double) ((v >>> 1) | (v & 1)) * 2.0;
    }

    private static float unsignedToFloat(long v) {
        return new java.math.BigDecimal(Long.toUnsignedString(v)).floatValue();
    }

    public static KExpr unary(Unary u) {
        KExpr o = u.operand();
        if (o instanceof IntConst c && u.type() instanceof ScalarType t) {
            return switch (u.op()) {
                case NEG -> intConst(t, -c.value());
                case BIT_NOT -> intConst(t, ~c.value());
                case NOT -> new IntConst(ScalarType.BOOL, c.value() == 0 ? 1 : 0);
            };
        }
        if (o instanceof FloatConst f && u.type() instanceof ScalarType t) {
            return switch (u.op()) {
                case NEG -> floatConst(t, -f.value());
                case NOT -> new IntConst(ScalarType.BOOL, f.value() == 0 ? 1 : 0);
                default -> u;
            };
        }
        return u;
    }

    public static KExpr binary(Binary b) {
        if (b.left() instanceof IntConst x && b.right() instanceof IntConst y) {
            ScalarKind k = x.type().kind();
            boolean u = k.isUnsigned();
            long a = x.value();
            long c = y.value();
            if (b.op().isComparison() || b.op().isLogical()) {
                boolean r = switch (b.op()) {
                    case EQ -> a == c;
                    case NE -> a != c;
                    case LT -> u ? Long.compareUnsigned(a, c) < 0 : a < c;
                    case LE -> u ? Long.compareUnsigned(a, c) <= 0 : a <= c;
                    case GT -> u ? Long.compareUnsigned(a, c) > 0 : a > c;
                    case GE -> u ? Long.compareUnsigned(a, c) >= 0 : a >= c;
                    case LAND -> a != 0 && c != 0;
                    case LOR -> a != 0 || c != 0;
                    default -> throw new IllegalStateException();
                };
                return new IntConst(ScalarType.BOOL, r ? 1 : 0);
            }
            ScalarType t = (ScalarType) b.type();
            int bits = t.kind().bits();
            long r;
            switch (b.op()) {
                case ADD -> r = a + c;
                case SUB -> r = a - c;
                case MUL -> r = a * c;
                case DIV, REM -> {
                    if (c == 0) {
                        return b;
                    }
                    if (!u && bits == 32 && a == Integer.MIN_VALUE && c == -1) {
                        return b; // traps at run time on the CPU path; leave it there
                    }
                    if (u) {
                        r = b.op() == BinaryOp.DIV ? Long.divideUnsigned(a, c) : Long.remainderUnsigned(a, c);
                    } else {
                        r = b.op() == BinaryOp.DIV ? a / c : a % c;
                    }
                }
                case SHL -> r = a << (c & (bits - 1));
                case SHR -> {
                    int s = (int) (c & (bits - 1));
                    r = u ? (bits == 32 ? (a & 0xFFFF_FFFFL) >>> s : a >>> s) : a >> s;
                }
                case AND -> r = a & c;
                case OR -> r = a | c;
                case XOR -> r = a ^ c;
                default -> throw new IllegalStateException(b.op().name());
            }
            return intConst(t, r);
        }
        if (b.left() instanceof FloatConst x && b.right() instanceof FloatConst y) {
            boolean single = ((ScalarType) x.type()).kind() == ScalarKind.FLOAT;
            double a = x.value();
            double c = y.value();
            if (b.op().isComparison() || b.op().isLogical()) {
                boolean r = switch (b.op()) {
                    case EQ -> a == c;
                    case NE -> a != c;
                    case LT -> a < c;
                    case LE -> a <= c;
                    case GT -> a > c;
                    case GE -> a >= c;
                    case LAND -> a != 0 && c != 0;
                    case LOR -> a != 0 || c != 0;
                    default -> throw new IllegalStateException();
                };
                return new IntConst(ScalarType.BOOL, r ? 1 : 0);
            }
            ScalarType t = (ScalarType) b.type();
            if (single) {
                float fa = (float) a;
                float fc = (float) c;
                float r = switch (b.op()) {
                    case ADD -> fa + fc;
                    case SUB -> fa - fc;
                    case MUL -> fa * fc;
                    case DIV -> fa / fc;
                    default -> Float.NaN;
                };
                return b.op() == BinaryOp.REM ? b : new FloatConst(t, r);
            }
            double r = switch (b.op()) {
                case ADD -> a + c;
                case SUB -> a - c;
                case MUL -> a * c;
                case DIV -> a / c;
                default -> Double.NaN;
            };
            return b.op() == BinaryOp.REM ? b : new FloatConst(t, r);
        }
        return b;
    }
}
