package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.types.ScalarType;

/** The boolean KIR the SIMT rewrites ({@link RegionFission}, {@link UniformCollectives}) build their masks from. */
final class MaskExprs {
    private MaskExprs() {}

    static KExpr get(KLocal l) {
        return new KExpr.LocalGet(l);
    }

    static KExpr bool(boolean v) {
        return new KExpr.IntConst(ScalarType.BOOL, v ? 1 : 0);
    }

    static KExpr and(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.LAND, a, b, ScalarType.BOOL);
    }

    static KExpr not(KExpr a) {
        return new KExpr.Unary(KExpr.UnaryOp.NOT, a, ScalarType.BOOL);
    }
}
