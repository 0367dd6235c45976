package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KExpr.UnaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.lex.Literals;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.StructMember;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Lowers expressions to pure KIR expressions, emitting their side effects (assignments, calls,
 * increments) as statements in evaluation order, and applies C's conversions explicitly.
 */
final class ExpressionLowering {
    private final FunctionContext ctx;
    /** The expression being lowered: the loads, stores and pointer arithmetic it makes carry its position. */
    private SourcePos at;

    ExpressionLowering(FunctionContext ctx) {
        this.ctx = ctx;
    }

    /** The result of lowering an expression: a place, a value, or nothing (a void call). */
    sealed interface Operand permits Place, Value, NoValue {
        CType type();
    }

    record Place(LValue lvalue) implements Operand {
        @Override
        public CType type() {
            return lvalue.type();
        }
    }

    record Value(KExpr value) implements Operand {
        @Override
        public CType type() {
            return value.type();
        }
    }

    record NoValue() implements Operand {
        @Override
        public CType type() {
            return VoidType.VOID;
        }
    }

    private static final NoValue NO_VALUE = new NoValue();

    static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    // ------------------------------------------------------------------ entry points

    KExpr rvalue(Expr e) {
        return toRValue(operand(e), e.pos());
    }

    LValue lvalue(Expr e) {
        Operand o = e instanceof Expr.Conditional ? lvalueOperand(e) : operand(e);
        if (o instanceof Place p) {
            return p.lvalue();
        }
        throw error(e.pos(), "expression is not assignable");
    }

    /**
     * An expression where an lvalue is wanted (a reference returned or bound, an assignment's
     * target): a conditional of two lvalues of one type is the lvalue it selects.
     */
    Operand lvalueOperand(Expr e) {
        if (!(e instanceof Expr.Conditional c)) {
            return operand(e);
        }
        KExpr cond = condition(c.condition());
        BlockBuilder.Captured<Operand> a = ctx.out.capture(() -> lvalueOperand(c.ifTrue()));
        BlockBuilder.Captured<Operand> b = ctx.out.capture(() -> lvalueOperand(c.ifFalse()));
        if (!(a.value() instanceof Place pa) || !(b.value() instanceof Place pb)
                || !TypeRules.sameType(pa.type(), pb.type()) || pa.lvalue() instanceof LValue.OfBitField
                || pb.lvalue() instanceof LValue.OfBitField) {
            return operand(e);
        }
        PointerType pt = new PointerType(pa.type(), AddressSpace.GENERIC, pa.lvalue().isConst() || pb.lvalue().isConst(),
                false);
        KLocal t = ctx.temp(pt, c.pos());
        List<KStmt> thenStmts = new ArrayList<>(a.statements().statements());
        List<KStmt> elseStmts = new ArrayList<>(b.statements().statements());
        BlockBuilder.Captured<KExpr> at = ctx.out.capture(() -> convert(address(pa.lvalue()), pt, c.pos(), true));
        BlockBuilder.Captured<KExpr> bt = ctx.out.capture(() -> convert(address(pb.lvalue()), pt, c.pos(), true));
        thenStmts.addAll(at.statements().statements());
        thenStmts.add(new KStmt.Assign(t, at.value()));
        elseStmts.addAll(bt.statements().statements());
        elseStmts.add(new KStmt.Assign(t, bt.value()));
        ctx.emit(new KStmt.If(cond, new KBlock(thenStmts), new KBlock(elseStmts)));
        return new Place(new LValue.OfMemory(new KExpr.LocalGet(t), pa.type(), pt.constPointee()));
    }

    /** Evaluates for side effects only. */
    void discard(Expr e) {
        SourcePos outer = at;
        at = e.pos();
        try {
            discardValue(e);
        } finally {
            at = outer;
        }
    }

    private void discardValue(Expr e) {
        if (e instanceof Expr.Assign a) {
            assign(a, false);
            return;
        }
        if (e instanceof Expr.Unary u && (u.op() == Expr.UnaryOp.POST_INC || u.op() == Expr.UnaryOp.POST_DEC)) {
            increment(u, true, false);
            return;
        }
        if (e instanceof Expr.Binary b && b.op() == Expr.BinaryOp.COMMA) {
            discard(b.left());
            discard(b.right());
            return;
        }
        if (e instanceof Expr.Cast c && c.type() instanceof TypeSyntax.Builtin bt && bt.kind() == null) {
            discard(c.operand());
            return;
        }
        if (e instanceof Expr.Conditional c) {
            KExpr cond = condition(c.condition());
            KBlock a = ctx.out.capture(() -> discard(c.ifTrue()));
            KBlock b = ctx.out.capture(() -> discard(c.ifFalse()));
            ctx.emit(new KStmt.If(cond, a, b));
            return;
        }
        Operand o = operand(e);
        if (o instanceof Place p && p.lvalue() instanceof LValue.OfMemory m) {
            // a volatile read still happens; other loads are dropped
            if (m.address().type() instanceof PointerType pt && pt.volatilePointee() && m.type().isScalar()) {
                KLocal t = ctx.temp(m.type(), e.pos());
                ctx.emit(new KStmt.Assign(t, new KExpr.Load(m.address())));
            }
        }
    }

    /** A scalar or pointer used as a truth value, as a bool. */
    KExpr condition(Expr e) {
        KExpr v = rvalue(e);
        return truth(v, e.pos());
    }

    KExpr truth(KExpr v, SourcePos pos) {
        CType t = v.type();
        if (t instanceof ScalarType s) {
            if (s.kind() == ScalarKind.BOOL) {
                return v;
            }
            return fold(new KExpr.Binary(BinaryOp.NE, v, zero(s), ScalarType.BOOL));
        }
        if (t instanceof PointerType p) {
            return new KExpr.Binary(BinaryOp.NE, v, new KExpr.NullPtr(p), ScalarType.BOOL);
        }
        if (t instanceof StructType) {
            KExpr b = ctx.objects.convertByOperator(v, ScalarType.BOOL, true, pos);
            if (b != null) {
                return b;
            }
        }
        throw error(pos, "value of type '" + t.display() + "' is not contextually convertible to 'bool'");
    }

    static KExpr zero(ScalarType s) {
        return s.kind().isFloating() ? new KExpr.FloatConst(s, 0.0) : new KExpr.IntConst(s, 0);
    }

    long constantInteger(Expr e, String what) {
        BlockBuilder.Captured<KExpr> c = ctx.out.capture(() -> rvalue(e));
        KExpr v = c.value();
        if (!c.statements().isEmpty() || !(v instanceof KExpr.IntConst ic)) {
            throw error(e.pos(), what + " is not an integer constant expression");
        }
        return ic.value();
    }

    /** The type of an expression without evaluating it (for sizeof and auto). */
    CType typeOf(Expr e) {
        return ctx.out.capture(() -> operand(e)).value().type();
    }

    // ------------------------------------------------------------------ operands

    Operand operand(Expr e) {
        SourcePos outer = at;
        at = e.pos();
        try {
            return lowerOperand(e);
        } finally {
            at = outer;
        }
    }

    private Operand lowerOperand(Expr e) {
        if (e instanceof Expr.IntLit lit) {
            return new Value(intLiteral(lit));
        } else if (e instanceof Expr.FloatLit lit) {
            return new Value(new KExpr.FloatConst(lit.value().isFloat() ? ScalarType.FLOAT
                    : ScalarType.DOUBLE, lit.value().value()));
        } else if (e instanceof Expr.CharLit c) {
            return new Value(new KExpr.IntConst(ScalarType.CHAR, c.value()));
        } else if (e instanceof Expr.BoolLit b) {
            return new Value(new KExpr.IntConst(ScalarType.BOOL, b.value() ? 1 : 0));
        } else if (e instanceof Expr.NullPtr n) {
            return new Value(new KExpr.NullPtr(new PointerType(VoidType.VOID)));
        } else if (e instanceof Expr.StringLit s) {
            throw error(s.pos(),
                    "string literals are supported in device code only as printf's format and %s arguments");
        } else if (e instanceof Expr.Ident id) {
            return identifier(id);
        } else if (e instanceof Expr.Unary u) {
            return unary(u);
        } else if (e instanceof Expr.Binary b) {
            return binary(b);
        } else if (e instanceof Expr.Assign a) {
            return assign(a, true);
        } else if (e instanceof Expr.Conditional c) {
            return conditional(c);
        } else if (e instanceof Expr.Call c) {
            return call(c);
        } else if (e instanceof Expr.KernelLaunch l) {
            requireFunction(l.pos(), "a kernel launch");
            ctx.launches.launch(l);
            return NO_VALUE;
        } else if (e instanceof Expr.Index i) {
            return index(i);
        } else if (e instanceof Expr.Member m) {
            return member(m);
        } else if (e instanceof Expr.Cast c) {
            return cast(c);
        } else if (e instanceof Expr.Construct c) {
            return construct(ctx.checker.types.resolve(c.type(), ctx), c.args(), c.pos());
        } else if (e instanceof Expr.New n) {
            return new Value(new DeviceLibraryCalls(ctx).newExpression(n));
        } else if (e instanceof Expr.Delete d) {
            new DeviceLibraryCalls(ctx).delete(d);
            return new NoValue();
        } else if (e instanceof Expr.SizeofType s) {
            return new Value(sizeOf(ctx.checker.types.resolve(s.type(), ctx), s.pos()));
        } else if (e instanceof Expr.SizeofExpr s) {
            return new Value(sizeOf(typeOf(s.operand()), s.pos()));
        } else if (e instanceof Expr.AlignofType a) {
            return new Value(new KExpr.IntConst(ScalarType.ULONG,
                    ctx.checker.types.resolve(a.type(), ctx).align()));
        } else if (e instanceof Expr.InitList l) {
            throw error(l.pos(), "a braced list is not allowed here");
        } else if (e instanceof Expr.This t) {
            if (ctx.thisLocal == null) {
                throw error(t.pos(), "'this' outside a non-static member function");
            }
            return new Value(new KExpr.LocalGet(ctx.thisLocal));
        } else if (e instanceof Expr.Lambda l) {
            requireFunction(l.pos(), "a lambda");
            return ctx.objects.lambda(l);
        } else if (e instanceof Expr.TypeMember tm) {
            return ctx.objects.staticMember(ctx.objects.classNamed(tm.owner()), tm.name(), tm.pos());
        }
        throw new IllegalStateException("unhandled: " + e);
    }

