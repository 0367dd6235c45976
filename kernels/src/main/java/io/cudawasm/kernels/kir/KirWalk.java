package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.CompileBudget;
import java.util.List;
import java.util.function.Consumer;

/** Visits every statement and expression of a block, depth first, for analyses and passes. */
public final class KirWalk {
    private KirWalk() {}

    public static void statements(KBlock b, Consumer<KStmt> visit) {
        CompileBudget budget = CompileBudget.current(); // analyses walk whole kernels: stoppable too
        for (KStmt s : b.statements()) {
            budget.checkpoint(null);
            visit.accept(s);
            if (s instanceof KStmt.If i) {
                statements(i.then(), visit);
                statements(i.otherwise(), visit);
            } else if (s instanceof KStmt.Loop l) {
                statements(l.body(), visit);
                statements(l.step(), visit);
            } else if (s instanceof KStmt.Switch sw) {
                for (KStmt.Case c : sw.cases()) {
                    statements(c.body(), visit);
                }
            } else if (s instanceof KStmt.Nested n) {
                statements(n.block(), visit);
            } else if (s instanceof KStmt.ThreadLoop t) {
                statements(t.body(), visit);
            }
        }
    }

    /** Every expression (including subexpressions) in the block. */
    public static void expressions(KBlock b, Consumer<KExpr> visit) {
        statements(b, s -> {
            if (s instanceof KStmt.Assign a) {
                expression(a.value(), visit);
            } else if (s instanceof KStmt.Store st) {
                expression(st.address(), visit);
                expression(st.value(), visit);
            } else if (s instanceof KStmt.Eval e) {
                expression(e.expr(), visit);
            } else if (s instanceof KStmt.If i) {
                expression(i.condition(), visit);
            } else if (s instanceof KStmt.Loop l) {
                expression(l.condition(), visit);
            } else if (s instanceof KStmt.Switch sw) {
                expression(sw.selector(), visit);
            } else if (s instanceof KStmt.Return r && r.value() != null) {
                expression(r.value(), visit);
            } else if (s instanceof KStmt.Barrier barrier && barrier.mask() != null) {
                expression(barrier.mask(), visit);
            }
        });
    }

    public static void expression(KExpr e, Consumer<KExpr> visit) {
        visit.accept(e);
        for (KExpr child : children(e)) {
            expression(child, visit);
        }
    }

    /** The direct operands of an expression, in evaluation order. */
    public static List<KExpr> children(KExpr e) {
        if (e instanceof KExpr.Load l) {
            return List.of(l.address());
        } else if (e instanceof KExpr.PtrAdd p) {
            return List.of(p.pointer(), p.index());
        } else if (e instanceof KExpr.FieldAddr f) {
            return List.of(f.structPointer());
        } else if (e instanceof KExpr.PtrDiff d) {
            return List.of(d.left(), d.right());
        } else if (e instanceof KExpr.Unary u) {
            return List.of(u.operand());
        } else if (e instanceof KExpr.Binary b) {
            return List.of(b.left(), b.right());
        } else if (e instanceof KExpr.Convert c) {
            return List.of(c.operand());
        } else if (e instanceof KExpr.Select s) {
            return List.of(s.condition(), s.ifTrue(), s.ifFalse());
        } else if (e instanceof KExpr.Call c) {
            return c.args();
        } else if (e instanceof KExpr.Math m) {
            return m.args();
        } else if (e instanceof KExpr.IntrinsicCall i) {
            return i.args();
        } else if (e instanceof KExpr.Atomic a) {
            return a.compare() != null ? List.of(a.address(), a.value(), a.compare()) : List.of(a.address(), a.value());
        } else if (e instanceof KExpr.WarpShuffle w) {
            return List.of(w.mask(), w.value(), w.lane(), w.width());
        } else if (e instanceof KExpr.WarpVote v) {
            return v.predicate() != null ? List.of(v.mask(), v.predicate()) : List.of(v.mask());
        } else if (e instanceof KExpr.BlockReduce r) {
            return List.of(r.predicate());
        } else if (e instanceof KExpr.ThreadSlot t) {
            return List.of(t.thread());
        }
        return List.of();
    }

    /**
     * Whether running {@code stmts} can leave them early: a return, a break or continue that
     * jumps past them (not one that ends a loop or switch inside them), and with
     * {@code trapsCount} a trap.
     */
    public static boolean leavesEarly(List<KStmt> stmts, boolean trapsCount) {
        return leavesEarly(stmts, false, false, trapsCount);
    }

    private static boolean leavesEarly(List<KStmt> stmts, boolean inLoop, boolean inSwitch, boolean trapsCount) {
        for (KStmt s : stmts) {
            if (s instanceof KStmt.Return || trapsCount && s instanceof KStmt.Trap
                    || s instanceof KStmt.Break && !inLoop && !inSwitch || s instanceof KStmt.Continue && !inLoop) {
                return true;
            }
            if (s instanceof KStmt.If i && (leavesEarly(i.then().statements(), inLoop, inSwitch, trapsCount)
                    || leavesEarly(i.otherwise().statements(), inLoop, inSwitch, trapsCount))) {
                return true;
            }
            if (s instanceof KStmt.Loop l && (leavesEarly(l.body().statements(), true, false, trapsCount)
                    || leavesEarly(l.step().statements(), true, false, trapsCount))) {
                return true;
            }
            if (s instanceof KStmt.Switch sw) {
                for (KStmt.Case c : sw.cases()) {
                    if (leavesEarly(c.body().statements(), inLoop, true, trapsCount)) {
                        return true;
                    }
                }
            }
            if (s instanceof KStmt.Nested n && leavesEarly(n.block().statements(), inLoop, inSwitch, trapsCount)) {
                return true;
            }
        }
        return false;
    }
}
