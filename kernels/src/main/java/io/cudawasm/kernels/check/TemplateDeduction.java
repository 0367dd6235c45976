package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.TypeRules;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Deduces a function template's arguments from a call (the cases kernels use: T, T*, const T&). */
final class TemplateDeduction {
    private TemplateDeduction() {}

    static TemplateEnv deduce(FunctionContext ctx, Decl.Function decl, List<TypeSyntax.TemplateArg> explicit,
            List<ExpressionLowering.Operand> args, SourcePos pos) {
        Map<String, CType> types = new LinkedHashMap<>();
        Map<String, KExpr> values = new LinkedHashMap<>();
        java.util.Set<String> consts = new java.util.HashSet<>();
        List<Decl.TemplateParam> params = decl.templateParams();
        if (explicit.size() > params.size()) {
            throw CompileException.at(pos, "too many template arguments");
        }
        for (int i = 0; i < explicit.size(); i++) {
            ctx.checker.bindOne(params.get(i), explicit.get(i), types, values, pos, ctx);
        }
        for (int i = 0; i < args.size(); i++) {
            CType argType = args.get(i).type();
            TypeSyntax p = TypeSyntax.unqualified(decl.params().get(i).type());
            boolean ref = p instanceof TypeSyntax.Reference;
            if (ref) {
                p = TypeSyntax.unqualified(((TypeSyntax.Reference) p).referent());
            } else if (argType instanceof ArrayType a) {
                argType = new PointerType(a.element());
            }
            match(ctx, p, argType, params, types, values, consts, pos);
        }
        for (Decl.TemplateParam tp : params) {
            if (tp.isType() && !types.containsKey(tp.name())) {
                if (tp.defaultArg() != null) {
                    ctx.checker.bindOne(tp, tp.defaultArg(), types, values, pos, ctx);
                } else {
                    throw CompileException.at(pos, "couldn't infer template argument '" + tp.name() + "'");
                }
            } else if (!tp.isType() && !values.containsKey(tp.name())) {
                if (tp.defaultArg() != null) {
                    ctx.checker.bindOne(tp, tp.defaultArg(), types, values, pos, ctx);
                } else {
                    throw CompileException.at(pos, "couldn't infer template argument '" + tp.name()
                            + "': give it explicitly");
                }
            }
        }
        return new TemplateEnv(types, values, consts);
    }

    private static boolean isTypeParam(String name, List<Decl.TemplateParam> params) {
        return params.stream().anyMatch(tp -> tp.isType() && tp.name().equals(name));
    }

    /**
     * Binds a template's parameters for an explicit specialization or instantiation: the explicit
     * arguments, then what the declared parameter types say ({@code twice(int)} gives {@code T = int}),
     * then defaults.
     */
    static TemplateEnv deduceFromTypes(FunctionContext ctx, Decl.Function decl, List<TypeSyntax.TemplateArg> explicit,
            List<Decl.Param> declared, SourcePos pos) {
        Map<String, CType> types = new LinkedHashMap<>();
        Map<String, KExpr> values = new LinkedHashMap<>();
        java.util.Set<String> consts = new java.util.HashSet<>();
        List<Decl.TemplateParam> params = decl.templateParams();
        if (explicit.size() > params.size()) {
            throw CompileException.at(pos, "too many template arguments");
        }
        for (int i = 0; i < explicit.size(); i++) {
            ctx.checker.bindOne(params.get(i), explicit.get(i), types, values, pos, ctx);
        }
        for (int i = 0; i < declared.size(); i++) {
            TypeSyntax p = TypeSyntax.unqualified(decl.params().get(i).type());
            if (p instanceof TypeSyntax.Reference r) {
                p = TypeSyntax.unqualified(r.referent());
            }
            match(ctx, p, ctx.checker.types.resolveParam(declared.get(i).type(), TemplateEnv.EMPTY), params, types, values, consts,
                    pos);
        }
        for (Decl.TemplateParam tp : params) {
            boolean bound = tp.isType() ? types.containsKey(tp.name()) : values.containsKey(tp.name());
            if (!bound) {
                if (tp.defaultArg() == null) {
                    throw CompileException.at(pos, "couldn't infer template argument '" + tp.name() + "'");
                }
                ctx.checker.bindOne(tp, tp.defaultArg(), types, values, pos, ctx);
            }
        }
        return new TemplateEnv(types, values, consts);
    }