    private KExpr sizeOf(CType t, SourcePos pos) {
        if (t instanceof VoidType) {
            throw error(pos, "invalid application of 'sizeof' to type 'void'");
        }
        if (t instanceof ArrayType a && a.isIncomplete() || t instanceof StructType s && !s.isComplete()) {
            throw error(pos, "invalid application of 'sizeof' to incomplete type '" + t.display() + "'");
        }
        return new KExpr.IntConst(ScalarType.ULONG, t.size());
    }

    KExpr toRValue(Operand o, SourcePos pos) {
        if (o instanceof Value v) {
            return v.value();
        } else if (o instanceof NoValue n) {
            throw error(pos, "void value not ignored as it ought to be");
        } else if (o instanceof Place p) {
            return load(p.lvalue(), pos);
        }
        throw new IllegalStateException("unhandled: " + o);
    }

    /** Reads an lvalue; arrays decay to a pointer to their first element. */
    KExpr load(LValue lv) {
        return load(lv, at);
    }

    private KExpr load(LValue lv, SourcePos pos) {
        CType t = lv.type();
        if (t instanceof ArrayType a) {
            KExpr addr = address(lv);
            PointerType at = (PointerType) addr.type();
            // memory says its constness in its address's type (__constant__ memory is not const there)
            boolean isConst = at.constPointee() || lv instanceof LValue.OfLocal && lv.isConst();
            return new KExpr.Convert(new PointerType(a.element(), at.space(), isConst, at.volatilePointee()), addr);
        }
        if (lv instanceof LValue.OfLocal l) {
            return new KExpr.LocalGet(l.local());
        } else if (lv instanceof LValue.OfMemory m) {
            return new KExpr.Load(m.address(), pos);
        } else if (lv instanceof LValue.OfBitField b) {
            return BitFields.read(b, pos);
        }
        throw new IllegalStateException("unhandled: " + lv);
    }

    void store(LValue lv, KExpr value) {
        if (lv instanceof LValue.OfLocal l) {
            ctx.emit(new KStmt.Assign(l.local(), value));
        } else if (lv instanceof LValue.OfMemory m) {
            ctx.emit(new KStmt.Store(m.address(), value, at));
        } else if (lv instanceof LValue.OfBitField b) {
            ctx.emit(new KStmt.Store(b.unitAddress(), BitFields.write(b, value, at), at));
        }
    }

    /** The address of an lvalue, as a pointer to its type. */
    KExpr address(LValue lv) {
        if (lv instanceof LValue.OfLocal l) {
                l.local().markAddressTaken();
                return new KExpr.LocalAddr(l.local(), new PointerType(l.local().type(), AddressSpace.LOCAL,
                        l.isConst(), false));
        } else if (lv instanceof LValue.OfMemory m) {
            return m.address();
        } else if (lv instanceof LValue.OfBitField b) {
            throw error(b.pos(), "cannot take the address of bit-field '" + b.field().name() + "'");
        }
        throw new IllegalStateException("unhandled: " + lv);
    }

    private static final Map<String, SpecialReg[]> BUILTIN_VECTORS = Map.of(
            "threadIdx", new SpecialReg[] {SpecialReg.TID_X, SpecialReg.TID_Y, SpecialReg.TID_Z},
            "blockIdx", new SpecialReg[] {SpecialReg.CTAID_X, SpecialReg.CTAID_Y, SpecialReg.CTAID_Z},
            "blockDim", new SpecialReg[] {SpecialReg.NTID_X, SpecialReg.NTID_Y, SpecialReg.NTID_Z},
            "gridDim", new SpecialReg[] {SpecialReg.NCTAID_X, SpecialReg.NCTAID_Y, SpecialReg.NCTAID_Z});

    String resolveNamespace(String name) {
        if (!name.contains("::")) {
            return name;
        }
        return Checker.simpleName(name);
    }

    private Operand identifier(Expr.Ident id) {
        String name = resolveNamespace(id.name());
        SpecialReg[] regs = BUILTIN_VECTORS.get(name);
        if (regs != null) {
            requireFunction(id.pos(), name);
            StructType t = name.equals("blockDim") || name.equals("gridDim") ? BuiltinTypes.dim3()
                    : BuiltinTypes.uint3();
            KLocal tmp = ctx.temp(t, id.pos());
            for (int i = 0; i < 3; i++) {
                Field f = t.fields().get(i);
                ctx.emit(new KStmt.Store(fieldAddr(localAddress(tmp), f), new KExpr.Special(regs[i])));
            }
            return new Place(new LValue.OfLocal(tmp, true));
        }
        if (name.equals("warpSize")) {
            return new Value(new KExpr.IntConst(ScalarType.INT, 32));
        }
        KExpr bound = ctx.env.values().get(name);
        if (bound != null) {
            return new Value(bound);
        }
        Symbol s = ctx.scope.lookup(name);
        if (s == null && ctx.owner != null && !id.name().contains("::")) {
            Operand member = ctx.objects.member(new Expr.Ident(id.pos(), name, id.templateArgs()));
            if (member != null) {
                return member;
            }
        }
        if (s == null && id.name().contains("::")) {
            StructInfo owner = ctx.objects.qualifyingClass(id.name());
            if (owner != null) {
                return ctx.objects.staticMember(owner, name, id.pos());
            }
        }
        if (s == null) {
            s = ctx.checker.fileSymbols.get(name);
        }
        if (s != null) {
            return symbol(s, id);
        }
        KExpr launchConstant = DeviceLaunches.constant(name);
        if (launchConstant != null) {
            return new Value(launchConstant);
        }
        if (ctx.checker.functions.containsKey(name)) {
            return new Value(ctx.checker.functionPointers.designator(ctx, name, id.templateArgs(), id.pos()));
        }
        if (BuiltinCalls.isBuiltin(name)) {
            throw error(id.pos(), "taking the address of built-in function '" + name + "' is not supported: wrap it in "
                    + "a __device__ function");
        }
        if (ctx.checker.hostVariables.contains(name)) {
            throw error(id.pos(), "reference to host variable '" + name + "' in device code: declare it "
                    + "__device__ or __constant__");
        }
        throw error(id.pos(), "use of undeclared identifier '" + id.name() + "'");
    }

    private void requireFunction(SourcePos pos, String what) {
        if (!ctx.inFunction()) {
            throw error(pos, "'" + what + "' is not a constant expression");
        }
    }

    Operand symbol(Symbol s, Expr.Ident id) {
        if (s instanceof Symbol.Constant c) {
            return new Value(c.value());
        } else if (s instanceof Symbol.Local l) {
                if (l.reference()) {
                    CType referent = ((PointerType) l.local().type()).pointee();
                    return new Place(new LValue.OfMemory(new KExpr.LocalGet(l.local()), referent, l.isConst()));
                }
                return new Place(new LValue.OfLocal(l.local(), l.isConst()));
        } else if (s instanceof Symbol.Global g) {
                requireFunction(id.pos(), id.name());
                KGlobal global = g.global();
                // __constant__ memory is read-only, but not const in C++'s types: &c_Table[i] is an 'unsigned*'
                PointerType pt = new PointerType(global.type(), global.space(), g.isConst(), false);
                return new Place(new LValue.OfMemory(new KExpr.GlobalAddr(global, pt), global.type(),
                        g.isConst() || global.space() == AddressSpace.CONSTANT));
        }
        throw new IllegalStateException("unhandled: " + s);
    }

    KExpr localAddress(KLocal l) {
        return new KExpr.LocalAddr(l, new PointerType(l.type(), AddressSpace.LOCAL, false, false));
    }

    KExpr fieldAddr(KExpr structPointer, Field f) {
        PointerType sp = (PointerType) structPointer.type();
        return new KExpr.FieldAddr(structPointer, f, new PointerType(f.type(), sp.space(), sp.constPointee(),
                sp.volatilePointee()));
    }

    // ------------------------------------------------------------------ literals

    private KExpr intLiteral(Expr.IntLit lit) {
        Literals.IntLiteral v = lit.value();
        ScalarType t;
        if (v.unsignedSuffix()) {
            t = v.longs() == 0 && v.fitsUInt() ? ScalarType.UINT : v.longs() == 2 ? ScalarType.ULONGLONG : ScalarType.ULONG;
        } else if (v.longs() == 2) {
            t = v.fitsLong() ? ScalarType.LONGLONG : ScalarType.ULONGLONG;
        } else if (v.longs() == 1) {
            t = v.fitsLong() ? ScalarType.LONG : ScalarType.ULONG;
        } else if (v.fitsInt()) {
            t = ScalarType.INT;
        } else if (!v.decimal() && v.fitsUInt()) {
            t = ScalarType.UINT;
        } else if (v.fitsLong()) {
            t = ScalarType.LONG;
        } else {
            if (v.decimal()) {
                ctx.checker.warnings.add(Diagnostic.warning(lit.pos(),
                        "integer literal '" + lit.text() + "' is too large for a signed type; treated as unsigned"));
            }
            t = ScalarType.ULONG;
        }
        return ConstantFolder.intConst(t, v.value());
    }

    // ------------------------------------------------------------------ unary

