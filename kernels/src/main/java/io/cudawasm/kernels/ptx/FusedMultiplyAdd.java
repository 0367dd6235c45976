package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * {@code fma.rn.f32} without a call to the host, because nvcc contracts {@code a * b + c} into
 * it everywhere. The product of two floats is exact in double precision; the sum {@code s}
 * rounded to double and then to float is the correctly rounded result unless {@code s} landed
 * exactly on a midpoint between two floats (then the first rounding may decide the second: no
 * midpoint can lie strictly between the exact sum and its nearest double). Only when {@code s}
 * may be a midpoint (its low 28 bits are zero) the sum is rounded to odd instead, with TwoSum's
 * exact error, which makes the final rounding correct (Boldo and Melquiond, "Emulation of FMA and
 * correctly rounded sums", 2008). Double fma stays a math call.
 */
final class FusedMultiplyAdd {
    /**
     * A float midpoint (normal: low 29 bits 0x10000000; subnormal range: an odd multiple of 2^-150,
     * at least 29 trailing zero bits) has its low 28 bits zero: one test for the rare slow path.
     */
    private static final long LOW_28_BITS = (1L << 28) - 1;

    private FusedMultiplyAdd() {}

    static KExpr of(FunctionLowering f, KExpr a, KExpr b, KExpr c) {
        ScalarType t = Exprs.scalar(a);
        if (t.kind() != ScalarKind.FLOAT) {
            return Exprs.math(MathFn.FMA, a, b, c);
        }
        ScalarType d = ScalarType.DOUBLE;
        KExpr p = f.temp(Exprs.mul(Exprs.convert(a, d), Exprs.convert(b, d)));
        KExpr cd = f.temp(Exprs.convert(c, d));
        KLocal s = f.local("fma", d);
        KExpr sum = new KExpr.LocalGet(s);
        f.emit(new KStmt.Assign(s, Exprs.add(p, cd)));
        KExpr bits = f.temp(Exprs.bits(sum));
        KExpr maybeMidpoint = Exprs.compare(BinaryOp.EQ, Exprs.and(bits, Exprs.constant(Exprs.LONG, LOW_28_BITS)),
                Exprs.constant(Exprs.LONG, 0));
        KExpr bb = Exprs.sub(sum, p);
        KExpr err = Exprs.add(Exprs.sub(p, Exprs.sub(sum, bb)), Exprs.sub(cd, bb));
        KLocal e = f.local("fma_err", d);
        KExpr error = new KExpr.LocalGet(e);
        KExpr inexact = Exprs.compare(BinaryOp.NE, error, new KExpr.FloatConst(d, 0));
        KExpr even = Exprs.compare(BinaryOp.EQ, Exprs.and(bits, Exprs.constant(Exprs.LONG, 1)), Exprs.constant(Exprs.LONG, 0));
        KExpr finite = Exprs.compare(BinaryOp.LT, Exprs.math(MathFn.FABS, sum), new KExpr.FloatConst(d, Double.POSITIVE_INFINITY));
        KExpr up = Exprs.compare(BinaryOp.EQ, Exprs.compare(BinaryOp.GT, error, new KExpr.FloatConst(d, 0)),
                Exprs.compare(BinaryOp.GT, sum, new KExpr.FloatConst(d, 0)));
        KExpr step = Exprs.select(up, Exprs.constant(Exprs.LONG, 1), Exprs.constant(Exprs.LONG, -1));
        KExpr adjust = Exprs.binary(BinaryOp.AND, Exprs.binary(BinaryOp.AND, inexact, even), finite);
        KStmt roundToOdd = new KStmt.If(adjust, new KBlock(List.of(
                new KStmt.Assign(s, Exprs.as(Exprs.add(bits, step), d)))), KBlock.EMPTY);
        f.emit(new KStmt.If(maybeMidpoint,
                new KBlock(List.of(new KStmt.Assign(e, err), roundToOdd)), KBlock.EMPTY));
        return Exprs.convert(sum, t);
    }
}
