package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Decl;
import io.cudawasm.kernels.ast.Initializer;
import io.cudawasm.kernels.ast.TranslationUnit;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.abi.DeviceLaunchAbi;
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
        /** Explicit specializations of a template, by their arguments ({@code <int>}). */
        final Map<String, Decl.Function> specializations = new HashMap<>();

        /** The class of a member function (null for a free function), and how it was declared there. */
        final StructInfo owner;
        /** How it was declared in its class; replaced by its definition when it is defined outside the class. */
        TypeSyntax.Method method;

        FunctionEntry(Decl.Function decl) {
            this(decl, null, null);
        }

        FunctionEntry(Decl.Function decl, StructInfo owner, TypeSyntax.Method method) {
            this.decl = decl;
            this.owner = owner;
            this.method = method;
        }

        boolean isTemplate() {
            return !decl.templateParams().isEmpty();
        }

        /** A non-static member function: it takes the object's address first. */
        boolean hasThis() {
            return owner != null && !decl.specifiers().contains(Decl.FunctionSpecifier.STATIC);
        }

        boolean isConstMethod() {
            return method != null && method.isConst();
        }
    }

    /**
     * How each parameter of a lowered function is passed (not counting the object of a member
     * function, passed first); {@code returnsReference}: the function returns an address that the
     * caller sees as an lvalue.
     */
    record Signature(List<CType> paramTypes, List<Boolean> byReference, boolean returnsReference) {}

    /** Member functions, constructors and the rest of a class, by its struct type. */
    final Map<StructType, StructInfo> classes = new java.util.IdentityHashMap<>();

    /** Registers what a struct definition declares besides its data (nothing to do for a plain struct). */
    void registerStruct(StructType type, TypeSyntax.StructDef def, TemplateEnv env) {
        registerStruct(type, def, env, def.tag(), false);
    }

    /**
     * {@code className} is the name members defined outside the class name it by (a template's
     * name for its instances); {@code primaryInstance}: an instance of a class template's primary
     * definition (not of an explicit specialization), which its generic out-of-class members define.
     */
    void registerStruct(StructType type, TypeSyntax.StructDef def, TemplateEnv env, String className,
            boolean primaryInstance) {
        boolean plain = !def.hasMethods() && def.statics().isEmpty() && def.nested().isEmpty()
                && def.members().stream().noneMatch(m -> m.init() != null || ReferenceMembers.declaresReference(m))
                && !Inheritance.hasBases(type);
        if (plain) {
            return;
        }
        StructInfo info = new StructInfo(type, env);
        info.className = className;
        info.primaryInstance = primaryInstance;
        classes.put(type, info);
        for (TypeSyntax.Member m : def.members()) {
            if (m.init() != null) {
                info.defaultInits.put(m.name(), m.init());
            }
            if (ReferenceMembers.declaresReference(m)) {
                info.referenceFields.add(m.name());
            }
        }
        for (TypeSyntax.StaticMember sm : def.statics()) {
            info.statics.put(sm.name(), sm);
        }
        for (Decl d : def.nested()) {
            if (d instanceof Decl.Typedef t) {
                info.typedefs.put(t.name(), t.type());
            } else if (d instanceof Decl.TypeDefinition t) {
                types.resolve(t.type(), env);
            } else if (d instanceof Decl.Function f) {
                declareFunction(f); // a friend function defined in the class
            }
        }
        for (TypeSyntax.Method m : def.methods()) {
            Decl.Function f = m.function();
            boolean device = f.isDeviceCode();
            FunctionEntry entry = new FunctionEntry(f, info, m);
            switch (m.kind()) {
                case CONSTRUCTOR -> {
                    if (device) {
                        info.constructors.add(entry);
                    } else {
                        info.hostConstructor = true;
                    }
                }
                case CONVERSION -> info.conversions.add(entry);
                default -> info.methods.computeIfAbsent(f.name(), k -> new ArrayList<>()).add(entry);
            }
        }
        OutOfClassMembers.applyAll(this, info);
    }

    /** Members defined outside their classes, by class name (see {@link OutOfClassMembers}). */
    final Map<String, List<Decl>> outOfClass = new HashMap<>();

    private int lambdas;

    int nextLambda() {
        return lambdas++;
    }

    StructInfo classOf(CType t) {
        return t instanceof StructType s ? classes.get(s) : null;
    }

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
    final FunctionPointers functionPointers = new FunctionPointers(this);
    final VirtualCalls virtualCalls = new VirtualCalls(this);
    private final List<KFunction> lowered = new ArrayList<>();
    private final List<KGlobal> globals = new ArrayList<>();
    /** printf's buffer and formats, %s strings, the clock counter: made when device code uses them. */
    final io.cudawasm.kernels.devicelib.DeviceLibrary deviceLibrary;
    /**
     * Whether the file multicasts bulk copies to a cluster's blocks, and so keeps mbarrier
     * transaction counts ({@link TransactionCounts}).
     */
    final boolean countsTransactions;
    private io.cudawasm.kernels.ptx.HalfRuntime halfRuntime;

    /** The rounding core inline PTX's half-precision instructions call, compiled the first time one does. */
    io.cudawasm.kernels.ptx.HalfRuntime halfRuntime() {
        if (halfRuntime == null) {
            halfRuntime = new io.cudawasm.kernels.ptx.HalfRuntime();
        }
        return halfRuntime;
    }
    private final Set<String> usedNames = new HashSet<>();
    private final Deque<Runnable> pendingBodies = new ArrayDeque<>();
    private final List<Decl.ExplicitInstantiation> pendingInstantiations = new ArrayList<>();
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
        this.deviceLibrary = new io.cudawasm.kernels.devicelib.DeviceLibrary(options.deviceLimits());
        this.countsTransactions = unit.multicasts();
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
        for (Decl.ExplicitInstantiation i : pendingInstantiations) {
            guard(() -> instantiateExplicitly(i));
        }
        do {
            while (!pendingBodies.isEmpty()) {
                guard(pendingBodies.poll());
            }
            // functions whose address a body took are instantiated now, which may queue more bodies
            functionPointers.completionSteps().forEach(this::guard);
            virtualCalls.completionSteps().forEach(this::guard);
        } while (!pendingBodies.isEmpty());
        if (!errors.isEmpty()) {
            List<Diagnostic> all = new ArrayList<>(errors);
            all.addAll(warnings);
            throw new CompileException(all);
        }
        globals.addAll(deviceLibrary.globals());
        lowered.addAll(deviceLibrary.functions());
        if (halfRuntime != null) {
            lowered.addAll(halfRuntime.functions());
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
        if (d instanceof Decl.Typedef t && TypeSyntax.unqualified(t.type()) instanceof TypeSyntax.Function f) {
            types.defineFunctionTypedef(t.name(), f);
        } else if (d instanceof Decl.Typedef t) {
            CType target;
            try {
                target = types.resolve(t.type(), TemplateEnv.EMPTY);
            } catch (CompileException e) {
                if (e.first().message().contains("is host code")) {
                    return; // a typedef of host code: only host code uses it
                }
                throw e;
            }
            types.defineTypedef(t.name(), target);
        } else if (d instanceof Decl.TypeDefinition t) {
            types.resolve(t.type(), TemplateEnv.EMPTY);
        } else if (d instanceof Decl.StructTemplate t) {
            types.defineStructTemplate(t);
        } else if (d instanceof Decl.StructSpecialization sp) {
            types.defineStructSpecialization(sp);
        } else if (d instanceof Decl.NamespaceAlias a) {
            namespaceAliases.put(a.alias(), a.target());
        } else if (d instanceof Decl.HostFunction h) {
            hostFunctions.add(h.name());
        } else if (d instanceof Decl.HostVariable h) {
            hostVariables.add(h.name());
        } else if (d instanceof Decl.Variable v) {
            declareGlobal(v);
        } else if (d instanceof Decl.Function f && f.isSpecialization()) {
            declareSpecialization(f);
        } else if (d instanceof Decl.Function f) {
            declareFunction(f);
        } else if (d instanceof Decl.ExplicitInstantiation i) {
            pendingInstantiations.add(i);
        } else if (d instanceof Decl.MemberDefinition || d instanceof Decl.StaticDataDefinition) {
            OutOfClassMembers.declare(this, d);
        }
    }

    /** The function template an explicit specialization or instantiation names, with its arguments bound. */
    private record TemplateUse(FunctionEntry entry, TemplateEnv env) {}

    private TemplateUse templateFor(String written, List<TypeSyntax.TemplateArg> args, List<Decl.Param> params,
            SourcePos pos) {
        String name = simpleName(written);
        List<FunctionEntry> overloads = functions.getOrDefault(name, List.of());
        String reason = "no function template named '" + name + "'";
        for (FunctionEntry e : overloads) {
            if (!e.isTemplate() || e.decl.params().size() != params.size()) {
                continue;
            }
            try {
                FunctionContext ctx = constantContext();
                TemplateEnv env = TemplateDeduction.deduceFromTypes(ctx, e.decl, args, params, pos);
                return new TemplateUse(e, env);
            } catch (CompileException ex) {
                reason = ex.first().message();
            }
        }
        throw CompileException.at(pos, "'" + name + "' does not match a function template: " + reason);
    }

    private void declareSpecialization(Decl.Function f) {
        TemplateUse use = templateFor(f.name(), f.specializationArgs(), f.params(), f.pos());
        String key = describeEnv(use.entry().decl, use.env());
        if (use.entry().specializations.put(key, f) != null) {
            throw CompileException.at(f.pos(), "redefinition of '" + simpleName(f.name()) + key + "'");
        }
    }

    private void instantiateExplicitly(Decl.ExplicitInstantiation i) {
        if (i.params() == null) {
            launchedFromHost(i);
            return;
        }
        if (!functions.containsKey(simpleName(i.name())) && hostFunctions.contains(simpleName(i.name()))) {
            return; // an explicit instantiation of a host template ('template void reduce<int>(...);')
        }
        TemplateUse use = templateFor(i.name(), i.args(), i.params(), i.pos());
        instance(use.entry(), use.env(), i.pos());
    }

    /** A template kernel launched from host code: instantiated when the arguments written there are constants. */
    private void launchedFromHost(Decl.ExplicitInstantiation i) {
        List<FunctionEntry> overloads = functions.getOrDefault(simpleName(i.name()), List.of());
        for (FunctionEntry e : overloads) {
            if (!e.isTemplate() || !e.decl.isKernel() || e.decl.templateParams().size() < i.args().size()) {
                continue;
            }
            TemplateEnv env;
            try {
                env = bindExplicit(e.decl, i.args(), i.pos(), constantContext());
            } catch (CompileLimitException limit) {
                throw limit;
            } catch (CompileException notConstant) {
                continue; // k<T><<<...>>> in a host template: the instantiation requests name those
            }
            if (env.types().size() + env.values().size() == e.decl.templateParams().size()) {
                instance(e, env, i.pos());
                return;
            }
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
                    e.decl = withDefaultsOf(e.decl, f);
                } else {
                    e.decl = withDefaultsOf(f, e.decl);
                }
                return;
            }
        }
        overloads.add(new FunctionEntry(f));
    }

    /** {@code f} with the default arguments {@code other} (another declaration of it) gives and it does not. */
    private static Decl.Function withDefaultsOf(Decl.Function other, Decl.Function f) {
        List<Decl.Param> params = new ArrayList<>();
        boolean changed = false;
        for (int i = 0; i < f.params().size(); i++) {
            Decl.Param p = f.params().get(i);
            Decl.Param o = other.params().get(i);
            if (p.defaultValue() == null && o.defaultValue() != null) {
                p = new Decl.Param(p.pos(), p.name(), p.type(), o.defaultValue());
                changed = true;
            }
            params.add(p);
        }
        return changed ? new Decl.Function(f.pos(), f.name(), f.specifiers(), f.returnType(), params, f.body(),
                f.templateParams(), f.specializationArgs(), f.clusterDims()) : f;
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
        CType type;
        try {
            type = types.resolve(v.type(), TemplateEnv.EMPTY);
        } catch (CompileException e) {
            if (v.space() == Decl.MemorySpace.AUTO && e.first().message().contains("is host code")) {
                hostVariables.add(name); // 'CUTBarrier thread_barrier;': host data of a host class
                return;
            }
            throw e;
        }
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
            KGlobal g = new KGlobal(uniqueName(name), type, space, null, externShared, v.pos(), v.align());
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
        KGlobal g = new KGlobal(uniqueName(name), type, space, init, false, v.pos(), v.align());
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

    private KGlobal cooperativeLaunch;

    /**
     * The hidden {@code __device__} flag that {@code this_grid().is_valid()} reads: the CPU path sets
     * it for each launch (1 in a cooperative one); elsewhere it stays 0, as those back ends never
     * launch cooperatively.
     */
    KGlobal cooperativeLaunchFlag(SourcePos pos) {
        if (cooperativeLaunch == null) {
            cooperativeLaunch = new KGlobal(io.cudawasm.kernels.abi.KernelAbi.COOPERATIVE_SYMBOL, ScalarType.UINT,
                    AddressSpace.GLOBAL, null, false, pos);
            globals.add(cooperativeLaunch);
        }
        return cooperativeLaunch;
    }

    private KGlobal launchQueue;

    /**
     * The {@code __device__} pointer to the dynamic-parallelism launch queue, made on the first
     * launch from device code (the runtime looks for it by name: {@link DeviceLaunchAbi#QUEUE_SYMBOL}).
     */
    KGlobal launchQueue(SourcePos pos) {
        if (launchQueue == null) {
            CType type = new PointerType(ScalarType.UCHAR, AddressSpace.GLOBAL, false, false);
            budget.countStaticData(type.size(), pos, DeviceLaunchAbi.QUEUE_SYMBOL);
            launchQueue = new KGlobal(DeviceLaunchAbi.QUEUE_SYMBOL, type, AddressSpace.GLOBAL, null, false, pos);
            globals.add(launchQueue);
        }
        return launchQueue;
    }

    /** Registers a shared variable declared inside a function body. */
    KGlobal addSharedGlobal(String name, CType type, boolean externShared, SourcePos pos) {
        return addSharedGlobal(name, type, externShared, pos, 0);
    }

    /** Registers a shared variable declared inside a function body with its {@code __align__} (0: none). */
    KGlobal addSharedGlobal(String name, CType type, boolean externShared, SourcePos pos, int align) {
        budget.countSharedMemory(type.size(), pos, name);
        KGlobal g = new KGlobal(uniqueName(name), type, AddressSpace.SHARED, null, externShared, pos, align);
        globals.add(g);
        return g;
    }

    /** The shared variables declared in inline PTX, by asm statement and declaration. */
    private final Map<List<Object>, KGlobal> inlineAsmShared = new HashMap<>();

    /**
     * The shared variable of a {@code .shared} declaration (at {@code pos} in the template) of the
     * asm statement at {@code at}: one per statement, made the first time and counted against the
     * shared-memory budget, the same whenever the statement is lowered again (a body lowered first
     * to deduce its return type, a template's instantiations, unless an {@code "n"} operand changed
     * the type).
     */
    KGlobal inlineAsmShared(SourcePos at, String name, CType type, SourcePos pos) {
        List<Object> key = List.of(at, pos.line(), pos.column(), name, type);
        KGlobal made = inlineAsmShared.get(key);
        if (made == null) {
            made = addSharedGlobal(name, type, false, at);
            inlineAsmShared.put(key, made);
        }
        return made;
    }

    /**
     * The {@code __device__ extern "C"} function named {@code name} (one, not a template, not a
     * member), lowered if it was not yet, for a call in inline PTX; null when there is none.
     */
    KFunction externCFunction(String name, SourcePos usePos) {
        List<FunctionEntry> entries = functions.get(name);
        if (entries == null) {
            return null;
        }
        List<FunctionEntry> found = entries.stream().filter(e -> e.owner == null && !e.isTemplate()
                && e.decl.specifiers().contains(Decl.FunctionSpecifier.EXTERN_C) && !e.decl.isKernel()
                && e.decl.isDeviceCode()).toList();
        return found.size() == 1 ? instance(found.get(0), TemplateEnv.EMPTY, usePos) : null;
    }

    private final Map<String, KFunction> helpers = new HashMap<>();
    private KGlobal tileExchange;

    /** The shared slots the collectives of tiles of more than 32 threads exchange values through ({@link LargeTiles}). */
    KGlobal tileExchange(int slots, SourcePos pos) {
        if (tileExchange == null) {
            tileExchange = addSharedGlobal("cw_tile_exchange", LargeTiles.exchangeType(slots), false, pos);
        }
        return tileExchange;
    }

    /**
     * A device function the compiler writes itself (a coalesced group's rank-to-lane search),
     * made on first use and shared by the module's callers; {@code build} gets its unique name.
     */
    KFunction helper(String name, java.util.function.Function<String, KFunction> build) {
        KFunction fn = helpers.get(name);
        if (fn == null) {
            fn = build.apply(uniqueName(name));
            helpers.put(name, fn);
            lowered.add(fn);
        }
        return fn;
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
        return instance(entry, env, usePos, false);
    }

    /**
     * {@code signatureOnly}: for a virtual call, whose dispatcher takes the parameters of the
     * function named: a pure virtual one (no body) gets a function with its signature, neither
     * kept nor lowered (only its overriders are called).
     */
    KFunction instance(FunctionEntry entry, TemplateEnv env, SourcePos usePos, boolean signatureOnly) {
        String key = describeEnv(entry.decl, env);
        KFunction existing = entry.instances.get(key);
        if (existing != null) {
            return existing;
        }
        Decl.Function specialization = entry.specializations.get(key);
        Decl.Function decl = specialization != null ? specialization : entry.decl;
        boolean templated = entry.isTemplate();
        TemplateEnv bindings = entry.owner != null ? merge(entry.owner.env, env) : env;
        String owner = entry.owner != null ? entry.owner.type.name() + "::" : "";
        String sourceName = owner + memberDisplay(entry, decl) + (templated ? key : "");
        int depth = templated ? loweringDepth + 1 : 0;
        if (depth > 0) {
            budget.countInstantiation(depth, usePos, sourceName);
        }
        boolean pure = signatureOnly && decl.body() == null;
        if (decl.body() == null && !pure) {
            if (entry.owner != null && !decl.isDeviceCode()) {
                throw CompileException.at(usePos, "calling __host__ member function '" + sourceName + "' from device"
                        + " code is not allowed (declare it __device__ or __host__ __device__)");
            }
            throw CompileException.at(usePos, "device function '" + sourceName + "' is declared but never defined");
        }
        TypeSyntax retSyntax = TypeSyntax.unqualified(decl.returnType());
        boolean returnsReference = retSyntax instanceof TypeSyntax.Reference;
        CType ret;
        if (retSyntax instanceof TypeSyntax.Reference r) {
            CType referent = types.resolve(r.referent(), bindings);
            ret = new PointerType(referent, AddressSpace.GENERIC, TypeSyntax.isConst(r.referent()), false);
        } else if (retSyntax instanceof TypeSyntax.Named n && n.name().equals("auto")) {
            ret = null; // deduced from the body once the parameters are known
        } else {
            ret = types.resolve(decl.returnType(), bindings);
        }
        List<KLocal> params = new ArrayList<>();
        List<CType> paramTypes = new ArrayList<>();
        List<Boolean> byRef = new ArrayList<>();
        int id = 0;
        if (entry.hasThis()) {
            params.add(new KLocal(id++, "this", new PointerType(entry.owner.type, AddressSpace.GENERIC,
                    entry.isConstMethod(), false), true, decl.pos()));
        }
        for (Decl.Param p : decl.params()) {
            boolean ref = TypeSyntax.unqualified(p.type()) instanceof TypeSyntax.Reference;
            CType t = types.resolveParam(p.type(), bindings);
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
        if (ret == null) {
            ret = StatementLowering.deduceReturnType(this, entry, decl, bindings, params);
        }
        if (decl.isKernel() && !(ret instanceof VoidType)) {
            throw CompileException.at(decl.pos(), "a __global__ function must have a void return type");
        }
        if (ret instanceof ArrayType) {
            throw CompileException.at(decl.pos(), "function '" + sourceName + "' cannot return an array");
        }
        String base = entry.owner != null ? entry.owner.type.name() + "_" + memberDisplay(entry, decl) : simpleName(decl.name());
        String emitted = uniqueName(base + (!templated ? ""
                : TRAILING_UNDERSCORES.matcher("_" + NON_ALPHANUMERIC_RUNS.matcher(key).replaceAll("_")).replaceAll("")));
        KFunction fn = new KFunction(emitted, sourceName, decl.isKernel(), ret, params, decl.pos());
        if (decl.clusterDims() != null) {
            if (!decl.isKernel()) {
                throw CompileException.at(decl.pos(), "__cluster_dims__ applies to kernels (__global__ functions) only");
            }
            List<Integer> d = decl.clusterDims();
            fn.setClusterDims(new io.cudawasm.kernels.kir.ClusterDims(d.get(0), d.get(1), d.get(2)));
        }
        signatures.put(fn, new Signature(paramTypes, byRef, returnsReference));
        if (pure) {
            return fn;
        }
        entry.instances.put(key, fn);
        List<KLocal> declared = entry.hasThis() ? params.subList(1, params.size()) : params;
        pendingBodies.add(() -> {
            loweringDepth = depth;
            lowered.add(fn);
            FunctionContext ctx = new FunctionContext(this, fn, bindings);
            if (entry.owner != null) {
                ctx.enterClass(entry, entry.hasThis() ? params.get(0) : null);
            }
            new StatementLowering(ctx).lowerBody(decl, declared);
        });
        return fn;
    }

    /** How a member function is named in messages and symbols: "operator+", "operator float*", "Vec" for a constructor. */
    private static String memberDisplay(FunctionEntry entry, Decl.Function decl) {
        String name = simpleName(decl.name());
        if (entry.method != null && entry.method.kind() == TypeSyntax.MethodKind.CONVERSION) {
            return "operator_cast";
        }
        return name;
    }

    /** The bindings of a class template instance with those of a member's own (a generic lambda's). */
    static TemplateEnv merge(TemplateEnv outer, TemplateEnv inner) {
        if (inner.isEmpty()) {
            return outer;
        }
        Map<String, CType> tys = new LinkedHashMap<>(outer.types());
        tys.putAll(inner.types());
        Map<String, KExpr> vals = new LinkedHashMap<>(outer.values());
        vals.putAll(inner.values());
        Set<String> consts = new HashSet<>(outer.constTypes());
        consts.addAll(inner.constTypes());
        return new TemplateEnv(tys, vals, consts);
    }

    /** The signature of an entry's instance (for a scratch function deducing a return type). */
    Signature signatureOf(FunctionEntry entry, TemplateEnv bindings) {
        List<CType> paramTypes = new ArrayList<>();
        List<Boolean> byRef = new ArrayList<>();
        for (Decl.Param p : entry.decl.params()) {
            paramTypes.add(types.resolveParam(p.type(), bindings));
            byRef.add(TypeSyntax.unqualified(p.type()) instanceof TypeSyntax.Reference);
        }
        return new Signature(paramTypes, byRef, false);
    }

    static String describeEnv(Decl.Function decl, TemplateEnv env) {
        if (decl.templateParams().isEmpty()) {
            return "";
        }
        Map<String, Object> ordered = new LinkedHashMap<>();
        for (Decl.TemplateParam tp : decl.templateParams()) {
            Object v = tp.isType() ? env.types().get(tp.name()) : env.values().get(tp.name());
            ordered.put(tp.name(), env.constTypes().contains(tp.name()) ? "const " + ((CType) v).display() : v);
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
