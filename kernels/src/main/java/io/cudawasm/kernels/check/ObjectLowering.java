package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Resolution;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.BitField;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructMember;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * C++ objects in device code: member functions called on an object (its address passed first),
 * members named inside them, constructors, overloaded operators, conversion operators, and
 * lambdas (a closure class whose fields are the captures and whose {@code operator()} is the body).
 */
final class ObjectLowering {
    private final FunctionContext ctx;

    ObjectLowering(FunctionContext ctx) {
        this.ctx = ctx;
    }

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    private static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    private StructInfo classOf(CType t) {
        return ctx.checker.classOf(t);
    }

    // ------------------------------------------------------------------ names

    /** The class a type names ({@code S}, {@code S<int>}), which must have member functions or constants. */
    StructInfo classNamed(TypeSyntax t) {
        CType c = ctx.checker.types.resolve(t, ctx);
        StructInfo info = classOf(c);
        if (info == null) {
            throw error(t.pos(), "'" + c.display() + "' has no static members");
        }
        return info;
    }

    /** For {@code S::f}: the class S when it names one, else null (a namespace). */
    StructInfo qualifyingClass(String qualified) {
        String prefix = qualified.substring(0, qualified.lastIndexOf("::"));
        if (prefix.isEmpty() || prefix.endsWith("::")) {
            return null;
        }
        try {
            // a position only for the error, which is dropped here (cg::f of a namespace alias reached this with none)
            return classOf(ctx.checker.types.resolve(new TypeSyntax.Named(io.cudawasm.kernels.source.SourcePos.BUILTIN,
                    prefix, List.of()), ctx));
        } catch (CompileException e) {
            return null; // a namespace, not a class
        }
    }

    boolean isMemberName(String name) {
        StructInfo info = ctx.owner;
        return info != null && (info.type.field(name).isPresent() || info.type.bitField(name).isPresent()
                || info.statics.containsKey(name) || info.inherited.containsKey(name)
                || Inheritance.pathToField(info.type, name) != null);
    }

    /**
     * A name inside a member function that names a member of its class (a field through
     * {@code this}, a static constant) or, in a lambda, something it sees from where it was
     * written; null when it names none.
     */
    Operand member(Expr.Ident id) {
        StructInfo info = ctx.owner;
        String name = id.name();
        if (ctx.thisLocal != null) {
            KExpr self = new KExpr.LocalGet(ctx.thisLocal);
            boolean isConst = ((PointerType) ctx.thisLocal.type()).constPointee();
            Optional<BitField> bf = info.type.bitField(name);
            if (bf.isPresent()) {
                return new Place(new LValue.OfBitField(exprs().fieldAddr(self, bf.get().unit()), bf.get(), isConst,
                        id.pos()));
            }
            Optional<Field> f = info.type.field(name).filter(x -> !x.name().startsWith("cw_"));
            if (f.isPresent()) {
                return new Place(ReferenceMembers.member(ctx.checker, info.type, f.get(),
                        exprs().fieldAddr(self, f.get()), isConst));
            }
            List<Field> inBase = Inheritance.pathToField(info.type, name);
            if (inBase != null) {
                StructType owner = inBase.size() > 1 ? (StructType) inBase.get(inBase.size() - 2).type() : info.type;
                return new Place(ReferenceMembers.member(ctx.checker, owner, inBase.get(inBase.size() - 1),
                        Inheritance.address(exprs(), self, inBase), isConst));
            }
        }
        KExpr constant = staticValue(info, name);
        if (constant != null) {
            return new Value(constant);
        }
        Symbol inherited = info.inherited.get(name);
        return inherited == null ? null : exprs().symbol(inherited, id);
    }

    /** A static constant member's value (evaluated once, in the class's template bindings), or null. */
    KExpr staticValue(StructInfo info, String name) {
        KExpr cached = info.staticValues.get(name);
        if (cached != null) {
            return cached;
        }
        TypeSyntax.StaticMember sm = info.statics.get(name);
        if (sm == null) {
            return null;
        }
        if (sm.value() == null && !TypeSyntax.isConst(sm.type())) {
            throw error(sm.pos(), "non-constant static data member '" + info.type.display() + "::" + name
                    + "' is host data: device code cannot use it (make it a constant, or a __device__ variable)");
        }
        if (sm.value() == null) {
            throw error(sm.pos(), "static member '" + info.type.display() + "::" + name
                    + "' is declared in its class but never defined with a value");
        }
        FunctionContext c = new FunctionContext(ctx.checker, null, info.env);
        CType t = ctx.checker.types.resolve(sm.type(), c);
        KExpr v = c.exprs.convert(c.exprs.rvalue(sm.value()), t, sm.pos(), false);
        if (!ConstantFolder.isConst(v)) {
            throw error(sm.pos(), "static member '" + name + "' needs a constant initializer");
        }
        info.staticValues.put(name, v);
        return v;
    }

