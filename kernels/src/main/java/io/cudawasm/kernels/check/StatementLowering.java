package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.Stmt;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.List;
import java.util.Set;

/** Lowers statements and local declarations of one function body to KIR. */
final class StatementLowering {
    private final FunctionContext ctx;
    private final ExpressionLowering exprs;
    /**
     * Labels of the blocks being lowered, by name. A forward {@code goto} sets the label's flag and
     * breaks out of the loops and switches between it and the label's block; the statements it
     * skips in each block are guarded by the flag, which the label clears.
     */
    private final Map<String, GotoLabel> labels = new HashMap<>();
    /** Labels a goto has jumped toward that have not been reached yet. */
    private final Set<GotoLabel> pending = new LinkedHashSet<>();
    /** The loops, switches and repeats being lowered, innermost first: where a break or continue goes. */
    private final ArrayDeque<Enclosing> enclosing = new ArrayDeque<>();

    private static final class GotoLabel {
        final String name;
        final KLocal flag;
        final int breakableDepth;
        boolean reached;
        /** Set while the statements from this label to its last backward goto are lowered as a loop. */
        Repeat repeat;

        GotoLabel(String name, KLocal flag, int breakableDepth) {
            this.name = name;
            this.flag = flag;
            this.breakableDepth = breakableDepth;
        }
    }

    private sealed interface Enclosing permits CLoop, CSwitch, Repeat {}

    /** A loop of the source: takes its own break and continue. */
    private record CLoop() implements Enclosing {}

    /** A switch of the source: takes break, passes continue to the loop around it. */
    private record CSwitch() implements Enclosing {}

    /**
     * The statements from a label to the last {@code goto} that jumps back to it, lowered as a
     * loop that runs again while such a goto was taken. That loop is not the source's: a
     * {@code break} or {@code continue} meant for a loop around it leaves it as a forward goto to
     * its end does, and is done again after it.
     */
    private static final class Repeat implements Enclosing {
        final GotoLabel again;
        GotoLabel breakOut;
        GotoLabel continueOut;

        Repeat(GotoLabel again) {
            this.again = again;
        }
    }

    StatementLowering(FunctionContext ctx) {
        this.ctx = ctx;
        this.exprs = ctx.exprs;
    }

    private static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    void lowerBody(Decl.Function decl, List<KLocal> params) {
        Checker.Signature sig = ctx.checker.signatures.get(ctx.fn);
        for (int i = 0; i < params.size(); i++) {
            KLocal p = params.get(i);
            if (p.name().isEmpty()) {
                continue;
            }
            boolean isConst = sig.byReference().get(i)
                    ? TypeSyntax.isConst(((TypeSyntax.Reference) TypeSyntax.unqualified(decl.params().get(i).type())).referent())
                    : TypeSyntax.isConst(decl.params().get(i).type());
            if (!ctx.scope.declare(p.name(), new Symbol.Local(p, sig.byReference().get(i), isConst))) {
                throw error(p.pos(), "redefinition of parameter '" + p.name() + "'");
            }
        }
        ctx.scope.push();
        if (ctx.method != null && ctx.method.method != null
                && ctx.method.method.kind() == TypeSyntax.MethodKind.CONSTRUCTOR) {
            ctx.objects.initializeMembers(ctx.method.method, decl.pos());
        }
        statements(decl.body().statements());
        ctx.scope.pop();
        if (ctx.deducing) {
            throw new DeducedReturn(VoidType.VOID); // no return statement: void
        }
        ctx.fn.setBody(ctx.launches.initializeErrorState(ctx.out.finish()));
    }

    /** Ends lowering a body whose return type is being deduced, at its first return statement. */
    private static final class DeducedReturn extends RuntimeException {
        final CType type;

        DeducedReturn(CType type) {
            super(null, null, false, false);
            this.type = type;
        }
    }

