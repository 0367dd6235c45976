package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import java.util.HashMap;
import java.util.Map;

/**
 * How often each local of a function body is assigned and read; taking a local's address counts as
 * two reads, so such a local never looks single-use. The clean-ups that fold nvcc's registers back
 * into expressions only touch locals written once and read once.
 */
record LocalUses(Map<KLocal, Integer> assignments, Map<KLocal, Integer> reads) {

    static LocalUses of(KBlock body) {
        Map<KLocal, Integer> assignments = new HashMap<>();
        Map<KLocal, Integer> reads = new HashMap<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assignments.merge(a.target(), 1, Integer::sum);
            }
        });
        KirWalk.expressions(body, e -> {
            if (e instanceof KExpr.LocalGet g) {
                reads.merge(g.local(), 1, Integer::sum);
            } else if (e instanceof KExpr.LocalAddr l) {
                reads.merge(l.local(), 2, Integer::sum);
            }
        });
        return new LocalUses(assignments, reads);
    }

    /** Assigned exactly once and read exactly once, in a register (not memory), not a parameter. */
    boolean singleUse(KLocal l) {
        return !l.needsMemory() && !l.isParam() && assignments.getOrDefault(l, 0) == 1 && reads.getOrDefault(l, 0) == 1;
    }
}