    /** {@code S::N} or {@code S<T>::N}: a static constant. */
    Operand staticMember(StructInfo info, String name, SourcePos pos) {
        KExpr v = staticValue(info, name);
        List<Checker.FunctionEntry> methods = info.methods(name);
        if (v == null && methods.size() == 1) {
            // &S::f of a static member function: a function pointer (a non-static one is refused there)
            return new Value(ctx.checker.functionPointers.address(methods.get(0), TemplateEnv.EMPTY, pos));
        }
        if (v == null) {
            throw error(pos, "no static constant named '" + name + "' in '" + info.type.display() + "'");
        }
        return new Value(v);
    }

    // ------------------------------------------------------------------ calls

    /**
     * {@code obj.f(args)} or {@code p->f(args)} where f is a member function, the object (or
     * pointer) already lowered; null when the object's class has no member function so named.
     */
    Operand memberCall(Operand base, Expr.Member m, List<Expr> args, SourcePos pos) {
        CType objectType = m.arrow() && base.type() instanceof PointerType pt ? pt.pointee() : base.type();
        Inheritance.MethodOwner owner = objectType instanceof StructType st
                ? Inheritance.methodOwner(ctx.checker, st, m.name()) : null;
        if (owner == null) {
            return null;
        }
        StructInfo info = owner.info();
        KExpr self;
        boolean isConst;
        if (m.arrow()) {
            self = exprs().toRValue(base, pos);
            isConst = ((PointerType) self.type()).constPointee();
        } else {
            Object[] obj = addressOf(base, pos);
            self = (KExpr) obj[0];
            isConst = (Boolean) obj[1];
        }
        self = Inheritance.address(exprs(), self, owner.path()); // a base's member function gets its subobject
        return call(info, info.methods(m.name()), m.name(), self, isConst, exprs().arguments(args),
                ExpressionLowering.positions(args), pos, true);
    }

    /** The address of an object operand (a temporary holds a value), and whether it is const. */
    Object[] addressOf(Operand o, SourcePos pos) {
        if (o instanceof Place p && !(p.lvalue() instanceof LValue.OfBitField)) {
            return new Object[] {exprs().address(p.lvalue()), p.lvalue().isConst()};
        }
        KLocal t = ctx.temp(o.type(), pos);
        ctx.emit(new KStmt.Assign(t, exprs().toRValue(o, pos)));
        return new Object[] {exprs().localAddress(t), false};
    }

    /** {@code f(args)} in a member function, where f is a member function of its class; null if it is not. */
    Operand ownMethodCall(String name, List<Expr> args, SourcePos pos) {
        Inheritance.MethodOwner owner = Inheritance.methodOwner(ctx.checker, ctx.owner.type, name);
        if (owner == null) {
            return null;
        }
        List<Checker.FunctionEntry> candidates = owner.info().methods(name);
        KExpr self = ctx.thisLocal == null ? null
                : Inheritance.address(exprs(), new KExpr.LocalGet(ctx.thisLocal), owner.path());
        boolean isConst = ctx.thisLocal != null && ((PointerType) ctx.thisLocal.type()).constPointee();
        return call(ctx.owner, candidates, name, self, isConst, exprs().arguments(args), ExpressionLowering.positions(args),
                pos, true);
    }

    /** {@code S::f(args)}: a static member function (or one of the calling member function's class). */
    Operand staticCall(StructInfo info, String name, List<Expr> args, SourcePos pos) {
        List<Checker.FunctionEntry> candidates = info.methods(name);
        if (candidates.isEmpty()) {
            throw error(pos, "no member function named '" + name + "' in '" + info.type.display() + "'");
        }
        KExpr self = ctx.owner == info && ctx.thisLocal != null ? new KExpr.LocalGet(ctx.thisLocal) : null;
        List<Field> toBase = ctx.owner != null && ctx.thisLocal != null ? Inheritance.pathToBase(ctx.owner.type, info.type)
                : null;
        if (toBase != null) {
            self = Inheritance.address(exprs(), new KExpr.LocalGet(ctx.thisLocal), toBase); // Base::f() in a derived class
        }
        return call(info, candidates, name, self, false, exprs().arguments(args), ExpressionLowering.positions(args), pos,
                false);
    }

