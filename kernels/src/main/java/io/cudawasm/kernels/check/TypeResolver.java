package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.FunctionSignature;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Resolves written types to C types: typedefs, structs, enums, arrays, template parameters. */
final class TypeResolver {
    private static final long MAX_ARRAY_BYTES = 1L << 30;

    private final Checker checker;
    private final Map<String, StructType> structsByTag = new HashMap<>();
    private final Map<String, CType> typedefs = new HashMap<>();
    private final Map<String, Decl.StructTemplate> structTemplates = new HashMap<>();
    private final Map<String, StructType> templateInstances = new HashMap<>();
    private final List<StructType> all = new ArrayList<>();
    /** Struct template instantiations in progress: a member of one may instantiate the next. */
    private int structDepth;

    TypeResolver(Checker checker) {
        this.checker = checker;
    }

    List<StructType> structs() {
        return List.copyOf(all);
    }

    void defineTypedef(String name, CType type) {
        typedefs.put(Checker.simpleName(name), type);
    }

    void defineStructTemplate(Decl.StructTemplate t) {
        structTemplates.put(t.name(), t);
    }

    /** Explicit specializations of struct templates, by instance name ({@code SharedMemory<double>}). */
    private final Map<String, Decl.StructSpecialization> specializations = new HashMap<>();

    void defineStructSpecialization(Decl.StructSpecialization sp) {
        Decl.StructTemplate template = structTemplates.get(sp.name());
        if (template == null) {
            throw CompileException.at(sp.pos(), "'" + sp.name() + "' is not a struct template");
        }
        String key = instanceKey(template, sp.args(), sp.pos(), new FunctionContext(checker, null, TemplateEnv.EMPTY),
                new LinkedHashMap<>(), new LinkedHashMap<>());
        if (templateInstances.containsKey(key)) {
            throw CompileException.at(sp.pos(), "explicit specialization of '" + key + "' after it was used");
        }
        if (specializations.put(key, sp) != null) {
            throw CompileException.at(sp.pos(), "redefinition of '" + key + "'");
        }
    }

    /** A struct made by the checker itself (a lambda's closure), declared to the back ends like the others. */
    void addStruct(StructType s) {
        all.add(s);
    }

    CType resolve(TypeSyntax t, TemplateEnv env) {
        return resolve(t, new FunctionContext(checker, null, env));
    }

    /** A parameter's type: references become their referent, arrays decay to pointers. */
    CType resolveParam(TypeSyntax t, TemplateEnv env) {
        TypeSyntax u = TypeSyntax.unqualified(t);
        if (u instanceof TypeSyntax.Reference r) {
            return resolve(r.referent(), env);
        }
        CType c = resolve(t, env);
        if (c instanceof ArrayType a) {
            return new PointerType(a.element());
        }
        return c;
    }

