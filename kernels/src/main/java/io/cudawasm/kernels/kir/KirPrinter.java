package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarKind;
import java.util.stream.Collectors;

/** Prints kernel IR as readable text ({@code cuda-wasm compile --emit kir}). */
public final class KirPrinter {
    private final StringBuilder sb = new StringBuilder();

    private KirPrinter() {}

    public static String print(KModule module) {
        KirPrinter p = new KirPrinter();
        p.sb.append("; kernel IR of ").append(module.sourceName()).append('\n');
        for (KGlobal g : module.globals()) {
            p.sb.append(g.space().name().toLowerCase(java.util.Locale.ROOT)).append(' ').append(g.type().display())
                    .append(' ').append(g.name()).append(g.externShared() ? " (extern, sized at launch)" : "")
                    .append(g.init() != null ? " = <" + g.init().length + " bytes>" : "").append('\n');
        }
        for (KFunction f : module.functions()) {
            p.function(f);
        }
        return p.sb.toString();
    }

    private void function(KFunction f) {
        sb.append('\n').append(f.isKernel() ? "kernel " : "device ").append(f.returnType().display()).append(' ')
                .append(f.name()).append('(')
                .append(f.params().stream().map(l -> l.type().display() + " " + l.uniqueName())
                        .collect(Collectors.joining(", ")))
                .append(")");
        if (!f.name().equals(f.sourceName())) {
            sb.append("  ; ").append(f.sourceName());
        }
        sb.append(" {\n");
        for (KLocal l : f.locals()) {
            sb.append("  local ").append(l.type().display()).append(' ').append(l.uniqueName())
                    .append(l.needsMemory() ? "  ; in memory" : "").append('\n');
        }
        block(f.body(), 1);
        sb.append("}\n");
    }

    private void indent(int depth) {
        sb.append("  ".repeat(depth));
    }

    private void block(KBlock b, int depth) {
        for (KStmt s : b.statements()) {
            stmt(s, depth);
        }
    }