    /** An object of class type called like a function: its {@code operator()}. */
    Operand callOperator(Operand object, List<Expr> args, SourcePos pos) {
        if (object.type().isFunctionPointer()) {
            return exprs().indirectCall(exprs().toRValue(object, pos), args, pos);
        }
        StructInfo info = classOf(object.type());
        if (info == null || info.methods("operator()").isEmpty()) {
            throw error(pos, "called object of type '" + object.type().display() + "' is not a function or function object");
        }
        List<Operand> values = exprs().arguments(args);
        return callOperator(object, values, ExpressionLowering.positions(args), pos);
    }

    Operand callOperator(Operand object, List<Operand> args, List<SourcePos> positions, SourcePos pos) {
        StructInfo info = classOf(object.type());
        if (info == null || info.methods("operator()").isEmpty()) {
            throw error(pos, "called object of type '" + object.type().display() + "' is not a function or function object");
        }
        Object[] obj = addressOf(object, pos);
        return call(info, info.methods("operator()"), "operator()", (KExpr) obj[0], (Boolean) obj[1], args, positions, pos,
                true);
    }

    /** {@code virtualCall}: not qualified with a class name, so a virtual function is called by the object's class. */
    private Operand call(StructInfo info, List<Checker.FunctionEntry> candidates, String name, KExpr self,
            boolean constObject, List<Operand> args, List<SourcePos> positions, SourcePos pos, boolean virtualCall) {
        List<Checker.FunctionEntry> viable = new ArrayList<>();
        for (Checker.FunctionEntry e : candidates) {
            if (self == null && e.hasThis()) {
                continue;
            }
            if (constObject && e.hasThis() && !e.isConstMethod()) {
                continue;
            }
            viable.add(e);
        }
        if (viable.isEmpty()) {
            throw error(pos, constObject ? "no const member function '" + name + "' for a const '" + info.type.display()
                    + "'" : "'" + info.type.display() + "::" + name + "' needs an object");
        }
        Resolution r = exprs().resolve(info.type.name() + "::" + name, preferNonConst(viable, constObject), List.of(),
                args, pos);
        boolean dispatch = virtualCall && self != null && r.entry().owner != null
                && ctx.checker.virtualCalls.isVirtual(r.entry().owner, r.entry());
        return exprs().invoke(r, args, positions, self, pos, dispatch);
    }

    /** For a non-const object, a const and a non-const overload of the same parameters: the non-const one. */
    private static List<Checker.FunctionEntry> preferNonConst(List<Checker.FunctionEntry> entries, boolean constObject) {
        if (constObject) {
            return entries;
        }
        List<Checker.FunctionEntry> out = new ArrayList<>();
        for (Checker.FunctionEntry e : entries) {
            boolean shadowed = e.isConstMethod() && entries.stream().anyMatch(o -> o != e && !o.isConstMethod()
                    && o.decl.params().size() == e.decl.params().size());
            if (!shadowed) {
                out.add(e);
            }
        }
        return out;
    }

    // ------------------------------------------------------------------ operators

    /**
     * An overloaded operator ({@code "operator+"}, ...) for operands of which the first or second
     * has class type: a member function of the first operand's class, else a free function;
     * null when neither is declared.
     */
    Operand operator(String op, List<Operand> operands, List<SourcePos> positions, SourcePos pos) {
        StructInfo left = classOf(operands.get(0).type());
        if (left != null && !left.methods(op).isEmpty()) {
            Object[] obj = addressOf(operands.get(0), pos);
            List<Operand> rest = operands.subList(1, operands.size());
            return call(left, left.methods(op), op, (KExpr) obj[0], (Boolean) obj[1], new ArrayList<>(rest),
                    positions.subList(1, positions.size()), pos, true);
        }
        List<Checker.FunctionEntry> free = ctx.checker.functions.get(op);
        if (free == null) {
            return null;
        }
        Resolution r = exprs().resolve(op, free, List.of(), operands, pos);
        return exprs().invoke(r, operands, positions, null, pos);
    }

