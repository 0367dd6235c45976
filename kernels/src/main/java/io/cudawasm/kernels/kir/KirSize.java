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

    /**
     * Whether any function body of the module nests deeper than {@code max} (statements inside
     * statements, then expressions): returns the first function that does, or null. The walk itself
     * stops descending at {@code max}, so it is safe on any input.
     */
    public static KFunction deeperThan(KModule module, int max) {
        for (KFunction f : module.functions()) {
            if (f.hasBody() && blockDepth(f.body(), 1, max) > max) {
                return f;
            }
        }
        return null;
    }

    private static int blockDepth(KBlock b, int depth, int max) {
        int deepest = depth;
        for (KStmt s : b.statements()) {
            deepest = Math.max(deepest, statementDepth(s, depth, max));
            if (deepest > max) {
                return deepest;
            }
        }
        return deepest;
    }

    private static int statementDepth(KStmt s, int depth, int max) {
        if (depth > max) {
            return depth;
        }
        int d = depth;
        for (KExpr e : statementExpressions(s)) {
            d = Math.max(d, depth + depth(e, max - depth + 2));
        }
        if (s instanceof KStmt.If i) {
            d = Math.max(d, Math.max(blockDepth(i.then(), depth + 1, max), blockDepth(i.otherwise(), depth + 1, max)));
        } else if (s instanceof KStmt.Loop l) {
            d = Math.max(d, Math.max(blockDepth(l.body(), depth + 1, max), blockDepth(l.step(), depth + 1, max)));
        } else if (s instanceof KStmt.Switch sw) {
            for (KStmt.Case c : sw.cases()) {
                d = Math.max(d, blockDepth(c.body(), depth + 1, max));
            }
        } else if (s instanceof KStmt.Nested n) {
            d = Math.max(d, blockDepth(n.block(), depth + 1, max));
        } else if (s instanceof KStmt.ThreadLoop t) {
            d = Math.max(d, blockDepth(t.body(), depth + 1, max));
        }
        return d;
    }

    private static List<KExpr> statementExpressions(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            return List.of(a.value());
        } else if (s instanceof KStmt.Store st) {
            return List.of(st.address(), st.value());
        } else if (s instanceof KStmt.Eval e) {
            return List.of(e.expr());
        } else if (s instanceof KStmt.If i) {
            return List.of(i.condition());
        } else if (s instanceof KStmt.Loop l) {
            return List.of(l.condition());
        } else if (s instanceof KStmt.Switch sw) {
            return List.of(sw.selector());
        } else if (s instanceof KStmt.Return r && r.value() != null) {
            return List.of(r.value());
        }
        return List.of();
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