    private void stmt(KStmt s, int d) {
        indent(d);
        if (s instanceof KStmt.Assign a) {
            sb.append(a.target().uniqueName()).append(" = ").append(expr(a.value())).append('\n');
        } else if (s instanceof KStmt.Store st) {
            sb.append("store ").append(expr(st.address())).append(" <- ").append(expr(st.value())).append('\n');
        } else if (s instanceof KStmt.Eval e) {
            sb.append(expr(e.expr())).append('\n');
        } else if (s instanceof KStmt.If i) {
            sb.append("if ").append(expr(i.condition())).append(" {\n");
            block(i.then(), d + 1);
            if (!i.otherwise().isEmpty()) {
                indent(d);
                sb.append("} else {\n");
                block(i.otherwise(), d + 1);
            }
            indent(d);
            sb.append("}\n");
        } else if (s instanceof KStmt.Loop l) {
            sb.append(l.doWhile() ? "do" : "while " + expr(l.condition())).append(" {\n");
            block(l.body(), d + 1);
            if (!l.step().isEmpty()) {
                indent(d);
                sb.append("} step {\n");
                block(l.step(), d + 1);
            }
            indent(d);
            sb.append(l.doWhile() ? "} while " + expr(l.condition()) + "\n" : "}\n");
        } else if (s instanceof KStmt.Switch sw) {
            sb.append("switch ").append(expr(sw.selector())).append(" {\n");
            for (KStmt.Case c : sw.cases()) {
                indent(d);
                sb.append(c.isDefault() ? "default" : "").append(c.values().isEmpty() ? "" : (c.isDefault() ? ", " : "")
                        + "case " + c.values()).append(":\n");
                block(c.body(), d + 1);
            }
            indent(d);
            sb.append("}\n");
        } else if (s instanceof KStmt.Break) {
            sb.append("break\n");
        } else if (s instanceof KStmt.Continue) {
            sb.append("continue\n");
        } else if (s instanceof KStmt.Return r) {
            sb.append("return").append(r.value() == null ? "" : " " + expr(r.value())).append('\n');
        } else if (s instanceof KStmt.Nested n) {
            sb.append("{\n");
            block(n.block(), d + 1);
            indent(d);
            sb.append("}\n");
        } else if (s instanceof KStmt.Barrier b) {
            sb.append("barrier.").append(b.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .append(b.mask() == null ? "" : " " + expr(b.mask())).append('\n');
        } else if (s instanceof KStmt.Fence f) {
            sb.append("fence.").append(f.scope().name().toLowerCase(java.util.Locale.ROOT)).append('\n');
        } else if (s instanceof KStmt.Trap t) {
            sb.append("trap \"").append(t.reason()).append("\"\n");
        } else if (s instanceof KStmt.ThreadLoop t) {
            sb.append("for each thread {\n");
            block(t.body(), d + 1);
            indent(d);
            sb.append("}\n");
        } else if (s instanceof KStmt.ExitThread) {
            sb.append("exit thread\n");
        } else {
            sb.append(s).append('\n');
        }
    }

    private static String type(CType t) {
        return t.display();
    }

    static String expr(KExpr e) {
        if (e instanceof KExpr.IntConst c) {
            return c.type().kind() == ScalarKind.INT ? Long.toString(c.value())
                    : c.value() + ":" + type(c.type());
        } else if (e instanceof KExpr.FloatConst f) {
            return (f.type().kind() == ScalarKind.FLOAT ? Float.toString((float) f.value()) + "f"
                    : Double.toString(f.value()));
        } else if (e instanceof KExpr.NullPtr) {
            return "null";
        } else if (e instanceof KExpr.LocalGet l) {
            return l.local().uniqueName();
        } else if (e instanceof KExpr.LocalAddr l) {
            return "&" + l.local().uniqueName();
        } else if (e instanceof KExpr.GlobalAddr g) {
            return "&" + g.global().name();
        } else if (e instanceof KExpr.Special s) {
            return s.reg().cudaName();
        } else if (e instanceof KExpr.Load l) {
            return "load<" + type(l.type()) + ">(" + expr(l.address()) + ")";
        } else if (e instanceof KExpr.PtrAdd p) {
            return "(" + expr(p.pointer()) + " +[" + ((io.cudawasm.kernels.types.PointerType) p.type()).stride() + "] "
                    + expr(p.index()) + ")";
        } else if (e instanceof KExpr.FieldAddr f) {
            return "(" + expr(f.structPointer()) + " ->" + f.field().name() + ")";
        } else if (e instanceof KExpr.PtrDiff p) {
            return "ptrdiff(" + expr(p.left()) + ", " + expr(p.right()) + ")";
        } else if (e instanceof KExpr.Unary u) {
            return u.op().name().toLowerCase(java.util.Locale.ROOT) + "(" + expr(u.operand()) + ")";
        } else if (e instanceof KExpr.Binary b) {
            return "(" + expr(b.left()) + " " + b.op().name().toLowerCase(java.util.Locale.ROOT) + " " + expr(b.right())
                    + ")";
        } else if (e instanceof KExpr.Convert c) {
            return "(" + type(c.type()) + ")" + expr(c.operand());
        } else if (e instanceof KExpr.Select s) {
            return "(" + expr(s.condition()) + " ? " + expr(s.ifTrue()) + " : " + expr(s.ifFalse()) + ")";
        } else if (e instanceof KExpr.Call c) {
            return "call " + c.callee().name() + "(" + c.args().stream().map(KirPrinter::expr)
                    .collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof KExpr.Math m) {
            return m.fn().cName(m.type().kind() == ScalarKind.FLOAT) + "(" + m.args().stream().map(KirPrinter::expr)
                    .collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof KExpr.IntrinsicCall i) {
            return i.op().name().toLowerCase(java.util.Locale.ROOT) + "(" + i.args().stream().map(KirPrinter::expr)
                    .collect(Collectors.joining(", ")) + ")";
        } else if (e instanceof KExpr.WarpShuffle w) {
            return "shfl." + w.mode().name().toLowerCase(java.util.Locale.ROOT) + "<" + type(w.type()) + ">(" + expr(w.mask())
                    + ", " + expr(w.value()) + ", " + expr(w.lane()) + ", " + expr(w.width()) + ")";
        } else if (e instanceof KExpr.WarpVote v) {
            return "vote." + v.mode().name().toLowerCase(java.util.Locale.ROOT) + "(" + expr(v.mask())
                    + (v.predicate() == null ? "" : ", " + expr(v.predicate())) + ")";
        } else if (e instanceof KExpr.BlockReduce r) {
            return "barrier.reduce." + r.mode().name().toLowerCase(java.util.Locale.ROOT) + "(" + expr(r.predicate()) + ")";
        } else if (e instanceof KExpr.ThreadSlot t) {
            return t.local().uniqueName() + "@thread[" + expr(t.thread()) + "]";
        } else if (e instanceof KExpr.Atomic a) {
            return "atomic." + a.op().name().toLowerCase(java.util.Locale.ROOT) + "<" + type(a.type()) + ">("
                    + expr(a.address()) + ", " + expr(a.value()) + (a.compare() == null ? "" : ", " + expr(a.compare()))
                    + ")";
        }
        return e.toString();
    }
}