    CType resolve(TypeSyntax t, FunctionContext ctx) {
        if (t instanceof TypeSyntax.Builtin b) {
            return b.kind() == null ? VoidType.VOID : ScalarType.of(b.kind());
        } else if (t instanceof TypeSyntax.Qualified q) {
            return resolve(q.base(), ctx);
        } else if (t instanceof TypeSyntax.Pointer p) {
                TypeSyntax.Function function = functionType(p.pointee());
                if (function != null) {
                    return ScalarType.functionPointer(signature(function, ctx));
                }
                CType pointee = resolve(p.pointee(), ctx);
                TypeSyntax pq = p.pointee();
                boolean c = false;
                boolean v = false;
                while (pq instanceof TypeSyntax.Qualified q) {
                    c |= q.isConst();
                    v |= q.isVolatile();
                    pq = q.base();
                }
                if (pq instanceof TypeSyntax.Reference) {
                    throw CompileException.at(p.pos(), "pointers to references are not allowed");
                }
                if (pq instanceof TypeSyntax.Named n && ctx.env.constTypes().contains(n.name())) {
                    c = true;
                }
                return new PointerType(pointee, io.cudawasm.kernels.types.AddressSpace.GENERIC, c, v);
        } else if (t instanceof TypeSyntax.Reference r) {
            return new PointerType(resolve(r.referent(), ctx));
        } else if (t instanceof TypeSyntax.Array a) {
                CType element = resolve(a.element(), ctx);
                if (element instanceof VoidType) {
                    throw CompileException.at(a.pos(), "array of void");
                }
                if (element instanceof ArrayType ea && ea.isIncomplete()) {
                    throw CompileException.at(a.pos(), "array has incomplete element type");
                }
                if (a.length() == null) {
                    return new ArrayType(element, -1);
                }
                long n = ctx.exprs.constantInteger(a.length(), "array size");
                if (n <= 0) {
                    throw CompileException.at(a.length().pos(), "array size must be positive, is " + n);
                }
                if (n * Math.max(1, element.size()) > MAX_ARRAY_BYTES) {
                    throw CompileException.at(a.length().pos(), "array is too large (" + n + " elements)");
                }
                return new ArrayType(element, n);
        } else if (t instanceof TypeSyntax.StructRef s) {
            return structRef(s, ctx);
        } else if (t instanceof TypeSyntax.EnumRef e) {
                if (e.definition() != null) {
                    defineEnum(e.definition(), ctx);
                }
                return ScalarType.INT;
        } else if (t instanceof TypeSyntax.Named n) {
            if (functionTypedefs.containsKey(Checker.simpleName(n.name())) && !ctx.env.types().containsKey(n.name())) {
                throw CompileException.at(n.pos(), "function type '" + n.name() + "' can only be used through a pointer ('"
                        + n.name() + " *')");
            }
            return named(n, ctx);
        } else if (t instanceof TypeSyntax.Function f) {
            throw CompileException.at(f.pos(), "a function type can only be used through a pointer (write '(*name)')");
        } else if (t instanceof TypeSyntax.Nested n) {
            return nested(n, ctx);
        }
        throw new IllegalStateException("unhandled: " + t);
    }

    /** Typedefs of function types ({@code typedef int fn_t(int);}), which only pointers use. */
    private final Map<String, TypeSyntax.Function> functionTypedefs = new HashMap<>();

    void defineFunctionTypedef(String name, TypeSyntax.Function type) {
        functionTypedefs.put(Checker.simpleName(name), type);
    }

    /** The function type a pointer's pointee is ({@code int (int)}, or a typedef of one), or null. */
    private TypeSyntax.Function functionType(TypeSyntax pointee) {
        TypeSyntax u = TypeSyntax.unqualified(pointee);
        if (u instanceof TypeSyntax.Function f) {
            return f;
        }
        return u instanceof TypeSyntax.Named n ? functionTypedefs.get(Checker.simpleName(n.name())) : null;
    }

    /** The signature of a function type as written: parameters adjusted as C adjusts them. */
    FunctionSignature signature(TypeSyntax.Function f, FunctionContext ctx) {
        TypeSyntax ret = TypeSyntax.unqualified(f.returnType());
        boolean returnsReference = ret instanceof TypeSyntax.Reference;
        CType returnType = resolve(returnsReference ? ((TypeSyntax.Reference) ret).referent() : f.returnType(), ctx);
        if (returnType instanceof ArrayType) {
            throw CompileException.at(f.pos(), "a function cannot return an array");
        }
        List<FunctionSignature.Parameter> params = new ArrayList<>();
        for (Decl.Param p : f.params()) {
            TypeSyntax u = TypeSyntax.unqualified(p.type());
            if (u instanceof TypeSyntax.Reference r) {
                params.add(new FunctionSignature.Parameter(resolve(r.referent(), ctx), true, TypeSyntax.isConst(r.referent())));
                continue;
            }
            CType c = resolve(p.type(), ctx);
            if (c instanceof ArrayType a) {
                c = new PointerType(a.element());
            }
            if (c instanceof VoidType) {
                throw CompileException.at(p.pos(), "parameter '" + p.name() + "' has type void");
            }
            params.add(new FunctionSignature.Parameter(c, false, false));
        }
        return new FunctionSignature(returnType, returnsReference, params);
    }

