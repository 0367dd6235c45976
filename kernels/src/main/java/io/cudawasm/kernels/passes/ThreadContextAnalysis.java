package io.cudawasm.kernels.passes;

import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.KirWalk;
import java.util.HashSet;
import java.util.Set;

/**
 * Decides which locals of a fissioned kernel must be kept per thread between thread loops
 * ("context"): those read before being written in some thread loop (their value comes from an
 * earlier loop, or an earlier iteration of a block-level loop) and those read from other threads
 * ({@link KExpr.ThreadSlot}). Everything else stays a register.
 */
final class ThreadContextAnalysis {
    private final Set<KLocal> context = new HashSet<>();

    private ThreadContextAnalysis() {}

    static void mark(KBlock body) {
        ThreadContextAnalysis a = new ThreadContextAnalysis();
        a.control(body, 0);
        for (KLocal l : a.context) {
            if (!l.isUniform() && !l.needsMemory()) {
                l.markThreadContext();
            }
        }
    }

    /** Walks block-level code, counting control-loop nesting. */
    private void control(KBlock b, int loopDepth) {
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.ThreadLoop t) {
                threadLoop(t.body(), loopDepth);
            } else if (s instanceof KStmt.If i) {
                control(i.then(), loopDepth);
                control(i.otherwise(), loopDepth);
            } else if (s instanceof KStmt.Loop l) {
                control(l.body(), loopDepth + 1);
                control(l.step(), loopDepth + 1);
            } else if (s instanceof KStmt.Nested n) {
                control(n.block(), loopDepth);
            }
        }
    }

    private void threadLoop(KBlock body, int loopDepth) {
        Set<KLocal> used = new HashSet<>();
        KirWalk.statements(body, s -> {
            if (s instanceof KStmt.Assign a) {
                used.add(a.target());
            }
        });
        KirWalk.expressions(body, e -> {
            if (e instanceof KExpr.LocalGet g) {
                used.add(g.local());
            } else if (e instanceof KExpr.ThreadSlot t) {
                context.add(t.local());
            }
        });
        // a value read before this loop writes it comes from an earlier loop (or iteration)
        context.addAll(upwardExposed(body, new HashSet<>()));
    }

    /** Locals read on some path before any write in this block; {@code defined} is updated. */
    private static Set<KLocal> upwardExposed(KBlock b, Set<KLocal> defined) {
        Set<KLocal> exposed = new HashSet<>();
        for (KStmt s : b.statements()) {
            if (s instanceof KStmt.Assign a) {
                reads(a.value(), defined, exposed);
                defined.add(a.target());
            } else if (s instanceof KStmt.Store st) {
                reads(st.address(), defined, exposed);
                reads(st.value(), defined, exposed);
            } else if (s instanceof KStmt.Eval e) {
                reads(e.expr(), defined, exposed);
            } else if (s instanceof KStmt.If i) {
                reads(i.condition(), defined, exposed);
                Set<KLocal> a = new HashSet<>(defined);
                Set<KLocal> c = new HashSet<>(defined);
                exposed.addAll(upwardExposed(i.then(), a));
                exposed.addAll(upwardExposed(i.otherwise(), c));
                a.retainAll(c);
                defined.addAll(a);
            } else if (s instanceof KStmt.Loop l) {
                if (!l.doWhile()) {
                    reads(l.condition(), defined, exposed);
                }
                Set<KLocal> inner = new HashSet<>(defined);
                exposed.addAll(upwardExposed(l.body(), inner));
                exposed.addAll(upwardExposed(l.step(), inner));
                if (l.doWhile()) {
                    reads(l.condition(), inner, exposed);
                    defined.addAll(inner);
                }
            } else if (s instanceof KStmt.Switch sw) {
                reads(sw.selector(), defined, exposed);
                for (KStmt.Case c : sw.cases()) {
                    exposed.addAll(upwardExposed(c.body(), new HashSet<>(defined)));
                }
            } else if (s instanceof KStmt.Nested n) {
                exposed.addAll(upwardExposed(n.block(), defined));
            } else if (s instanceof KStmt.Return r && r.value() != null) {
                reads(r.value(), defined, exposed);
            }
        }
        return exposed;
    }

    private static void reads(KExpr e, Set<KLocal> defined, Set<KLocal> exposed) {
        KirWalk.expression(e, x -> {
            if (x instanceof KExpr.LocalGet g && !defined.contains(g.local())) {
                exposed.add(g.local());
            }
        });
    }
}
