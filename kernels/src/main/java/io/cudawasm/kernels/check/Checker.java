package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.TranslationUnit;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KModule;
import io.cudawasm.kernels.lex.Lexer;
import io.cudawasm.kernels.lex.Token;
import io.cudawasm.kernels.source.CompileBudget;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.CompileLimitException;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourceFile;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The semantic checker: resolves names and types, applies C's conversions, instantiates
 * templates and lowers every device function and kernel to kernel IR.
 */
public final class Checker {
    /** Errors after which checking stops, like gcc's -fmax-errors: later ones are mostly consequences. */
    private static final int MAX_ERRORS = 100;
    private static final Pattern NON_ALPHANUMERIC_RUNS = Pattern.compile("[^A-Za-z0-9]+");
    private static final Pattern TRAILING_UNDERSCORES = Pattern.compile("_+$");
    private static final Pattern NON_IDENTIFIER = Pattern.compile("[^A-Za-z0-9_]");

    /** A device function or function template (possibly overloaded by name). */
    static final class FunctionEntry {
        Decl.Function decl;
        final Map<String, KFunction> instances = new LinkedHashMap<>();

        FunctionEntry(Decl.Function decl) {
            this.decl = decl;
        }

        boolean isTemplate() {
            return !decl.templateParams().isEmpty();
        }
    }

    /** How each parameter of a lowered function is passed. */
    record Signature(List<CType> paramTypes, List<Boolean> byReference) {}

    private final TranslationUnit unit;
    private final CheckOptions options;
    final List<Diagnostic> warnings;
    private final List<Diagnostic> errors = new ArrayList<>();
    final TypeResolver types;
    final Map<String, Symbol> fileSymbols = new HashMap<>();
    final Set<String> hostVariables = new HashSet<>();
    final Set<String> hostFunctions = new HashSet<>();
    final Map<String, List<FunctionEntry>> functions = new LinkedHashMap<>();
    final Map<String, String> namespaceAliases = new HashMap<>();
    final Map<KFunction, Signature> signatures = new HashMap<>();
    private final List<KFunction> lowered = new ArrayList<>();
    private final List<KGlobal> globals = new ArrayList<>();
    private final Set<String> usedNames = new HashSet<>();
    private final Deque<Runnable> pendingBodies = new ArrayDeque<>();
    final CompileBudget budget = CompileBudget.current();
    /**
     * The template instantiation depth of the body being lowered: 0 for functions that are not
     * templates, one more than its instantiator's for a template instance.
     */
    int loweringDepth;

    private Checker(TranslationUnit unit, CheckOptions options, List<Diagnostic> warnings) {
        this.unit = unit;
        this.options = options;
        this.warnings = warnings;
        this.types = new TypeResolver(this);
    }

    /** Checks a translation unit; throws {@link CompileException} with every error found. */
    public static KModule check(TranslationUnit unit, CheckOptions options, List<Diagnostic> warnings) {
        return new Checker(unit, options, warnings).run();
    }

    private KModule run() {
        for (Decl d : unit.declarations()) {
            guard(() -> declare(d));
        }
        for (List<FunctionEntry> overloads : functions.values()) {
            for (FunctionEntry e : overloads) {
                if (!e.isTemplate() && e.decl.body() != null) {
                    guard(() -> instance(e, TemplateEnv.EMPTY, e.decl.pos()));
                }
            }
        }
        for (String request : options.instantiations()) {
            guard(() -> instantiateRequest(request));
        }
        while (!pendingBodies.isEmpty()) {
            guard(pendingBodies.poll());
        }
        if (!errors.isEmpty()) {
            List<Diagnostic> all = new ArrayList<>(errors);
            all.addAll(warnings);
            throw new CompileException(all);
        }
        return new KModule(unit.file().name(), List.copyOf(lowered), List.copyOf(globals), types.structs());
    }

    /** Runs a step, recording its errors so that checking continues with the next function. */
    private void guard(Runnable step) {
        try {
            step.run();
        } catch (CompileLimitException e) {
            throw e; // a limit ends the compile; the errors found so far would only hide it
        } catch (CompileException e) {
            for (Diagnostic d : e.diagnostics()) {
                if (!errors.contains(d)) {
                    errors.add(d);
                }
            }
            if (errors.size() >= MAX_ERRORS) {
                throw new CompileException(errors);
            }
        }
    }

    boolean hasErrors() {
        return !errors.isEmpty();
    }

    // ------------------------------------------------------------------ declarations