    private CType named(TypeSyntax.Named n, FunctionContext ctx) {
        String name = Checker.simpleName(n.name());
        if (name.equals("auto")) {
            throw CompileException.at(n.pos(), "'auto' is only allowed in a declaration with an initializer");
        }
        CType bound = ctx.env.types().get(name);
        if (bound != null && (n.args().isEmpty() || !structTemplates.containsKey(name))) {
            return bound; // a template parameter, or a class template's own name inside it (its instance)
        }
        if (ctx.owner != null && !n.name().contains("::")) {
            CType member = ctx.owner.resolveTypedef(name, this);
            if (member != null) {
                return member;
            }
        }
        if (n.name().contains("::")) {
            CType member = memberTypedef(n, ctx);
            if (member != null) {
                return member;
            }
        }
        if (structTemplates.containsKey(name)) {
            return instantiateStruct(structTemplates.get(name), n, ctx);
        }
        CType t = typedefs.get(name);
        if (t != null) {
            return deviceUsable(t, n.pos());
        }
        StructType s = structsByTag.get(name);
        if (s != null) {
            return deviceUsable(s, n.pos());
        }
        t = BuiltinTypes.lookup(name);
        if (t != null) {
            return t;
        }
        if (BuiltinTypes.isHalf(name)) {
            throw CompileException.at(n.pos(), name.contains("bfloat16")
                    ? "bfloat16 type '" + name + "' needs #include <cuda_bf16.h>"
                    : "half-precision type '" + name + "' needs #include <cuda_fp16.h>");
        }
        CType group = CooperativeGroups.type(name, n, ctx);
        if (group != null) {
            return group;
        }
        throw CompileException.at(n.pos(), "unknown type name '" + n.name() + "'");
    }

    /** {@code typename vec3<T>::Type}: a typedef or a struct declared in the class. */
    private CType nested(TypeSyntax.Nested n, FunctionContext ctx) {
        CType owner = resolve(n.owner(), ctx);
        StructInfo info = checker.classOf(owner);
        CType member = info == null ? null : info.resolveTypedef(n.name(), this);
        if (member == null && info != null && structsByTag.containsKey(n.name())) {
            member = structsByTag.get(n.name()); // a struct defined in the class
        }
        if (member == null) {
            throw CompileException.at(n.pos(), "no type named '" + n.name() + "' in '" + owner.display() + "'");
        }
        return member;
    }

    /** A class template instance's template and arguments (types and constants, in parameter order). */
    record InstanceArgs(String template, List<Object> args) {}

    private final Map<StructType, InstanceArgs> instanceArgs = new java.util.IdentityHashMap<>();

    /** The template and arguments of a class template instance, or null for another type. */
    InstanceArgs instanceArgs(CType t) {
        return t instanceof StructType s ? instanceArgs.get(s) : null;
    }

    /** The struct template so named, or null. */
    Decl.StructTemplate structTemplate(String name) {
        return structTemplates.get(name);
    }

