package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * The shapes of IR the emitter's host rows take, as pure functions of the IR: the counters a block's
 * rows and a grid's blocks step by, a store's constants and loads (block copies), bounds on
 * {@code threadIdx.y} (block copies), a halving counter (vector trees), conversions that change no bits.
 * {@link FunctionEmitter} decides with them whether a row, block or loop goes to the host.
 */
final class HostRowShapes {
    private HostRowShapes() {}

    /** {@code threadIdx.y}: the counter of a block's rows. */
    static final java.util.function.Predicate<KExpr> ROW_COUNTER = e -> e instanceof KExpr.Special s
            && s.reg() == SpecialReg.TID_Y;

    /**
     * {@code e} as a load of type {@code t}, or null: the load itself, or where the store narrows
     * ({@code narrowed}) a load of {@code t} widened to another integer type, which the narrowing undoes.
     */
    static KExpr.Load ownLoad(KExpr e, CType t, boolean narrowed) {
        if (narrowed && e instanceof KExpr.Convert c && c.type().isInteger() && c.type().size() >= t.size()) {
            e = c.operand();
        }
        return e instanceof KExpr.Load l && l.type().equals(t) ? l : null;
    }

    /** The bits of a constant of type {@code t} as it stores them (low bytes first), or null when it is not one. */
    static Long constantBits(KExpr e, CType t) {
        if (e instanceof KExpr.IntConst k && k.type().equals(t)) {
            return k.value();
        }
        if (e instanceof KExpr.FloatConst f && f.type().equals(t)) {
            ScalarKind kind = f.type().kind();
            return kind == ScalarKind.FLOAT ? Long.valueOf(Float.floatToRawIntBits((float) f.value()) & 0xFFFF_FFFFL)
                    : kind == ScalarKind.DOUBLE ? Long.valueOf(Double.doubleToRawLongBits(f.value())) : null;
        }
        return null;
    }

    /**
     * Splits a condition the row does not change (negated when {@code negate}) into bounds on
     * threadIdx.y ({@code base + threadIdx.y op value}, base and value the same for the whole block) and
     * conditions the block does not change; false when it cannot.
     */
    static boolean rowBounds(KExpr c, boolean negate, List<RowGuard.Bound> bounds, List<KExpr> uniforms) {
        if (!CounterSteps.reads(c, ROW_COUNTER)) {
            uniforms.add(negate ? new KExpr.Unary(KExpr.UnaryOp.NOT, c, ScalarType.BOOL) : c);
            return true;
        }
        if (c instanceof KExpr.Unary u && u.op() == KExpr.UnaryOp.NOT) {
            return rowBounds(u.operand(), !negate, bounds, uniforms);
        }
        if (!(c instanceof KExpr.Binary b)) {
            return false;
        }
        if (b.op() == (negate ? KExpr.BinaryOp.LOR : KExpr.BinaryOp.LAND)) {
            return rowBounds(b.left(), negate, bounds, uniforms) && rowBounds(b.right(), negate, bounds, uniforms);
        }
        if (!b.op().isComparison() || !ThreadAffine.is32BitInteger(b.left().type())) {
            return false;
        }
        KExpr.BinaryOp op = negate ? RowGuard.negation(b.op()) : b.op();
        java.util.function.UnaryOperator<KExpr> invariant = e -> CounterSteps.reads(e, ROW_COUNTER) ? null : e;
        CounterSteps.Split l = CounterSteps.split(b.left(), ROW_COUNTER, 0, invariant);
        CounterSteps.Split r = CounterSteps.split(b.right(), ROW_COUNTER, 0, invariant);
        if (l == null || r == null || op == KExpr.BinaryOp.NE) {
            return false;
        }
        boolean unsigned = ThreadAffine.unsigned(b.left().type());
        if (unitStep(l.step()) && r.step() == null) {
            bounds.add(new RowGuard.Bound(new ThreadAffine.Form(l.atStart(), 1), op, r.atStart(), unsigned));
            return true;
        }
        if (unitStep(r.step()) && l.step() == null) {
            bounds.add(new RowGuard.Bound(new ThreadAffine.Form(r.atStart(), 1), RowGuard.mirror(op), l.atStart(), unsigned));
            return true;
        }
        return false;
    }

    /** A step of one: the constant 1, through conversions between 32-bit integer types (which keep it 1). */
    static boolean unitStep(KExpr step) {
        while (step instanceof KExpr.Convert c && ThreadAffine.is32BitInteger(c.type())
                && ThreadAffine.is32BitInteger(c.operand().type())) {
            step = c.operand();
        }
        return step instanceof KExpr.IntConst k && k.value() == 1;
    }

    /** Whether {@code step} is {@code s = s >> 1} or {@code s = s / 2}. */
    static boolean halves(KBlock step, KLocal s) {
        return step.statements().size() == 1 && step.statements().get(0) instanceof KStmt.Assign a && a.target() == s
                && a.value() instanceof KExpr.Binary b && b.left() instanceof KExpr.LocalGet g && g.local() == s
                && b.right() instanceof KExpr.IntConst k
                && (b.op() == KExpr.BinaryOp.SHR && k.value() == 1 || b.op() == KExpr.BinaryOp.DIV && k.value() == 2);
    }

    /** {@code e} without conversions between 32-bit integer types (which change no bits). */
    static KExpr stripIntConversions(KExpr e) {
        while (e instanceof KExpr.Convert c && ThreadAffine.is32BitInteger(c.type())
                && ThreadAffine.is32BitInteger(c.operand().type())) {
            e = c.operand();
        }
        return e;
    }

    static boolean zeroConstant(KExpr e) {
        return stripIntConversions(e) instanceof KExpr.IntConst k && k.value() == 0;
    }

    static final java.util.function.Predicate<KExpr> BLOCK_COUNTER = e -> e instanceof KExpr.Special s
            && s.reg() == SpecialReg.CTAID_X;

    /** Whether {@code e} reads a block's coordinates or its global thread indices. */
    static boolean readsBlock(KExpr e) {
        return CounterSteps.reads(e, x -> x instanceof KExpr.Special s && (s.reg() == SpecialReg.CTAID_X
                || s.reg() == SpecialReg.CTAID_Y || s.reg() == SpecialReg.CTAID_Z));
    }
}
