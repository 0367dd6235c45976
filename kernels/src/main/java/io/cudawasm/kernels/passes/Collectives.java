package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileBudget;
import java.util.HashMap;
import java.util.Map;

/**
 * Finds collective operations: points that every thread of a block (barriers, barrier
 * reductions) or of a warp (shuffles, votes, __syncwarp) must reach together. On the CPU path
 * each one ends a region of the kernel (see {@link RegionFission}).
 */
public final class Collectives {
    private Collectives() {}

    public static boolean isCollective(KExpr e) {
        return e instanceof KExpr.WarpShuffle || e instanceof KExpr.WarpVote || e instanceof KExpr.BlockReduce;
    }

    /** The collective a statement performs itself (not inside nested statements), or null. */
    public static KExpr collectiveOf(KStmt s) {
        if (s instanceof KStmt.Assign a && isCollective(a.value())) {
            return a.value();
        }
        if (s instanceof KStmt.Eval e && isCollective(e.expr())) {
            return e.expr();
        }
        return null;
    }

    /** Whether a block contains a collective, directly, nested, or through calls (see {@link #calls}). */
    public static boolean contains(KBlock b, Map<KFunction, Boolean> calls) {
        boolean[] found = {false};
        KirWalk.statements(b, s -> {
            if (s instanceof KStmt.Barrier || collectiveOf(s) != null) {
                found[0] = true;
            }
        });
        if (found[0]) {
            return true;
        }
        KirWalk.expressions(b, e -> {
            if (e instanceof KExpr.Call c && Boolean.TRUE.equals(calls.get(c.callee()))) {
                found[0] = true;
            }
        });
        return found[0];
    }

    public static boolean contains(KStmt s, Map<KFunction, Boolean> calls) {
        return contains(new KBlock(java.util.List.of(s)), calls);
    }

    /** For every function: does it, or anything it calls, perform a collective? */
    public static Map<KFunction, Boolean> functions(Iterable<KFunction> all) {
        Map<KFunction, Boolean> result = new HashMap<>();
        for (KFunction f : all) {
            result.put(f, false);
        }
        boolean changed = true;
        while (changed) {
            changed = false;
            for (KFunction f : all) {
                CompileBudget.current().checkpoint(f.pos());
                if (!result.get(f) && contains(f.body(), result)) {
                    result.put(f, true);
                    changed = true;
                }
            }
        }
        return result;
    }
}