    private void declare(Decl d) {
        if (d instanceof Decl.Typedef t) {
            types.defineTypedef(t.name(), types.resolve(t.type(), TemplateEnv.EMPTY));
        } else if (d instanceof Decl.TypeDefinition t) {
            types.resolve(t.type(), TemplateEnv.EMPTY);
        } else if (d instanceof Decl.StructTemplate t) {
            types.defineStructTemplate(t);
        } else if (d instanceof Decl.NamespaceAlias a) {
            namespaceAliases.put(a.alias(), a.target());
        } else if (d instanceof Decl.HostFunction h) {
            hostFunctions.add(h.name());
        } else if (d instanceof Decl.Variable v) {
            declareGlobal(v);
        } else if (d instanceof Decl.Function f) {
            declareFunction(f);
        }
    }

    private void declareFunction(Decl.Function f) {
        if (f.isKernel() && f.specifiers().contains(Decl.FunctionSpecifier.DEVICE)) {
            throw CompileException.at(f.pos(), "a function cannot be both __global__ and __device__");
        }
        if (f.isKernel() && f.specifiers().contains(Decl.FunctionSpecifier.HOST)) {
            throw CompileException.at(f.pos(), "a __global__ function cannot also be __host__");
        }
        String name = simpleName(f.name());
        List<FunctionEntry> overloads = functions.computeIfAbsent(name, k -> new ArrayList<>());
        for (FunctionEntry e : overloads) {
            if (sameParameterSyntax(e.decl, f)) {
                if (e.decl.body() != null && f.body() != null) {
                    throw CompileException.at(f.pos(), "redefinition of '" + name + "'");
                }
                if (f.body() != null) {
                    e.decl = f;
                }
                return;
            }
        }
        overloads.add(new FunctionEntry(f));
    }

    private boolean sameParameterSyntax(Decl.Function a, Decl.Function b) {
        if (a.params().size() != b.params().size() || a.templateParams().size() != b.templateParams().size()) {
            return false;
        }
        if (!a.templateParams().isEmpty()) {
            return true;
        }
        for (int i = 0; i < a.params().size(); i++) {
            CType x = types.resolveParam(a.params().get(i).type(), TemplateEnv.EMPTY);
            CType y = types.resolveParam(b.params().get(i).type(), TemplateEnv.EMPTY);
            if (!io.cudawasm.kernels.types.TypeRules.sameType(x, y)) {
                return false;
            }
        }
        return true;
    }

    static String simpleName(String name) {
        return name.contains("::") ? name.substring(name.lastIndexOf("::") + 2) : name;
    }

    private void declareGlobal(Decl.Variable v) {
        String name = simpleName(v.name());
        if (fileSymbols.containsKey(name) && !v.isExtern()) {
            throw CompileException.at(v.pos(), "redefinition of '" + name + "'");
        }
        CType type = types.resolve(v.type(), TemplateEnv.EMPTY);
        boolean isConst = TypeSyntax.isConst(v.type());
        AddressSpace space = switch (v.space()) {
            case CONSTANT -> AddressSpace.CONSTANT;
            case DEVICE, MANAGED -> AddressSpace.GLOBAL;
            case SHARED -> AddressSpace.SHARED;
            case AUTO -> null;
        };
        if (space == null) {
            // a plain file-scope constant is usable in device code; other host variables are not
            if (isConst && v.init() != null && type instanceof ScalarType st) {
                KExpr value = constantInitializer(v, st);
                fileSymbols.put(name, new Symbol.Constant(value));
                return;
            }
            if (isConst && v.init() != null && type instanceof ArrayType) {
                space = AddressSpace.CONSTANT;
            } else {
                hostVariables.add(name);
                return;
            }
        }
        if (type instanceof VoidType) {
            throw CompileException.at(v.pos(), "variable '" + name + "' has incomplete type 'void'");
        }
        if (space == AddressSpace.SHARED) {
            if (v.init() != null) {
                throw CompileException.at(v.pos(), "initializer not allowed for __shared__ variable '" + name + "'");
            }
            boolean externShared = v.isExtern();
            if (type instanceof ArrayType a && a.isIncomplete() && !externShared) {
                throw CompileException.at(v.pos(), "__shared__ array '" + name + "' needs a size (or 'extern')");
            }
            budget.countSharedMemory(type.size(), v.pos(), name);
            KGlobal g = new KGlobal(uniqueName(name), type, space, null, externShared, v.pos());
            globals.add(g);
            fileSymbols.put(name, new Symbol.Global(g, false));
            return;
        }
        if (type instanceof ArrayType a && a.isIncomplete()) {
            if (v.init() instanceof Initializer.Braced b) {
                type = new ArrayType(a.element(), b.elements().size());
            } else {
                throw CompileException.at(v.pos(), "array '" + name + "' needs a size");
            }
        }
        if (type instanceof StructType s && !s.isComplete()) {
            throw CompileException.at(v.pos(), "variable '" + name + "' has incomplete type '" + s.display() + "'");
        }
        budget.countStaticData(type.size(), v.pos(), name); // before the initializer's bytes exist
        if (v.init() != null) {
            budget.countInitialData(type.size(), v.pos(), name);
        }
        byte[] init = v.init() == null ? null
                : new InitializerEncoder(this, name).encode(v.init(), type);
        KGlobal g = new KGlobal(uniqueName(name), type, space, init, false, v.pos());
        globals.add(g);
        fileSymbols.put(name, new Symbol.Global(g, isConst));
    }

