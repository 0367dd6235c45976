package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The guard of a thread loop's body as a range of {@code threadIdx.x}: the body is some side-effect-free
 * assignments followed by {@code if (c) { rest }} (or {@code if (c) return; rest}, which runs the rest
 * when c is false), and c is a conjunction of conditions the row does not change and of comparisons
 * {@code E op V} where E is {@code base + threadIdx.x} ({@link ThreadAffine}) and V invariant. For a
 * row, the threads that pass are then an interval, computed once; the fast thread loop runs just those,
 * without the test. {@code E} must not wrap over the row (checked at run time, with the others of
 * {@link FunctionEmitter}'s fast thread loop).
 *
 * @param prefix     the assignments before the guard (run for the passing threads only)
 * @param rest       what passing threads run after them
 * @param bounds     the comparisons with {@code threadIdx.x}
 * @param invariants conditions the row does not change (as they must hold)
 */
record RowGuard(List<KStmt> prefix, List<KStmt> rest, List<Bound> bounds, List<KExpr> invariants) {

    /** {@code base + threadIdx.x op value}, compared with the signedness of {@code unsigned}. */
    record Bound(ThreadAffine.Form lhs, KExpr.BinaryOp op, KExpr value, boolean unsigned) {}

    /** The body with its guard as a range, or null when it has none of the supported shape. */
    static RowGuard of(KBlock body, ThreadAffine affine, Predicate<KStmt.Assign> harmless) {
        List<KStmt> flat = ThreadAffine.flatten(body);
        int i = 0;
        while (i < flat.size() && flat.get(i) instanceof KStmt.Assign a && harmless.test(a)) {
            i++;
        }
        if (i >= flat.size() || !(flat.get(i) instanceof KStmt.If guard) || !guard.otherwise().isEmpty()) {
            return null;
        }
        List<KStmt> prefix = List.copyOf(flat.subList(0, i));
        boolean exits = guard.then().statements().size() == 1 && (guard.then().statements().get(0) instanceof KStmt.Return r
                && r.value() == null || guard.then().statements().get(0) instanceof KStmt.ExitThread);
        List<KStmt> rest;
        if (exits) {
            rest = List.copyOf(flat.subList(i + 1, flat.size()));
        } else if (i == flat.size() - 1) {
            rest = guard.then().statements();
        } else {
            return null;
        }
        List<Bound> bounds = new ArrayList<>();
        List<KExpr> invariants = new ArrayList<>();
        if (!terms(guard.condition(), exits, affine, bounds, invariants)) {
            return null;
        }
        return new RowGuard(prefix, rest, bounds, invariants);
    }

    /**
     * Splits a condition (negated when {@code negate}) into bounds and invariant conditions, which must
     * all hold; false when it cannot.
     */
    static boolean terms(KExpr c, boolean negate, ThreadAffine affine, List<Bound> bounds, List<KExpr> invariants) {
        KExpr invariant = affine.invariantCondition(c);
        if (invariant != null) {
            invariants.add(negate ? new KExpr.Unary(KExpr.UnaryOp.NOT, invariant, ScalarType.BOOL) : invariant);
            return true;
        }
        if (c instanceof KExpr.Unary u && u.op() == KExpr.UnaryOp.NOT) {
            return terms(u.operand(), !negate, affine, bounds, invariants);
        }
        if (!(c instanceof KExpr.Binary b)) {
            return false;
        }
        if (b.op() == (negate ? KExpr.BinaryOp.LOR : KExpr.BinaryOp.LAND)) {
            return terms(b.left(), negate, affine, bounds, invariants)
                    && terms(b.right(), negate, affine, bounds, invariants);
        }
        if (!b.op().isComparison() || !ThreadAffine.is32BitInteger(b.left().type())) {
            return false;
        }
        KExpr.BinaryOp op = negate ? negation(b.op()) : b.op();
        ThreadAffine.Form l = affine.form(b.left());
        ThreadAffine.Form r = affine.form(b.right());
        if (l == null || r == null || op == KExpr.BinaryOp.NE) {
            return false;
        }
        boolean unsigned = ThreadAffine.unsigned(b.left().type());
        if (l.coeff() == 1 && r.invariant()) {
            bounds.add(new Bound(l, op, r.base(), unsigned));
            return true;
        }
        if (r.coeff() == 1 && l.invariant()) {
            bounds.add(new Bound(r, mirror(op), l.base(), unsigned));
            return true;
        }
        return false;
    }

    static KExpr.BinaryOp negation(KExpr.BinaryOp op) {
        return switch (op) {
            case LT -> KExpr.BinaryOp.GE;
            case LE -> KExpr.BinaryOp.GT;
            case GT -> KExpr.BinaryOp.LE;
            case GE -> KExpr.BinaryOp.LT;
            case EQ -> KExpr.BinaryOp.NE;
            case NE -> KExpr.BinaryOp.EQ;
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    /** {@code a op b} as {@code b op' a}. */
    static KExpr.BinaryOp mirror(KExpr.BinaryOp op) {
        return switch (op) {
            case LT -> KExpr.BinaryOp.GT;
            case LE -> KExpr.BinaryOp.GE;
            case GT -> KExpr.BinaryOp.LT;
            case GE -> KExpr.BinaryOp.LE;
            default -> op;
        };
    }
}