    /**
     * The return type of a function declared {@code auto} (a lambda without {@code -> T}): the
     * type of its first return statement's value, found by lowering the body up to it in a scratch
     * function, after array-to-pointer decay as C++ deduces.
     */
    static CType deduceReturnType(Checker checker, Checker.FunctionEntry entry, Decl.Function decl,
            TemplateEnv bindings, List<KLocal> params) {
        KFunction scratch = new KFunction("deduce", decl.name(), false, VoidType.VOID, params, decl.pos());
        FunctionContext ctx = new FunctionContext(checker, scratch, bindings);
        ctx.deducing = true;
        checker.signatures.put(scratch, checker.signatureOf(entry, bindings));
        if (entry.owner != null) {
            ctx.enterClass(entry, entry.hasThis() ? params.get(0) : null);
        }
        try {
            new StatementLowering(ctx).lowerBody(decl, entry.hasThis() ? params.subList(1, params.size()) : params);
        } catch (DeducedReturn r) {
            return r.type;
        } finally {
            checker.signatures.remove(scratch);
        }
        return VoidType.VOID;
    }

    void statement(Stmt s) {
        ctx.at = s.pos();
        ctx.budget.checkpoint(s.pos());
        if (s instanceof Stmt.Block b) {
                ctx.scope.push();
                statements(b.statements());
                ctx.scope.pop();
        } else if (s instanceof Stmt.Declaration d) {
                for (Decl decl : d.declarations()) {
                    localDeclaration(decl);
                }
        } else if (s instanceof Stmt.ExprStmt e) {
            exprs.discard(e.expr());
        } else if (s instanceof Stmt.If i) {
                KExpr c = exprs.condition(i.condition());
                KBlock then = ctx.out.capture(() -> scoped(i.then()));
                KBlock otherwise = i.otherwise() == null ? KBlock.EMPTY : ctx.out.capture(() -> scoped(i.otherwise()));
                if (c instanceof KExpr.IntConst k) {
                    ctx.emit(new KStmt.Nested(k.value() != 0 ? then : otherwise));
                } else {
                    ctx.emit(new KStmt.If(c, then, otherwise));
                }
        } else if (s instanceof Stmt.While w) {
            loop(false, w.condition(), w.body(), null, w.pos());
            leaveForGotos();
        } else if (s instanceof Stmt.DoWhile d) {
            loop(true, d.condition(), d.body(), null, d.pos());
            leaveForGotos();
        } else if (s instanceof Stmt.For f) {
                ctx.scope.push();
                if (f.init() != null) {
                    statement(f.init());
                }
                loop(false, f.condition(), f.body(), f.step(), f.pos());
                ctx.scope.pop();
                leaveForGotos();
        } else if (s instanceof Stmt.Switch sw) {
            switchStatement(sw);
            leaveForGotos();
        } else if (s instanceof Stmt.Goto g) {
            gotoStatement(g);
        } else if (s instanceof Stmt.Labeled l) {
            statement(l.statement()); // a label no goto of this block structure can reach
        } else if (s instanceof Stmt.Case c) {
            throw error(c.pos(), "'case' label not directly inside a switch body"
                    + " (case labels in nested blocks are not supported)");
        } else if (s instanceof Stmt.Default d) {
            throw error(d.pos(), "'default' label not directly inside a switch body");
        } else if (s instanceof Stmt.Break b) {
                if (ctx.breakableDepth == enclosingRepeats()) {
                    throw error(b.pos(), "'break' statement not in loop or switch statement");
                }
                breakStatement(b.pos());
        } else if (s instanceof Stmt.Continue c) {
                if (ctx.loopDepth == 0) {
                    throw error(c.pos(), "'continue' statement not in loop statement");
                }
                continueStatement(c.pos());
        } else if (s instanceof Stmt.Return r) {
            returnStatement(r);
        } else if (s instanceof Stmt.Asm a) {
            new InlineAssembly(ctx).lower(a);
        } else if (s instanceof Stmt.Empty e) {
        }
    }

    // ------------------------------------------------------------------ blocks and goto