    private Operand unary(Expr.Unary u) {
        Operand lowered = null;
        if (u.op() == Expr.UnaryOp.PLUS || u.op() == Expr.UnaryOp.NEG || u.op() == Expr.UnaryOp.BIT_NOT
                || u.op() == Expr.UnaryOp.NOT || u.op() == Expr.UnaryOp.PRE_INC || u.op() == Expr.UnaryOp.PRE_DEC) {
            lowered = operand(u.operand());
            if (lowered.type() instanceof StructType t) {
                Operand overloaded = ctx.objects.operator(unarySymbol(u.op()), List.of(lowered),
                        List.of(u.operand().pos()), u.pos());
                if (overloaded != null) {
                    return overloaded;
                }
                if (VectorMath.isVector(t) && u.op() == Expr.UnaryOp.NEG) {
                    return new VectorMath(ctx).negate(lowered, u.pos());
                }
                if (VectorMath.isVector(t) && u.op() == Expr.UnaryOp.PLUS) {
                    return lowered;
                }
                throw error(u.pos(), "no '" + unarySymbol(u.op()) + "' for '" + t.display() + "'");
            }
        }
        Operand o = lowered;
        switch (u.op()) {
            case PLUS, NEG, BIT_NOT -> {
                KExpr v = toRValue(o, u.operand().pos());
                if (!(v.type() instanceof ScalarType s) || s.isFunctionPointer()) {
                    throw error(u.pos(), "invalid argument type '" + v.type().display() + "' to unary expression");
                }
                if (u.op() == Expr.UnaryOp.BIT_NOT && !s.kind().isInteger()) {
                    throw error(u.pos(), "invalid argument type '" + s.display() + "' to unary '~' (needs an integer)");
                }
                ScalarType p = TypeRules.promote(s);
                KExpr pv = convert(v, p, u.pos(), false);
                if (u.op() == Expr.UnaryOp.PLUS) {
                    return new Value(pv);
                }
                UnaryOp op = u.op() == Expr.UnaryOp.NEG ? UnaryOp.NEG : UnaryOp.BIT_NOT;
                return new Value(ConstantFolder.unary(new KExpr.Unary(op, pv, p)));
            }
            case NOT -> {
                KExpr c = truth(toRValue(o, u.operand().pos()), u.operand().pos());
                return new Value(ConstantFolder.unary(new KExpr.Unary(UnaryOp.NOT, c, ScalarType.BOOL)));
            }
            case DEREF -> {
                KExpr p = rvalue(u.operand());
                if (p.type().isFunctionPointer()) {
                    return new Value(p); // *f designates the function, which decays to the pointer again
                }
                if (!(p.type() instanceof PointerType pt)) {
                    throw error(u.pos(), "indirection requires pointer operand ('" + p.type().display() + "' invalid)");
                }
                if (pt.pointee() instanceof VoidType) {
                    throw error(u.pos(), "indirection of a 'void*' pointer");
                }
                return new Place(new LValue.OfMemory(p, pt.pointee(), pt.constPointee()));
            }
            case ADDR -> {
                Operand target = operand(u.operand());
                if (target instanceof Value v && v.type().isFunctionPointer()
                        && (u.operand() instanceof Expr.Ident || u.operand() instanceof Expr.Unary d
                                && d.op() == Expr.UnaryOp.DEREF)) {
                    return v; // &f of a function (or of *p): the function's address
                }
                if (!(target instanceof Place p)) {
                    throw error(u.pos(), "cannot take the address of an rvalue" + (u.operand() instanceof Expr.Ident id
                            ? " (is '" + id.name() + "' a compile-time constant?)" : ""));
                }
                return new Value(address(p.lvalue()));
            }
            case PRE_INC, PRE_DEC -> {
                if (!(o instanceof Place p)) {
                    throw error(u.operand().pos(), "expression is not assignable");
                }
                return new Value(increment(u, p.lvalue(), false, true));
            }
            case POST_INC, POST_DEC -> {
                return new Value(increment(u, true, true));
            }
            default -> throw new IllegalStateException(u.op().name());
        }
    }

    private static String unarySymbol(Expr.UnaryOp op) {
        return "operator" + switch (op) {
            case NEG -> "-";
            case PLUS -> "+";
            case NOT -> "!";
            case BIT_NOT -> "~";
            case DEREF -> "*";
            case PRE_INC -> "++";
            case PRE_DEC -> "--";
            default -> "?";
        };
    }

    /** ++ and --: returns the new value (prefix) or the old one (postfix). */
    private KExpr increment(Expr.Unary u, boolean postfix, boolean needResult) {
        return increment(u, lvalue(u.operand()), postfix, needResult);
    }

    private KExpr increment(Expr.Unary u, LValue target, boolean postfix, boolean needResult) {
        boolean inc = u.op() == Expr.UnaryOp.PRE_INC || u.op() == Expr.UnaryOp.POST_INC;
        LValue lv = stabilize(target);
        checkAssignable(lv, u.operand(), u.pos());
        CType t = lv.type();
        KExpr old = load(lv);
        KLocal saved = null;
        if (postfix && needResult) {
            saved = ctx.temp(t, u.pos());
            ctx.emit(new KStmt.Assign(saved, old));
            old = new KExpr.LocalGet(saved);
        }
        KExpr updated;
        if (t instanceof PointerType) {
            updated = new KExpr.PtrAdd(old, new KExpr.IntConst(ScalarType.LONG, inc ? 1 : -1), at);
        } else if (t instanceof ScalarType s && !s.isFunctionPointer()) {
            if (s.kind() == ScalarKind.BOOL) {
                throw error(u.pos(), "incrementing or decrementing a bool is not allowed in C++17");
            }
            ScalarType p = TypeRules.promote(s);
            KExpr one = p.kind().isFloating() ? new KExpr.FloatConst(p, 1.0) : new KExpr.IntConst(p, 1);
            updated = convert(new KExpr.Binary(inc ? BinaryOp.ADD : BinaryOp.SUB, convert(old, p, u.pos(), false),
                    one, p), s, u.pos(), false);
        } else {
            throw error(u.pos(), "cannot increment value of type '" + t.display() + "'"
                    + (t.isFunctionPointer() ? ": function pointers can only be called and compared for equality" : ""));
        }
        if (postfix || !needResult || lv instanceof LValue.OfLocal || lv instanceof LValue.OfBitField) {
            store(lv, updated);
            if (!needResult) {
                return null;
            }
            return postfix ? old : load(lv);
        }
        KLocal t2 = ctx.temp(t, u.pos());
        ctx.emit(new KStmt.Assign(t2, updated));
        store(lv, new KExpr.LocalGet(t2));
        return new KExpr.LocalGet(t2);
    }

    /** Copies a complex address into a temporary so it is computed once. */
    LValue stabilize(LValue lv) {
        if (lv instanceof LValue.OfMemory m && !isCheap(m.address())) {
            KLocal t = ctx.temp(m.address().type(), null);
            ctx.emit(new KStmt.Assign(t, m.address()));
            return new LValue.OfMemory(new KExpr.LocalGet(t), m.type(), m.isConst());
        }
        if (lv instanceof LValue.OfBitField b && !isCheap(b.unitAddress())) {
            KLocal t = ctx.temp(b.unitAddress().type(), null);
            ctx.emit(new KStmt.Assign(t, b.unitAddress()));
            return new LValue.OfBitField(new KExpr.LocalGet(t), b.field(), b.isConst(), b.pos());
        }
        return lv;
    }

    private static boolean isCheap(KExpr e) {
        if (e instanceof KExpr.LocalGet l) {
            return true;
        } else if (e instanceof KExpr.LocalAddr l) {
            return true;
        } else if (e instanceof KExpr.GlobalAddr g) {
            return true;
        } else if (e instanceof KExpr.IntConst c) {
            return true;
        } else if (e instanceof KExpr.NullPtr n) {
            return true;
        } else if (e instanceof KExpr.FieldAddr f) {
            return isCheap(f.structPointer());
        } else if (e instanceof KExpr.PtrAdd p) {
            return isCheap(p.pointer()) && (p.index() instanceof KExpr.IntConst
                    || p.index() instanceof KExpr.LocalGet);
        } else {
            return false;
        }
    }

    private void checkAssignable(LValue lv, Expr target, SourcePos pos) {
        if (lv.isConst()) {
            String what = target instanceof Expr.Ident id ? "variable '" + id.name() + "'" : "an expression";
            throw error(pos, "cannot assign to " + what + " with const-qualified type '" + lv.type().display() + "'");
        }
        if (lv.type() instanceof ArrayType a) {
            throw error(pos, "array type '" + a.display() + "' is not assignable");
        }
    }

    // ------------------------------------------------------------------ binary

    private Operand binary(Expr.Binary b) {
        switch (b.op()) {
            case COMMA -> {
                discard(b.left());
                return operand(b.right());
            }
            case AND, OR -> {
                return new Value(logical(b));
            }
            default -> {
                Operand lo = operand(b.left());
                Operand ro = operand(b.right());
                if (lo.type() instanceof StructType || ro.type() instanceof StructType) {
                    Operand overloaded = ctx.objects.operator("operator" + b.op().symbol(), List.of(lo, ro),
                            List.of(b.left().pos(), b.right().pos()), b.pos());
                    if (overloaded != null) {
                        return overloaded;
                    }
                    Operand vector = new VectorMath(ctx).binary(b.op(), lo, ro, b.pos());
                    if (vector != null) {
                        return vector;
                    }
                }
                KExpr l = toRValue(lo, b.left().pos());
                KExpr r = toRValue(ro, b.right().pos());
                return new Value(arithmetic(b.op(), l, r, b.pos()));
            }
        }
    }

    private KExpr logical(Expr.Binary b) {
        boolean and = b.op() == Expr.BinaryOp.AND;
        KExpr l = condition(b.left());
        BlockBuilder.Captured<KExpr> right = ctx.out.capture(() -> condition(b.right()));
        if (right.statements().isEmpty()) {
            return ConstantFolder.binary(new KExpr.Binary(and ? BinaryOp.LAND : BinaryOp.LOR, l, right.value(),
                    ScalarType.BOOL));
        }
        KLocal t = ctx.temp(ScalarType.BOOL, b.pos());
        ctx.emit(new KStmt.Assign(t, l));
        List<KStmt> evalRight = new ArrayList<>(right.statements().statements());
        evalRight.add(new KStmt.Assign(t, right.value()));
        KExpr test = and ? new KExpr.LocalGet(t) : new KExpr.Unary(UnaryOp.NOT, new KExpr.LocalGet(t), ScalarType.BOOL);
        ctx.emit(new KStmt.If(test, new KBlock(evalRight), KBlock.EMPTY));
        return new KExpr.LocalGet(t);
    }

    private static BinaryOp kirOp(Expr.BinaryOp op) {
        return switch (op) {
            case MUL -> BinaryOp.MUL;
            case DIV -> BinaryOp.DIV;
            case REM -> BinaryOp.REM;
            case ADD -> BinaryOp.ADD;
            case SUB -> BinaryOp.SUB;
            case SHL -> BinaryOp.SHL;
            case SHR -> BinaryOp.SHR;
            case LT -> BinaryOp.LT;
            case GT -> BinaryOp.GT;
            case LE -> BinaryOp.LE;
            case GE -> BinaryOp.GE;
            case EQ -> BinaryOp.EQ;
            case NE -> BinaryOp.NE;
            case BIT_AND -> BinaryOp.AND;
            case BIT_XOR -> BinaryOp.XOR;
            case BIT_OR -> BinaryOp.OR;
            default -> throw new IllegalStateException(op.name());
        };
    }

    private static boolean isNullConstant(KExpr e) {
        return e instanceof KExpr.NullPtr || e instanceof KExpr.IntConst c && c.value() == 0
                && c.type().kind().isInteger();
    }

