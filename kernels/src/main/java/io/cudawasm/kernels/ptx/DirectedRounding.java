package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * {@code add/sub/mul/fma} in single precision with a directed rounding ({@code .rz}, {@code .rm},
 * {@code .rp}). CUDA's own math code uses them ({@code expf} rounds down with {@code fma.rm.f32}
 * to split an exponent; {@code __fadd_rz} is an intrinsic), so they are not rare in nvcc output.
 *
 * <p>The exact result is {@code s + err}: {@code s} the double sum or product (a product of two
 * floats is exact in double) and {@code err} its exact error by TwoSum. Rounding {@code s} to the
 * nearest float gives {@code r}; the float on the other side of the exact result is one step away,
 * and which side the exact value lies on is decided by comparing {@code r} with {@code s} and, on
 * a tie, by the sign of {@code err}. Every step is exact, so the result is correctly rounded.
 */
final class DirectedRounding {
    private DirectedRounding() {}

    /** {@code mode} is rz, rm or rp; {@code c} is null except for fma. */
    static KExpr of(FunctionLowering f, String op, String mode, KExpr a, KExpr b, KExpr c) {
        ScalarType d = ScalarType.DOUBLE;
        ScalarType t = ScalarType.FLOAT;
        KExpr x = f.temp(Exprs.convert(a, d));
        KExpr y = f.temp(Exprs.convert(b, d));
        KExpr p;
        KExpr q;
        if (op.equals("mul")) {
            p = x;
            q = null;
        } else if (op.equals("fma") || op.equals("mad")) {
            p = f.temp(Exprs.mul(x, y));
            q = f.temp(Exprs.convert(c, d));
        } else {
            p = x;
            q = op.equals("sub") ? f.temp(Exprs.neg(y)) : y;
        }
        KExpr s;
        KExpr err;
        if (q == null) {
            s = f.temp(Exprs.mul(x, y));
            err = new KExpr.FloatConst(d, 0);
        } else {
            s = f.temp(Exprs.add(p, q));
            KExpr bb = f.temp(Exprs.sub(s, p));
            err = f.temp(Exprs.add(Exprs.sub(p, Exprs.sub(s, bb)), Exprs.sub(q, bb)));
        }
        KLocal r = f.local("rounded", t);
        KExpr rv = new KExpr.LocalGet(r);
        KExpr nearest = Exprs.convert(s, t);
        if (mode.equals("rm") && q != null) {
            // an exact zero sum is -0 toward minus infinity unless both terms are +0 (IEEE 754 6.3):
            // -((-p) + (-q)) rounded to nearest is exactly that
            KExpr zeroSum = Exprs.convert(Exprs.neg(Exprs.add(Exprs.neg(p), Exprs.neg(q))), t);
            nearest = Exprs.select(Exprs.compare(BinaryOp.EQ, s, new KExpr.FloatConst(d, 0)), zeroSum, nearest);
        }
        f.emit(new KStmt.Assign(r, nearest));
        KExpr rd = f.temp(Exprs.convert(rv, d));
        KExpr zero = new KExpr.FloatConst(d, 0);
        KExpr above = Exprs.binary(BinaryOp.OR, Exprs.compare(BinaryOp.GT, rd, s),
                Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.EQ, rd, s), Exprs.compare(BinaryOp.LT, err, zero)));
        KExpr below = Exprs.binary(BinaryOp.OR, Exprs.compare(BinaryOp.LT, rd, s),
                Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.EQ, rd, s), Exprs.compare(BinaryOp.GT, err, zero)));
        KExpr down;
        KExpr up;
        if (mode.equals("rm")) {
            down = above;
            up = null;
        } else if (mode.equals("rp")) {
            down = null;
            up = below;
        } else {
            // toward zero: down for positive results, up for negative ones
            down = Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.GT, s, zero), above);
            up = Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.LT, s, zero), below);
        }
        if (down != null) {
            f.emit(new KStmt.If(down, new KBlock(List.of(new KStmt.Assign(r, step(rv, false)))), KBlock.EMPTY));
        }
        if (up != null) {
            f.emit(new KStmt.If(up, new KBlock(List.of(new KStmt.Assign(r, step(rv, true)))), KBlock.EMPTY));
        }
        return rv;
    }

    /** The next float above ({@code up}) or below {@code r}, through its bits; r is not NaN. */
    private static KExpr step(KExpr r, boolean up) {
        ScalarType t = ScalarType.FLOAT;
        KExpr bits = Exprs.bits(r);
        KExpr zero = new KExpr.FloatConst(t, 0);
        KExpr positive = Exprs.compare(BinaryOp.GT, r, zero);
        KExpr plus = Exprs.add(bits, Exprs.i32(1));
        KExpr minus = Exprs.sub(bits, Exprs.i32(1));
        KExpr away = up ? Exprs.select(positive, plus, minus) : Exprs.select(positive, minus, plus);
        // from +-0 the next float is the smallest subnormal of the step's sign
        KExpr fromZero = Exprs.i32(up ? 1 : 0x80000001);
        KExpr next = Exprs.select(Exprs.compare(BinaryOp.EQ, r, zero), fromZero, away);
        return Exprs.as(next, t);
    }
}
