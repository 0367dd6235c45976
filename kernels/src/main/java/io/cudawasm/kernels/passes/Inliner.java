package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirRewriter;
import io.cudawasm.kernels.kir.KirSize;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Inlines the device functions that contain collectives (barriers, shuffles, votes) into the
 * kernels calling them, so region fission sees every barrier in the kernel's own control flow.
 * A {@code return} inside the inlined body becomes an assignment and a jump out of a
 * {@code do { ... } while (0)} around it (flags carry the jump out of nested loops).
 */
public final class Inliner {
    private static final int MAX_DEPTH = 32;

    private final Map<KFunction, Boolean> collective;
    private final KFunction into;
    private final CompileBudget budget = CompileBudget.current();

    private Inliner(Map<KFunction, Boolean> collective, KFunction into) {
        this.collective = collective;
        this.into = into;
    }

    /** Returns the kernel's body with every collective-containing call inlined. */
    public static KBlock inlineCollectiveCalls(KFunction kernel, Map<KFunction, Boolean> collective) {
        return new Inliner(collective, kernel).inline(kernel.body(), 0);
    }

    private KBlock inline(KBlock b, int depth) {
        List<KStmt> out = new ArrayList<>();
        for (KStmt s : b.statements()) {
            budget.checkpoint(into.pos());
            out.addAll(statement(s, depth));
        }
        return new KBlock(out);
    }

    private List<KStmt> statement(KStmt s, int depth) {
        KExpr.Call call = null;
        KLocal target = null;
        if (s instanceof KStmt.Assign a && a.value() instanceof KExpr.Call c && Boolean.TRUE.equals(collective.get(c.callee()))) {
            call = c;
            target = a.target();
        } else if (s instanceof KStmt.Eval e && e.expr() instanceof KExpr.Call c
                && Boolean.TRUE.equals(collective.get(c.callee()))) {
            call = c;
        }
        if (call != null) {
            if (depth >= MAX_DEPTH) {
                throw CompileException.at(call.callee().pos(), "recursive device function '" + call.callee().sourceName()
                        + "' contains __syncthreads() or warp operations, which cannot be run on the CPU path");
            }
            return inlineCall(call, target, depth);
        }
        if (s instanceof KStmt.If i) {
            return List.of(new KStmt.If(i.condition(), inline(i.then(), depth), inline(i.otherwise(), depth)));
        }
        if (s instanceof KStmt.Loop l) {
            return List.of(new KStmt.Loop(l.doWhile(), l.condition(), inline(l.body(), depth), inline(l.step(), depth)));
        }
        if (s instanceof KStmt.Switch sw) {
            List<KStmt.Case> cases = new ArrayList<>();
            for (KStmt.Case c : sw.cases()) {
                cases.add(new KStmt.Case(c.values(), c.isDefault(), inline(c.body(), depth)));
            }
            return List.of(new KStmt.Switch(sw.selector(), cases));
        }
        if (s instanceof KStmt.Nested n) {
            return List.of(new KStmt.Nested(inline(n.block(), depth)));
        }
        return List.of(s);
    }

    private List<KStmt> inlineCall(KExpr.Call call, KLocal target, int depth) {
        KFunction callee = call.callee();
        Map<KLocal, KLocal> renamed = new HashMap<>();
        List<KStmt> out = new ArrayList<>();
        for (int i = 0; i < callee.params().size(); i++) {
            KLocal p = callee.params().get(i);
            KLocal q = fresh(p);
            renamed.put(p, q);
            out.add(new KStmt.Assign(q, call.args().get(i)));
        }
        for (KLocal l : callee.locals()) {
            renamed.put(l, fresh(l));
        }
        KLocal flag = into.newLocal(callee.name() + "_returned", ScalarType.BOOL, callee.pos());
        KLocal result = target;
        ReturnRewriter rw = new ReturnRewriter(renamed, result, flag);
        // every inlined copy is new IR: a function calling one twice that calls one twice... grows exponentially
        budget.countIrNodes(KirSize.of(callee.body()) + 2L * callee.params().size() + 4, callee.pos(),
                into.sourceName());
        KBlock body = rw.block(callee.body());
        out.add(new KStmt.Assign(flag, new KExpr.IntConst(ScalarType.BOOL, 0)));
        // do { body } while (false): a return leaves it with break
        out.add(new KStmt.Loop(true, new KExpr.IntConst(ScalarType.BOOL, 0), body, KBlock.EMPTY));
        return inline(new KBlock(out), depth + 1).statements();
    }

    private KLocal fresh(KLocal l) {
        KLocal n = into.newLocal(l.name(), l.type(), l.pos());
        if (l.addressTaken()) {
            n.markAddressTaken();
        }
        return n;
    }

    /** Renames the callee's locals and turns {@code return v} into {@code result = v; flag = 1; break}. */
    private static final class ReturnRewriter extends KirRewriter {
        private final Map<KLocal, KLocal> renamed;
        private final KLocal result;
        private final KLocal flag;

        ReturnRewriter(Map<KLocal, KLocal> renamed, KLocal result, KLocal flag) {
            this.renamed = renamed;
            this.result = result;
            this.flag = flag;
        }

        @Override
        protected KLocal local(KLocal l) {
            return renamed.getOrDefault(l, l);
        }

        @Override
        public List<KStmt> stmt(KStmt s) {
            if (s instanceof KStmt.Return r) {
                List<KStmt> out = new ArrayList<>();
                if (r.value() != null && result != null) {
                    out.add(new KStmt.Assign(result, expr(r.value())));
                }
                out.add(new KStmt.Assign(flag, new KExpr.IntConst(ScalarType.BOOL, 1)));
                out.add(new KStmt.Break());
                return out;
            }
            if (s instanceof KStmt.Loop || s instanceof KStmt.Switch) {
                // a break that left this loop because of a return must keep going out
                KStmt rebuilt = rebuild(s);
                return List.of(rebuilt, new KStmt.If(new KExpr.LocalGet(flag),
                        new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
            }
            return List.of(rebuild(s));
        }
    }
}
