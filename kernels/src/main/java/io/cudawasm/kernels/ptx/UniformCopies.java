package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirWalk;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Substitutes the registers that only hold a block-invariant value into their uses: a local
 * assigned once, at the top level of the function, from parameters, constants, symbol addresses
 * and {@code blockIdx/blockDim/gridDim} ({@code ld.param.u64 %rd1, [p]; cvta.to.global.u64 %rd2,
 * %rd1; mov.u32 %r1, %ctaid.x; mov.u32 %r2, s;}). nvcc's PTX is full of them, interleaved with
 * per-thread code; left as assignments they are block values to region fission, which runs them
 * once per block and so cuts the thread loop around each one, storing every live per-thread value
 * to memory at the cut. Written where they are used, they cost a register read, as in the C path.
 */
final class UniformCopies {
    /** Larger expressions stay assignments rather than being copied into every use. */
    private static final int MAX_NODES = 12;

    private UniformCopies() {}

    static KBlock apply(KBlock body) {
        Map<KLocal, Integer> assignments = new HashMap<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assignments.merge(a.target(), 1, Integer::sum);
            }
        });
        Map<KLocal, KExpr> values = new HashMap<>();
        Set<KLocal> used = new HashSet<>();
        KirRewriter substitute = new KirRewriter() {
            @Override
            public KExpr expr(KExpr e) {
                if (e instanceof KExpr.LocalGet g && values.containsKey(g.local())) {
                    return values.get(g.local());
                }
                return super.expr(e);
            }
        };
        List<KStmt> out = new ArrayList<>();
        for (KStmt s : body.statements()) {
            List<KStmt> rewritten = substitute.stmt(s);
            if (rewritten.size() == 1 && rewritten.get(0) instanceof KStmt.Assign a
                    && assignments.get(a.target()) == 1 && !a.target().needsMemory() && !a.target().isParam()
                    && !used.contains(a.target()) && invariant(a.value())) {
                values.put(a.target(), a.value());
                continue;
            }
            for (KStmt r : rewritten) {
                KirWalk.expressions(new KBlock(List.of(r)), e -> {
                    if (e instanceof KExpr.LocalGet g) {
                        used.add(g.local());
                    }
                });
                out.add(r);
            }
        }
        return values.isEmpty() ? body : new KBlock(out);
    }

    private static boolean invariant(KExpr e) {
        boolean[] ok = {true};
        int[] nodes = {0};
        KirWalk.expression(e, x -> {
            nodes[0]++;
            boolean allowed = x instanceof KExpr.IntConst || x instanceof KExpr.FloatConst
                    || x instanceof KExpr.GlobalAddr || x instanceof KExpr.Unary || x instanceof KExpr.Binary
                    || x instanceof KExpr.Convert || x instanceof KExpr.Select
                    || x instanceof KExpr.Special sp && sp.reg().isBlockUniform()
                    || x instanceof KExpr.LocalGet g && g.local().isParam();
            if (!allowed) {
                ok[0] = false;
            }
        });
        return ok[0] && nodes[0] <= MAX_NODES;
    }
}