    private KExpr constantInitializer(Decl.Variable v, ScalarType type) {
        if (!(v.init() instanceof Initializer.Single single)) {
            throw CompileException.at(v.pos(), "scalar '" + v.name() + "' initialized with a braced list");
        }
        KExpr value = constantContext().exprs.convert(constantContext().exprs.rvalue(single.value()), type,
                single.value().pos(), false);
        if (!ConstantFolder.isConst(value)) {
            throw CompileException.at(single.value().pos(), "initializer of '" + v.name() + "' is not a constant expression");
        }
        return value;
    }

    /** A lowering context outside any function, for constant expressions at file scope. */
    FunctionContext constantContext() {
        return new FunctionContext(this, null, TemplateEnv.EMPTY);
    }

    /** Registers a shared variable declared inside a function body. */
    KGlobal addSharedGlobal(String name, CType type, boolean externShared, SourcePos pos) {
        budget.countSharedMemory(type.size(), pos, name);
        KGlobal g = new KGlobal(uniqueName(name), type, AddressSpace.SHARED, null, externShared, pos);
        globals.add(g);
        return g;
    }

    String uniqueName(String base) {
        String clean = NON_IDENTIFIER.matcher(base).replaceAll("_");
        String n = clean;
        int i = 1;
        while (!usedNames.add(n)) {
            n = clean + "_" + i++;
        }
        return n;
    }

    // ------------------------------------------------------------------ functions

    /** The lowered function for an entry and template bindings, creating and queueing it if new. */
    KFunction instance(FunctionEntry entry, TemplateEnv env, SourcePos usePos) {
        Decl.Function decl = entry.decl;
        String key = describeEnv(decl, env);
        KFunction existing = entry.instances.get(key);
        if (existing != null) {
            return existing;
        }
        String sourceName = simpleName(decl.name()) + (decl.templateParams().isEmpty() ? "" : key);
        int depth = decl.templateParams().isEmpty() ? 0 : loweringDepth + 1;
        if (depth > 0) {
            budget.countInstantiation(depth, usePos, sourceName);
        }
        CType ret = types.resolve(decl.returnType(), env);
        if (decl.isKernel() && !(ret instanceof VoidType)) {
            throw CompileException.at(decl.pos(), "a __global__ function must have a void return type");
        }
        if (ret instanceof ArrayType) {
            throw CompileException.at(decl.pos(), "function '" + sourceName + "' cannot return an array");
        }
        List<KLocal> params = new ArrayList<>();
        List<CType> paramTypes = new ArrayList<>();
        List<Boolean> byRef = new ArrayList<>();
        int id = 0;
        for (Decl.Param p : decl.params()) {
            boolean ref = TypeSyntax.unqualified(p.type()) instanceof TypeSyntax.Reference;
            CType t = types.resolveParam(p.type(), env);
            if (t instanceof VoidType) {
                throw CompileException.at(p.pos(), "parameter '" + p.name() + "' has type void");
            }
            if (decl.isKernel() && ref) {
                throw CompileException.at(p.pos(), "a __global__ function cannot have a reference parameter");
            }
            if (t instanceof StructType s && !s.isComplete()) {
                throw CompileException.at(p.pos(), "parameter '" + p.name() + "' has incomplete type '" + s.display() + "'");
            }
            CType localType = ref ? new PointerType(t) : t;
            if (decl.isKernel() && localType instanceof PointerType pt) {
                localType = pt.withSpace(AddressSpace.GLOBAL);
            }
            params.add(new KLocal(id++, p.name(), localType, true, p.pos()));
            paramTypes.add(t);
            byRef.add(ref);
        }
        String emitted = uniqueName(simpleName(decl.name()) + (decl.templateParams().isEmpty() ? ""
                : TRAILING_UNDERSCORES.matcher("_" + NON_ALPHANUMERIC_RUNS.matcher(key).replaceAll("_")).replaceAll("")));
        KFunction fn = new KFunction(emitted, sourceName, decl.isKernel(), ret, params, decl.pos());
        entry.instances.put(key, fn);
        signatures.put(fn, new Signature(paramTypes, byRef));
        if (decl.body() == null) {
            throw CompileException.at(usePos, "device function '" + sourceName + "' is declared but never defined");
        }
        pendingBodies.add(() -> {
            loweringDepth = depth;
            lowered.add(fn);
            FunctionContext ctx = new FunctionContext(this, fn, env);
            new StatementLowering(ctx).lowerBody(decl, params);
        });
        return fn;
    }