    /** A binary arithmetic, bitwise, shift or comparison operation with C's conversions. */
    KExpr arithmetic(Expr.BinaryOp op, KExpr l, KExpr r, SourcePos pos) {
        CType lt = l.type();
        CType rt = r.type();
        if (lt.isFunctionPointer() || rt.isFunctionPointer()) {
            return functionPointerComparison(op, l, r, pos);
        }
        if (lt instanceof PointerType || rt instanceof PointerType) {
            return pointerArithmetic(op, l, r, pos);
        }
        if (!(lt instanceof ScalarType ls) || !(rt instanceof ScalarType rs)) {
            throw error(pos, "invalid operands to binary expression ('" + lt.display() + "' and '" + rt.display() + "')");
        }
        BinaryOp kop = kirOp(op);
        boolean intOnly = op == Expr.BinaryOp.REM || op == Expr.BinaryOp.SHL || op == Expr.BinaryOp.SHR
                || op == Expr.BinaryOp.BIT_AND || op == Expr.BinaryOp.BIT_OR || op == Expr.BinaryOp.BIT_XOR;
        if (intOnly && (!ls.kind().isInteger() || !rs.kind().isInteger())) {
            throw error(pos, "invalid operands to binary expression ('" + lt.display() + "' and '" + rt.display()
                    + "'): '" + op.symbol() + "' needs integers" + (op == Expr.BinaryOp.REM ? " (use fmodf for floats)" : ""));
        }
        if (op == Expr.BinaryOp.SHL || op == Expr.BinaryOp.SHR) {
            ScalarType p = TypeRules.promote(ls);
            KExpr count = convert(convert(r, TypeRules.promote(rs), pos, false), p, pos, false);
            if (count instanceof KExpr.IntConst c && (c.value() < 0 || c.value() >= p.kind().bits())) {
                ctx.checker.warnings.add(Diagnostic.warning(pos, "shift count " + c.value()
                        + " is negative or not less than the width of type '" + p.display() + "'"));
            }
            return fold(new KExpr.Binary(kop, convert(l, p, pos, false), count, p));
        }
        ScalarType common = TypeRules.usualArithmetic(ls, rs);
        KExpr a = convert(l, common, pos, false);
        KExpr b = convert(r, common, pos, false);
        if ((kop == BinaryOp.DIV || kop == BinaryOp.REM) && common.kind().isInteger()
                && b instanceof KExpr.IntConst c && c.value() == 0) {
            ctx.checker.warnings.add(Diagnostic.warning(pos, "division by zero is undefined"));
        }
        CType result = kop.isComparison() ? ScalarType.BOOL : common;
        return fold(new KExpr.Binary(kop, a, b, result));
    }

    /** {@code f == g}, {@code f != nullptr}: the only operations on function pointers besides calls. */
    private KExpr functionPointerComparison(Expr.BinaryOp op, KExpr l, KExpr r, SourcePos pos) {
        CType lt = l.type();
        CType rt = r.type();
        if (op == Expr.BinaryOp.EQ || op == Expr.BinaryOp.NE) {
            CType common = lt.isFunctionPointer() ? lt : rt;
            KExpr a = lt.isFunctionPointer() ? l : isNullConstant(l) ? new KExpr.IntConst((ScalarType) common, 0) : null;
            KExpr b = rt.isFunctionPointer() ? r : isNullConstant(r) ? new KExpr.IntConst((ScalarType) common, 0) : null;
            if (a != null && b != null && TypeRules.sameType(a.type(), b.type())) {
                return fold(new KExpr.Binary(kirOp(op), a, b, ScalarType.BOOL));
            }
            if (a != null && b != null) {
                throw error(pos, "comparison of distinct function pointer types ('" + lt.display() + "' and '"
                        + rt.display() + "')");
            }
        }
        throw error(pos, "invalid operands to binary expression ('" + lt.display() + "' and '" + rt.display()
                + "'): function pointers can only be called and compared for equality");
    }

    private KExpr pointerArithmetic(Expr.BinaryOp op, KExpr l, KExpr r, SourcePos pos) {
        CType lt = l.type();
        CType rt = r.type();
        switch (op) {
            case ADD -> {
                if (lt instanceof PointerType && rt.isInteger()) {
                    return ptrAdd(l, r, pos);
                }
                if (rt instanceof PointerType && lt.isInteger()) {
                    return ptrAdd(r, l, pos);
                }
            }
            case SUB -> {
                if (lt instanceof PointerType && rt.isInteger()) {
                    KExpr idx = convert(r, ScalarType.LONG, pos, false);
                    return ptrAdd(l, fold(new KExpr.Unary(UnaryOp.NEG, idx, ScalarType.LONG)), pos);
                }
                if (lt instanceof PointerType a && rt instanceof PointerType b) {
                    if (!a.samePointee(b)) {
                        throw error(pos, "subtracting pointers to different types ('" + a.display() + "' and '"
                                + b.display() + "')");
                    }
                    if (a.pointee() instanceof VoidType) {
                        throw error(pos, "arithmetic on a pointer to void");
                    }
                    return new KExpr.PtrDiff(l, r, ScalarType.LONG);
                }
            }
            case EQ, NE, LT, GT, LE, GE -> {
                KExpr a = l;
                KExpr b = r;
                if (lt instanceof PointerType p && !(rt instanceof PointerType)) {
                    if (!isNullConstant(r)) {
                        throw error(pos, "comparison between pointer and integer ('" + lt.display() + "' and '"
                                + rt.display() + "')");
                    }
                    b = new KExpr.NullPtr(p);
                } else if (rt instanceof PointerType p && !(lt instanceof PointerType)) {
                    if (!isNullConstant(l)) {
                        throw error(pos, "comparison between pointer and integer ('" + lt.display() + "' and '"
                                + rt.display() + "')");
                    }
                    a = new KExpr.NullPtr(p);
                }
                return new KExpr.Binary(kirOp(op), a, b, ScalarType.BOOL);
            }
            default -> { }
        }
        throw error(pos, "invalid operands to binary expression ('" + lt.display() + "' and '" + rt.display() + "')");
    }

    KExpr ptrAdd(KExpr pointer, KExpr index, SourcePos pos) {
        PointerType pt = (PointerType) pointer.type();
        if (pt.pointee() instanceof VoidType) {
            throw error(pos, "arithmetic on a pointer to void");
        }
        if (pt.pointee() instanceof StructType s && !s.isComplete()) {
            throw error(pos, "arithmetic on a pointer to incomplete type '" + s.display() + "'");
        }
        if (!index.type().isInteger()) {
            throw error(pos, "pointer offset must be an integer, not '" + index.type().display() + "'");
        }
        KExpr idx = TypeRules.promote((ScalarType) index.type()) != index.type()
                ? convert(index, TypeRules.promote((ScalarType) index.type()), pos, false) : index;
        if (idx instanceof KExpr.IntConst c && c.value() == 0) {
            return pointer;
        }
        return new KExpr.PtrAdd(pointer, idx, at);
    }

    static KExpr fold(KExpr e) {
        if (e instanceof KExpr.Binary b) {
            return ConstantFolder.binary(b);
        }
        if (e instanceof KExpr.Unary u) {
            return ConstantFolder.unary(u);
        }
        return e;
    }

    // ------------------------------------------------------------------ assignment

    private Operand assign(Expr.Assign a, boolean needResult) {
        LValue lv = lvalue(a.target());
        checkAssignable(lv, a.target(), a.pos());
        KExpr value;
        if (a.op() == null) {
            if (a.value() instanceof Expr.InitList list) {
                if (!(lv.type() instanceof StructType)) {
                    throw error(a.pos(), "a braced list can only be assigned to a struct");
                }
                LValue target = stabilize(lv);
                initializeAggregate(target, new Initializer.Braced(list.pos(), list.elements()));
                return needResult ? new Place(target) : NO_VALUE;
            }
            if (VirtualBases.hasVirtualBases(lv.type())) {
                // either side may be a base subobject: its bases and members, then the virtual bases each uses
                LValue target = stabilize(lv);
                Operand o = operand(a.value());
                KExpr source;
                if (o instanceof Place p && p.type() == lv.type()) {
                    source = address(p.lvalue());
                } else {
                    KLocal t = ctx.temp(lv.type(), a.pos());
                    ctx.emit(new KStmt.Assign(t, convert(toRValue(o, a.pos()), lv.type(), a.pos(), false)));
                    source = localAddress(t);
                }
                VirtualBases.assign(this, ctx, address(target), source, a.pos());
                return needResult ? new Place(target) : NO_VALUE;
            }
            value = convert(rvalue(a.value()), lv.type(), a.pos(), false);
            lv = stabilize(lv);
        } else if (lv.type() instanceof StructType) {
            LValue target = stabilize(lv);
            Operand rhs = operand(a.value());
            Operand overloaded = ctx.objects.operator("operator" + a.op().symbol() + "=", List.of(new Place(target), rhs),
                    List.of(a.target().pos(), a.value().pos()), a.pos());
            if (overloaded == null) {
                Operand vector = new VectorMath(ctx).binary(a.op(), new Place(target), rhs, a.pos());
                if (vector == null) {
                    throw error(a.pos(), "no 'operator" + a.op().symbol() + "=' for '" + lv.type().display() + "'");
                }
                store(target, toRValue(vector, a.pos()));
                return needResult ? new Place(target) : NO_VALUE;
            }
            return needResult ? overloaded : NO_VALUE;
        } else {
            lv = stabilize(lv);
            KExpr rhs = rvalue(a.value());
            KExpr current = load(lv);
            KExpr result = arithmetic(a.op(), current, rhs, a.pos());
            value = convert(result, lv.type(), a.pos(), false);
        }
        if (!needResult) {
            store(lv, value);
            return NO_VALUE;
        }
        if (lv instanceof LValue.OfLocal || lv instanceof LValue.OfBitField) {
            store(lv, value);
            return new Place(lv);
        }
        if (lv.type() instanceof StructType) {
            store(lv, value);
            return new Place(lv);
        }
        KLocal t = ctx.temp(lv.type(), a.pos());
        ctx.emit(new KStmt.Assign(t, value));
        store(lv, new KExpr.LocalGet(t));
        return new Value(new KExpr.LocalGet(t));
    }

    // ------------------------------------------------------------------ conditional

