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
        return reached(kernel, new HashSet<>(), false);
    }

    /**
     * Whether a kernel, or a function it calls, synchronizes the grid: a grid barrier, or nvcc's form
     * of one, which spins on a counter in the grid workspace ({@link #usesWorkspace}). Either needs
     * every block resident at once.
     */
    public static boolean cooperative(KFunction kernel) {
        return reached(kernel, new HashSet<>(), true);
    }

    /**
     * Whether {@code f}'s own body takes the address of the grid workspace
     * ({@link io.cudawasm.kernels.abi.KernelAbi#GRID_WORKSPACE_SYMBOL}), as nvcc's PTX of
     * {@code grid.sync()} does to spin on a counter there.
     */
    public static boolean usesWorkspace(KFunction f) {
        boolean[] found = {false};
        KirWalk.expressions(f.body(), e -> found[0] |= e instanceof KExpr.GlobalAddr g
                && g.global().name().equals(io.cudawasm.kernels.abi.KernelAbi.GRID_WORKSPACE_SYMBOL));
        return found[0];
    }

    /** Whether {@code f}'s own body (not the functions it calls) holds a grid barrier. */
    public static boolean inBody(KFunction f) {
        boolean[] found = {false};
        KirWalk.statements(f.body(), s -> found[0] |= s instanceof KStmt.Barrier b && b.kind() == BarrierKind.GRID);
        return found[0];
    }

    private static boolean reached(KFunction f, Set<KFunction> seen, boolean workspace) {
        if (!seen.add(f) || f.body() == null) {
            return false;
        }
        if (inBody(f) || workspace && usesWorkspace(f)) {
            return true;
        }
        Set<KFunction> callees = new HashSet<>();
        KirWalk.expressions(f.body(), e -> {
            if (e instanceof KExpr.Call c) {
                callees.add(c.callee());
            }
        });
        for (KFunction callee : callees) {
            if (reached(callee, seen, workspace)) {
                return true;
            }
        }
        return false;
    }
}