    private static String describeEnv(Decl.Function decl, TemplateEnv env) {
        if (decl.templateParams().isEmpty()) {
            return "";
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (Decl.TemplateParam tp : decl.templateParams()) {
            ordered.put(tp.name(), tp.isType() ? env.types().get(tp.name()) : env.values().get(tp.name()));
        }
        return TemplateEnv.describe(ordered);
    }

    /** Instantiates a template kernel named by a launch, e.g. {@code reduce<float, 256>}. */
    private void instantiateRequest(String request) {
        SourceFile file = new SourceFile("<instantiation>", request);
        List<Token> toks = Lexer.tokenize(file);
        if (toks.isEmpty() || !toks.get(0).isIdent()) {
            throw CompileException.at(file.pos(0), "invalid template instantiation '" + request + "'");
        }
        String name = toks.get(0).text();
        List<FunctionEntry> overloads = functions.get(name);
        if (overloads == null) {
            throw CompileException.at(file.pos(0), "no kernel template named '" + name + "'");
        }
        FunctionEntry entry = overloads.stream().filter(e -> e.isTemplate() && e.decl.isKernel()).findFirst()
                .orElseThrow(() -> CompileException.at(file.pos(0), "'" + name + "' is not a kernel template"));
        List<TypeSyntax.TemplateArg> args = TemplateArgumentParser.parse(file, toks);
        TemplateEnv env = bindExplicit(entry.decl, args, file.pos(0), constantContext());
        instance(entry, env, file.pos(0));
    }

    /** Binds explicit template arguments (and defaults) to a template's parameters. */
    TemplateEnv bindExplicit(Decl.Function decl, List<TypeSyntax.TemplateArg> args, SourcePos pos,
            FunctionContext ctx) {
        Map<String, CType> tys = new LinkedHashMap<>();
        Map<String, KExpr> vals = new LinkedHashMap<>();
        List<Decl.TemplateParam> params = decl.templateParams();
        if (args.size() > params.size()) {
            throw CompileException.at(pos, "too many template arguments for '" + simpleName(decl.name()) + "'");
        }
        for (int i = 0; i < params.size(); i++) {
            Decl.TemplateParam tp = params.get(i);
            TypeSyntax.TemplateArg a = i < args.size() ? args.get(i) : tp.defaultArg();
            if (a == null) {
                break;
            }
            bindOne(tp, a, tys, vals, pos, ctx);
        }
        return new TemplateEnv(tys, vals);
    }

    void bindOne(Decl.TemplateParam tp, TypeSyntax.TemplateArg a, Map<String, CType> tys, Map<String, KExpr> vals,
            SourcePos pos, FunctionContext ctx) {
        if (tp.isType()) {
            if (!(a instanceof TypeSyntax.TypeArg ta)) {
                throw CompileException.at(pos, "template parameter '" + tp.name() + "' needs a type argument");
            }
            tys.put(tp.name(), types.resolve(ta.type(), ctx.env));
        } else {
            KExpr value;
            if (a instanceof TypeSyntax.ValueArg va) {
                value = ctx.exprs.rvalue(va.value());
            } else if (a instanceof TypeSyntax.TypeArg ta && ta.type() instanceof TypeSyntax.Named n) {
                value = ctx.exprs.rvalue(new io.cudawasm.kernels.ast.Expr.Ident(n.pos(), n.name(), List.of()));
            } else {
                throw CompileException.at(pos, "template parameter '" + tp.name() + "' needs a constant argument");
            }
            CType t = types.resolve(tp.valueType(), ctx.env);
            value = ctx.exprs.convert(value, t, pos, false);
            if (!ConstantFolder.isConst(value)) {
                throw CompileException.at(pos, "template argument for '" + tp.name() + "' is not a constant expression");
            }
            vals.put(tp.name(), value);
        }
    }
}