    /** Whether {@code t} is a class type an operator may be overloaded for (vector types count: helper_math.h overloads them). */
    static boolean isClass(CType t) {
        return t instanceof StructType;
    }

    // ------------------------------------------------------------------ conversions

    /** A class object converted to {@code to} by one of its conversion operators; null when none fits. */
    KExpr convertByOperator(KExpr value, CType to, boolean explicit, SourcePos pos) {
        StructInfo info = classOf(value.type());
        if (info == null || info.conversions.isEmpty()) {
            return null;
        }
        Checker.FunctionEntry best = null;
        int bestCost = Integer.MAX_VALUE;
        for (Checker.FunctionEntry e : info.conversions) {
            CType target = e.decl.returnType() == null ? null
                    : ctx.checker.types.resolve(TypeSyntax.unqualified(e.decl.returnType()) instanceof TypeSyntax.Reference r
                            ? r.referent() : e.decl.returnType(), info.env);
            int cost = TypeRules.sameType(target, to) ? 0
                    : target instanceof PointerType tp && to instanceof PointerType top
                            && (top.pointee() instanceof VoidType || tp.samePointee(top)) ? 1
                    : target instanceof ScalarType && to instanceof ScalarType ? 2 : -1;
            if (cost >= 0 && !e.isConstMethod()) {
                cost *= 2; // a non-const conversion on a (temporary, non-const) object is preferred
            } else if (cost >= 0) {
                cost = cost * 2 + 1;
            }
            if (cost >= 0 && cost < bestCost) {
                best = e;
                bestCost = cost;
            }
        }
        if (best == null) {
            return null;
        }
        KLocal t = ctx.temp(value.type(), pos);
        ctx.emit(new KStmt.Assign(t, value));
        Operand r = exprs().invoke(new Resolution(best, TemplateEnv.EMPTY), List.of(), List.of(), exprs().localAddress(t), pos);
        return exprs().convert(exprs().toRValue(r, pos), to, pos, explicit);
    }

    /** A value made an object of class {@code to} by a constructor taking one argument; null when none does. */
    KExpr convertByConstructor(KExpr value, StructType to, SourcePos pos) {
        StructInfo info = classOf(to);
        if (info == null || info.constructors.stream().noneMatch(e -> ExpressionLowering.requiredArguments(e.decl) <= 1
                && !e.decl.params().isEmpty())) {
            return null;
        }
        KLocal t = ctx.temp(to, pos);
        constructInto(new LValue.OfLocal(t, false), info, List.of(new Value(value)), List.of(pos), false, pos);
        return new KExpr.LocalGet(t);
    }

    // ------------------------------------------------------------------ construction

    /** {@code S(args)} or {@code S{args}} of a class: a temporary made by its constructor. */
    Operand construct(StructInfo info, List<Expr> args, SourcePos pos) {
        KLocal t = ctx.temp(info.type, pos);
        constructInto(new LValue.OfLocal(t, false), info, exprs().arguments(args), ExpressionLowering.positions(args),
                true, pos);
        return new Place(new LValue.OfLocal(t, false));
    }

    /**
     * Initializes an object: with a constructor when the class declares any; else member by
     * member from {@code args} (an aggregate), default member initializers, and zero for the rest
     * when {@code valueInit} ({@code S()}, {@code S{}}) or some arguments were given.
     */
    void constructInto(LValue target, StructInfo info, List<Operand> args, List<SourcePos> positions, boolean valueInit,
            SourcePos pos) {
        constructObject(target, info, args, positions, valueInit, pos, true);
    }