    /** The statements of a block, with its labels registered for forward gotos. */
    private void statements(List<Stmt> list) {
        List<GotoLabel> mine = new ArrayList<>();
        for (Stmt st : list) {
            if (st instanceof Stmt.Labeled l) {
                if (labels.containsKey(l.label())) {
                    throw error(l.pos(), "redefinition of label '" + l.label() + "'");
                }
                GotoLabel g = new GotoLabel(l.label(), ctx.newLocal("goto_" + l.label(), ScalarType.BOOL, l.pos()),
                        ctx.breakableDepth);
                ctx.emit(new KStmt.Assign(g.flag, new KExpr.IntConst(ScalarType.BOOL, 0)));
                labels.put(l.label(), g);
                mine.add(g);
            }
        }
        try {
            statementsFrom(list, mine);
        } finally {
            for (GotoLabel g : mine) {
                labels.remove(g.name);
            }
        }
    }

    private void statementsFrom(List<Stmt> list, List<GotoLabel> mine) {
        for (int i = 0; i < list.size(); i++) {
            Stmt st = list.get(i);
            if (st instanceof Stmt.Labeled l && mine.contains(labels.get(l.label()))) {
                GotoLabel g = labels.get(l.label());
                int last = g.repeat == null ? lastGotoTo(list, i, g.name) : -1;
                if (last >= 0) {
                    repeat(g, list.subList(i, last + 1), mine);
                    i = skipAfterGotos(list, last, mine);
                    continue;
                }
                g.reached = true;
                pending.remove(g);
                ctx.emit(new KStmt.Assign(g.flag, new KExpr.IntConst(ScalarType.BOOL, 0)));
                st = l.statement();
            }
            statement(st);
            i = skipAfterGotos(list, i, mine);
        }
    }

