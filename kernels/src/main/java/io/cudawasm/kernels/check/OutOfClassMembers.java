package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.types.CType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Members defined outside their classes: a class declares {@code int get() const;} and the file
 * (or a header) defines {@code int Foo::get() const {...}} later; a class template's members are
 * defined once for every instance ({@code template <class T> T Foo<T>::get() {...}}). Each
 * definition replaces the bodiless declaration it matches (same name, parameter count, constness
 * and, among overloads, parameter types), keeping the declaration's default arguments and
 * {@code static}. Definitions are kept by class name: a class template's instances made later
 * take them when they are registered; an explicit specialization's members
 * ({@code float S<float>::f()}) apply to that instance only.
 */
final class OutOfClassMembers {
    private OutOfClassMembers() {}

    /** Records a definition and applies it to the classes already registered. */
    static void declare(Checker checker, Decl d) {
        String cls = className(d);
        checker.outOfClass.computeIfAbsent(cls, k -> new ArrayList<>()).add(d);
        boolean applied = false;
        for (StructInfo info : List.copyOf(checker.classes.values())) {
            if (cls.equals(info.className) && appliesTo(checker, d, info)) {
                apply(checker, d, info);
                applied = true;
            }
        }
        boolean generic = d instanceof Decl.MemberDefinition m && (!m.templateParams().isEmpty() || !m.classArgs().isEmpty());
        if (!applied && !generic && checker.types.structTemplate(cls) == null) {
            try {
                checker.types.resolve(new TypeSyntax.Named(d.pos(), cls, List.of()), TemplateEnv.EMPTY);
            } catch (CompileException e) {
                if (e.first().message().contains("is host code")) {
                    return; // a member of a host class (one naming host-only types): host code like its class
                }
            }
            throw CompileException.at(d.pos(), "'" + cls + "' declares no member '" + memberName(d)
                    + "' that this defines (a class with member functions or static constants must be declared before them)");
        }
    }

    /** Applies the definitions recorded for a class just registered. */
    static void applyAll(Checker checker, StructInfo info) {
        for (Decl d : List.copyOf(checker.outOfClass.getOrDefault(info.className, List.of()))) {
            if (appliesTo(checker, d, info)) {
                apply(checker, d, info);
            }
        }
    }

    private static String className(Decl d) {
        return d instanceof Decl.MemberDefinition m ? m.className() : ((Decl.StaticDataDefinition) d).className();
    }

    private static String memberName(Decl d) {
        return d instanceof Decl.MemberDefinition m ? m.method().function().name() : ((Decl.StaticDataDefinition) d).name();
    }

    private static boolean appliesTo(Checker checker, Decl d, StructInfo info) {
        boolean instance = !info.type.name().equals(info.className);
        if (d instanceof Decl.StaticDataDefinition) {
            return !instance;
        }
        Decl.MemberDefinition m = (Decl.MemberDefinition) d;
        if (!m.templateParams().isEmpty()) {
            return info.primaryInstance;
        }
        if (m.classArgs().isEmpty()) {
            return !instance;
        }
        // a member of an explicit specialization: the instance its arguments name
        CType named = checker.types.resolve(new TypeSyntax.Named(m.pos(), m.className(), m.classArgs()), TemplateEnv.EMPTY);
        return named == info.type && !info.primaryInstance;
    }

    private static void apply(Checker checker, Decl d, StructInfo info) {
        if (d instanceof Decl.StaticDataDefinition sd) {
            defineStatic(sd, info);
            return;
        }
        Decl.MemberDefinition md = (Decl.MemberDefinition) d;
        if (!md.templateParams().isEmpty()) {
            bindParameterNames(checker, md, info);
        }
        TypeSyntax.Method def = md.method();
        Decl.Function f = def.function();
        List<Checker.FunctionEntry> candidates = switch (def.kind()) {
            case CONSTRUCTOR -> info.constructors;
            case CONVERSION -> info.conversions;
            case METHOD -> info.methods(f.name());
        };
        String qualified = info.type.display() + "::" + (def.kind() == TypeSyntax.MethodKind.CONSTRUCTOR
                ? info.className : def.kind() == TypeSyntax.MethodKind.CONVERSION ? "operator " : f.name());
        List<Checker.FunctionEntry> matching = new ArrayList<>();
        for (Checker.FunctionEntry e : candidates) {
            if (e.decl.params().size() == f.params().size() && e.isConstMethod() == def.isConst()
                    && sameParameterTypes(checker, e.decl, f, info)
                    && (def.kind() != TypeSyntax.MethodKind.CONVERSION || sameType(checker, e.decl.returnType(),
                            f.returnType(), info))) {
                matching.add(e);
            }
        }
        if (matching.isEmpty()) {
            throw CompileException.at(md.pos(), "out-of-line definition of '" + qualified
                    + "' does not match any declaration in '" + info.type.display() + "'");
        }
        Checker.FunctionEntry e = matching.get(0);
        if (e.decl.body() != null) {
            throw CompileException.at(md.pos(), "redefinition of '" + qualified + "'");
        }
        List<Decl.Param> params = new ArrayList<>();
        for (int i = 0; i < f.params().size(); i++) {
            Decl.Param p = f.params().get(i);
            Decl.Param declared = e.decl.params().get(i);
            params.add(new Decl.Param(p.pos(), p.name(), p.type(), p.defaultValue() != null ? p.defaultValue()
                    : declared.defaultValue()));
        }
        Set<Decl.FunctionSpecifier> spec = EnumSet.noneOf(Decl.FunctionSpecifier.class);
        spec.addAll(e.decl.specifiers());
        spec.addAll(f.specifiers());
        e.decl = new Decl.Function(f.pos(), e.decl.name(), spec, f.returnType(), params, f.body(),
                e.decl.templateParams(), null);
        e.method = new TypeSyntax.Method(e.decl, def.kind(), def.isConst(), def.inits());
    }

