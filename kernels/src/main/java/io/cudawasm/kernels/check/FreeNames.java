package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.Stmt;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The unqualified names a lambda body uses, for its default capture. Names the body declares
 * itself are included too (capturing a shadowed variable costs a copy, never a wrong result).
 */
final class FreeNames {
    private final Set<String> names = new LinkedHashSet<>();

    private FreeNames() {}

    static Set<String> of(Stmt body) {
        FreeNames f = new FreeNames();
        f.stmt(body);
        return f.names;
    }

    private void stmt(Stmt s) {
        if (s == null) {
            return;
        }
        if (s instanceof Stmt.Block b) {
            b.statements().forEach(this::stmt);
        } else if (s instanceof Stmt.Declaration d) {
            for (Decl decl : d.declarations()) {
                if (decl instanceof Decl.Variable v) {
                    init(v.init());
                }
            }
        } else if (s instanceof Stmt.ExprStmt e) {
            expr(e.expr());
        } else if (s instanceof Stmt.If i) {
            expr(i.condition());
            stmt(i.then());
            stmt(i.otherwise());
        } else if (s instanceof Stmt.While w) {
            expr(w.condition());
            stmt(w.body());
        } else if (s instanceof Stmt.DoWhile d) {
            stmt(d.body());
            expr(d.condition());
        } else if (s instanceof Stmt.For f) {
            stmt(f.init());
            expr(f.condition());
            expr(f.step());
            stmt(f.body());
        } else if (s instanceof Stmt.Switch sw) {
            expr(sw.selector());
            stmt(sw.body());
        } else if (s instanceof Stmt.Return r) {
            expr(r.value());
        } else if (s instanceof Stmt.Labeled l) {
            stmt(l.statement());
        } else if (s instanceof Stmt.Asm a) {
            a.outputs().forEach(o -> expr(o.value()));
            a.inputs().forEach(o -> expr(o.value()));
        }
    }

    private void init(Initializer i) {
        if (i instanceof Initializer.Single s) {
            expr(s.value());
        } else if (i instanceof Initializer.Braced b) {
            b.elements().forEach(this::init);
        }
    }

    private void expr(Expr e) {
        if (e == null) {
            return;
        }
        if (e instanceof Expr.Ident id) {
            if (!id.name().contains("::")) {
                names.add(id.name());
            }
        } else if (e instanceof Expr.Unary u) {
            expr(u.operand());
        } else if (e instanceof Expr.Binary b) {
            expr(b.left());
            expr(b.right());
        } else if (e instanceof Expr.Assign a) {
            expr(a.target());
            expr(a.value());
        } else if (e instanceof Expr.Conditional c) {
            expr(c.condition());
            expr(c.ifTrue());
            expr(c.ifFalse());
        } else if (e instanceof Expr.Call c) {
            expr(c.callee());
            c.args().forEach(this::expr);
        } else if (e instanceof Expr.KernelLaunch l) {
            l.config().forEach(this::expr);
            l.args().forEach(this::expr);
        } else if (e instanceof Expr.Index i) {
            expr(i.base());
            expr(i.index());
        } else if (e instanceof Expr.Member m) {
            expr(m.base());
        } else if (e instanceof Expr.Cast c) {
            expr(c.operand());
        } else if (e instanceof Expr.Construct c) {
            c.args().forEach(this::expr);
        } else if (e instanceof Expr.SizeofExpr s) {
            expr(s.operand());
        } else if (e instanceof Expr.New n) {
            if (n.count() != null) {
                expr(n.count());
            }
            if (n.placement() != null) {
                expr(n.placement());
            }
            n.args().forEach(this::expr);
        } else if (e instanceof Expr.Delete d) {
            expr(d.operand());
        } else if (e instanceof Expr.InitList l) {
            l.elements().forEach(this::init);
        } else if (e instanceof Expr.Lambda l) {
            for (Expr.Capture c : l.captures()) {
                if (c.init() != null) {
                    expr(c.init());
                } else {
                    names.add(c.name());
                }
            }
            if (l.captureDefault() != Expr.CaptureDefault.NONE) {
                stmt(l.body());
            }
        }
    }
}