    /**
     * After statement {@code i} of a block: when a goto was taken in it, the rest of the block up
     * to a label such a goto targets runs only if none was. Returns the index of the last
     * statement lowered.
     */
    private int skipAfterGotos(List<Stmt> list, int i, List<GotoLabel> mine) {
        if (pending.isEmpty() || i + 1 >= list.size()) {
            return i;
        }
        Set<GotoLabel> taken = new LinkedHashSet<>(pending);
        int end = i + 1;
        while (end < list.size() && !(list.get(end) instanceof Stmt.Labeled l
                && taken.contains(labels.get(l.label())) && mine.contains(labels.get(l.label())))) {
            end++;
        }
        List<Stmt> skipped = list.subList(i + 1, end);
        KBlock rest = ctx.out.capture(() -> statementsFrom(skipped, mine));
        ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, anyFlag(taken), ScalarType.BOOL), rest,
                KBlock.EMPTY));
        return end - 1;
    }

    /**
     * A label that gotos after it jump back to: its statements up to the last such goto run in a
     * loop, each backward goto being a forward jump to the end of the loop's body that asks for
     * one more round.
     */
    private void repeat(GotoLabel label, List<Stmt> range, List<GotoLabel> mine) {
        for (Stmt st : range.subList(1, range.size())) {
            if (st instanceof Stmt.Labeled l && pending.contains(labels.get(l.label()))) {
                throw error(l.pos(), "a goto jumps to '" + l.label() + "' inside the statements that 'goto "
                        + label.name + "' repeats, which is not supported");
            }
        }
        Repeat r = new Repeat(new GotoLabel(label.name, ctx.newLocal("again_" + label.name, ScalarType.BOOL,
                range.get(0).pos()), ctx.breakableDepth + 1));
        label.repeat = r;
        enclosing.push(r);
        ctx.breakableDepth++;
        KBlock body;
        try {
            body = ctx.out.capture(() -> {
                ctx.emit(new KStmt.Assign(r.again.flag, new KExpr.IntConst(ScalarType.BOOL, 0)));
                statementsFrom(range, mine);
                pending.remove(r.again);
                ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, new KExpr.LocalGet(r.again.flag),
                        ScalarType.BOOL), new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
            });
        } finally {
            ctx.breakableDepth--;
            enclosing.pop();
        }
        for (GotoLabel exit : new GotoLabel[] {r.breakOut, r.continueOut}) {
            if (exit != null) {
                ctx.emit(new KStmt.Assign(exit.flag, new KExpr.IntConst(ScalarType.BOOL, 0)));
            }
        }
        ctx.emit(new KStmt.Loop(false, new KExpr.IntConst(ScalarType.BOOL, 1), body, KBlock.EMPTY));
        SourcePos pos = range.get(range.size() - 1).pos();
        if (r.breakOut != null) {
            pending.remove(r.breakOut);
            ctx.emit(new KStmt.If(new KExpr.LocalGet(r.breakOut.flag),
                    ctx.out.capture(() -> breakStatement(pos)), KBlock.EMPTY));
        }
        if (r.continueOut != null) {
            pending.remove(r.continueOut);
            ctx.emit(new KStmt.If(new KExpr.LocalGet(r.continueOut.flag),
                    ctx.out.capture(() -> continueStatement(pos)), KBlock.EMPTY));
        }
        leaveForGotos();
    }

    /** The index of the last statement from {@code from} on that holds a {@code goto label}, or -1. */
    private static int lastGotoTo(List<Stmt> list, int from, String label) {
        for (int i = list.size() - 1; i >= from; i--) {
            if (holdsGoto(list.get(i), label)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean holdsGoto(Stmt s, String label) {
        if (s instanceof Stmt.Goto g) {
            return g.label().equals(label);
        } else if (s instanceof Stmt.Block b) {
            return b.statements().stream().anyMatch(x -> holdsGoto(x, label));
        } else if (s instanceof Stmt.Labeled l) {
            return holdsGoto(l.statement(), label);
        } else if (s instanceof Stmt.If i) {
            return holdsGoto(i.then(), label) || i.otherwise() != null && holdsGoto(i.otherwise(), label);
        } else if (s instanceof Stmt.While w) {
            return holdsGoto(w.body(), label);
        } else if (s instanceof Stmt.DoWhile d) {
            return holdsGoto(d.body(), label);
        } else if (s instanceof Stmt.For f) {
            return holdsGoto(f.body(), label);
        } else if (s instanceof Stmt.Switch sw) {
            return holdsGoto(sw.body(), label);
        }
        return false;
    }

    /** How many repeats enclose the statement being lowered: they count as breakable but are not the source's. */
    private int enclosingRepeats() {
        return (int) enclosing.stream().filter(e -> e instanceof Repeat).count();
    }

    private void breakStatement(SourcePos pos) {
        if (enclosing.peek() instanceof Repeat r) {
            if (r.breakOut == null) {
                r.breakOut = exitOf(r, "break", pos);
            }
            jump(r.breakOut);
        } else {
            ctx.emit(new KStmt.Break());
        }
    }

    private void continueStatement(SourcePos pos) {
        for (Enclosing e : enclosing) {
            if (e instanceof Repeat r) {
                if (r.continueOut == null) {
                    r.continueOut = exitOf(r, "continue", pos);
                }
                jump(r.continueOut);
                return;
            }
            if (e instanceof CLoop) {
                break;
            }
        }
        ctx.emit(new KStmt.Continue());
    }

    /** A label just after a repeat's loop, where a break or continue taken inside it is done again. */
    private GotoLabel exitOf(Repeat r, String what, SourcePos pos) {
        GotoLabel exit = new GotoLabel(what, ctx.newLocal(what + "_" + r.again.name, ScalarType.BOOL, pos),
                r.again.breakableDepth - 1);
        return exit;
    }

    private void gotoStatement(Stmt.Goto g) {
        GotoLabel target = labels.get(g.label());
        if (target == null) {
            throw error(g.pos(), "'goto " + g.label() + "': only a jump to a label of this block or an "
                    + "enclosing one is supported");
        }
        if (target.reached && target.repeat == null) {
            throw error(g.pos(), "'goto " + g.label() + "' jumps back over a label that an earlier goto "
                    + "jumps to, which is not supported");
        }
        jump(target.reached ? target.repeat.again : target);
    }

    /** Sets the label's flag and leaves the loop or switch the jump is in when the label is outside it. */
    private void jump(GotoLabel target) {
        ctx.emit(new KStmt.Assign(target.flag, new KExpr.IntConst(ScalarType.BOOL, 1)));
        pending.add(target);
        if (ctx.breakableDepth > target.breakableDepth) {
            ctx.emit(new KStmt.Break());
        }
    }

    /** After a loop or switch: leave the enclosing one too when a goto inside it targets a label further out. */
    private void leaveForGotos() {
        List<GotoLabel> out = new ArrayList<>();
        for (GotoLabel g : pending) {
            if (g.breakableDepth < ctx.breakableDepth) {
                out.add(g);
            }
        }
        if (!out.isEmpty()) {
            ctx.emit(new KStmt.If(anyFlag(out), new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
        }
    }

    private static KExpr anyFlag(java.util.Collection<GotoLabel> gs) {
        KExpr any = null;
        for (GotoLabel g : gs) {
            KExpr f = new KExpr.LocalGet(g.flag);
            any = any == null ? f : new KExpr.Binary(KExpr.BinaryOp.LOR, any, f, ScalarType.BOOL);
        }
        return any;
    }

    private void scoped(Stmt s) {
        ctx.scope.push();
        statement(s);
        ctx.scope.pop();
    }

    // ------------------------------------------------------------------ loops

    private void loop(boolean doWhile, Expr cond, Stmt body, Expr step, SourcePos pos) {
        BlockBuilder.Captured<KExpr> c = cond == null
                ? new BlockBuilder.Captured<>(new KExpr.IntConst(ScalarType.BOOL, 1), KBlock.EMPTY)
                : ctx.out.capture(() -> exprs.condition(cond));
        ctx.loopDepth++;
        ctx.breakableDepth++;
        enclosing.push(new CLoop());
        KBlock b;
        KBlock s;
        try {
            b = ctx.out.capture(() -> scoped(body));
            s = step == null ? KBlock.EMPTY : ctx.out.capture(() -> exprs.discard(step));
        } finally {
            enclosing.pop();
            ctx.loopDepth--;
            ctx.breakableDepth--;
        }
        if (!doWhile) {
            if (c.statements().isEmpty()) {
                ctx.emit(new KStmt.Loop(false, c.value(), b, s));
                return;
            }
            List<KStmt> stmts = new ArrayList<>(c.statements().statements());
            stmts.add(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, c.value(), ScalarType.BOOL),
                    new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY));
            stmts.addAll(b.statements());
            ctx.emit(new KStmt.Loop(false, new KExpr.IntConst(ScalarType.BOOL, 1), new KBlock(stmts), s));
            return;
        }
        ctx.emit(new KStmt.Loop(true, c.value(), b, c.statements()));
    }

    // ------------------------------------------------------------------ switch

    private void switchStatement(Stmt.Switch sw) {
        KExpr sel = exprs.rvalue(sw.selector());
        if (!(sel.type() instanceof ScalarType st) || !st.kind().isInteger()) {
            throw error(sw.selector().pos(), "switch condition has non-integer type '" + sel.type().display() + "'");
        }
        ScalarType type = TypeRules.promote(st);
        KExpr selector = exprs.convert(sel, type, sw.pos(), false);
        List<Stmt> body = sw.body() instanceof Stmt.Block b ? b.statements() : List.of(sw.body());
        List<KStmt.Case> cases = new ArrayList<>();
        Set<Long> seen = new HashSet<>();
        boolean sawDefault = false;
        List<Long> values = null;
        boolean isDefault = false;
        List<KStmt> stmts = null;
        ctx.breakableDepth++;
        enclosing.push(new CSwitch());
        ctx.scope.push();
        try {
            for (Stmt s : body) {
                if (s instanceof Stmt.Case || s instanceof Stmt.Default) {
                    if (stmts != null && !stmts.isEmpty()) {
                        cases.add(new KStmt.Case(values, isDefault, new KBlock(stmts)));
                        values = null;
                        stmts = null;
                        isDefault = false;
                    }
                    if (values == null) {
                        values = new ArrayList<>();
                        stmts = new ArrayList<>();
                    }
                    if (s instanceof Stmt.Case c) {
                        long v = ((KExpr.IntConst) exprs.convert(new KExpr.IntConst(ScalarType.LONGLONG,
                                exprs.constantInteger(c.value(), "case value")), type, c.pos(), false)).value();
                        if (!seen.add(v)) {
                            throw error(c.pos(), "duplicate case value '" + v + "'");
                        }
                        values.add(v);
                    } else {
                        if (sawDefault) {
                            throw error(s.pos(), "multiple default labels in one switch");
                        }
                        sawDefault = true;
                        isDefault = true;
                    }
                    continue;
                }
                if (stmts == null) {
                    // before the first label: unreachable, but still checked
                    ctx.out.capture(() -> statement(s));
                    continue;
                }
                stmts.addAll(ctx.out.capture(() -> statement(s)).statements());
            }
            if (values != null) {
                cases.add(new KStmt.Case(values, isDefault, new KBlock(stmts)));
            }
        } finally {
            ctx.scope.pop();
            enclosing.pop();
            ctx.breakableDepth--;
        }
        ctx.emit(new KStmt.Switch(selector, cases));
    }

    // ------------------------------------------------------------------ return

    private void returnStatement(Stmt.Return r) {
        if (ctx.deducing) {
            CType t = r.value() == null ? VoidType.VOID : exprs.typeOf(r.value());
            throw new DeducedReturn(t instanceof ArrayType a ? new PointerType(a.element()) : t);
        }
        Checker.Signature sig = ctx.checker.signatures.get(ctx.fn);
        if (sig != null && sig.returnsReference()) {
            if (r.value() == null) {
                throw error(r.pos(), "function '" + ctx.fn.sourceName() + "' returns a reference and needs a value");
            }
            PointerType rt = (PointerType) ctx.fn.returnType();
            ExpressionLowering.Operand o = exprs.lvalueOperand(r.value());
            if (!(o instanceof ExpressionLowering.Place p) || !TypeRules.sameType(p.type(), rt.pointee())) {
                throw error(r.pos(), "a reference to '" + rt.pointee().display() + "' must be returned from an lvalue "
                        + "of that type");
            }
            ctx.emit(new KStmt.Return(exprs.convert(exprs.address(p.lvalue()), rt, r.pos(), true)));
            return;
        }
        CType ret = ctx.fn.returnType();
        if (ret instanceof VoidType) {
            if (r.value() != null) {
                if (exprs.typeOf(r.value()) instanceof VoidType) {
                    exprs.discard(r.value());
                } else {
                    throw error(r.pos(), (ctx.fn.isKernel() ? "__global__" : "void") + " function '"
                            + ctx.fn.sourceName() + "' should not return a value");
                }
            }
            ctx.emit(new KStmt.Return(null));
            return;
        }
        if (r.value() == null) {
            throw error(r.pos(), "non-void function '" + ctx.fn.sourceName() + "' should return a value");
        }
        KExpr v;
        if (r.value() instanceof Expr.InitList list) {
            List<Expr> items = new ArrayList<>();
            for (Initializer i : list.elements()) {
                if (!(i instanceof Initializer.Single single)) {
                    throw error(list.pos(), "nested braces in a return value are not supported");
                }
                items.add(single.value());
            }
            v = exprs.toRValue(exprs.construct(ret, items, list.pos()), list.pos());
        } else {
            v = exprs.convert(exprs.rvalue(r.value()), ret, r.value().pos(), false);
        }
        ctx.emit(new KStmt.Return(v));
    }

    // ------------------------------------------------------------------ declarations

    private void localDeclaration(Decl decl) {
        if (decl instanceof Decl.Variable v) {
            localVariable(v);
        } else if (decl instanceof Decl.Typedef t && TypeSyntax.unqualified(t.type()) instanceof TypeSyntax.Function f) {
            ctx.checker.types.defineFunctionTypedef(t.name(), f);
        } else if (decl instanceof Decl.Typedef t) {
            ctx.checker.types.defineTypedef(t.name(), ctx.checker.types.resolve(t.type(), ctx));
        } else if (decl instanceof Decl.TypeDefinition t) {
            ctx.checker.types.resolve(t.type(), ctx);
        } else if (decl instanceof Decl.NamespaceAlias a) {
            ctx.checker.namespaceAliases.put(a.alias(), a.target());
        } else {
            throw error(decl.pos(), "this declaration is not allowed inside a function");
        }
    }

    private void localVariable(Decl.Variable v) {
        String name = v.name();
        if (v.space() == Decl.MemorySpace.SHARED) {
            sharedVariable(v);
            return;
        }
        if (v.space() == Decl.MemorySpace.CONSTANT || v.space() == Decl.MemorySpace.MANAGED) {
            throw error(v.pos(), "__constant__ and __managed__ variables must be declared at file scope");
        }
        if (v.isStatic() || v.space() == Decl.MemorySpace.DEVICE) {
            throw error(v.pos(), "static local variables are not supported in device code");
        }
        if (v.isExtern()) {
            throw error(v.pos(), "'extern' local variables are not supported (only 'extern __shared__')");
        }
        TypeSyntax syntax = v.type();
        boolean isConst = TypeSyntax.isConst(syntax);
        TypeSyntax bare = TypeSyntax.unqualified(syntax);
        if (bare instanceof TypeSyntax.Reference ref) {
            referenceVariable(v, ref);
            return;
        }
        CType type;
        if (bare instanceof TypeSyntax.Named n && n.name().equals("auto")) {
            if (!(v.init() instanceof Initializer.Single single)) {
                throw error(v.pos(), "declaration of variable '" + name + "' with deduced type 'auto' requires an "
                        + "initializer");
            }
            // lowered once: a lambda's closure type is new each time its expression is lowered
            ExpressionLowering.Operand o = exprs.operand(single.value());
            type = o.type();
            if (type instanceof ArrayType a) {
                type = new PointerType(a.element());
            }
            if (type instanceof VoidType) {
                throw error(v.pos(), "variable '" + name + "' has type 'void'");
            }
            KLocal local = ctx.newLocal(name, type, v.pos());
            ctx.emit(new KStmt.Assign(local, exprs.convert(exprs.toRValue(o, v.pos()), type, v.pos(), false)));
            declare(v, new Symbol.Local(local, false, isConst));
            return;
        } else {
            type = ctx.checker.types.resolve(syntax, ctx);
        }
        if (type instanceof VoidType) {
            throw error(v.pos(), "variable '" + name + "' has incomplete type 'void'");
        }
        if (type instanceof ArrayType a && a.isIncomplete()) {
            if (v.init() instanceof Initializer.Braced b) {
                type = new ArrayType(a.element(), b.elements().size());
            } else {
                throw error(v.pos(), "definition of variable '" + name + "' with array type needs an explicit size "
                        + "or an initializer");
            }
        }
        if (type instanceof StructType s && !s.isComplete()) {
            throw error(v.pos(), "variable '" + name + "' has incomplete type '" + s.display() + "'");
        }
        // a const scalar with a constant initializer is a compile-time constant (usable in array sizes)
        if (isConst && type instanceof ScalarType st && v.init() instanceof Initializer.Single single) {
            KExpr value = exprs.convert(exprs.rvalue(single.value()), st, single.pos(), false);
            if (ConstantFolder.isConst(value)) {
                declare(v, new Symbol.Constant(value));
                return;
            }
            KLocal local = ctx.newLocal(name, type, v.pos());
            ctx.emit(new KStmt.Assign(local, value));
            declare(v, new Symbol.Local(local, false, true));
            return;
        }
        KLocal local = ctx.newLocal(name, type, v.pos());
        if (v.init() != null) {
            initialize(local, type, v.init());
        } else {
            ctx.objects.defaultConstruct(new LValue.OfLocal(local, false), v.pos());
        }
        declare(v, new Symbol.Local(local, false, isConst));
    }

    private void declare(Decl.Variable v, Symbol s) {
        if (!ctx.scope.declare(v.name(), s)) {
            throw error(v.pos(), "redefinition of '" + v.name() + "'");
        }
    }

    private void initialize(KLocal local, CType type, Initializer init) {
        if (type instanceof ArrayType || (type instanceof StructType && init instanceof Initializer.Braced)) {
            exprs.initializeAggregate(new LValue.OfLocal(local, false), init);
            return;
        }
        Initializer item = init;
        if (init instanceof Initializer.Braced b) {
            if (b.elements().size() != 1) {
                throw error(init.pos(), b.elements().isEmpty() ? "scalar initializer cannot be empty"
                        : "excess elements in scalar initializer");
            }
            item = b.elements().get(0);
        }
        if (!(item instanceof Initializer.Single single)) {
            throw error(init.pos(), "too many braces around scalar initializer");
        }
        if (VirtualBases.hasVirtualBases(type)) {
            ExpressionLowering.Operand o = exprs.operand(single.value());
            if (o instanceof ExpressionLowering.Place p && p.type() == type) {
                // the source may be a base subobject, whose virtual bases are elsewhere: copy them from there
                KExpr source = exprs.address(p.lvalue());
                ctx.emit(new KStmt.Assign(local, new KExpr.Load(source, single.pos())));
                VirtualBases.copyVirtualBases(exprs, ctx, exprs.localAddress(local), source, single.pos());
                return;
            }
            ctx.emit(new KStmt.Assign(local, exprs.convert(exprs.toRValue(o, single.pos()), type, single.pos(), false)));
            return;
        }
        ctx.emit(new KStmt.Assign(local, exprs.convert(exprs.rvalue(single.value()), type, single.pos(), false)));
    }

    private void referenceVariable(Decl.Variable v, TypeSyntax.Reference ref) {
        if (!(v.init() instanceof Initializer.Single single)) {
            throw error(v.pos(), "declaration of reference variable '" + v.name() + "' requires an initializer");
        }
        CType referent = ref.referent() instanceof TypeSyntax.Named n && n.name().equals("auto")
                ? exprs.typeOf(single.value()) : ctx.checker.types.resolve(ref.referent(), ctx);
        boolean constRef = TypeSyntax.isConst(ref.referent());
        ExpressionLowering.Operand o = exprs.operand(single.value());
        KExpr address;
        if (o instanceof ExpressionLowering.Place p && TypeRules.sameType(p.type(), referent)) {
            address = exprs.address(p.lvalue());
        } else if (o instanceof ExpressionLowering.Place p && Inheritance.pathToBase(p.type(), referent) != null) {
            address = Inheritance.address(exprs, exprs.address(p.lvalue()), Inheritance.pathToBase(p.type(), referent));
        } else if (constRef) {
            KLocal tmp = ctx.temp(referent, v.pos());
            ctx.emit(new KStmt.Assign(tmp, exprs.convert(exprs.toRValue(o, v.pos()), referent, v.pos(), false)));
            address = exprs.address(new LValue.OfLocal(tmp, false));
        } else {
            throw error(v.pos(), "non-const reference '" + v.name() + "' must be bound to an lvalue of type '"
                    + referent.display() + "'");
        }
        KLocal local = ctx.newLocal(v.name(), new PointerType(referent), v.pos());
        ctx.emit(new KStmt.Assign(local, exprs.convert(address, new PointerType(referent), v.pos(), true)));
        declare(v, new Symbol.Local(local, true, constRef));
    }

    private void sharedVariable(Decl.Variable v) {
        if (v.init() != null) {
            throw error(v.pos(), "initializer not allowed for __shared__ variable '" + v.name() + "'");
        }
        CType type = ctx.checker.types.resolve(v.type(), ctx);
        if (type instanceof ArrayType a && a.isIncomplete() && !v.isExtern()) {
            throw error(v.pos(), "__shared__ array '" + v.name() + "' needs a size (or 'extern' for dynamic shared memory)");
        }
        if (v.isExtern() && !(type instanceof ArrayType a && a.isIncomplete())) {
            throw error(v.pos(), "'extern __shared__' variable '" + v.name() + "' must be an array of unspecified size");
        }
        KGlobal g = ctx.checker.addSharedGlobal(ctx.fn.name() + "_" + v.name(), type, v.isExtern(), v.pos(), v.align());
        declare(v, new Symbol.Global(g, TypeSyntax.isConst(v.type())));
    }
}
