package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KExpr.UnaryOp;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/** Small builders for kernel IR expressions, with PTX's view of values as typed bit patterns. */
final class Exprs {
    private Exprs() {}

    static final ScalarType BOOL = ScalarType.BOOL;
    static final ScalarType INT = ScalarType.INT;
    static final ScalarType UINT = ScalarType.UINT;
    static final ScalarType LONG = ScalarType.LONGLONG;
    static final ScalarType ULONG = ScalarType.ULONGLONG;

    static KExpr constant(ScalarType t, long v) {
        if (t.kind().isFloating()) {
            return new KExpr.FloatConst(t, v);
        }
        return new KExpr.IntConst(t, t.kind() == ScalarKind.BOOL ? (v != 0 ? 1 : 0) : v);
    }

    static KExpr i32(long v) {
        return new KExpr.IntConst(INT, v);
    }

    static KExpr u32(long v) {
        return new KExpr.IntConst(UINT, v);
    }

    static KExpr bool(boolean v) {
        return new KExpr.IntConst(BOOL, v ? 1 : 0);
    }

    static ScalarType scalar(KExpr e) {
        return (ScalarType) e.type();
    }

    /** A C conversion, omitted when the type is already right. */
    static KExpr convert(KExpr e, CType t) {
        if (e.type().equals(t)) {
            return e;
        }
        if (e instanceof KExpr.IntConst c && t instanceof ScalarType s && s.kind().isInteger()
                && s.kind() != ScalarKind.BOOL) {
            return new KExpr.IntConst(s, narrow(c.value(), s.kind()));
        }
        return new KExpr.Convert(t, e);
    }

    /** A constant brought into the range of an integer type (as the conversion would). */
    private static long narrow(long v, ScalarKind k) {
        return switch (k.size()) {
            case 1 -> k.isSigned() ? (byte) v : v & 0xFF;
            case 2 -> k.isSigned() ? (short) v : v & 0xFFFF;
            case 4 -> k.isSigned() ? (int) v : v & 0xFFFF_FFFFL;
            default -> v;
        };
    }

    /**
     * The value of {@code e} as type {@code t} the way PTX sees registers: integers convert
     * (truncate or extend), same-size integers and floats reinterpret their bits, predicates are 0/1.
     */
    static KExpr as(KExpr e, ScalarType t) {
        CType from = e.type();
        if (from.equals(t)) {
            return e;
        }
        if (from instanceof PointerType) {
            return as(convert(e, ULONG), t);
        }
        ScalarKind f = ((ScalarType) from).kind();
        ScalarKind k = t.kind();
        if (k == ScalarKind.BOOL) {
            if (f.isFloating()) {
                e = bits(e);
            }
            return new KExpr.Binary(BinaryOp.NE, e, constant(scalar(e), 0), BOOL);
        }
        if (f.isFloating() && k.isFloating()) {
            return convert(e, t);
        }
        if (f.isFloating()) {
            return convert(bits(e), t);
        }
        if (k.isFloating()) {
            if (k == ScalarKind.FLOAT) {
                return new KExpr.IntrinsicCall(Intrinsic.INT_AS_FLOAT, List.of(convert(e, INT)), t);
            }
            return new KExpr.IntrinsicCall(Intrinsic.LONGLONG_AS_DOUBLE, List.of(convert(e, LONG)), t);
        }
        return convert(e, t);
    }

    /** The bits of a float (as int) or double (as long long). */
    static KExpr bits(KExpr e) {
        if (scalar(e).kind() == ScalarKind.FLOAT) {
            return new KExpr.IntrinsicCall(Intrinsic.FLOAT_AS_INT, List.of(e), INT);
        }
        return new KExpr.IntrinsicCall(Intrinsic.DOUBLE_AS_LONGLONG, List.of(e), LONG);
    }

    static KExpr binary(BinaryOp op, KExpr a, KExpr b) {
        if (!a.type().equals(b.type())) {
            throw new IllegalStateException("operands of " + op + " differ: " + a.type() + " and " + b.type());
        }
        return new KExpr.Binary(op, a, b, op.isComparison() || op.isLogical() ? BOOL : a.type());
    }

    static KExpr add(KExpr a, KExpr b) {
        return binary(BinaryOp.ADD, a, b);
    }

    static KExpr sub(KExpr a, KExpr b) {
        return binary(BinaryOp.SUB, a, b);
    }

    static KExpr mul(KExpr a, KExpr b) {
        return binary(BinaryOp.MUL, a, b);
    }

    static KExpr and(KExpr a, KExpr b) {
        return binary(BinaryOp.AND, a, b);
    }

    static KExpr or(KExpr a, KExpr b) {
        return binary(BinaryOp.OR, a, b);
    }

    static KExpr xor(KExpr a, KExpr b) {
        return binary(BinaryOp.XOR, a, b);
    }

    static KExpr shl(KExpr a, KExpr b) {
        return binary(BinaryOp.SHL, a, b);
    }

    static KExpr shr(KExpr a, KExpr b) {
        return binary(BinaryOp.SHR, a, b);
    }

    static KExpr compare(BinaryOp op, KExpr a, KExpr b) {
        return binary(op, a, b);
    }

    static KExpr not(KExpr boolValue) {
        return StructuredSimplifier.negate(boolValue);
    }

    static KExpr bitNot(KExpr a) {
        return new KExpr.Unary(UnaryOp.BIT_NOT, a, a.type());
    }

    static KExpr neg(KExpr a) {
        return new KExpr.Unary(UnaryOp.NEG, a, a.type());
    }

    static KExpr select(KExpr c, KExpr a, KExpr b) {
        return new KExpr.Select(c, a, b, a.type());
    }

    static KExpr math(MathFn fn, KExpr... args) {
        return new KExpr.Math(fn, List.of(args), scalar(args[0]));
    }

    static KExpr intrinsic(Intrinsic op, ScalarType result, KExpr... args) {
        return new KExpr.IntrinsicCall(op, List.of(args), result);
    }

    /** The same-width integer type with the given signedness. */
    static ScalarType integer(int bytes, boolean signed) {
        return switch (bytes) {
            case 1 -> signed ? ScalarType.SCHAR : ScalarType.UCHAR;
            case 2 -> signed ? ScalarType.SHORT : ScalarType.USHORT;
            case 4 -> signed ? INT : UINT;
            default -> signed ? LONG : ULONG;
        };
    }

    /** The type arithmetic on {@code t} is done in: at least 32 bits, as in C. */
    static ScalarType promoted(ScalarType t) {
        if (t.kind().isInteger() && t.size() < 4) {
            return t.kind().isSigned() ? INT : UINT;
        }
        return t;
    }
}
