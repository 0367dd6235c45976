package io.cudawasm.kernels.kir;

import java.util.HashSet;
import java.util.Set;

/**
 * Whether a kernel synchronizes the whole grid ({@code grid.sync()}), in its body or in a device
 * function it calls: such a kernel needs a cooperative launch (every block resident at once).
 */
public final class GridBarriers {
    private GridBarriers() {}

    public static boolean reachedFrom(KFunction kernel) {
        return reached(kernel, new HashSet<>());
    }

    /** Whether {@code f}'s own body (not the functions it calls) holds a grid barrier. */
    public static boolean inBody(KFunction f) {
        boolean[] found = {false};
        KirWalk.statements(f.body(), s -> found[0] |= s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID);
        return found[0];
    }

    private static boolean reached(KFunction f, Set<KFunction> seen) {
        if (!seen.add(f) || f.body() == null) {
            return false;
        }
        if (inBody(f)) {
            return true;
        }
        Set<KFunction> callees = new HashSet<>();
        KirWalk.expressions(f.body(), e -> {
            if (e instanceof KExpr.Call c) {
                callees.add(c.callee());
            }
        });
        for (KFunction callee : callees) {
            if (reached(callee, seen)) {
                return true;
            }
        }
        return false;
    }
}