    /** {@code complete}: a complete object, not a base subobject, whose offsets to its virtual bases are written first. */
    private void constructObject(LValue target, StructInfo info, List<Operand> args, List<SourcePos> positions,
            boolean valueInit, SourcePos pos, boolean complete) {
        if (complete) {
            VirtualBases.writeOffsets(ctx, exprs().address(target), info.type, pos);
        }
        if (info.hasConstructors()) {
            Resolution r = exprs().resolve(info.type.name(), info.constructors, List.of(), args, pos);
            exprs().invoke(r, args, positions, exprs().address(target), pos);
            return;
        }
        if (info.hostConstructor) {
            throw error(pos, "the constructors of '" + info.type.display() + "' are __host__ only: declare one "
                    + "__device__ to construct it in device code");
        }
        List<StructMember> members = info.type.declaredMembers();
        if (!args.isEmpty() && VirtualCalls.isPolymorphic(info.type)) {
            throw error(pos, "'" + info.type.display() + "' has virtual functions, so it is no aggregate: give it a "
                    + "constructor to initialize it from values");
        }
        if (VirtualBases.hasVirtualBases(info.type)) {
            if (!args.isEmpty()) {
                throw error(pos, "'" + info.type.display() + "' has virtual base classes, so it is no aggregate: give "
                        + "it a constructor to initialize it from values");
            }
            initializeMembers(exprs().address(target), info, List.of(), valueInit, pos);
            return;
        }
        if (args.size() > members.size()) {
            throw error(pos, "too many initializers for '" + info.type.display() + "'");
        }
        KExpr base = exprs().address(target);
        for (int i = 0; i < members.size(); i++) {
            StructMember m = members.get(i);
            if (m instanceof Field f && ReferenceMembers.isReference(ctx.checker, info.type, f)) {
                bindReference(base, f, info, i < args.size() ? args.get(i) : null,
                        i < args.size() ? positions.get(i) : pos);
                continue;
            }
            LValue lv = memberLValue(base, m, target.isConst(), pos);
            if (i < args.size()) {
                exprs().store(lv, exprs().convert(exprs().toRValue(args.get(i), positions.get(i)), lv.type(),
                        positions.get(i), false));
            } else {
                initializeMember(lv, m, info, valueInit || !args.isEmpty(), true, pos);
            }
        }
        ctx.checker.virtualCalls.stamp(exprs(), ctx, base, info.type, pos);
    }

    /** Binds a reference member to {@code value}, or (null) by its default member initializer. */
    private void bindReference(KExpr self, Field f, StructInfo info, Operand value, SourcePos pos) {
        if (value == null) {
            Initializer dmi = info.defaultInits.get(f.name());
            if (!(dmi instanceof Initializer.Single single)) {
                throw ReferenceMembers.unbound(info.type, f, pos);
            }
            value = exprs().operand(single.value());
            pos = single.pos();
        }
        ReferenceMembers.bind(exprs(), ctx, f, exprs().fieldAddr(self, f), value, pos);
    }

    private LValue memberLValue(KExpr base, StructMember m, boolean isConst, SourcePos pos) {
        if (m instanceof BitField b) {
            return new LValue.OfBitField(exprs().fieldAddr(base, b.unit()), b, isConst, pos);
        }
        Field f = (Field) m;
        return new LValue.OfMemory(exprs().fieldAddr(base, f), f.type(), isConst);
    }

    /** A member no argument initializes: its default member initializer, its own constructor, or zero. */
    private void initializeMember(LValue lv, StructMember m, StructInfo info, boolean zero, boolean complete,
            SourcePos pos) {
        Initializer dmi = info.defaultInits.get(m.name());
        if (dmi != null) {
            initialize(lv, dmi);
            return;
        }
        StructInfo inner = classOf(lv.type());
        if (inner != null && inner.needsConstruction()) {
            constructObject(lv, inner, List.of(), List.of(), zero, pos, complete);
            return;
        }
        if (zero) {
            exprs().zeroInto(lv);
        }
    }

    /** Initializes an lvalue from an initializer as a declaration would. */
    void initialize(LValue lv, Initializer init) {
        CType t = lv.type();
        if (t instanceof ArrayType || t instanceof StructType && init instanceof Initializer.Braced) {
            exprs().initializeAggregate(lv, init);
            return;
        }
        Initializer item = init;
        while (item instanceof Initializer.Braced b && b.elements().size() == 1) {
            item = b.elements().get(0);
        }
        if (item instanceof Initializer.Braced b && b.elements().isEmpty() && t instanceof ScalarType) {
            exprs().zeroInto(lv);
            return;
        }
        if (!(item instanceof Initializer.Single single)) {
            throw error(init.pos(), "invalid initializer");
        }
        exprs().store(lv, exprs().convert(exprs().rvalue(single.value()), t, single.pos(), false));
    }

    /** Default-initializes a declared object without initializer: its default constructor or member initializers. */
    void defaultConstruct(LValue target, SourcePos pos) {
        StructInfo info = classOf(target.type());
        if (info != null && (info.needsConstruction() || info.hostConstructor || !info.referenceFields.isEmpty())) {
            constructInto(target, info, List.of(), List.of(), false, pos);
        } else if (VirtualCalls.holdsPolymorphic(target.type())) {
            constructPolymorphicParts(exprs().address(target), target.type(), pos);
        }
    }