    private static void match(FunctionContext ctx, TypeSyntax p, CType arg, List<Decl.TemplateParam> params,
            Map<String, CType> types, Map<String, KExpr> values, java.util.Set<String> consts, SourcePos pos) {
        p = TypeSyntax.unqualified(p);
        if (p instanceof TypeSyntax.Named n && !n.args().isEmpty()) {
            // global_stack<interval_gpu<T>, N, THREADS> from an instance of that class template
            TypeResolver.InstanceArgs instance = ctx.checker.types.instanceArgs(arg);
            if (instance == null || !instance.template().equals(Checker.simpleName(n.name()))) {
                return;
            }
            for (int i = 0; i < n.args().size() && i < instance.args().size(); i++) {
                Object bound = instance.args().get(i);
                if (n.args().get(i) instanceof TypeSyntax.TypeArg ta && bound instanceof CType t) {
                    match(ctx, ta.type(), t, params, types, values, consts, pos);
                } else if (n.args().get(i) instanceof TypeSyntax.ValueArg va && va.value() instanceof Expr.Ident id
                        && bound instanceof KExpr v) {
                    for (Decl.TemplateParam tp : params) {
                        if (!tp.isType() && tp.name().equals(id.name())) {
                            KExpr prev = values.get(tp.name());
                            if (prev != null && !prev.equals(v)) {
                                throw CompileException.at(pos, "deduced conflicting values for parameter '" + tp.name() + "'");
                            }
                            values.put(tp.name(), v);
                        }
                    }
                }
            }
            return;
        }
        if (p instanceof TypeSyntax.Named n) {
            for (Decl.TemplateParam tp : params) {
                if (tp.isType() && tp.name().equals(n.name())) {
                    CType prev = types.get(tp.name());
                    if (prev != null && !TypeRules.sameType(prev, arg)) {
                        throw CompileException.at(pos, "deduced conflicting types for parameter '" + tp.name()
                                + "' ('" + prev.display() + "' vs. '" + arg.display() + "')");
                    }
                    types.put(tp.name(), arg instanceof PointerType pt
                            ? new PointerType(pt.pointee(), io.cudawasm.kernels.types.AddressSpace.GENERIC,
                                    pt.constPointee(), pt.volatilePointee()) : arg);
                    return;
                }
            }
            return;
        }
        if (p instanceof TypeSyntax.Pointer ptr && TypeSyntax.unqualified(ptr.pointee()) instanceof TypeSyntax.Function f
                && arg instanceof io.cudawasm.kernels.types.ScalarType fp && fp.function() != null
                && f.params().size() == fp.function().params().size()) {
            // T (*)(T) from a function pointer: its return and parameter types
            match(ctx, f.returnType(), fp.function().returnType(), params, types, values, consts, pos);
            for (int i = 0; i < f.params().size(); i++) {
                TypeSyntax q = TypeSyntax.unqualified(f.params().get(i).type());
                match(ctx, q instanceof TypeSyntax.Reference r ? r.referent() : q, fp.function().params().get(i).type(),
                        params, types, values, consts, pos);
            }
            return;
        }
        if (p instanceof TypeSyntax.Pointer ptr && arg instanceof PointerType ap) {
            if (ap.constPointee() && !TypeSyntax.isConst(ptr.pointee())
                    && ptr.pointee() instanceof TypeSyntax.Named n && isTypeParam(n.name(), params)) {
                consts.add(n.name()); // T* from const X*: T is const X
            }
            match(ctx, ptr.pointee(), ap.pointee(), params, types, values, consts, pos);
        }
    }
}
