package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Predicate;

/**
 * 64-bit integer locals whose value only ever matters modulo 2^32. Addition, subtraction, multiplication,
 * the bitwise operations, negation and left shifts by less than 32 give the same low 32 bits whether
 * computed in 64 or in 32 bits, so such chains, and locals used only by them, are computed in i32
 * (the JVM then works in ints, as it does for the same kernel compiled from CUDA source).
 *
 * <p>A read is <em>low</em> when its value reaches, through those operations alone, a conversion to
 * an integer of at most 32 bits or an assignment to a local that is itself kept in 32 bits. {@link #of}
 * keeps the candidates all of whose reads are low (a fixpoint, as locals feed each other);
 * {@link FunctionEmitter} emits exactly the same contexts in 32 bits.
 *
 * <p>Addresses are not such a context when the address checks are on ({@code pointersLow} false): PTX
 * computes global addresses in 64 bits ({@code cvta}, {@code mul.wide}, {@code add.s64}), and only the
 * whole 64-bit value tells whether it lies in the device's memory or would wrap onto another address.
 * Without the checks a pointer made from a 64-bit integer, and a 64-bit pointer index, keep only their
 * low half, as they did before the checks existed.
 */
final class Low32Locals {
    private Low32Locals() {}

    /** The candidates (64-bit integer locals the caller could keep in an i32) whose every read is low. */
    static Set<KLocal> of(KBlock body, Predicate<KLocal> candidate, boolean pointersLow) {
        Set<KLocal> narrow = new HashSet<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a && isWide(a.target().type()) && candidate.test(a.target())) {
                narrow.add(a.target());
            }
        });
        boolean changed = true;
        while (changed) {
            Set<KLocal> wide = new HashSet<>();
            KirWalk.statements(body, s -> roots(s, narrow, wide, pointersLow));
            changed = narrow.removeAll(wide);
        }
        return narrow;
    }

    private static void roots(KStmt s, Set<KLocal> narrow, Set<KLocal> wide, boolean pointersLow) {
        if (s instanceof KStmt.Assign a) {
            visit(a.value(), narrow.contains(a.target()), narrow, wide, pointersLow);
        } else if (s instanceof KStmt.Store st) {
            visit(st.address(), false, narrow, wide, pointersLow);
            visit(st.value(), false, narrow, wide, pointersLow);
        } else if (s instanceof KStmt.Eval e) {
            visit(e.expr(), false, narrow, wide, pointersLow);
        } else if (s instanceof KStmt.If i) {
            visit(i.condition(), false, narrow, wide, pointersLow);
        } else if (s instanceof KStmt.Loop l) {
            visit(l.condition(), false, narrow, wide, pointersLow);
        } else if (s instanceof KStmt.Switch sw) {
            visit(sw.selector(), false, narrow, wide, pointersLow);
        } else if (s instanceof KStmt.Return r && r.value() != null) {
            visit(r.value(), false, narrow, wide, pointersLow);
        }
    }

    /** Walks {@code e}, evaluated in a low context or not, and records the narrow locals read wide. */
    private static void visit(KExpr e, boolean low, Set<KLocal> narrow, Set<KLocal> wide, boolean pointersLow) {
        if (e instanceof KExpr.LocalGet g) {
            if (!low && narrow.contains(g.local())) {
                wide.add(g.local());
            }
            return;
        }
        if (e instanceof KExpr.Convert c) {
            visit(c.operand(), operandLow(c, low, pointersLow), narrow, wide, pointersLow);
            return;
        }
        if (e instanceof KExpr.PtrAdd p) {
            visit(p.pointer(), false, narrow, wide, pointersLow);
            visit(p.index(), pointersLow && isWide(p.index().type()), narrow, wide, pointersLow);
            return;
        }
        if (e instanceof KExpr.Binary b && low && isWide(b.type())) {
            if (keepsLowBits(b.op())) {
                visit(b.left(), true, narrow, wide, pointersLow);
                visit(b.right(), true, narrow, wide, pointersLow);
                return;
            }
            if (isSmallShift(b)) {
                visit(b.left(), true, narrow, wide, pointersLow);
                return;
            }
        }
        if (e instanceof KExpr.Unary u && low && isWide(u.type()) && u.op() != KExpr.UnaryOp.NOT) {
            visit(u.operand(), true, narrow, wide, pointersLow);
            return;
        }
        for (KExpr child : KirWalk.children(e)) {
            visit(child, false, narrow, wide, pointersLow);
        }
    }

    /** Whether the operand of a conversion is needed only modulo 2^32. */
    static boolean operandLow(KExpr.Convert c, boolean low, boolean pointersLow) {
        if (!isWide(c.operand().type())) {
            return false;
        }
        return narrowsToLow(c.type(), pointersLow) || low && isWide(c.type());
    }

    /** A pointer (when addresses may be cut to 32 bits), or an integer of at most 32 bits (not bool: a test of all 64 bits). */
    static boolean narrowsToLow(CType t, boolean pointersLow) {
        if (t instanceof PointerType) {
            return pointersLow;
        }
        return t instanceof ScalarType s && s.isInteger() && s.kind() != ScalarKind.BOOL && s.size() <= 4;
    }

    static boolean keepsLowBits(BinaryOp op) {
        return op == BinaryOp.ADD || op == BinaryOp.SUB || op == BinaryOp.MUL || op == BinaryOp.AND
                || op == BinaryOp.OR || op == BinaryOp.XOR;
    }

    static boolean isSmallShift(KExpr.Binary b) {
        return b.op() == BinaryOp.SHL && b.right() instanceof KExpr.IntConst c && c.value() >= 0 && c.value() < 32;
    }

    /** A 64-bit integer type. */
    static boolean isWide(CType t) {
        return t instanceof ScalarType s && s.isInteger() && s.size() == 8;
    }
}
