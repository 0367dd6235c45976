package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileBudget;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds a register that is written once and read once back into the expression that reads it,
 * when the read follows in the same straight-line run of statements: nvcc names every value
 * ({@code %f8 = ld; %f9 = ld; %f10 = %f9 * %f8; %f11 = %f72 + %f10}), and a Wasm function with a
 * local per value is one HotSpot's C1 compiler gives up on ("out of virtual registers") once a
 * kernel unrolls a loop. A value moves only over statements that cannot change it: none writes a
 * local it reads, and when it loads memory, none stores, updates atomically or calls. Values with
 * effects of their own (calls, atomics, warp and block collectives) never move.
 */
final class SingleUseForwarding {
    private SingleUseForwarding() {}

    static KBlock apply(KBlock body) {
        LocalUses uses = LocalUses.of(body);
        return new KirRewriter() {
            @Override
            public KBlock block(KBlock b) {
                List<KStmt> out = new ArrayList<>();
                for (KStmt s : b.statements()) {
                    out.addAll(stmt(s));
                }
                forward(out, uses);
                return new KBlock(out);
            }
        }.block(body);
    }

    /** Forwards candidates within one block's statement list, in place. */
    private static void forward(List<KStmt> list, LocalUses uses) {
        CompileBudget budget = CompileBudget.current();
        for (int i = 0; i < list.size(); i++) {
            budget.checkpoint(null);
            if (!(list.get(i) instanceof KStmt.Assign a) || !candidate(a, uses)) {
                continue;
            }
            Set<KLocal> inputs = localsRead(a.value());
            boolean loads = readsMemory(a.value());
            for (int j = i + 1; j < list.size(); j++) {
                budget.checkpoint(null);
                KStmt next = list.get(j);
                if (!straight(next)) {
                    break;
                }
                if (uses(next, a.target())) {
                    if (!effectFree(next)) {
                        break;
                    }
                    list.set(j, substitute(next, a.target(), a.value()));
                    list.remove(i);
                    i--;
                    break;
                }
                if ((next instanceof KStmt.Assign w && inputs.contains(w.target())) || (loads && !loadOnly(next))) {
                    break;
                }
            }
        }
    }

    private static boolean candidate(KStmt.Assign a, LocalUses uses) {
        return uses.singleUse(a.target()) && effectFree(a.value()) && KirSize.depth(a.value(), MAX_DEPTH) < MAX_DEPTH;
    }

    /**
     * Values no deeper than this move: a chain of a million dependent instructions would otherwise
     * become one expression a million levels deep, which every later pass walks recursively.
     */
    static final int MAX_DEPTH = 32;

    /** Statements a value may move over or into: no nested blocks, barriers or returns. */
    private static boolean straight(KStmt s) {
        return s instanceof KStmt.Assign || s instanceof KStmt.Store || s instanceof KStmt.Eval;
    }

    /** Plain arithmetic, conversions, special registers and loads: evaluating it later changes nothing else. */
    private static boolean effectFree(KExpr e) {
        boolean[] ok = {true};
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.Call || x instanceof KExpr.Atomic || x instanceof KExpr.WarpShuffle
                    || x instanceof KExpr.WarpVote || x instanceof KExpr.BlockReduce || x instanceof KExpr.IntrinsicCall
                    || x instanceof KExpr.ThreadSlot) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    private static boolean effectFree(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            return effectFree(a.value());
        }
        if (s instanceof KStmt.Store st) {
            return effectFree(st.address()) && effectFree(st.value());
        }
        return s instanceof KStmt.Eval ev && effectFree(ev.expr());
    }

    /** An assignment of an effect-free value: memory is the same before and after it. */
    private static boolean loadOnly(KStmt s) {
        return s instanceof KStmt.Assign a && effectFree(a.value());
    }

    private static boolean readsMemory(KExpr e) {
        boolean[] loads = {false};
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.Load) {
                loads[0] = true;
            }
        });
        return loads[0];
    }

    private static Set<KLocal> localsRead(KExpr e) {
        Set<KLocal> out = new HashSet<>();
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.LocalGet g) {
                out.add(g.local());
            }
        });
        return out;
    }

    private static boolean uses(KStmt s, KLocal t) {
        boolean[] found = {false};
        KirWalk.expressions(new KBlock(List.of(s)), x -> {
            if (x instanceof KExpr.LocalGet g && g.local() == t) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private static KStmt substitute(KStmt s, KLocal t, KExpr value) {
        return new KirRewriter() {
            @Override
            public KExpr expr(KExpr x) {
                if (x instanceof KExpr.LocalGet g && g.local() == t) {
                    return value;
                }
                return super.expr(x);
            }
        }.stmt(s).get(0);
    }
}