    /**
     * The objects with virtual functions or virtual bases in an array or a plain struct, each
     * default-constructed (an array element by element in a loop), so each gets its class id and
     * its offsets to its virtual bases.
     */
    private void constructPolymorphicParts(KExpr address, CType type, SourcePos pos) {
        if (type instanceof ArrayType a) {
            KLocal i = ctx.temp(ScalarType.LONG, pos);
            ctx.emit(new KStmt.Assign(i, new KExpr.IntConst(ScalarType.LONG, 0)));
            KExpr first = new KExpr.Convert(new PointerType(a.element(), ((PointerType) address.type()).space(), false,
                    false), address);
            KBlock body = ctx.out.capture(() -> {
                defaultConstruct(new LValue.OfMemory(new KExpr.PtrAdd(first, new KExpr.LocalGet(i), pos), a.element(),
                        false), pos);
                return null;
            }).statements();
            KExpr more = new KExpr.Binary(KExpr.BinaryOp.LT, new KExpr.LocalGet(i),
                    new KExpr.IntConst(ScalarType.LONG, a.length()), ScalarType.BOOL);
            KBlock step = new KBlock(List.of(new KStmt.Assign(i, new KExpr.Binary(KExpr.BinaryOp.ADD, new KExpr.LocalGet(i),
                    new KExpr.IntConst(ScalarType.LONG, 1), ScalarType.LONG))));
            ctx.emit(new KStmt.Loop(false, more, body, step));
        } else if (type instanceof StructType s) {
            for (Field f : s.fields()) {
                if (VirtualCalls.holdsPolymorphic(f.type())) {
                    defaultConstruct(new LValue.OfMemory(exprs().fieldAddr(address, f), f.type(), false), pos);
                }
            }
        }
    }

    /** The member initialization a constructor does before its body, in declaration order. */
    void initializeMembers(TypeSyntax.Method ctor, SourcePos pos) {
        initializeMembers(new KExpr.LocalGet(ctx.thisLocal), ctx.owner, ctor.inits(), false, pos);
    }

    /**
     * Virtual bases first (only when the object is complete, see {@link VirtualBases}), then
     * non-virtual bases and members in declaration order, each from its initializer in
     * {@code ctorInits} or by default; then the class id.
     */
    private void initializeMembers(KExpr self, StructInfo info, List<TypeSyntax.MemberInit> ctorInits, boolean zero,
            SourcePos pos) {
        List<TypeSyntax.MemberInit> inits = new ArrayList<>();
        for (TypeSyntax.MemberInit mi : ctorInits) {
            // Base(args) initializes the base subobject, held in its hidden field
            String base = null;
            if (info.type.field(mi.name()).isEmpty()) {
                for (String prefix : List.of(Parser.BASE_FIELD, Parser.VIRTUAL_BASE_FIELD)) {
                    if (info.type.field(prefix + mi.name()).isPresent()) {
                        base = prefix + mi.name();
                    }
                }
            }
            inits.add(base != null ? new TypeSyntax.MemberInit(mi.pos(), base, mi.args(), mi.braced()) : mi);
        }
        for (TypeSyntax.MemberInit mi : inits) {
            if (info.type.field(mi.name()).isEmpty() && info.type.bitField(mi.name()).isEmpty()) {
                throw error(mi.pos(), "'" + mi.name() + "' is not a member of '" + info.type.display() + "'");
            }
        }
        List<StructMember> members = info.type.declaredMembers();
        if (VirtualBases.hasVirtualBases(info.type)) {
            KBlock virtualBases = ctx.out.capture(() -> {
                for (StructMember m : members) {
                    if (m instanceof Field f && VirtualBases.isVirtualBaseField(f)) {
                        initializeOne(self, info, m, inits, zero, pos);
                    }
                }
                return null;
            }).statements();
            ctx.emit(new KStmt.If(VirtualBases.isComplete(exprs(), self), virtualBases, KBlock.EMPTY));
        }
        for (StructMember m : members) {
            if (!(m instanceof Field f && (VirtualBases.isVirtualBaseField(f) || VirtualBases.isOffsetField(f)))) {
                initializeOne(self, info, m, inits, zero, pos);
            }
        }
        // before the body: a virtual call there calls this class's function, as in C++
        ctx.checker.virtualCalls.stamp(exprs(), ctx, self, info.type, pos);
    }

