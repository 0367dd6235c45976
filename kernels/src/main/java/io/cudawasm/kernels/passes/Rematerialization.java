package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileBudget;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recomputes instead of storing: a local assigned once from thread indices, parameters, constants
 * and addresses of variables ({@code int i = blockIdx.x * blockDim.x + threadIdx.x}) is redefined
 * at the start of every thread loop that reads it, so it never needs a per-thread slot. Cheaper
 * than a store and a load per thread and region (Polygeist's trade-off, in its simplest form).
 *
 * <p>The one assignment may be nested (PTX puts nvcc's address registers, such as a shared tile's
 * {@code As + threadIdx.y * 64}, inside the uniform {@code if} of a loop it rotated): its value is
 * the same wherever it is computed, so a read after it sees that value either way, and a read that
 * no assignment precedes saw an unassigned register, which the definition may as well fill.
 */
final class Rematerialization {
    private Rematerialization() {}

    /** The rematerializable locals of a (pre-fission) kernel body with their defining expressions, in order. */
    static Map<KLocal, KExpr> find(KBlock body, Set<KLocal> blockValues) {
        Map<KLocal, Integer> assignments = new HashMap<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                assignments.merge(a.target(), 1, Integer::sum);
            }
        });
        // locals assigned once from such values: constants wherever they have been assigned; block values
        // among them stay block values, but the definitions recomputed per thread may read them
        Set<KStmt> top = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        top.addAll(body.statements());
        Map<KLocal, KExpr> constant = new LinkedHashMap<>();
        KirWalk.statements(body, s -> {
            // a nested definition may now run where the original did not: it must not trap either
            if (s instanceof KStmt.Assign a && assignments.get(a.target()) == 1 && !a.target().needsMemory()
                    && !a.target().isParam() && pure(a.value(), constant)
                    && (top.contains(s) || cannotTrap(a.value()))) {
                constant.put(a.target(), a.value());
            }
        });
        Map<KLocal, KExpr> remat = new LinkedHashMap<>(constant);
        remat.keySet().removeAll(blockValues);
        return remat;
    }

    private static boolean pure(KExpr e, Map<KLocal, KExpr> known) {
        boolean[] ok = {true};
        KirWalk.expression(e, x -> {
            boolean allowed = x instanceof KExpr.IntConst || x instanceof KExpr.FloatConst || x instanceof KExpr.Special
                    || x instanceof KExpr.GlobalAddr || x instanceof KExpr.Unary || x instanceof KExpr.Binary
                    || x instanceof KExpr.Convert || x instanceof KExpr.Select
                    || x instanceof KExpr.LocalGet g && (g.local().isParam() || known.containsKey(g.local()));
            if (!allowed) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    /** No integer division or remainder, but by a constant other than 0 and -1: what {@link #pure} lets trap. */
    private static boolean cannotTrap(KExpr e) {
        boolean[] ok = {true};
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.Binary b && (b.op() == KExpr.BinaryOp.DIV || b.op() == KExpr.BinaryOp.REM)
                    && b.type().isInteger()
                    && !(b.right() instanceof KExpr.IntConst k && k.value() != 0 && k.value() != -1)) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    /** Prepends the definitions each thread loop needs. */
    static KBlock apply(KBlock body, Map<KLocal, KExpr> remat) {
        if (remat.isEmpty()) {
            return body;
        }
        List<KStmt> out = new ArrayList<>();
        for (KStmt s : body.statements()) {
            out.add(rewrite(s, remat));
        }
        return new KBlock(out);
    }

    private static KStmt rewrite(KStmt s, Map<KLocal, KExpr> remat) {
        if (s instanceof KStmt.ThreadLoop t) {
            Set<KLocal> needed = new LinkedHashSet<>();
            KirWalk.expressions(t.body(), e -> {
                if (e instanceof KExpr.LocalGet g && remat.containsKey(g.local())) {
                    needed.add(g.local());
                }
            });
            if (needed.isEmpty()) {
                return s;
            }
            // definitions may read earlier rematerialized locals: close over them, keep source order
            // (block values they read are registers already)
            boolean grew = true;
            while (grew) {
                CompileBudget.current().checkpoint(null);
                grew = false;
                for (KLocal l : new ArrayList<>(needed)) {
                    Set<KLocal> deps = new LinkedHashSet<>();
                    KirWalk.expression(remat.get(l), e -> {
                        if (e instanceof KExpr.LocalGet g && remat.containsKey(g.local())) {
                            deps.add(g.local());
                        }
                    });
                    grew |= needed.addAll(deps);
                }
            }
            // the definitions are repeated in every thread loop: counted before they are built
            CompileBudget budget = CompileBudget.current();
            long added = 0;
            for (KLocal l : needed) {
                added += 1 + KirSize.of(remat.get(l));
            }
            budget.countIrNodes(added, null, null);
            List<KStmt> body = new ArrayList<>();
            for (Map.Entry<KLocal, KExpr> e : remat.entrySet()) {
                if (needed.contains(e.getKey())) {
                    body.add(new KStmt.Assign(e.getKey(), e.getValue()));
                }
            }
            body.addAll(t.body().statements());
            return new KStmt.ThreadLoop(new KBlock(body));
        }
        if (s instanceof KStmt.If i) {
            return new KStmt.If(i.condition(), apply(i.then(), remat), apply(i.otherwise(), remat));
        }
        if (s instanceof KStmt.Loop l) {
            return new KStmt.Loop(l.doWhile(), l.condition(), apply(l.body(), remat), apply(l.step(), remat));
        }
        if (s instanceof KStmt.Nested n) {
            return new KStmt.Nested(apply(n.block(), remat));
        }
        return s;
    }
}
