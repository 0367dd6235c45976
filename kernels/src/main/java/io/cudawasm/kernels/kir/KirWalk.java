package io.cudawasm.kernels.kir;

import java.util.function.Consumer;

/** Visits every statement and expression of a block, depth first, for analyses and passes. */
public final class KirWalk {
    private KirWalk() {}

    public static void statements(KBlock b, Consumer<KStmt> visit) {
        for (KStmt s : b.statements()) {
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
            }
        });
    }

    public static void expression(KExpr e, Consumer<KExpr> visit) {
        visit.accept(e);
        if (e instanceof KExpr.Load l) {
            expression(l.address(), visit);
        } else if (e instanceof KExpr.PtrAdd p) {
            expression(p.pointer(), visit);
            expression(p.index(), visit);
        } else if (e instanceof KExpr.FieldAddr f) {
            expression(f.structPointer(), visit);
        } else if (e instanceof KExpr.PtrDiff d) {
            expression(d.left(), visit);
            expression(d.right(), visit);
        } else if (e instanceof KExpr.Unary u) {
            expression(u.operand(), visit);
        } else if (e instanceof KExpr.Binary b) {
            expression(b.left(), visit);
            expression(b.right(), visit);
        } else if (e instanceof KExpr.Convert c) {
            expression(c.operand(), visit);
        } else if (e instanceof KExpr.Select s) {
            expression(s.condition(), visit);
            expression(s.ifTrue(), visit);
            expression(s.ifFalse(), visit);
        } else if (e instanceof KExpr.Call c) {
            c.args().forEach(a -> expression(a, visit));
        } else if (e instanceof KExpr.Math m) {
            m.args().forEach(a -> expression(a, visit));
        } else if (e instanceof KExpr.IntrinsicCall i) {
            i.args().forEach(a -> expression(a, visit));
        } else if (e instanceof KExpr.Atomic a) {
            expression(a.address(), visit);
            expression(a.value(), visit);
            if (a.compare() != null) {
                expression(a.compare(), visit);
            }
        } else if (e instanceof KExpr.WarpShuffle w) {
            expression(w.mask(), visit);
            expression(w.value(), visit);
            expression(w.lane(), visit);
            expression(w.width(), visit);
        } else if (e instanceof KExpr.WarpVote v) {
            expression(v.mask(), visit);
            if (v.predicate() != null) {
                expression(v.predicate(), visit);
            }
        } else if (e instanceof KExpr.BlockReduce r) {
            expression(r.predicate(), visit);
        } else if (e instanceof KExpr.ThreadSlot t) {
            expression(t.thread(), visit);
        }
    }
}