    /**
     * {@code template <class U> U Box<U>::get()} for {@code template <class T> struct Box}: the
     * definition's own parameter names are bound, in the instance, to what the class's are.
     */
    private static void bindParameterNames(Checker checker, Decl.MemberDefinition md, StructInfo info) {
        Decl.StructTemplate template = checker.types.structTemplate(info.className);
        if (template == null) {
            return;
        }
        java.util.Map<String, CType> types = new java.util.LinkedHashMap<>(info.env.types());
        java.util.Map<String, io.cudawasm.kernels.kir.KExpr> values = new java.util.LinkedHashMap<>(info.env.values());
        boolean added = false;
        for (int i = 0; i < md.classArgs().size() && i < template.templateParams().size(); i++) {
            String classParam = template.templateParams().get(i).name();
            String own = md.classArgs().get(i) instanceof TypeSyntax.TypeArg ta
                    && ta.type() instanceof TypeSyntax.Named n && n.args().isEmpty() ? n.name()
                    : md.classArgs().get(i) instanceof TypeSyntax.ValueArg va
                            && va.value() instanceof io.cudawasm.kernels.ast.Expr.Ident id ? id.name() : null;
            if (own == null || own.equals(classParam) || types.containsKey(own) || values.containsKey(own)) {
                continue;
            }
            if (types.containsKey(classParam)) {
                types.put(own, types.get(classParam));
                added = true;
            } else if (values.containsKey(classParam)) {
                values.put(own, values.get(classParam));
                added = true;
            }
        }
        if (added) {
            info.env = new TemplateEnv(types, values, info.env.constTypes());
        }
    }

    private static boolean sameParameterTypes(Checker checker, Decl.Function a, Decl.Function b, StructInfo info) {
        for (int i = 0; i < a.params().size(); i++) {
            if (!sameType(checker, a.params().get(i).type(), b.params().get(i).type(), info)) {
                return false;
            }
        }
        return true;
    }

    private static boolean sameType(Checker checker, TypeSyntax a, TypeSyntax b, StructInfo info) {
        try {
            CType ta = checker.types.resolve(a, info.env);
            CType tb = checker.types.resolve(b, info.env);
            return ta.equals(tb) && (TypeSyntax.unqualified(a) instanceof TypeSyntax.Reference)
                    == (TypeSyntax.unqualified(b) instanceof TypeSyntax.Reference);
        } catch (CompileException ex) {
            return false; // a type this instance cannot name: not this overload
        }
    }

    private static void defineStatic(Decl.StaticDataDefinition sd, StructInfo info) {
        TypeSyntax.StaticMember declared = info.statics.get(sd.name());
        String qualified = info.type.display() + "::" + sd.name();
        if (declared == null) {
            throw CompileException.at(sd.pos(), "no static member '" + sd.name() + "' declared in '" + info.type.display() + "'");
        }
        if (!TypeSyntax.isConst(declared.type()) && !TypeSyntax.isConst(sd.type())) {
            return; // 'int S::count = 0;': host data (device code using it is told so)
        }
        if (sd.value() == null) {
            return; // 'const int Foo::N;': the definition of a constant initialized in the class
        }
        if (declared.value() != null) {
            throw CompileException.at(sd.pos(), "redefinition of static member '" + qualified + "'");
        }
        info.statics.put(sd.name(), new TypeSyntax.StaticMember(sd.pos(), sd.name(), declared.type(), sd.value()));
    }
}
