package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.types.ScalarType;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * How a 32-bit integer depends on a counter {@code k} that starts at a constant and grows by one per
 * trip (a loop's counter; or {@code threadIdx.y}, a block's rows): as {@code atStart + step * trip}
 * modulo 2^32, where {@code atStart} is the expression with {@code k} replaced by its start and
 * {@code step} an expression that does not change with {@code k}. Addition,
 * subtraction, multiplication by a loop-invariant value and left shifts by a constant keep that form
 * (they are ring operations modulo 2^32); anything else that reads {@code k} does not.
 *
 * <p>Used for the addresses of accumulating rows ({@link io.cudawasm.kernels.abi.VectorAccumulateAbi}):
 * {@code As[ty][k]} is {@code As + 64*ty + 4*k}, a step of 4 bytes per trip; {@code B[k*N + col]} a
 * step of {@code 4*N}.
 */
final class CounterSteps {
    private CounterSteps() {}

    /**
     * {@code e} split at the counter; {@code step} null when {@code e} does not read the counter.
     */
    record Split(KExpr atStart, KExpr step) {}

    /**
     * The split of {@code e}, a 32-bit integer expression, or null when it is not of the form.
     * {@code invariant} gives, for an operand that does not read the counter, an expression with its
     * value that can be evaluated before the loop (the same for every thread and trip), or null when
     * there is none; it is asked only for multipliers of the counter.
     */
    static Split split(KExpr e, KLocal counter, long start, UnaryOperator<KExpr> invariant) {
        return split(e, x -> x instanceof KExpr.LocalGet g && g.local() == counter, start, invariant);
    }

    /** {@link #split(KExpr, KLocal, long, UnaryOperator)} of the counter {@code isCounter} tells. */
    static Split split(KExpr e, Predicate<KExpr> isCounter, long start, UnaryOperator<KExpr> invariant) {
        if (!ThreadAffine.is32BitInteger(e.type())) {
            return null;
        }
        if (!reads(e, isCounter)) {
            return new Split(e, null);
        }
        if (isCounter.test(e)) {
            ScalarType t = (ScalarType) e.type();
            return new Split(new KExpr.IntConst(t, start), new KExpr.IntConst(t, 1));
        }
        if (e instanceof KExpr.Convert c) {
            Split s = split(c.operand(), isCounter, start, invariant);
            return s == null ? null : new Split(new KExpr.Convert(c.type(), s.atStart()), convert(c, s.step()));
        }
        if (e instanceof KExpr.Binary b) {
            Split l = split(b.left(), isCounter, start, invariant);
            Split r = split(b.right(), isCounter, start, invariant);
            if (l == null || r == null) {
                return null;
            }
            KExpr at = new KExpr.Binary(b.op(), l.atStart(), r.atStart(), b.type());
            return switch (b.op()) {
                case ADD -> new Split(at, combine(KExpr.BinaryOp.ADD, l.step(), r.step(), b));
                case SUB -> new Split(at, r.step() == null ? l.step()
                        : combine(KExpr.BinaryOp.SUB, l.step() == null ? zero(b) : l.step(), r.step(), b));
                case MUL -> {
                    if (l.step() != null && r.step() != null) {
                        yield null; // k * k
                    }
                    KExpr factor = invariant.apply(l.step() == null ? b.left() : b.right());
                    KExpr step = l.step() == null ? r.step() : l.step();
                    yield factor == null ? null : new Split(at, new KExpr.Binary(KExpr.BinaryOp.MUL, step, factor, b.type()));
                }
                case SHL -> r.step() == null && b.right() instanceof KExpr.IntConst k && k.value() >= 0 && k.value() < 32
                        ? new Split(at, new KExpr.Binary(KExpr.BinaryOp.SHL, l.step(), b.right(), b.type())) : null;
                default -> null;
            };
        }
        return null;
    }

    private static KExpr convert(KExpr.Convert c, KExpr step) {
        return step == null ? null : new KExpr.Convert(c.type(), step);
    }

    private static KExpr combine(KExpr.BinaryOp op, KExpr l, KExpr r, KExpr.Binary b) {
        if (l == null) {
            return r;
        }
        return r == null ? l : new KExpr.Binary(op, l, r, b.type());
    }

    private static KExpr zero(KExpr.Binary b) {
        return new KExpr.IntConst((ScalarType) b.type(), 0);
    }

    /** Whether {@code e} reads {@code local}. */
    static boolean reads(KExpr e, KLocal local) {
        return reads(e, x -> x instanceof KExpr.LocalGet g && g.local() == local);
    }

    /** Whether {@code e} holds a node {@code counter} accepts. */
    static boolean reads(KExpr e, Predicate<KExpr> counter) {
        boolean[] found = {false};
        KirWalk.expression(e, x -> found[0] |= counter.test(x));
        return found[0];
    }
}