    private Operand conditional(Expr.Conditional c) {
        KExpr cond = condition(c.condition());
        BlockBuilder.Captured<Operand> a = ctx.out.capture(() -> operand(c.ifTrue()));
        BlockBuilder.Captured<Operand> b = ctx.out.capture(() -> operand(c.ifFalse()));
        CType at = a.value().type();
        CType bt = b.value().type();
        if (at instanceof VoidType || bt instanceof VoidType) {
            if (!(at instanceof VoidType && bt instanceof VoidType)) {
                throw error(c.pos(), "incompatible operand types ('" + at.display() + "' and '" + bt.display() + "')");
            }
            ctx.emit(new KStmt.If(cond, a.statements(), b.statements()));
            return NO_VALUE;
        }
        // the operands become values inside their own branch (loads may trap: evaluate only one)
        BlockBuilder.Captured<KExpr> av = ctx.out.capture(() -> toRValueIn(a, c.ifTrue().pos()));
        BlockBuilder.Captured<KExpr> bv = ctx.out.capture(() -> toRValueIn(b, c.ifFalse().pos()));
        CType type = conditionalType(av.value(), bv.value(), c.pos());
        KExpr x = convert(av.value(), type, c.ifTrue().pos(), false);
        KExpr y = convert(bv.value(), type, c.ifFalse().pos(), false);
        if (av.statements().isEmpty() && bv.statements().isEmpty() && !(type instanceof StructType)) {
            if (cond instanceof KExpr.IntConst k) {
                return new Value(k.value() != 0 ? x : y);
            }
            return new Value(new KExpr.Select(cond, x, y, type));
        }
        KLocal t = ctx.temp(type, c.pos());
        List<KStmt> thenStmts = new ArrayList<>(av.statements().statements());
        thenStmts.add(new KStmt.Assign(t, x));
        List<KStmt> elseStmts = new ArrayList<>(bv.statements().statements());
        elseStmts.add(new KStmt.Assign(t, y));
        ctx.emit(new KStmt.If(cond, new KBlock(thenStmts), new KBlock(elseStmts)));
        return type instanceof StructType ? new Place(new LValue.OfLocal(t, false)) : new Value(new KExpr.LocalGet(t));
    }

    /** Re-emits a captured operand's statements and yields its value. */
    private KExpr toRValueIn(BlockBuilder.Captured<Operand> c, SourcePos pos) {
        for (KStmt s : c.statements().statements()) {
            ctx.emit(s);
        }
        return toRValue(c.value(), pos);
    }

    private CType conditionalType(KExpr a, KExpr b, SourcePos pos) {
        CType at = a.type();
        CType bt = b.type();
        if (at.isFunctionPointer() || bt.isFunctionPointer()) {
            if (at.isFunctionPointer() && (TypeRules.sameType(at, bt) || isNullConstant(b))) {
                return at;
            }
            if (bt.isFunctionPointer() && isNullConstant(a)) {
                return bt;
            }
            throw error(pos, "incompatible operand types ('" + at.display() + "' and '" + bt.display() + "')");
        }
        if (at instanceof ScalarType x && bt instanceof ScalarType y) {
            if (x.kind() == ScalarKind.BOOL && y.kind() == ScalarKind.BOOL) {
                return ScalarType.BOOL;
            }
            return TypeRules.usualArithmetic(x, y);
        }
        if (at instanceof PointerType p && (bt instanceof PointerType || isNullConstant(b))) {
            if (bt instanceof PointerType q && !p.samePointee(q) && !(q.pointee() instanceof VoidType)
                    && !(b instanceof KExpr.NullPtr)) {
                if (p.pointee() instanceof VoidType) {
                    return p;
                }
                throw error(pos, "incompatible pointer types in conditional ('" + p.display() + "' and '"
                        + q.display() + "')");
            }
            return a instanceof KExpr.NullPtr && bt instanceof PointerType q ? q : p;
        }
        if (bt instanceof PointerType q && isNullConstant(a)) {
            return q;
        }
        if (at instanceof StructType s && at == bt) {
            return s;
        }
        throw error(pos, "incompatible operand types ('" + at.display() + "' and '" + bt.display() + "')");
    }

    // ------------------------------------------------------------------ calls

    private Operand call(Expr.Call c) {
        requireFunction(c.pos(), "a call");
        if (c.callee() instanceof Expr.Member m) {
            Operand base = m.arrow() ? new Value(rvalue(m.base())) : operand(m.base());
            KExpr pointerField = functionPointerField(base, m);
            if (pointerField != null) {
                return indirectCall(pointerField, c.args(), c.pos());
            }
            Operand method = ctx.objects.memberCall(base, m, c.args(), c.pos());
            return method != null ? method : ctx.builtins.memberCall(base, m, c.args(), c.pos());
        }
        if (c.callee() instanceof Expr.TypeMember tm) {
            StructInfo info = ctx.objects.classNamed(tm.owner());
            return ctx.objects.staticCall(info, tm.name(), c.args(), c.pos());
        }
        if (!(c.callee() instanceof Expr.Ident id)) {
            // an expression of class type called: its operator()
            return ctx.objects.callOperator(operand(c.callee()), c.args(), c.pos());
        }
        if (CooperativeGroupCalls.isQualified(id.name(), ctx.checker.namespaceAliases)) {
            String simple = Checker.simpleName(id.name());
            if (!CooperativeGroupCalls.handles(simple)) {
                throw error(c.pos(), "cooperative groups' '" + simple + "' is not supported");
            }
            return ctx.builtins.call(simple, id, c.args(), c.pos());
        }
        String name = resolveNamespace(id.name());
        if (id.name().contains("::")) {
            StructInfo owner = ctx.objects.qualifyingClass(id.name());
            if (owner != null) {
                return ctx.objects.staticCall(owner, name, c.args(), c.pos());
            }
        }
        Symbol local = ctx.scope.lookup(name);
        if (local != null) {
            // a functor or lambda object called
            Operand object = operand(id);
            if (object.type().isFunctionPointer()) {
                return indirectCall(toRValue(object, id.pos()), c.args(), c.pos());
            }
            if (ctx.checker.classOf(object.type()) == null) {
                throw error(id.pos(), "called object '" + name + "' is not a function");
            }
            return ctx.objects.callOperator(object, c.args(), c.pos());
        }
        // a string literal argument goes only to a built-in (::nan("") in a class with a member nan())
        boolean literalToBuiltin = c.args().stream().anyMatch(a -> a instanceof Expr.StringLit)
                && BuiltinCalls.isBuiltin(name);
        if (ctx.owner != null && !id.name().contains("::") && !literalToBuiltin) {
            Operand member = ctx.objects.ownMethodCall(name, c.args(), c.pos());
            if (member != null) {
                return member;
            }
        }
        List<Checker.FunctionEntry> overloads = ctx.checker.functions.get(name);
        if (overloads == null && DeviceLaunches.handles(name)) {
            return ctx.launches.call(name, c.args(), c.pos());
        }
        if (overloads == null) {
            if (BuiltinCalls.isBuiltin(name)) {
                return ctx.builtins.call(name, id, c.args(), c.pos());
            }
            if (ctx.checker.hostFunctions.contains(name)) {
                throw error(c.pos(), "calling a __host__ function '" + name + "' from a "
                        + (ctx.fn.isKernel() ? "__global__" : "__device__") + " function is not allowed");
            }
            if (ctx.checker.fileSymbols.containsKey(name) || ctx.owner != null && ctx.objects.isMemberName(name)) {
                return ctx.objects.callOperator(operand(id), c.args(), c.pos());
            }
            throw error(id.pos(), "use of undeclared identifier '" + name + "'");
        }
        List<Operand> args = arguments(c.args());
        Resolution r;
        try {
            r = resolve(name, overloads, id.templateArgs(), args, c.pos());
        } catch (CompileException e) {
            if (!BuiltinCalls.isBuiltin(name) || e instanceof io.cudawasm.kernels.source.CompileLimitException) {
                throw e;
            }
            // a header's overloads of a built-in (helper_math.h's fminf(float2, float2)): the built-in serves the rest
            return ctx.builtins.call(name, id, rebound(args, c.args()), c.pos());
        }
        return AsyncCopies.afterCall(ctx, name, args, invoke(r, args, positions(c.args()), null, c.pos()), c.pos());
    }

    /** In {@code s.f(x)} or {@code p->f(x)} where {@code f} is a data member holding a function pointer: its value. */
    private KExpr functionPointerField(Operand base, Expr.Member m) {
        CType object = m.arrow() && base.type() instanceof PointerType pt ? pt.pointee() : base.type();
        if (!(object instanceof StructType s)) {
            return null;
        }
        Field f = s.field(m.name()).filter(x -> x.type().isFunctionPointer()).orElse(null);
        if (f == null) {
            return null;
        }
        KExpr address = m.arrow() ? toRValue(base, m.pos()) : (KExpr) ctx.objects.addressOf(base, m.pos())[0];
        return new KExpr.Load(fieldAddr(address, f), m.pos());
    }

    /** A call through a function pointer value. */
    Operand indirectCall(KExpr pointer, List<Expr> args, SourcePos pos) {
        return ctx.checker.functionPointers.call(ctx, pointer, arguments(args), positions(args), pos);
    }