    /** The instance name of a struct template for some arguments ({@code Pair<float>}), binding them. */
    private String instanceKey(Decl.StructTemplate template, List<TypeSyntax.TemplateArg> args,
            io.cudawasm.kernels.source.SourcePos pos, FunctionContext ctx, Map<String, CType> tys,
            Map<String, KExpr> vals) {
        List<Decl.TemplateParam> params = template.templateParams();
        if (args.size() > params.size()) {
            throw CompileException.at(pos, "too many template arguments for '" + template.name() + "'");
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (int i = 0; i < params.size(); i++) {
            Decl.TemplateParam tp = params.get(i);
            TypeSyntax.TemplateArg a = i < args.size() ? args.get(i) : tp.defaultArg();
            if (a == null) {
                throw CompileException.at(pos, "missing template argument for '" + tp.name() + "' of '"
                        + template.name() + "'");
            }
            checker.bindOne(tp, a, tys, vals, pos, ctx);
            ordered.put(tp.name(), tp.isType() ? tys.get(tp.name()) : vals.get(tp.name()));
        }
        return template.name() + TemplateEnv.describe(ordered);
    }

    /** {@code S::value_type}: a typedef of a class. */
    private CType memberTypedef(TypeSyntax.Named n, FunctionContext ctx) {
        String prefix = n.name().substring(0, n.name().lastIndexOf("::"));
        CType owner;
        try {
            owner = resolve(new TypeSyntax.Named(n.pos(), prefix, List.of()), ctx);
        } catch (CompileException e) {
            return null;
        }
        StructInfo info = checker.classOf(owner);
        return info == null ? null : info.resolveTypedef(Checker.simpleName(n.name()), this);
    }

    private CType instantiateStruct(Decl.StructTemplate template, TypeSyntax.Named use, FunctionContext ctx) {
        Map<String, CType> tys = new LinkedHashMap<>();
        Map<String, KExpr> vals = new LinkedHashMap<>();
        String key = instanceKey(template, use.args(), use.pos(), ctx, tys, vals);
        StructType existing = templateInstances.get(key);
        if (existing != null) {
            return existing;
        }
        checker.budget.countInstantiation(checker.loweringDepth + structDepth + 1, use.pos(), key);
        // a member instantiating the next struct template recurses in Java: nesting-depth bounds it too
        checker.budget.checkNesting(structDepth + 1, use.pos());
        Decl.StructSpecialization special = specializations.get(key);
        TypeSyntax.StructDef def = special != null ? special.definition() : template.definition();
        StructType s = new StructType(key, def.union(), def.explicitAlign());
        templateInstances.put(key, s);
        List<Object> ordered = new ArrayList<>();
        for (Decl.TemplateParam tp : template.templateParams()) {
            ordered.add(tp.isType() ? tys.get(tp.name()) : vals.get(tp.name()));
        }
        instanceArgs.put(s, new InstanceArgs(template.name(), ordered));
        all.add(s);
        if (special == null) {
            tys.putIfAbsent(template.name(), s); // the injected class name: 'interval_gpu' inside interval_gpu<T>
        }
        TemplateEnv env = special != null ? TemplateEnv.EMPTY : new TemplateEnv(tys, vals);
        structDepth++;
        try {
            defineMembers(s, def, new FunctionContext(checker, null, env));
        } finally {
            structDepth--;
        }
        checker.registerStruct(s, def, env, template.name(), special == null);
        return s;
    }

    /** Structs whose definitions are host code, with the reason. */
    private final Map<StructType, String> hostOnly = new java.util.IdentityHashMap<>();

    private CType deviceUsable(CType t, io.cudawasm.kernels.source.SourcePos pos) {
        String why = t instanceof StructType s ? hostOnly.get(s) : null;
        if (why != null) {
            throw CompileException.at(pos, "'" + t.display() + "' is host code and cannot be used in device code: " + why);
        }
        return t;
    }

    private CType structRef(TypeSyntax.StructRef s, FunctionContext ctx) {
        StructType existing = structsByTag.get(s.tag());
        if (s.definition() == null) {
            if (existing != null) {
                return deviceUsable(existing, s.pos());
            }
            StructType fresh = new StructType(s.tag(), s.union(), 0);
            structsByTag.put(s.tag(), fresh);
            all.add(fresh);
            return fresh;
        }
        if (existing != null && existing.isComplete()) {
            throw CompileException.at(s.pos(), "redefinition of '" + s.tag() + "'");
        }
        if (s.definition().hostOnly() != null) {
            // host code: kept incomplete, and named as host code where device code uses it
            StructType host = existing != null ? existing : new StructType(s.tag(), s.union(), 0);
            structsByTag.putIfAbsent(s.tag(), host);
            hostOnly.put(host, s.definition().hostOnly());
            return host;
        }
        StructType type = existing != null ? existing
                : new StructType(s.tag(), s.union(), s.definition().explicitAlign());
        if (existing == null) {
            structsByTag.put(s.tag(), type);
            all.add(type);
        }
        defineMembers(type, s.definition(), ctx);
        checker.registerStruct(type, s.definition(), ctx.env);
        return type;
    }

    private void defineMembers(StructType s, TypeSyntax.StructDef def, FunctionContext ctx) {
        List<Field> fields = members(def, ctx);
        if (def.members().stream().noneMatch(m -> m.bitWidth() != null)) {
            s.define(fields);
            return;
        }
        List<BitFieldLayout.Member> laid = new ArrayList<>();
        int i = 0;
        for (TypeSyntax.Member m : def.members()) {
            CType t = fields.get(i++).type();
            int width = -1;
            if (m.bitWidth() != null) {
                if (!(t instanceof ScalarType st) || !st.kind().isInteger()) {
                    throw CompileException.at(m.pos(), "bit-field '" + m.name() + "' has non-integral type '"
                            + t.display() + "'");
                }
                long w = ctx.exprs.constantInteger(m.bitWidth(), "bit-field width");
                if (w < 0 || w > 8L * t.size() || w == 0 && !m.name().isEmpty()) {
                    throw CompileException.at(m.bitWidth().pos(), "width of bit-field '" + m.name() + "' (" + w
                            + " bits) " + (w == 0 ? "is zero" : "is negative or exceeds its type"));
                }
                width = (int) w;
            }
            laid.add(new BitFieldLayout.Member(m.pos(), m.name(), t, width));
        }
        BitFieldLayout.define(s, laid);
    }

    private List<Field> members(TypeSyntax.StructDef def, FunctionContext ctx) {
        List<Field> fields = new ArrayList<>();
        long bytes = 0;
        CType[] types = new CType[def.members().size()];
        for (int i = 0; i < types.length; i++) {
            TypeSyntax.Member m = def.members().get(i);
            if (!m.name().startsWith(io.cudawasm.kernels.parse.Parser.VIRTUAL_BASE_FIELD)) {
                // a reference member holds the address of what it is bound to (see ReferenceMembers)
                types[i] = TypeSyntax.unqualified(m.type()) instanceof TypeSyntax.Reference r
                        ? resolve(new TypeSyntax.Pointer(r.pos(), r.referent(), false, false, false), ctx)
                        : resolve(m.type(), ctx);
            }
        }
        // virtual bases last, from the last: an inherited one is the type its base resolved (in that
        // base's template bindings), and one a virtual base brings comes before that base in the list
        for (int i = types.length - 1; i >= 0; i--) {
            TypeSyntax.Member m = def.members().get(i);
            if (types[i] == null) {
                for (int j = 0; j < types.length && types[i] == null; j++) {
                    if (types[j] instanceof StructType b && b.isComplete() && b.field(m.name()).isPresent()
                            && def.members().get(j).name().startsWith("cw_")) {
                        types[i] = b.field(m.name()).get().type();
                    }
                }
                if (types[i] == null) {
                    types[i] = resolve(m.type(), ctx);
                }
            }
        }
        for (int i = 0; i < types.length; i++) {
            TypeSyntax.Member m = def.members().get(i);
            CType t = types[i];
            if (t instanceof VoidType || t instanceof StructType st && !st.isComplete()) {
                throw CompileException.at(m.pos(), "member '" + m.name() + "' has incomplete type '" + t.display() + "'");
            }
            if (t instanceof ArrayType at && at.isIncomplete()) {
                throw CompileException.at(m.pos(), "flexible array members are not supported");
            }
            fields.add(new Field(m.name(), t, 0));
            bytes += t.size() + t.align();
            if (bytes > MAX_ARRAY_BYTES) {
                // sizes are ints; a struct of structs could otherwise double past 2 GiB in 31 steps
                throw CompileException.at(m.pos(), "struct '" + def.tag() + "' is too large (more than "
                        + MAX_ARRAY_BYTES + " bytes)");
            }
        }
        return fields;
    }

    private void defineEnum(TypeSyntax.EnumDef def, FunctionContext ctx) {
        long next = 0;
        for (TypeSyntax.Enumerator e : def.enumerators()) {
            if (e.value() != null) {
                next = ctx.exprs.constantInteger(e.value(), "enumerator value");
            }
            Symbol sym = new Symbol.Constant(new KExpr.IntConst(ScalarType.INT, (int) next));
            if (ctx.fn != null) {
                if (!ctx.scope.declare(e.name(), sym)) {
                    throw CompileException.at(e.pos(), "redefinition of '" + e.name() + "'");
                }
            } else if (checker.fileSymbols.putIfAbsent(e.name(), sym) != null) {
                throw CompileException.at(e.pos(), "redefinition of '" + e.name() + "'");
            }
            next++;
        }
    }
}
