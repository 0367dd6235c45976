package io.cudawasm.kernels.check;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.parse.Parser;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.TypeRules;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Virtual functions without vtables. A class that declares virtual functions (and has no
 * polymorphic base to hold one) gets a hidden leading field, {@link Parser#VPTR_FIELD}, where
 * CUDA's vtable pointer sits (8 bytes, so layouts and sizeof match); it holds the type id of the
 * object's dynamic class in its low 32 bits and, above them, how far the subobject holding the
 * field is from the start of the object of that class (an offset-to-top, as a vtable has), which
 * every constructor of a polymorphic class stores into each such field of the object after its
 * bases and members are initialized (so the most derived constructor's is the one left). A virtual
 * call, not qualified with a class name, calls a dispatcher made for its call site: it reads the
 * id, finds the object's start, compares the id with the classes derived from the static type (or
 * that type itself) whose objects the program constructs, and calls each one's final overrider
 * with {@code this} at the overrider's subobject of that object (so a virtual base's, reached
 * through the object's offsets, is right while a base subobject is constructed too); an unknown id
 * (an object constructed on the host, or not constructed) traps. As with function pointers, the
 * dispatchers are filled after every body is lowered, once every class is known.
 */
final class VirtualCalls {
    private final Checker checker;
    private final Map<StructType, Long> ids = new IdentityHashMap<>();
    private final List<StructType> constructed = new ArrayList<>();

    private record Site(KFunction fn, StructInfo owner, Checker.FunctionEntry declared, List<CType> paramTypes,
            KLocal id, KLocal result, SourcePos pos) {}

    private final List<Site> sites = new ArrayList<>();

    VirtualCalls(Checker checker) {
        this.checker = checker;
    }

    // ------------------------------------------------------------------ type ids

    /** The paths of base fields leading to each hidden type-id field of a class's objects. */
    static List<List<Field>> typeIdFields(StructType s) {
        List<List<Field>> out = new ArrayList<>();
        if (!s.isComplete()) {
            return out;
        }
        for (Field f : s.fields()) {
            if (f.name().equals(Parser.VPTR_FIELD)) {
                out.add(new ArrayList<>(List.of(f)));
            } else if (Inheritance.isBaseField(f)) {
                for (List<Field> inner : typeIdFields((StructType) f.type())) {
                    inner.add(0, f);
                    out.add(inner);
                }
            }
        }
        return out;
    }

    static boolean isPolymorphic(CType t) {
        return t instanceof StructType s && !typeIdFields(s).isEmpty();
    }

    /**
     * A polymorphic object or one with virtual bases, or an array or struct with one inside
     * (default construction must give it its id and its offsets to its virtual bases).
     */
    static boolean holdsPolymorphic(CType t) {
        if (t instanceof ArrayType a) {
            return !a.isIncomplete() && holdsPolymorphic(a.element());
        }
        return t instanceof StructType s && s.isComplete()
                && (isPolymorphic(s) || VirtualBases.hasVirtualBases(s)
                        || s.fields().stream().anyMatch(f -> holdsPolymorphic(f.type())));
    }

    /** After an object of class {@code type} at {@code self} is initialized: its type id in each type-id field. */
    void stamp(ExpressionLowering exprs, FunctionContext ctx, KExpr self, StructType type, SourcePos pos) {
        List<List<Field>> fields = typeIdFields(type);
        if (fields.isEmpty()) {
            return;
        }
        long id = ids.computeIfAbsent(type, t -> {
            constructed.add(t);
            return (long) constructed.size();
        });
        for (List<Field> path : fields) {
            // the class id, and above it how far the field's subobject is from the object's start
            List<Field> toHolder = path.subList(0, path.size() - 1);
            KExpr value;
            if (toHolder.stream().noneMatch(VirtualBases::isVirtualBaseField)) {
                long offset = VirtualBases.offsetIn(type, toHolder);
                value = new KExpr.IntConst(ScalarType.ULONG, id | offset << 32);
            } else {
                KExpr offset = new KExpr.Binary(KExpr.BinaryOp.SUB,
                        new KExpr.Convert(ScalarType.ULONG, Inheritance.address(exprs, self, toHolder)),
                        new KExpr.Convert(ScalarType.ULONG, self), ScalarType.ULONG);
                value = new KExpr.Binary(KExpr.BinaryOp.OR, new KExpr.IntConst(ScalarType.ULONG, id), new KExpr.Binary(
                        KExpr.BinaryOp.SHL, offset, new KExpr.IntConst(ScalarType.ULONG, 32), ScalarType.ULONG),
                        ScalarType.ULONG);
            }
            ctx.emit(new KStmt.Store(Inheritance.address(exprs, self, path), value, pos));
        }
    }

    // ------------------------------------------------------------------ virtual functions

    /** Declared {@code virtual}, or overriding a virtual function of a base (which makes it virtual too). */
    boolean isVirtual(StructInfo info, Checker.FunctionEntry e) {
        if (!e.hasThis() || e.isTemplate() || e.method == null || e.method.kind() != TypeSyntax.MethodKind.METHOD) {
            return false;
        }
        if (e.decl.specifiers().contains(Decl.FunctionSpecifier.VIRTUAL)) {
            return true;
        }
        if (!isPolymorphic(info.type)) {
            return false; // only a class with a class id has virtual functions (a lambda's operator() never)
        }
        List<CType> params = paramTypes(e);
        for (Field f : info.type.isComplete() ? info.type.fields() : List.<Field>of()) {
            if (Inheritance.isBaseField(f)) {
                StructInfo base = checker.classOf(f.type());
                Checker.FunctionEntry overridden = base == null ? null : declared(base, e.decl.name(), params);
                if (overridden != null && isVirtual(base, overridden)) {
                    return true;
                }
                if (base != null && overridden == null && inBases(base, e.decl.name(), params)) {
                    return true;
                }
            }
        }
        return false;
    }

    private boolean inBases(StructInfo info, String name, List<CType> params) {
        for (Field f : info.type.isComplete() ? info.type.fields() : List.<Field>of()) {
            if (Inheritance.isBaseField(f)) {
                StructInfo base = checker.classOf(f.type());
                if (base == null) {
                    continue;
                }
                Checker.FunctionEntry e = declared(base, name, params);
                if (e != null ? isVirtual(base, e) : inBases(base, name, params)) {
                    return true;
                }
            }
        }
        return false;
    }

    private List<CType> paramTypes(Checker.FunctionEntry e) {
        TemplateEnv env = e.owner != null ? e.owner.env : TemplateEnv.EMPTY;
        List<CType> out = new ArrayList<>();
        for (Decl.Param p : e.decl.params()) {
            out.add(checker.types.resolveParam(p.type(), env));
        }
        return out;
    }

    /** The member function of {@code info} itself with this name and these parameter types, or null. */
    private Checker.FunctionEntry declared(StructInfo info, String name, List<CType> params) {
        for (Checker.FunctionEntry e : info.methods(Checker.simpleName(name))) {
            if (e.isTemplate() || !e.hasThis()) {
                continue;
            }
            List<CType> own = paramTypes(e);
            if (own.size() != params.size()) {
                continue;
            }
            boolean same = true;
            for (int i = 0; i < own.size() && same; i++) {
                same = TypeRules.sameType(own.get(i), params.get(i));
            }
            if (same) {
                return e;
            }
        }
        return null;
    }

    /** The final overrider in class {@code s}: the nearest declaration with a body, with the base fields to its class. */
    private record Overrider(StructInfo info, Checker.FunctionEntry entry, List<Field> path) {}

    private Overrider finalOverrider(StructType s, String name, List<CType> params) {
        StructInfo info = checker.classOf(s);
        if (info != null) {
            Checker.FunctionEntry own = declared(info, name, params);
            if (own != null) {
                return own.decl.body() == null ? null : new Overrider(info, own, List.of()); // pure: no overrider here
            }
        }
        List<Overrider> found = new ArrayList<>();
        for (Field f : s.isComplete() ? s.fields() : List.<Field>of()) {
            if (Inheritance.isBaseField(f)) {
                Overrider inBase = finalOverrider((StructType) f.type(), name, params);
                if (inBase != null) {
                    List<Field> path = new ArrayList<>();
                    path.add(f);
                    path.addAll(inBase.path());
                    found.add(new Overrider(inBase.info(), inBase.entry(), path));
                }
            }
        }
        // through a virtual base one side of a diamond reaches the base's function, which the other overrides
        for (Overrider o : found) {
            boolean dominated = found.stream().anyMatch(other -> other != o
                    && Inheritance.pathToBase(other.info().type, o.info().type) != null);
            if (!dominated) {
                return o;
            }
        }
        return null;
    }

    /**
     * The function a virtual call of {@code fn} (the static type's instance, {@code this} first)
     * calls instead: a dispatcher for this call site, with the same parameters.
     */
    KFunction dispatcher(KFunction fn, StructInfo owner, Checker.FunctionEntry declared, SourcePos pos) {
        KFunction d = checker.helper("cw_virtual_" + Checker.simpleName(declared.decl.name()) + "_site" + sites.size(),
                emitted -> {
                    List<KLocal> params = new ArrayList<>();
                    for (KLocal p : fn.params()) {
                        params.add(new KLocal(p.id(), p.name(), p.type(), true, pos));
                    }
                    return new KFunction(emitted, "a virtual call of '" + fn.sourceName() + "'", false, fn.returnType(),
                            params, pos);
                });
        KLocal id = d.newLocal("dynamic_class", ScalarType.ULONG, pos);
        KLocal result = d.returnType() instanceof VoidType ? null : d.newLocal("result", d.returnType(), pos);
        sites.add(new Site(d, owner, declared, paramTypes(declared), id, result, pos));
        return d;
    }

    /** Instantiates the overriders of every virtual call site's classes and fills its dispatcher. */
    List<Runnable> completionSteps() {
        List<Runnable> steps = new ArrayList<>();
        for (Site s : sites) {
            steps.add(() -> fill(s));
        }
        return steps;
    }

    private void fill(Site site) {
        KFunction fn = site.fn();
        StructType staticType = site.owner().type;
        KLocal self = fn.params().get(0);
        List<KExpr> args = new ArrayList<>();
        for (KLocal p : fn.params().subList(1, fn.params().size())) {
            args.add(new KExpr.LocalGet(p));
        }
        KLocal result = site.result();
        List<Field> idPath = typeIdFields(staticType).get(0);
        ExpressionLowering exprs = new FunctionContext(checker, fn, TemplateEnv.EMPTY).exprs;
        KExpr raw = new KExpr.LocalGet(site.id());
        List<KStmt> chain = new ArrayList<>();
        chain.add(new KStmt.Assign(site.id(), new KExpr.Load(Inheritance.address(exprs, new KExpr.LocalGet(self), idPath), site.pos())));
        KExpr id = new KExpr.Binary(KExpr.BinaryOp.AND, raw, new KExpr.IntConst(ScalarType.ULONG, 0xFFFFFFFFL),
                ScalarType.ULONG);
        // the object's start: the subobject holding the id, less how far its stamp says it is from there
        KExpr holder = Inheritance.address(exprs, new KExpr.LocalGet(self), idPath.subList(0, idPath.size() - 1));
        PointerType holderType = (PointerType) holder.type();
        PointerType bytesType = new PointerType(ScalarType.UCHAR, holderType.space(), false, false);
        KLocal start = fn.newLocal("object", bytesType, site.pos());
        KExpr back = new KExpr.Binary(KExpr.BinaryOp.SUB, new KExpr.IntConst(ScalarType.LONG, 0), new KExpr.Convert(
                ScalarType.LONG, new KExpr.Binary(KExpr.BinaryOp.SHR, raw, new KExpr.IntConst(ScalarType.ULONG, 32),
                        ScalarType.ULONG)), ScalarType.LONG);
        chain.add(new KStmt.Assign(start, new KExpr.PtrAdd(new KExpr.Convert(bytesType, holder), back)));
        for (StructType dynamic : List.copyOf(constructed)) {
            List<Field> toStatic = dynamic == staticType ? List.of() : Inheritance.pathToBase(dynamic, staticType);
            if (toStatic == null) {
                continue;
            }
            Overrider o = finalOverrider(dynamic, site.declared().decl.name(), site.paramTypes());
            if (o == null) {
                continue; // abstract: its objects are only ever subobjects of a derived class's
            }
            KFunction target = checker.instance(o.entry(), TemplateEnv.EMPTY, site.pos());
            // this: the overrider's subobject of the object (through its offsets to virtual bases)
            KExpr object = new KExpr.Convert(new PointerType(dynamic, holderType.space(), false, false),
                    new KExpr.LocalGet(start));
            KExpr moved = Inheritance.address(exprs, object, o.path());
            List<KExpr> callArgs = new ArrayList<>();
            CType targetThis = target.params().get(0).type();
            callArgs.add(moved.type().equals(targetThis) ? moved : new KExpr.Convert(targetThis, moved));
            callArgs.addAll(args);
            KExpr call = new KExpr.Call(target, callArgs, target.returnType());
            List<KStmt> body = result == null
                    ? List.of(new KStmt.Eval(call), new KStmt.Return(null))
                    : List.of(new KStmt.Assign(result, call), new KStmt.Return(new KExpr.LocalGet(result)));
            KExpr matches = new KExpr.Binary(KExpr.BinaryOp.EQ, id, new KExpr.IntConst(ScalarType.ULONG, ids.get(dynamic)),
                    ScalarType.BOOL);
            chain.add(new KStmt.If(matches, new KBlock(body), KBlock.EMPTY));
        }
        chain.add(new KStmt.Trap("virtual call on an object of no class constructed in device code", site.pos(),
                KernelAbi.TRAP_BAD_VIRTUAL_CALL));
        fn.setBody(new KBlock(chain));
    }
}
