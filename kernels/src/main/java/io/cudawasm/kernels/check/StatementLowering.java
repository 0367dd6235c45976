package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.Stmt;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KBlock;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** Lowers statements and local declarations of one function body to KIR. */
final class StatementLowering {
    private final FunctionContext ctx;
    private final ExpressionLowering exprs;

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
        for (Stmt s : decl.body().statements()) {
            statement(s);
        }
        ctx.scope.pop();
        ctx.fn.setBody(ctx.out.finish());
    }

    void statement(Stmt s) {
        ctx.at = s.pos();
        ctx.budget.checkpoint(s.pos());
        if (s instanceof Stmt.Block b) {
                ctx.scope.push();
                for (Stmt inner : b.statements()) {
                    statement(inner);
                }
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
        } else if (s instanceof Stmt.DoWhile d) {
            loop(true, d.condition(), d.body(), null, d.pos());
        } else if (s instanceof Stmt.For f) {
                ctx.scope.push();
                if (f.init() != null) {
                    statement(f.init());
                }
                loop(false, f.condition(), f.body(), f.step(), f.pos());
                ctx.scope.pop();
        } else if (s instanceof Stmt.Switch sw) {
            switchStatement(sw);
        } else if (s instanceof Stmt.Case c) {
            throw error(c.pos(), "'case' label not directly inside a switch body"
                    + " (case labels in nested blocks are not supported)");
        } else if (s instanceof Stmt.Default d) {
            throw error(d.pos(), "'default' label not directly inside a switch body");
        } else if (s instanceof Stmt.Break b) {
                if (ctx.breakableDepth == 0) {
                    throw error(b.pos(), "'break' statement not in loop or switch statement");
                }
                ctx.emit(new KStmt.Break());
        } else if (s instanceof Stmt.Continue c) {
                if (ctx.loopDepth == 0) {
                    throw error(c.pos(), "'continue' statement not in loop statement");
                }
                ctx.emit(new KStmt.Continue());
        } else if (s instanceof Stmt.Return r) {
            returnStatement(r);
        } else if (s instanceof Stmt.Empty e) {
        }
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
        KBlock b;
        KBlock s;
        try {
            b = ctx.out.capture(() -> scoped(body));
            s = step == null ? KBlock.EMPTY : ctx.out.capture(() -> exprs.discard(step));
        } finally {
            ctx.loopDepth--;
            ctx.breakableDepth--;
        }
        requireSimple(s, step == null ? pos : step.pos(), "loop increment");
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
        requireSimple(c.statements(), cond.pos(), "do-while condition");
        ctx.emit(new KStmt.Loop(true, c.value(), b, c.statements()));
    }

    /** Loop steps must be plain statements, so the C emitters can print them as expressions. */
    private static void requireSimple(KBlock b, SourcePos pos, String where) {
        for (KStmt s : b.statements()) {
            if (!(s instanceof KStmt.Assign || s instanceof KStmt.Store || s instanceof KStmt.Eval)) {
                throw error(pos, "side effects inside '&&', '||' or '?:' in a " + where + " are not supported");
            }
        }
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
            ctx.breakableDepth--;
        }
        ctx.emit(new KStmt.Switch(selector, cases));
    }

    // ------------------------------------------------------------------ return

    private void returnStatement(Stmt.Return r) {
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
            type = exprs.typeOf(single.value());
            if (type instanceof ArrayType a) {
                type = new PointerType(a.element());
            }
            if (type instanceof VoidType) {
                throw error(v.pos(), "variable '" + name + "' has type 'void'");
            }
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
        KGlobal g = ctx.checker.addSharedGlobal(ctx.fn.name() + "_" + v.name(), type, v.isExtern(), v.pos());
        declare(v, new Symbol.Global(g, TypeSyntax.isConst(v.type())));
    }
}
