package io.cudawasm.kernels.wasm;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A thread loop whose whole work is guarded by {@code threadIdx.x < U} or {@code threadIdx.x == U},
 * with U the same for every thread of the block: the tree steps of a reduction
 * ({@code if (tid < s) ...}) and the single writer at the end ({@code if (tid == 0) ...}). The x loop
 * then stops at the first thread that cannot pass, instead of visiting the whole block to find the
 * guard false: a 256-thread reduction visits 255 threads over its eight steps instead of 2048.
 *
 * <p>Before the guard only assignments of registers from thread indices may run (the rematerialized
 * {@code tid = threadIdx.x}): their values do not outlive the thread, so skipping a thread skips
 * nothing visible. The guard itself stays in the loop body.
 *
 * @param bound     U, a 32-bit integer expression of block-uniform values
 * @param inclusive whether the guard is {@code ==} (threads up to U pass) rather than {@code <}
 */
record ThreadRange(KExpr bound, boolean inclusive) {

    static Optional<ThreadRange> of(KBlock body) {
        List<KStmt> flat = new ArrayList<>();
        flatten(body, flat);
        if (flat.isEmpty() || !(flat.get(flat.size() - 1) instanceof KStmt.If guard)
                || !guard.otherwise().statements().isEmpty()) {
            return Optional.empty();
        }
        Set<KLocal> threadX = new HashSet<>();
        for (KStmt s : flat.subList(0, flat.size() - 1)) {
            if (!(s instanceof KStmt.Assign a) || a.target().isThreadContext() || a.target().needsMemory()
                    || !isThreadIndexValue(a.value(), threadX)) {
                return Optional.empty();
            }
            if (isThreadX(a.value(), threadX)) {
                threadX.add(a.target());
            } else {
                threadX.remove(a.target());
            }
        }
        if (!(guard.condition() instanceof KExpr.Binary c) || !isThreadX(c.left(), threadX)
                || !is32BitInteger(c.right().type()) || !isBlockUniform(c.right())) {
            return Optional.empty();
        }
        // the bound is evaluated once before the loop: the loop must not change it
        Set<KLocal> assigned = new HashSet<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assigned.add(a.target());
            }
        });
        boolean[] changes = {false};
        KirWalk.expression(c.right(), e -> {
            if (e instanceof KExpr.LocalGet g && assigned.contains(g.local())) {
                changes[0] = true;
            }
        });
        if (changes[0]) {
            return Optional.empty();
        }
        if (c.op() == KExpr.BinaryOp.LT) {
            return Optional.of(new ThreadRange(c.right(), false));
        }
        if (c.op() == KExpr.BinaryOp.EQ) {
            return Optional.of(new ThreadRange(c.right(), true));
        }
        return Optional.empty();
    }

    private static void flatten(KBlock b, List<KStmt> out) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Nested n) {
                flatten(n.block(), out);
            } else {
                out.add(s);
            }
        }
    }

    /** threadIdx.x itself, a register holding it, or a conversion of either to a 32-bit integer. */
    private static boolean isThreadX(KExpr e, Set<KLocal> threadX) {
        if (e instanceof KExpr.Special s) {
            return s.reg() == SpecialReg.TID_X;
        }
        if (e instanceof KExpr.LocalGet g) {
            return threadX.contains(g.local());
        }
        if (e instanceof KExpr.Convert c) {
            return is32BitInteger(c.type()) && isThreadX(c.operand(), threadX);
        }
        return false;
    }

    /** A side-effect-free value computed from thread indices, constants and block-uniform values. */
    private static boolean isThreadIndexValue(KExpr e, Set<KLocal> threadX) {
        if (e instanceof KExpr.Special || e instanceof KExpr.IntConst) {
            return true;
        }
        if (e instanceof KExpr.LocalGet g) {
            return threadX.contains(g.local()) || g.local().isUniform();
        }
        if (e instanceof KExpr.Convert c) {
            return isThreadIndexValue(c.operand(), threadX);
        }
        if (e instanceof KExpr.Binary b) {
            return b.op() != KExpr.BinaryOp.DIV && b.op() != KExpr.BinaryOp.REM
                    && isThreadIndexValue(b.left(), threadX) && isThreadIndexValue(b.right(), threadX);
        }
        return false;
    }

    private static boolean isBlockUniform(KExpr e) {
        if (e instanceof KExpr.IntConst) {
            return true;
        }
        if (e instanceof KExpr.Special s) {
            return s.reg().isBlockUniform();
        }
        if (e instanceof KExpr.LocalGet g) {
            return g.local().isUniform() && !g.local().needsMemory();
        }
        if (e instanceof KExpr.Convert c) {
            return isBlockUniform(c.operand());
        }
        if (e instanceof KExpr.Binary b) {
            return b.op() != KExpr.BinaryOp.DIV && b.op() != KExpr.BinaryOp.REM && !b.op().isLogical()
                    && isBlockUniform(b.left()) && isBlockUniform(b.right());
        }
        return false;
    }

    private static boolean is32BitInteger(io.cudawasm.kernels.types.CType t) {
        return t instanceof ScalarType s && s.size() == 4 && s != ScalarType.FLOAT;
    }
}
