package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.types.ScalarType;

/**
 * {@code fma.rn.f32} without a call to the host: the product of two floats is exact in double
 * precision, the sum is rounded to odd (rounded to nearest, then its last bit forced to 1 when the
 * exact error, from TwoSum, is not zero), and the final rounding to float is then correct, because
 * double has more than two bits beyond float's precision (Boldo and Melquiond, 2008). nvcc contracts
 * {@code a * b + c} into this instruction everywhere, so it must be cheap on the CPU path.
 */
final class FusedMultiplyAdd {
    private FusedMultiplyAdd() {}

    static KExpr of(FunctionLowering f, KExpr a, KExpr b, KExpr c) {
        ScalarType t = Exprs.scalar(a);
        if (t.kind() != io.cudawasm.kernels.types.ScalarKind.FLOAT) {
            return Exprs.math(MathFn.FMA, a, b, c);
        }
        ScalarType d = ScalarType.DOUBLE;
        KExpr p = f.temp(Exprs.mul(Exprs.convert(a, d), Exprs.convert(b, d)));
        KExpr cd = f.temp(Exprs.convert(c, d));
        KExpr s = f.temp(Exprs.add(p, cd));
        KExpr bb = f.temp(Exprs.sub(s, p));
        KExpr err = f.temp(Exprs.add(Exprs.sub(p, Exprs.sub(s, bb)), Exprs.sub(cd, bb)));
        KExpr bits = f.temp(Exprs.bits(s));
        KExpr inexact = Exprs.compare(BinaryOp.NE, err, new KExpr.FloatConst(d, 0));
        KExpr even = Exprs.compare(BinaryOp.EQ, Exprs.and(bits, Exprs.constant(Exprs.LONG, 1)),
                Exprs.constant(Exprs.LONG, 0));
        KExpr finite = Exprs.compare(BinaryOp.LT, Exprs.math(MathFn.FABS, s),
                new KExpr.FloatConst(d, Double.POSITIVE_INFINITY));
        KExpr adjust = Exprs.binary(BinaryOp.AND, Exprs.binary(BinaryOp.AND, inexact, even), finite);
        KExpr up = Exprs.compare(BinaryOp.EQ, Exprs.compare(BinaryOp.GT, err, new KExpr.FloatConst(d, 0)),
                Exprs.compare(BinaryOp.GT, s, new KExpr.FloatConst(d, 0)));
        KExpr step = Exprs.select(up, Exprs.constant(Exprs.LONG, 1), Exprs.constant(Exprs.LONG, -1));
        KExpr odd = Exprs.select(adjust, Exprs.add(bits, step), bits);
        return Exprs.convert(Exprs.as(odd, d), t);
    }
}