    private void initializeOne(KExpr self, StructInfo info, StructMember m, List<TypeSyntax.MemberInit> inits,
            boolean zero, SourcePos pos) {
        TypeSyntax.MemberInit mi = inits.stream().filter(x -> x.name().equals(m.name())).findFirst().orElse(null);
        if (m instanceof Field f && ReferenceMembers.isReference(ctx.checker, info.type, f)) {
            if (mi != null && mi.args().size() != 1) {
                throw error(mi.pos(), "reference member '" + f.name() + "' is bound to one lvalue");
            }
            bindReference(self, f, info, mi == null ? null : exprs().operand(mi.args().get(0)),
                    mi == null ? pos : mi.pos());
            return;
        }
        // a base subobject is no complete object: the offsets to virtual bases in it are the whole object's
        boolean complete = !(m instanceof Field f && Inheritance.isBaseField(f));
        LValue lv = memberLValue(self, m, false, pos);
        if (mi == null) {
            initializeMember(lv, m, info, zero, complete, pos);
            return;
        }
        StructInfo inner = classOf(lv.type());
        if (inner != null) {
            constructObject(lv, inner, exprs().arguments(mi.args()), ExpressionLowering.positions(mi.args()), true,
                    mi.pos(), complete);
        } else if (mi.args().isEmpty()) {
            exprs().zeroInto(lv);
        } else if (lv.type() instanceof StructType || lv.type() instanceof ArrayType) {
            List<Initializer> items = new ArrayList<>();
            for (Expr a : mi.args()) {
                items.add(new Initializer.Single(a));
            }
            Initializer init = mi.args().size() == 1 && !mi.braced() ? items.get(0)
                    : new Initializer.Braced(mi.pos(), items);
            initialize(lv, init);
        } else {
            if (mi.args().size() != 1) {
                throw error(mi.pos(), "member '" + mi.name() + "' takes one initializer");
            }
            exprs().store(lv, exprs().convert(exprs().rvalue(mi.args().get(0)), lv.type(), mi.pos(), false));
        }
    }

    // ------------------------------------------------------------------ lambdas

    /**
     * A lambda: a closure class (captures as fields, by-reference ones holding the address) with
     * the body as its {@code operator()}, and the closure object initialized from the captures.
     */
    Operand lambda(Expr.Lambda l) {
        StructType closure = new StructType("lambda_" + ctx.checker.nextLambda(), false, 0);
        StructInfo info = new StructInfo(closure, ctx.env);
        List<Field> fields = new ArrayList<>();
        List<KExpr> values = new ArrayList<>();
        Set<String> explicit = new LinkedHashSet<>();
        Set<String> params = new LinkedHashSet<>();
        for (Decl.Param p : l.params()) {
            params.add(p.name());
        }
        for (Expr.Capture c : l.captures()) {
            if (c.name().equals("this")) {
                throw error(c.pos(), "capturing 'this' in a lambda is not supported");
            }
            if (!explicit.add(c.name())) {
                throw error(c.pos(), "'" + c.name() + "' is captured twice");
            }
            if (c.init() != null) {
                KExpr v = exprs().rvalue(c.init());
                fields.add(new Field(c.name(), v.type(), 0));
                values.add(v);
                continue;
            }
            Operand source = captured(c.name(), c.pos());
            if (!(source instanceof Place p)) {
                if (source instanceof Value v) {
                    info.inherited.put(c.name(), new Symbol.Constant(v.value()));
                    continue;
                }
                throw error(c.pos(), "'" + c.name() + "' cannot be captured: it is not a variable");
            }
            capture(c.name(), p, c.byReference(), fields, values, info);
        }
        for (String name : FreeNames.of(l.body())) {
            if (explicit.contains(name) || params.contains(name)) {
                continue;
            }
            Symbol s = ctx.scope.lookup(name);
            if (s instanceof Symbol.Constant || s instanceof Symbol.Global) {
                info.inherited.put(name, s);
                continue;
            }
            boolean visible = s != null || ctx.owner != null && isMemberName(name);
            if (!visible) {
                continue; // a global, a function, or an error the body reports
            }
            Operand source = captured(name, l.pos());
            if (source instanceof Value v) {
                info.inherited.put(name, new Symbol.Constant(v.value()));
                continue;
            }
            if (l.captureDefault() == Expr.CaptureDefault.NONE) {
                continue; // the body's use reports it as not captured
            }
            capture(name, (Place) source, l.captureDefault() == Expr.CaptureDefault.REFERENCE, fields, values, info);
        }
        closure.define(fields);
        ctx.checker.types.addStruct(closure);
        ctx.checker.classes.put(closure, info);
        List<Decl.TemplateParam> invented = new ArrayList<>();
        List<Decl.Param> ps = new ArrayList<>();
        for (Decl.Param p : l.params()) {
            ps.add(new Decl.Param(p.pos(), p.name(), inventAuto(p.type(), invented, p.pos()), p.defaultValue()));
        }
        TypeSyntax ret = l.returnType() != null ? l.returnType() : new TypeSyntax.Named(l.pos(), "auto", List.of());
        Decl.Function body = new Decl.Function(l.pos(), "operator()", EnumSet.of(Decl.FunctionSpecifier.DEVICE), ret, ps,
                l.body(), invented);
        TypeSyntax.Method m = new TypeSyntax.Method(body, TypeSyntax.MethodKind.METHOD, !l.mutable(), List.of());
        info.methods.computeIfAbsent("operator()", k -> new ArrayList<>()).add(new Checker.FunctionEntry(body, info, m));
        KLocal object = ctx.temp(closure, l.pos());
        for (int i = 0; i < fields.size(); i++) {
            Field f = closure.fields().get(i);
            ctx.emit(new KStmt.Store(exprs().fieldAddr(exprs().localAddress(object), f), values.get(i)));
        }
        return new Place(new LValue.OfLocal(object, false));
    }

