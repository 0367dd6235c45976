package io.cudawasm.kernels.kir;

import java.util.List;

/**
 * The size of kernel IR in nodes (statements and expressions), which the {@code ir-nodes} limit
 * bounds. Recursion follows the IR's nesting, which the {@code nesting-depth} limit keeps shallow.
 */
public final class KirSize {
    private KirSize() {}

    /** Every node of a module's function bodies. */
    public static long of(KModule module) {
        long n = 0;
        for (KFunction f : module.functions()) {
            if (f.hasBody()) {
                n += of(f.body());
            }
        }
        return n;
    }

    /** Every node of a block, nested blocks included. */
    public static long of(KBlock b) {
        long n = 0;
        for (KStmt s : b.statements()) {
            n += shallow(s);
            if (s instanceof KStmt.If i) {
                n += of(i.then()) + of(i.otherwise());
            } else if (s instanceof KStmt.Loop l) {
                n += of(l.body()) + of(l.step());
            } else if (s instanceof KStmt.Switch sw) {
                for (KStmt.Case c : sw.cases()) {
                    n += 1 + of(c.body());
                }
            } else if (s instanceof KStmt.Nested nested) {
                n += of(nested.block());
            } else if (s instanceof KStmt.ThreadLoop t) {
                n += of(t.body());
            }
        }
        return n;
    }

    /** A statement and its expressions, not the statements of blocks nested in it. */
    public static long shallow(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            return 1 + of(a.value());
        } else if (s instanceof KStmt.Store st) {
            return 1 + of(st.address()) + of(st.value());
        } else if (s instanceof KStmt.Eval e) {
            return 1 + of(e.expr());
        } else if (s instanceof KStmt.If i) {
            return 1 + of(i.condition());
        } else if (s instanceof KStmt.Loop l) {
            return 1 + of(l.condition());
        } else if (s instanceof KStmt.Switch sw) {
            return 1 + of(sw.selector());
        } else if (s instanceof KStmt.Return r) {
            return 1 + (r.value() == null ? 0 : of(r.value()));
        }
        return 1;
    }

    /** An expression tree's nodes. */
    public static long of(KExpr e) {
        long n = 1;
        if (e instanceof KExpr.Load l) {
            n += of(l.address());
        } else if (e instanceof KExpr.PtrAdd p) {
            n += of(p.pointer()) + of(p.index());
        } else if (e instanceof KExpr.FieldAddr f) {
            n += of(f.structPointer());
        } else if (e instanceof KExpr.PtrDiff d) {
            n += of(d.left()) + of(d.right());
        } else if (e instanceof KExpr.Unary u) {
            n += of(u.operand());
        } else if (e instanceof KExpr.Binary b) {
            n += of(b.left()) + of(b.right());
        } else if (e instanceof KExpr.Convert c) {
            n += of(c.operand());
        } else if (e instanceof KExpr.Select s) {
            n += of(s.condition()) + of(s.ifTrue()) + of(s.ifFalse());
        } else if (e instanceof KExpr.Call c) {
            n += of(c.args());
        } else if (e instanceof KExpr.Math m) {
            n += of(m.args());
        } else if (e instanceof KExpr.IntrinsicCall i) {
            n += of(i.args());
        } else if (e instanceof KExpr.Atomic a) {
            n += of(a.address()) + of(a.value()) + (a.compare() == null ? 0 : of(a.compare()));
        } else if (e instanceof KExpr.WarpShuffle w) {
            n += of(w.mask()) + of(w.value()) + of(w.lane()) + of(w.width());
        } else if (e instanceof KExpr.WarpVote v) {
            n += of(v.mask()) + (v.predicate() == null ? 0 : of(v.predicate()));
        } else if (e instanceof KExpr.BlockReduce r) {
            n += of(r.predicate());
        } else if (e instanceof KExpr.ThreadSlot t) {
            n += of(t.thread());
        }
        return n;
    }

    /** An expression's depth (a leaf is 1), counted no further than {@code cap}. */
    public static int depth(KExpr e, int cap) {
        if (cap <= 1) {
            return 1;
        }
        int deepest = 0;
        for (KExpr child : KirWalk.children(e)) {
            deepest = Math.max(deepest, depth(child, cap - 1));
            if (deepest >= cap - 1) {
                break;
            }
        }
        return deepest + 1;
    }

    private static long of(List<KExpr> list) {
        long n = 0;
        for (KExpr e : list) {
            n += of(e);
        }
        return n;
    }
}
