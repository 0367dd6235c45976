package io.cudawasm.kernels.kir;

import java.util.ArrayList;
import java.util.List;

/**
 * Rebuilds KIR bottom-up. Subclasses override {@link #local}, {@link #expr} or {@link #stmt} to
 * rename locals or replace nodes; the default rebuilds every node unchanged. A statement may be
 * replaced by several ({@link #stmt} returns a list).
 */
public class KirRewriter {

    /** The local a reference should use (identity by default). */
    protected KLocal local(KLocal l) {
        return l;
    }

    public KBlock block(KBlock b) {
        List<KStmt> out = new ArrayList<>();
        for (KStmt s : b.statements()) {
            out.addAll(stmt(s));
        }
        return new KBlock(out);
    }

    public List<KStmt> stmt(KStmt s) {
        return List.of(rebuild(s));
    }

    protected final KStmt rebuild(KStmt s) {
        if (s instanceof KStmt.Assign a) {
            return new KStmt.Assign(local(a.target()), expr(a.value()));
        } else if (s instanceof KStmt.Store st) {
            return new KStmt.Store(expr(st.address()), expr(st.value()), st.pos());
        } else if (s instanceof KStmt.Eval e) {
            return new KStmt.Eval(expr(e.expr()));
        } else if (s instanceof KStmt.If i) {
            return new KStmt.If(expr(i.condition()), block(i.then()), block(i.otherwise()));
        } else if (s instanceof KStmt.Loop l) {
            return new KStmt.Loop(l.doWhile(), expr(l.condition()), block(l.body()), block(l.step()));
        } else if (s instanceof KStmt.Switch sw) {
            List<KStmt.Case> cases = new ArrayList<>();
            for (KStmt.Case c : sw.cases()) {
                cases.add(new KStmt.Case(c.values(), c.isDefault(), block(c.body())));
            }
            return new KStmt.Switch(expr(sw.selector()), cases);
        } else if (s instanceof KStmt.Return r) {
            return new KStmt.Return(r.value() == null ? null : expr(r.value()));
        } else if (s instanceof KStmt.Nested n) {
            return new KStmt.Nested(block(n.block()));
        } else if (s instanceof KStmt.ThreadLoop t) {
            return new KStmt.ThreadLoop(block(t.body()));
        } else if (s instanceof KStmt.Barrier b && b.mask() != null) {
            return new KStmt.Barrier(b.kind(), expr(b.mask()), b.pos());
        }
        // Break, Continue, Barrier (whole warp or block), Fence, Trap, ExitThread carry no locals
        return s;
    }

    public KExpr expr(KExpr e) {
        if (e instanceof KExpr.LocalGet l) {
            return new KExpr.LocalGet(local(l.local()));
        } else if (e instanceof KExpr.LocalAddr l) {
            KLocal m = local(l.local());
            return new KExpr.LocalAddr(m, l.type());
        } else if (e instanceof KExpr.Load l) {
            return new KExpr.Load(expr(l.address()), l.pos());
        } else if (e instanceof KExpr.PtrAdd p) {
            return new KExpr.PtrAdd(expr(p.pointer()), expr(p.index()), p.pos());
        } else if (e instanceof KExpr.FieldAddr f) {
            return new KExpr.FieldAddr(expr(f.structPointer()), f.field(), f.type());
        } else if (e instanceof KExpr.PtrDiff d) {
            return new KExpr.PtrDiff(expr(d.left()), expr(d.right()), d.type());
        } else if (e instanceof KExpr.Unary u) {
            return new KExpr.Unary(u.op(), expr(u.operand()), u.type());
        } else if (e instanceof KExpr.Binary b) {
            return new KExpr.Binary(b.op(), expr(b.left()), expr(b.right()), b.type());
        } else if (e instanceof KExpr.Convert c) {
            return new KExpr.Convert(c.type(), expr(c.operand()));
        } else if (e instanceof KExpr.Select s) {
            return new KExpr.Select(expr(s.condition()), expr(s.ifTrue()), expr(s.ifFalse()), s.type());
        } else if (e instanceof KExpr.Call c) {
            return new KExpr.Call(c.callee(), exprs(c.args()), c.type(), c.pos());
        } else if (e instanceof KExpr.Math m) {
            return new KExpr.Math(m.fn(), exprs(m.args()), m.type());
        } else if (e instanceof KExpr.IntrinsicCall i) {
            return new KExpr.IntrinsicCall(i.op(), exprs(i.args()), i.type());
        } else if (e instanceof KExpr.Atomic a) {
            return new KExpr.Atomic(a.op(), expr(a.address()), expr(a.value()),
                    a.compare() == null ? null : expr(a.compare()), a.type(), a.pos());
        } else if (e instanceof KExpr.WarpShuffle w) {
            return new KExpr.WarpShuffle(w.mode(), expr(w.mask()), expr(w.value()), expr(w.lane()), expr(w.width()),
                    w.type());
        } else if (e instanceof KExpr.WarpVote v) {
            return new KExpr.WarpVote(v.mode(), expr(v.mask()), v.predicate() == null ? null : expr(v.predicate()),
                    v.type());
        } else if (e instanceof KExpr.BlockReduce r) {
            return new KExpr.BlockReduce(r.mode(), expr(r.predicate()), r.type());
        } else if (e instanceof KExpr.ThreadSlot t) {
            return new KExpr.ThreadSlot(local(t.local()), expr(t.thread()));
        }
        // constants, specials, global addresses
        return e;
    }

    protected final List<KExpr> exprs(List<KExpr> in) {
        List<KExpr> out = new ArrayList<>();
        for (KExpr e : in) {
            out.add(expr(e));
        }
        return out;
    }
}
