package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which values are the same for every thread of a block, and which block barriers sit in control
 * flow that may differ between threads. CUDA requires every thread of a block to reach the same
 * {@code __syncthreads()}; a barrier under a condition that depends on the thread (threadIdx, a
 * value loaded through a thread-dependent address, an atomic's result, ...) gets a warning here,
 * and if threads really diverge at run time the CPU path stops the launch with an error.
 */
public final class UniformityAnalysis {
    private final Set<KLocal> varying = new HashSet<>();
    private final List<Diagnostic> warnings = new ArrayList<>();
    private final CompileBudget budget = CompileBudget.current();

    private UniformityAnalysis() {}

    /** The analysis of one (inlined) kernel body: {@link #isVarying} answers for its expressions. */
    static UniformityAnalysis of(KBlock body) {
        UniformityAnalysis a = new UniformityAnalysis();
        a.propagate(body);
        return a;
    }

    boolean isUniform(KLocal l) {
        return !varying.contains(l) && !l.needsMemory();
    }

    /** Warnings for barriers in possibly divergent control flow, for every kernel of the module. */
    public static List<Diagnostic> check(KModule module) {
        Map<KFunction, Boolean> collective = Collectives.functions(module.functions());
        UniformityAnalysis a = new UniformityAnalysis();
        for (KFunction k : module.kernels()) {
            if (!collective.get(k)) {
                continue;
            }
            KFunction copy = k.copyWithLocals();
            copy.setBody(k.body());
            KBlock body = Inliner.inlineCollectiveCalls(copy, collective);
            a.varying.clear();
            a.propagate(body);
            a.barriers(body, false);
        }
        return a.warnings;
    }

    /** Marks locals assigned from thread-dependent values or under thread-dependent control, to a fixpoint. */
    private void propagate(KBlock body) {
        boolean changed = true;
        while (changed) {
            int before = varying.size();
            assignments(body, false);
            changed = varying.size() != before;
        }
    }

    private void assignments(KBlock b, boolean divergent) {
        for (KStmt s : b.statements()) {
            budget.checkpoint(null);
            if (s instanceof KStmt.Assign a) {
                if (divergent || isVarying(a.value())) {
                    varying.add(a.target());
                }
            } else if (s instanceof KStmt.If i) {
                boolean d = divergent || isVarying(i.condition());
                assignments(i.then(), d);
                assignments(i.otherwise(), d);
            } else if (s instanceof KStmt.Loop l) {
                boolean d = divergent || isVarying(l.condition()) || breaksDivergently(l.body());
                assignments(l.body(), d);
                assignments(l.step(), d);
            } else if (s instanceof KStmt.Switch sw) {
                boolean d = divergent || isVarying(sw.selector());
                for (KStmt.Case c : sw.cases()) {
                    assignments(c.body(), d);
                }
            } else if (s instanceof KStmt.Nested n) {
                assignments(n.block(), divergent);
            }
        }
    }

    /** A loop whose body can leave it under a thread-dependent condition has a thread-dependent trip count. */
    private boolean breaksDivergently(KBlock body) {
        boolean[] found = {false};
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.If i && isVarying(i.condition()) && jumps(i)) {
                found[0] = true;
            }
        });
        return found[0];
    }

    private static boolean jumps(KStmt.If i) {
        boolean[] found = {false};
        KirWalk.statements(new KBlock(List.of(i)), s -> {
            if (s instanceof KStmt.Break || s instanceof KStmt.Return) {
                found[0] = true;
            }
        });
        return found[0];
    }

    boolean isVarying(KExpr e) {
        boolean[] v = {false};
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.Special sp && !sp.reg().isBlockUniform()) {
                v[0] = true;
            } else if (x instanceof KExpr.LocalGet g && varying.contains(g.local())) {
                v[0] = true;
            } else if (x instanceof KExpr.Atomic || x instanceof KExpr.WarpShuffle || x instanceof KExpr.WarpVote
                    || x instanceof KExpr.Call || x instanceof KExpr.LocalAddr) {
                v[0] = true;
            }
        });
        return v[0];
    }

    private void barriers(KBlock b, boolean divergent) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Barrier barrier && divergent && (barrier.kind() == BarrierKind.GRID
                    || barrier.kind() == BarrierKind.CLUSTER
                    || barrier.kind() == BarrierKind.BLOCK && barrier.mask() == null)) {
                warn(barrier.pos(), barrier.kind() == BarrierKind.GRID ? "grid.sync()"
                        : barrier.kind() == BarrierKind.CLUSTER ? "cluster.sync()" : "__syncthreads()");
            } else if (s instanceof KStmt.If i) {
                boolean d = divergent || isVarying(i.condition());
                barriers(i.then(), d);
                barriers(i.otherwise(), d);
            } else if (s instanceof KStmt.Loop l) {
                boolean d = divergent || isVarying(l.condition()) || breaksDivergently(l.body());
                barriers(l.body(), d);
                barriers(l.step(), d);
            } else if (s instanceof KStmt.Switch sw) {
                boolean d = divergent || isVarying(sw.selector());
                for (KStmt.Case c : sw.cases()) {
                    barriers(c.body(), d);
                }
            } else if (s instanceof KStmt.Nested n) {
                barriers(n.block(), divergent);
            }
        }
    }

    private void warn(SourcePos pos, String barrier) {
        Diagnostic d = Diagnostic.warning(pos, barrier + " in control flow that may differ between the threads "
                + "of a block; every thread must reach the same barrier (if they diverge here, the launch stops with "
                + "an error on the CPU path)");
        if (!warnings.contains(d)) {
            warnings.add(d);
        }
    }
}