    /**
     * Arguments already lowered, as expressions a built-in can lower again without repeating their
     * side effects: each names a compiler temporary (or, for an lvalue, a reference to it).
     */
    private List<Expr> rebound(List<Operand> args, List<Expr> written) {
        List<Expr> out = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            Operand a = args.get(i);
            SourcePos pos = written.get(i).pos();
            String name = "cw_arg_" + i + "_" + pos.line() + "_" + pos.column();
            Symbol s;
            if (a instanceof Place p && !(p.lvalue() instanceof LValue.OfBitField)) {
                KExpr addr = address(p.lvalue());
                KLocal t = ctx.temp(addr.type(), pos);
                ctx.emit(new KStmt.Assign(t, addr));
                s = new Symbol.Local(t, true, p.lvalue().isConst());
            } else {
                KExpr v = toRValue(a, pos);
                KLocal t = ctx.temp(v.type(), pos);
                ctx.emit(new KStmt.Assign(t, v));
                s = new Symbol.Local(t, false, false);
            }
            ctx.scope.declare(name, s);
            out.add(new Expr.Ident(pos, name, List.of()));
        }
        // declared in the current block: the names are unique and used only by this call
        return out;
    }

    /** The operands of a call's arguments, in order. */
    List<Operand> arguments(List<Expr> exprs) {
        List<Operand> args = new ArrayList<>();
        for (Expr a : exprs) {
            args.add(a instanceof Expr.InitList l ? braceTemp(l) : operand(a));
        }
        return args;
    }

    static List<SourcePos> positions(List<Expr> exprs) {
        List<SourcePos> out = new ArrayList<>();
        for (Expr e : exprs) {
            out.add(e.pos());
        }
        return out;
    }

    /**
     * Calls a resolved function (a member function when {@code self} is the object's address),
     * passing default arguments for those not given, references as addresses and structs as copies.
     */
    Operand invoke(Resolution r, List<Operand> given, List<SourcePos> positions, KExpr self, SourcePos pos) {
        return invoke(r, given, positions, self, pos, false);
    }

    /** {@code virtualCall}: a call of a virtual member function through its object's class (check/VirtualCalls). */
    Operand invoke(Resolution r, List<Operand> given, List<SourcePos> positions, KExpr self, SourcePos pos,
            boolean virtualCall) {
        KFunction fn = ctx.checker.instance(r.entry(), r.env(), pos, virtualCall);
        if (fn.isKernel()) {
            throw error(pos, "a __global__ function cannot be called from device code: launch it with "
                    + "<<<grid, block>>> (dynamic parallelism)");
        }
        Checker.Signature sig = ctx.checker.signatures.get(fn);
        KFunction callee = virtualCall ? ctx.checker.virtualCalls.dispatcher(fn, r.entry().owner, r.entry(), pos) : fn;
        KExpr call = new KExpr.Call(callee, callValues(r, fn, given, positions, self, pos), fn.returnType(), pos);
        if (sig.returnsReference()) {
            PointerType rt = (PointerType) fn.returnType();
            KLocal t = ctx.temp(rt, pos);
            ctx.emit(new KStmt.Assign(t, call));
            return new Place(new LValue.OfMemory(new KExpr.LocalGet(t), rt.pointee(), rt.constPointee()));
        }
        return materialize(call, pos);
    }

    /**
     * The values a call passes to {@code fn}: the object's address first for a member function,
     * default arguments for those not given, references as addresses, structs as copies.
     */
    List<KExpr> callValues(Resolution r, KFunction fn, List<Operand> given, List<SourcePos> positions, KExpr self,
            SourcePos pos) {
        Checker.Signature sig = ctx.checker.signatures.get(fn);
        List<Operand> args = new ArrayList<>(given);
        List<KExpr> values = new ArrayList<>();
        if (r.entry().hasThis()) {
            if (self == null) {
                throw error(pos, "calling non-static member function '" + fn.sourceName() + "' without an object");
            }
            values.add(convert(self, fn.params().get(0).type(), pos, true));
        }
        List<Decl.Param> declared = r.entry().decl.params();
        for (int i = args.size(); i < declared.size(); i++) {
            // a default argument is evaluated at the call, in the caller
            args.add(operand(declared.get(i).defaultValue()));
        }
        for (int i = 0; i < args.size(); i++) {
            CType pt = sig.paramTypes().get(i);
            Operand a = args.get(i);
            SourcePos apos = i < positions.size() ? positions.get(i) : declared.get(i).defaultValue().pos();
            if (sig.byReference().get(i)) {
                values.add(referenceArgument(a, pt, declared.get(i), apos));
            } else {
                KExpr v = convert(toRValue(a, apos), pt, apos, false);
                if (pt instanceof StructType) {
                    // by value: the callee gets its own copy
                    KLocal copy = ctx.temp(pt, apos);
                    ctx.emit(new KStmt.Assign(copy, v));
                    v = new KExpr.LocalGet(copy);
                }
                values.add(v);
            }
        }
        return values;
    }

    /** Places a call's (or atomic's) result in a temporary, or evaluates it for effect if void. */
    Operand materialize(KExpr call, SourcePos pos) {
        CType ret = call.type();
        if (ret instanceof VoidType) {
            ctx.emit(new KStmt.Eval(call));
            return NO_VALUE;
        }
        KLocal t = ctx.temp(ret, pos);
        ctx.emit(new KStmt.Assign(t, call));
        if (ret instanceof StructType) {
            return new Place(new LValue.OfLocal(t, false));
        }
        return new Value(new KExpr.LocalGet(t));
    }

    private Operand braceTemp(Expr.InitList l) {
        throw error(l.pos(), "braced lists as function arguments are not supported");
    }

    private KExpr referenceArgument(Operand a, CType referent, Decl.Param param, SourcePos pos) {
        return referenceArgument(a, referent, isConstReference(param.type()), "parameter '" + param.name() + "'", pos);
    }

    /**
     * The address a reference ({@code name} in messages: "parameter 'x'", "member 'r'") binds to:
     * the lvalue's, or a const temporary's.
     */
    KExpr referenceArgument(Operand a, CType referent, boolean constRef, String name, SourcePos pos) {
        if (a instanceof Place p && Inheritance.pathToBase(p.type(), referent) != null) {
            if (p.lvalue().isConst() && !constRef) {
                throw error(pos, "binding a const value to a non-const reference " + name);
            }
            // a derived object bound to a reference to its base: the base subobject's address
            return Inheritance.address(this, address(p.lvalue()), Inheritance.pathToBase(p.type(), referent));
        }
        if (a instanceof Place p && TypeRules.sameType(p.type(), referent)) {
            if (p.lvalue().isConst() && !constRef) {
                throw error(pos, "binding a const value to a non-const reference " + name);
            }
            return convert(address(p.lvalue()), new PointerType(referent), pos, true);
        }
        if (ThreadGroups.isThreadGroup(CooperativeGroups.kindOf(referent)) && CooperativeGroups.kindOf(a.type()) != null) {
            // a group bound to a thread_group&: CUDA binds the base class; here the thread_group made of it,
            // which holds the same group (a thread_group has no members that change it)
            KLocal tmp = ctx.temp(referent, pos);
            ctx.emit(new KStmt.Assign(tmp, convert(toRValue(a, pos), referent, pos, false)));
            return address(new LValue.OfLocal(tmp, false));
        }
        if (!constRef) {
            throw error(pos, "non-const reference " + name + " needs an lvalue of type '"
                    + referent.display() + "'");
        }
        KLocal tmp = ctx.temp(referent, pos);
        ctx.emit(new KStmt.Assign(tmp, convert(toRValue(a, pos), referent, pos, false)));
        return address(new LValue.OfLocal(tmp, false));
    }

    private static boolean isConstReference(TypeSyntax t) {
        TypeSyntax u = TypeSyntax.unqualified(t);
        return u instanceof TypeSyntax.Reference r && TypeSyntax.isConst(r.referent());
    }

    record Resolution(Checker.FunctionEntry entry, TemplateEnv env) {}

    Resolution resolve(String name, List<Checker.FunctionEntry> overloads,
            List<TypeSyntax.TemplateArg> explicit, List<Operand> args, SourcePos pos) {
        Resolution best = null;
        int bestCost = Integer.MAX_VALUE;
        boolean ambiguous = false;
        String lastReason = null;
        for (Checker.FunctionEntry e : overloads) {
            Decl.Function d = e.decl;
            if (d.params().size() < args.size() || args.size() < requiredArguments(d)) {
                lastReason = "candidate expects " + d.params().size() + " argument" + (d.params().size() == 1 ? "" : "s")
                        + ", " + args.size() + " provided";
                continue;
            }
            TemplateEnv env;
            try {
                env = e.isTemplate() ? TemplateDeduction.deduce(ctx, e.decl, explicit, args, pos) : TemplateEnv.EMPTY;
            } catch (CompileException ex) {
                lastReason = ex.first().message();
                continue;
            }
            if (!e.isTemplate() && !explicit.isEmpty()) {
                continue;
            }
            int cost = 0;
            boolean viable = true;
            for (int i = 0; i < args.size() && viable; i++) {
                CType pt = ctx.checker.types.resolveParam(d.params().get(i).type(),
                        e.owner != null ? Checker.merge(e.owner.env, env) : env);
                // a const reference binds a converted temporary ('I(1)' for 'iv(T const &)'), as a value does
                TypeSyntax declared = d.params().get(i).type();
                int c = conversionCost(args.get(i), pt, TypeSyntax.unqualified(declared) instanceof TypeSyntax.Reference
                        && !isConstReference(declared));
                if (c < 0) {
                    viable = false;
                    lastReason = "no known conversion from '" + args.get(i).type().display() + "' to '"
                            + pt.display() + "' for argument " + (i + 1);
                }
                cost += c;
            }
            if (!viable) {
                continue;
            }
            if (cost < bestCost) {
                best = new Resolution(e, env);
                bestCost = cost;
                ambiguous = false;
            } else if (cost == bestCost) {
                ambiguous = true;
            }
        }
        if (best == null) {
            throw error(pos, "no matching function for call to '" + name + "'" + (lastReason == null ? "" : ": " + lastReason));
        }
        if (ambiguous) {
            throw error(pos, "call to '" + name + "' is ambiguous");
        }
        return best;
    }

    /** Parameters before the first with a default argument. */
    static int requiredArguments(Decl.Function d) {
        int n = 0;
        while (n < d.params().size() && d.params().get(n).defaultValue() == null) {
            n++;
        }
        return n;
    }

    /** -1 when not convertible; 0 exact; higher for worse conversions. */
    private static int conversionCost(Operand a, CType to, boolean reference) {
        CType from = a.type();
        if (from instanceof ArrayType arr && !reference) {
            from = new PointerType(arr.element());
        }
        if (TypeRules.sameType(from, to)) {
            return 0;
        }
        if (ThreadGroups.isThreadGroup(CooperativeGroups.kindOf(to)) && ThreadGroups.convertible(from)) {
            return 1; // a derived group to its base class
        }
        if (Inheritance.pathToBase(from, to) != null) {
            return 1; // a derived object as its base (reference binding or slicing copy)
        }
        if (reference) {
            return -1;
        }
        if (from.isFunctionPointer() || to.isFunctionPointer()) {
            boolean fromNull = a instanceof Value v && isNullConstant(v.value());
            return to.isFunctionPointer() && fromNull ? 2
                    : to instanceof ScalarType t && t.kind() == ScalarKind.BOOL && from.isFunctionPointer() ? 3 : -1;
        }
        if (from instanceof ScalarType f && to instanceof ScalarType t) {
            if (TypeRules.promote(f) == t || f.kind() == ScalarKind.FLOAT && t.kind() == ScalarKind.DOUBLE) {
                return 1;
            }
            return 2;
        }
        if (from instanceof PointerType f && to instanceof PointerType t) {
            if (t.pointee() instanceof VoidType) {
                return 2;
            }
            return f.samePointee(t) ? 0 : Inheritance.pathToBase(f.pointee(), t.pointee()) != null ? 1 : -1;
        }
        if (to instanceof PointerType && a instanceof Value v && isNullConstant(v.value())) {
            return 2;
        }
        return -1;
    }

    // ------------------------------------------------------------------ subscripts and members

    private Operand index(Expr.Index i) {
        Operand object = operand(i.base());
        if (object.type() instanceof StructType) {
            Operand overloaded = ctx.objects.operator("operator[]", List.of(object, operand(i.index())),
                    List.of(i.base().pos(), i.index().pos()), i.pos());
            if (overloaded == null) {
                throw error(i.pos(), "no 'operator[]' for '" + object.type().display() + "'");
            }
            return overloaded;
        }
        KExpr base = toRValue(object, i.base().pos());
        KExpr idx = rvalue(i.index());
        if (!(base.type() instanceof PointerType) && idx.type() instanceof PointerType) {
            KExpr t = base;
            base = idx;
            idx = t;
        }
        if (!(base.type() instanceof PointerType pt)) {
            throw error(i.pos(), "subscripted value is not an array or pointer (it is '" + base.type().display() + "')");
        }
        if (!idx.type().isInteger()) {
            throw error(i.pos(), "array subscript is not an integer (it is '" + idx.type().display() + "')");
        }
        KExpr addr = ptrAdd(base, idx, i.pos());
        return new Place(new LValue.OfMemory(addr, pt.pointee(), pt.constPointee()));
    }

    private Operand member(Expr.Member m) {
        if (!m.arrow() && m.base() instanceof Expr.Ident id) {
            SpecialReg[] regs = BUILTIN_VECTORS.get(resolveNamespace(id.name()));
            if (regs != null && ctx.scope.lookup(id.name()) == null) {
                requireFunction(m.pos(), id.name());
                int k = switch (m.name()) {
                    case "x" -> 0;
                    case "y" -> 1;
                    case "z" -> 2;
                    default -> throw error(m.pos(), "no member named '" + m.name() + "' in '" + id.name() + "'");
                };
                return new Value(new KExpr.Special(regs[k]));
            }
        }
        KExpr structPtr;
        StructType st;
        boolean isConst;
        if (m.arrow()) {
            KExpr p = rvalue(m.base());
            if (!(p.type() instanceof PointerType pt) || !(pt.pointee() instanceof StructType s)) {
                throw error(m.pos(), "member reference type '" + p.type().display() + "' is not a pointer to a struct");
            }
            structPtr = p;
            st = s;
            isConst = pt.constPointee();
        } else {
            Operand o = operand(m.base());
            if (!(o.type() instanceof StructType s)) {
                throw error(m.pos(), "member reference base type '" + o.type().display() + "' is not a struct");
            }
            st = s;
            if (o instanceof Place p) {
                structPtr = address(p.lvalue());
                isConst = p.lvalue().isConst();
            } else {
                KLocal t = ctx.temp(s, m.pos());
                ctx.emit(new KStmt.Assign(t, toRValue(o, m.pos())));
                structPtr = localAddress(t);
                isConst = false;
            }
        }
        if (!st.isComplete()) {
            throw error(m.pos(), "member access into incomplete type '" + st.display() + "'");
        }
        java.util.Optional<BitField> bits = st.bitField(m.name());
        if (bits.isPresent()) {
            return new Place(new LValue.OfBitField(fieldAddr(structPtr, bits.get().unit()), bits.get(), isConst, m.pos()));
        }
        Field f = st.field(m.name()).filter(x -> !x.name().startsWith("cw_")).orElse(null);
        if (f == null) {
            List<Field> inBase = Inheritance.pathToField(st, m.name());
            if (inBase == null) {
                throw error(m.pos(), "no member named '" + m.name() + "' in '" + st.display() + "'");
            }
            StructType owner = inBase.size() > 1 ? (StructType) inBase.get(inBase.size() - 2).type() : st;
            return new Place(ReferenceMembers.member(ctx.checker, owner, inBase.get(inBase.size() - 1),
                    Inheritance.address(this, structPtr, inBase), isConst));
        }
        return new Place(ReferenceMembers.member(ctx.checker, st, f, fieldAddr(structPtr, f), isConst));
    }

    // ------------------------------------------------------------------ casts and construction

    private Operand cast(Expr.Cast c) {
        CType to = ctx.checker.types.resolve(c.type(), ctx);
        if (to instanceof VoidType) {
            discard(c.operand());
            return NO_VALUE;
        }
        if (to instanceof StructType s) {
            Operand o = operand(c.operand());
            if (o.type() == s) {
                return o;
            }
            if (c.kind() == Expr.CastKind.FUNCTIONAL) {
                return construct(s, List.of(c.operand()), c.pos());
            }
            throw error(c.pos(), "no conversion from '" + o.type().display() + "' to '" + s.display() + "'");
        }
        KExpr v = rvalue(c.operand());
        if (c.kind() == Expr.CastKind.STATIC && v.type() instanceof PointerType && to instanceof ScalarType) {
            throw error(c.pos(), "static_cast from '" + v.type().display() + "' to '" + to.display()
                    + "' is not allowed (use reinterpret_cast)");
        }
        return new Value(convert(v, to, c.pos(), true));
    }

    /** {@code dim3(x, y)}, {@code make_float4(...)}, {@code float2{a, b}}: a struct temporary. */
    Operand construct(CType type, List<Expr> args, SourcePos pos) {
        StructInfo info = ctx.checker.classOf(type);
        if (info != null && (info.needsConstruction() || info.hostConstructor)) {
            return ctx.objects.construct(info, args, pos);
        }
        if (type instanceof ScalarType s) {
            if (args.isEmpty()) {
                return new Value(zero(s));
            }
            if (args.size() == 1) {
                return new Value(convert(rvalue(args.get(0)), s, pos, true));
            }
            throw error(pos, "too many arguments to construct '" + s.display() + "'");
        }
        if (!(type instanceof StructType st) || !st.isComplete()) {
            throw error(pos, "cannot construct a value of type '" + type.display() + "'");
        }
        if (args.size() > st.fields().size()) {
            throw error(pos, "too many initializers for '" + st.display() + "'");
        }
        if (!st.declaredMembers().equals(st.fields())) {
            // bit-fields: initialize member by member as a braced list would
            KLocal t = ctx.temp(st, pos);
            List<Initializer> items = new ArrayList<>();
            for (Expr a : args) {
                items.add(new Initializer.Single(a));
            }
            initializeAggregate(new LValue.OfLocal(t, false), new Initializer.Braced(pos, items));
            return new Place(new LValue.OfLocal(t, false));
        }
        List<KExpr> values = new ArrayList<>();
        for (Expr a : args) {
            values.add(rvalue(a));
        }
        if (values.size() == 1 && values.get(0).type() == st) {
            KLocal t = ctx.temp(st, pos);
            ctx.emit(new KStmt.Assign(t, values.get(0)));
            return new Place(new LValue.OfLocal(t, false));
        }
        KLocal t = ctx.temp(st, pos);
        boolean dim3 = st == BuiltinTypes.dim3();
        for (int i = 0; i < st.fields().size(); i++) {
            Field f = st.fields().get(i);
            KExpr v;
            if (i < values.size()) {
                v = convert(values.get(i), f.type(), args.get(i).pos(), false);
            } else if (f.type() instanceof ScalarType s) {
                v = dim3 ? new KExpr.IntConst(s, 1) : zero(s);
            } else {
                throw error(pos, "missing initializer for member '" + f.name() + "' of '" + st.display() + "'");
            }
            ctx.emit(new KStmt.Store(fieldAddr(localAddress(t), f), v));
        }
        return new Place(new LValue.OfLocal(t, false));
    }

    // ------------------------------------------------------------------ initialization

    /** Stores a braced initializer into an aggregate lvalue; missing elements become zero. */
    void initializeAggregate(LValue target, Initializer init) {
        KExpr base = address(target);
        initializeAt(base, target.type(), init);
    }

    private void initializeAt(KExpr address, CType type, Initializer init) {
        if (type instanceof ArrayType a) {
            CType elem = a.element();
            PointerType ep = new PointerType(elem, ((PointerType) address.type()).space(), false, false);
            KExpr first = new KExpr.Convert(ep, address);
            List<Initializer> items = init instanceof Initializer.Braced b ? b.elements() : List.of(init);
            if (items.size() > a.length()) {
                throw error(init.pos(), "excess elements in array initializer");
            }
            if (a.length() > 65536) {
                throw error(init.pos(), "initializer for an array of " + a.length() + " elements is too large");
            }
            for (int i = 0; i < a.length(); i++) {
                KExpr at = i == 0 ? first : new KExpr.PtrAdd(first, new KExpr.IntConst(ScalarType.LONG, i));
                if (i < items.size()) {
                    initializeAt(at, elem, items.get(i));
                } else {
                    zeroAt(at, elem);
                }
            }
            return;
        }
        if (type instanceof StructType s) {
            if (init instanceof Initializer.Single single) {
                KExpr v = convert(rvalue(single.value()), s, single.pos(), false);
                ctx.emit(new KStmt.Store(address, v));
                return;
            }
            List<Initializer> items = ((Initializer.Braced) init).elements();
            StructInfo info = ctx.checker.classOf(s);
            if (info != null && (info.needsConstruction() || info.hostConstructor)) {
                List<Expr> args = new ArrayList<>();
                for (Initializer item : items) {
                    if (!(item instanceof Initializer.Single single)) {
                        throw error(item.pos(), "nested braces in the initializer of a class are not supported");
                    }
                    args.add(single.value());
                }
                ctx.objects.constructInto(new LValue.OfMemory(address, s, false), info, arguments(args), positions(args),
                        true, init.pos());
                return;
            }
            List<StructMember> members = s.declaredMembers();
            int count = s.isUnion() ? Math.min(1, members.size()) : members.size();
            if (items.size() > count) {
                throw error(init.pos(), "excess elements in struct initializer");
            }
            if (!members.equals(s.fields())) {
                zeroAt(address, s); // storage units and padding start at zero
            }
            for (int i = 0; i < members.size(); i++) {
                if (members.get(i) instanceof BitField b) {
                    if (i < items.size()) {
                        Initializer item = items.get(i);
                        while (item instanceof Initializer.Braced br && br.elements().size() == 1) {
                            item = br.elements().get(0);
                        }
                        if (!(item instanceof Initializer.Single single)) {
                            throw error(item.pos(), "invalid initializer for bit-field '" + b.name() + "'");
                        }
                        store(new LValue.OfBitField(fieldAddr(address, b.unit()), b, false, single.pos()),
                                convert(rvalue(single.value()), b.declared(), single.pos(), false));
                    }
                    continue;
                }
                Field f = (Field) members.get(i);
                KExpr fa = fieldAddr(address, f);
                if (ReferenceMembers.isReference(ctx.checker, s, f)) {
                    if (i >= items.size() || !(items.get(i) instanceof Initializer.Single single)) {
                        throw i >= items.size() ? ReferenceMembers.unbound(s, f, init.pos())
                                : error(items.get(i).pos(), "a reference member is bound to one lvalue, not a braced list");
                    }
                    ReferenceMembers.bind(this, ctx, f, fa, operand(single.value()), single.pos());
                } else if (i < items.size()) {
                    initializeAt(fa, f.type(), items.get(i));
                } else if (!s.isUnion() && members.equals(s.fields())) {
                    zeroAt(fa, f.type());
                }
            }
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
        ctx.emit(new KStmt.Store(address, convert(rvalue(single.value()), type, single.pos(), false)));
    }

    /** Stores zero into every scalar of an lvalue. */
    void zeroInto(LValue lv) {
        CType t = lv.type();
        if (lv instanceof LValue.OfBitField || lv instanceof LValue.OfLocal && !(t instanceof ArrayType)
                && !(t instanceof StructType)) {
            store(lv, t instanceof PointerType p ? new KExpr.NullPtr(p) : zero((ScalarType) t));
            return;
        }
        zeroAt(address(lv), t);
    }

    void zeroAt(KExpr address, CType type) {
        if (type instanceof ScalarType s) {
            ctx.emit(new KStmt.Store(address, zero(s)));
        } else if (type instanceof PointerType p) {
            ctx.emit(new KStmt.Store(address, new KExpr.NullPtr(p)));
        } else if (type instanceof ArrayType a) {
            KExpr first = new KExpr.Convert(new PointerType(a.element(), ((PointerType) address.type()).space(),
                    false, false), address);
            for (int i = 0; i < a.length(); i++) {
                zeroAt(i == 0 ? first : new KExpr.PtrAdd(first, new KExpr.IntConst(ScalarType.LONG, i)), a.element());
            }
        } else if (type instanceof StructType s) {
            for (Field f : s.fields()) {
                zeroAt(fieldAddr(address, f), f.type());
            }
        }
    }

    // ------------------------------------------------------------------ conversions

    /**
     * Converts a value as C++ does for initialization, assignment, arguments and returns
     * ({@code explicit == false}) or for a cast.
     */
    /** dim3 and uint3, which CUDA converts into each other (dim3's constructor from uint3, its operator uint3). */
    private static boolean isIndexVector(CType t) {
        return t == BuiltinTypes.dim3() || t == BuiltinTypes.uint3();
    }

    /** A struct value copied field by field into a temporary of a type with the same fields. */
    private KExpr copyFields(KExpr v, StructType to, SourcePos pos) {
        StructType from = (StructType) v.type();
        KLocal src = ctx.temp(from, pos);
        ctx.emit(new KStmt.Assign(src, v));
        KLocal dst = ctx.temp(to, pos);
        for (int i = 0; i < to.fields().size(); i++) {
            ctx.emit(new KStmt.Store(fieldAddr(localAddress(dst), to.fields().get(i)),
                    new KExpr.Load(fieldAddr(localAddress(src), from.fields().get(i)), pos)));
        }
        return new KExpr.LocalGet(dst);
    }

    /**
     * Conversions to and from function pointers: between the same signatures, from null, and by a
     * cast between them, integers and pointers (a pointer made from anything else traps when called).
     */
    private KExpr functionPointerConversion(KExpr v, CType to, SourcePos pos, boolean explicit) {
        CType from = v.type();
        if (TypeRules.sameType(from, to)) {
            return v;
        }
        if (to.isFunctionPointer()) {
            ScalarType tp = (ScalarType) to;
            if (v instanceof KExpr.NullPtr || isNullConstant(v) && !from.isFunctionPointer()) {
                return new KExpr.IntConst(tp, 0);
            }
            if (explicit && (from.isInteger() || from instanceof PointerType)) {
                if (v instanceof KExpr.IntConst c) {
                    return new KExpr.IntConst(tp, from.isFunctionPointer() ? c.value()
                            : ((KExpr.IntConst) ConstantFolder.convert(ScalarType.ULONG, c)).value());
                }
                KExpr bits = from.isFunctionPointer() ? v : from instanceof PointerType ? new KExpr.Convert(ScalarType.ULONG, v)
                        : ConstantFolder.convert(ScalarType.ULONG, v);
                return new KExpr.Convert(tp, bits);
            }
            throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display() + "'"
                    + (from.isFunctionPointer() || from.isInteger() ? " without a cast" : ""));
        }
        KExpr bits = v instanceof KExpr.IntConst c ? new KExpr.IntConst(ScalarType.ULONG, c.value())
                : new KExpr.Convert(ScalarType.ULONG, v);
        if (to instanceof ScalarType ts && ts.kind() == ScalarKind.BOOL) {
            return truth(bits, pos);
        }
        if (explicit && (to.isInteger() || to instanceof PointerType)) {
            return convert(bits, to, pos, true);
        }
        throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display() + "'"
                + (to.isInteger() || to instanceof PointerType ? " without a cast" : ""));
    }

    KExpr convert(KExpr v, CType to, SourcePos pos, boolean explicit) {
        CType from = v.type();
        if (to instanceof VoidType) {
            return v;
        }
        if (from instanceof VoidType) {
            throw error(pos, "cannot convert 'void' to '" + to.display() + "'");
        }
        if (from.isFunctionPointer() || to.isFunctionPointer()) {
            return functionPointerConversion(v, to, pos, explicit);
        }
        if (from instanceof StructType && from != to) {
            KExpr converted = ctx.objects.convertByOperator(v, to, explicit, pos);
            if (converted != null) {
                return converted;
            }
            if (isIndexVector(from) && isIndexVector(to)) {
                return copyFields(v, (StructType) to, pos);
            }
        }
        List<Field> toBase = Inheritance.pathToBase(from, to);
        if (toBase != null) {
            if (VirtualBases.hasVirtualBases(to)) {
                throw error(pos, "copying a '" + from.display() + "' into its base '" + to.display() + "', which has "
                        + "virtual base classes, is not supported (bind a reference or a pointer to the base instead)");
            }
            // a derived object copied as its base (slicing)
            KLocal whole = ctx.temp(from, pos);
            ctx.emit(new KStmt.Assign(whole, v));
            KExpr part = new KExpr.Load(Inheritance.address(this, localAddress(whole), toBase), pos);
            if (VirtualCalls.isPolymorphic(to)) {
                // the copy is an object of the base class: its class id says so, as its vtable pointer would
                KLocal copy = ctx.temp(to, pos);
                ctx.emit(new KStmt.Assign(copy, part));
                ctx.checker.virtualCalls.stamp(this, ctx, localAddress(copy), (StructType) to, pos);
                return new KExpr.LocalGet(copy);
            }
            return part;
        }
        if (to instanceof StructType st && from != to && !(from instanceof StructType && TypeRules.sameType(from, to))) {
            KExpr constructed = ctx.objects.convertByConstructor(v, st, pos);
            if (constructed != null) {
                return constructed;
            }
        }
        if (to instanceof ScalarType ts) {
            if (from instanceof ScalarType) {
                return ConstantFolder.convert(ts, v);
            }
            if (from instanceof PointerType) {
                if (ts.kind() == ScalarKind.BOOL) {
                    return truth(v, pos);
                }
                if (!explicit) {
                    throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display()
                            + "' without a cast");
                }
                if (ts.kind().isFloating()) {
                    throw error(pos, "cannot cast a pointer to '" + to.display() + "'");
                }
                return new KExpr.Convert(ts, v);
            }
            throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display() + "'");
        }
        if (to instanceof PointerType tp) {
            if (v instanceof KExpr.NullPtr || (!explicit && isNullConstant(v) && v.type().isInteger())) {
                return new KExpr.NullPtr(tp);
            }
            if (from instanceof PointerType fp) {
                if (Inheritance.pathToBase(fp.pointee(), tp.pointee()) != null
                        && (explicit || !fp.constPointee() || tp.constPointee())) {
                    return Inheritance.toBasePointer(this, v, tp); // derived-to-base
                }
                if (explicit) {
                    return fp.samePointee(tp) && fp.constPointee() == tp.constPointee() ? v : new KExpr.Convert(tp, v);
                }
                if (fp.constPointee() && !tp.constPointee()) {
                    throw error(pos, "cannot convert '" + fp.display() + "' to '" + tp.display()
                            + "': conversion discards the const qualifier");
                }
                if (fp.samePointee(tp)) {
                    return fp.constPointee() == tp.constPointee() && fp.volatilePointee() == tp.volatilePointee()
                            ? v : new KExpr.Convert(tp, v);
                }
                if (tp.pointee() instanceof VoidType) {
                    return new KExpr.Convert(tp, v);
                }
                throw error(pos, "cannot convert '" + fp.display() + "' to '" + tp.display() + "'"
                        + (fp.pointee() instanceof VoidType ? " without a cast" : ""));
            }
            if (from.isInteger()) {
                if (!explicit) {
                    throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display() + "' without a cast");
                }
                return new KExpr.Convert(tp, v);
            }
            throw error(pos, "cannot convert '" + from.display() + "' to '" + to.display() + "'");
        }
        if (to instanceof StructType) {
            if (from == to) {
                return v;
            }
            CooperativeGroups.GroupKind group = CooperativeGroups.kindOf(to);
            CooperativeGroups.GroupKind fromGroup = CooperativeGroups.kindOf(from);
            if (ThreadGroups.isThreadGroup(group) && fromGroup != null) {
                // every group is a thread_group (CUDA's base class), which keeps its kind at run time
                return new ThreadGroups(ctx, pos).convert(v, fromGroup);
            }
            if (to == BuiltinTypes.dim3() && from instanceof ScalarType) {
                // dim3's converting constructor dim3(unsigned x, unsigned y = 1, unsigned z = 1): dim3 grid(n)
                KLocal t = ctx.temp(to, pos);
                StructType d = (StructType) to;
                for (int i = 0; i < 3; i++) {
                    Field f = d.fields().get(i);
                    KExpr c = i == 0 ? convert(v, f.type(), pos, true) : new KExpr.IntConst((ScalarType) f.type(), 1);
                    ctx.emit(new KStmt.Store(fieldAddr(localAddress(t), f), c));
                }
                return new KExpr.LocalGet(t);
            }
            throw error(pos, "no viable conversion from '" + from.display() + "' to '" + to.display() + "'");
        }
        throw error(pos, "cannot convert to array type '" + to.display() + "'");
    }
}