    /** What a captured name denotes where the lambda is written. */
    private Operand captured(String name, SourcePos pos) {
        Symbol s = ctx.scope.lookup(name);
        if (s != null) {
            return exprs().symbol(s, new Expr.Ident(pos, name, List.of()));
        }
        if (ctx.owner != null) {
            Operand m = member(new Expr.Ident(pos, name, List.of()));
            if (m != null) {
                return m;
            }
        }
        throw error(pos, "'" + name + "' cannot be captured: it is not a local variable");
    }

    private void capture(String name, Place source, boolean byReference, List<Field> fields, List<KExpr> values,
            StructInfo info) {
        LValue lv = source.lvalue();
        if (byReference) {
            KExpr address = exprs().address(lv);
            PointerType pt = (PointerType) address.type();
            // a captured local is in private memory (OpenCL must be told); anything else may be anywhere
            AddressSpace space = lv instanceof LValue.OfLocal ? AddressSpace.LOCAL : AddressSpace.GENERIC;
            PointerType field = new PointerType(lv.type(), space, pt.constPointee(), false);
            fields.add(new Field(name, field, 0));
            values.add(exprs().convert(address, field, null, true));
            info.referenceFields.add(name);
        } else {
            fields.add(new Field(name, lv.type(), 0));
            values.add(lv.type() instanceof ArrayType ? new KExpr.Load(exprs().address(lv)) : exprs().load(lv));
        }
    }

    /** A generic lambda's {@code auto} parameter becomes a template parameter of its operator(). */
    private static TypeSyntax inventAuto(TypeSyntax t, List<Decl.TemplateParam> invented, SourcePos pos) {
        if (t instanceof TypeSyntax.Named n && n.name().equals("auto")) {
            String name = "auto_" + invented.size();
            invented.add(new Decl.TemplateParam(pos, name, true, null, null));
            return new TypeSyntax.Named(n.pos(), name, List.of());
        }
        if (t instanceof TypeSyntax.Qualified q) {
            return new TypeSyntax.Qualified(q.pos(), inventAuto(q.base(), invented, pos), q.isConst(), q.isVolatile());
        }
        if (t instanceof TypeSyntax.Reference r) {
            return new TypeSyntax.Reference(r.pos(), inventAuto(r.referent(), invented, pos));
        }
        if (t instanceof TypeSyntax.Pointer p) {
            return new TypeSyntax.Pointer(p.pos(), inventAuto(p.pointee(), invented, pos), p.isConst(), p.isVolatile(),
                    p.restrict());
        }
        return t;
    }
}
