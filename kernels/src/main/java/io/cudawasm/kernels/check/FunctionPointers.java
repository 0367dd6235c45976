package io.cudawasm.kernels.check;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.FunctionSignature;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import io.cudawasm.kernels.types.VoidType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Device function pointers without code addresses. Every function whose address is taken gets a
 * small index (1, 2, ...; 0 is null), which is the pointer's value: an 8-byte integer to every
 * back end, typed by its {@link FunctionSignature} for the checker only. A call through a
 * pointer calls a dispatcher made for that call site, which compares the pointer with the
 * address-taken functions of exactly the pointer's signature in turn (an if-chain rather than a
 * switch: a 64-bit switch is such a chain in WebAssembly too, and the CPU path allows barriers
 * in a function called this way only outside switches) and traps when none matches: a null pointer, one of
 * another signature (after a cast) or any other integer can only stop the kernel with
 * {@link KernelAbi#TRAP_BAD_FUNCTION_POINTER}, never run other code. The chains are filled
 * once every body is lowered ({@link #completionSteps}), since a body lowered later may still take an
 * address.
 */
final class FunctionPointers {
    private final Checker checker;

    /** A function whose address was taken; {@code fn} once instantiated. */
    private static final class Target {
        final long index;
        final Checker.FunctionEntry entry;
        final TemplateEnv env;
        final FunctionSignature signature;
        final SourcePos pos;
        KFunction fn;

        Target(long index, Checker.FunctionEntry entry, TemplateEnv env, FunctionSignature signature, SourcePos pos) {
            this.index = index;
            this.entry = entry;
            this.env = env;
            this.signature = signature;
            this.pos = pos;
        }
    }

    private record Dispatcher(KFunction fn, FunctionSignature signature, SourcePos pos) {}

    private final Map<Checker.FunctionEntry, Map<String, Target>> byEntry = new IdentityHashMap<>();
    private final List<Target> targets = new ArrayList<>();
    private final List<Dispatcher> dispatchers = new ArrayList<>();
    private final Map<FunctionSignature, Integer> signatureNumbers = new HashMap<>();

    FunctionPointers(Checker checker) {
        this.checker = checker;
    }

    static CompileException error(SourcePos pos, String message) {
        return CompileException.at(pos, message);
    }

    /**
     * The value of a function's name used as a value ({@code add}, {@code &add}, {@code &twice<int>}):
     * its index, typed as a pointer to its signature.
     */
    KExpr designator(FunctionContext ctx, String name, List<TypeSyntax.TemplateArg> templateArgs, SourcePos pos) {
        List<Checker.FunctionEntry> overloads = checker.functions.getOrDefault(name, List.of());
        List<Checker.FunctionEntry> candidates = new ArrayList<>();
        for (Checker.FunctionEntry e : overloads) {
            if (e.isTemplate() == !templateArgs.isEmpty()) {
                candidates.add(e);
            }
        }
        if (candidates.isEmpty()) {
            throw error(pos, templateArgs.isEmpty()
                    ? "'" + name + "' is a function template: name its template arguments to take its address ('"
                            + name + "<int>')"
                    : "'" + name + "' is not a function template");
        }
        if (candidates.size() > 1) {
            throw error(pos, "taking the address of overloaded function '" + name + "' is not supported (" + candidates.size()
                    + " overloads): give the overloads different names");
        }
        Checker.FunctionEntry entry = candidates.get(0);
        TemplateEnv env = TemplateEnv.EMPTY;
        if (entry.isTemplate()) {
            env = checker.bindExplicit(entry.decl, templateArgs, pos, ctx);
            if (env.types().size() + env.values().size() != entry.decl.templateParams().size()) {
                throw error(pos, "taking the address of '" + name + "' needs all its template arguments");
            }
        }
        return address(entry, env, pos);
    }

    /** The pointer value of a function (an instance of a template when {@code env} binds its parameters). */
    KExpr address(Checker.FunctionEntry entry, TemplateEnv env, SourcePos pos) {
        String name = Checker.simpleName(entry.decl.name());
        if (entry.decl.isKernel()) {
            throw error(pos, "taking the address of __global__ function '" + name + "' is not supported (a kernel "
                    + "cannot be launched from device code)");
        }
        if (!entry.decl.isDeviceCode()) {
            throw error(pos, "taking the address of __host__ function '" + name + "' in device code");
        }
        if (entry.hasThis()) {
            throw error(pos, "pointers to non-static member functions are not supported ('" + name + "')");
        }
        String key = Checker.describeEnv(entry.decl, env);
        Map<String, Target> instances = byEntry.computeIfAbsent(entry, e -> new HashMap<>());
        Target t = instances.get(key);
        if (t == null) {
            t = new Target(targets.size() + 1, entry, env, signatureOf(entry, env, pos), pos);
            instances.put(key, t);
            targets.add(t);
        }
        return new KExpr.IntConst(ScalarType.functionPointer(t.signature), t.index);
    }

    private FunctionSignature signatureOf(Checker.FunctionEntry entry, TemplateEnv env, SourcePos pos) {
        TemplateEnv bindings = entry.owner != null ? Checker.merge(entry.owner.env, env) : env;
        TypeSyntax ret = TypeSyntax.unqualified(entry.decl.returnType());
        if (ret instanceof TypeSyntax.Named n && n.name().equals("auto")) {
            // the return type is the body's: instantiate it now (its body is lowered later)
            KFunction fn = checker.instance(entry, env, pos);
            FunctionSignature declared = checker.types.signature(new TypeSyntax.Function(entry.decl.pos(),
                    new TypeSyntax.Builtin(entry.decl.pos(), null), entry.decl.params()), context(entry, bindings));
            return new FunctionSignature(fn.returnType(), false, declared.params());
        }
        return checker.types.signature(new TypeSyntax.Function(entry.decl.pos(), entry.decl.returnType(),
                entry.decl.params()), context(entry, bindings));
    }

    private FunctionContext context(Checker.FunctionEntry entry, TemplateEnv bindings) {
        FunctionContext ctx = new FunctionContext(checker, null, bindings);
        if (entry.owner != null) {
            ctx.enterClass(entry, null);
        }
        return ctx;
    }

    /**
     * {@code f(args)} where {@code f} is a function pointer: the arguments are converted to the
     * signature's parameters as for a direct call, then the call site's dispatcher is called with
     * the pointer first.
     */
    Operand call(FunctionContext ctx, KExpr pointer, List<Operand> args, List<SourcePos> positions, SourcePos pos) {
        FunctionSignature sig = ((ScalarType) pointer.type()).function();
        if (args.size() != sig.params().size()) {
            throw error(pos, (args.size() < sig.params().size() ? "too few" : "too many") + " arguments in a call "
                    + "through a function pointer of type '" + sig.display() + "' (" + sig.params().size()
                    + " expected, " + args.size() + " given)");
        }
        ExpressionLowering exprs = ctx.exprs;
        List<KExpr> values = new ArrayList<>();
        values.add(ctx.let(pointer, pos));
        for (int i = 0; i < args.size(); i++) {
            FunctionSignature.Parameter p = sig.params().get(i);
            SourcePos apos = positions.get(i);
            if (p.reference()) {
                values.add(exprs.referenceArgument(args.get(i), p.type(), p.constReference(), "parameter #" + (i + 1), apos));
                continue;
            }
            KExpr v = exprs.convert(exprs.toRValue(args.get(i), apos), p.type(), apos, false);
            if (p.type() instanceof StructType) {
                KLocal copy = ctx.temp(p.type(), apos); // by value: the callee gets its own copy
                ctx.emit(new KStmt.Assign(copy, v));
                v = new KExpr.LocalGet(copy);
            }
            values.add(v);
        }
        KFunction dispatcher = dispatcher(sig, pos);
        KExpr call = new KExpr.Call(dispatcher, values, dispatcher.returnType());
        if (sig.returnsReference()) {
            PointerType rt = (PointerType) dispatcher.returnType();
            KLocal t = ctx.temp(rt, pos);
            ctx.emit(new KStmt.Assign(t, call));
            return new Place(new LValue.OfMemory(new KExpr.LocalGet(t), rt.pointee(), rt.constPointee()));
        }
        return exprs.materialize(call, pos);
    }

    /** A dispatcher for one call site: {@code (index, params...)}, its chain filled by {@link #completionSteps}. */
    private KFunction dispatcher(FunctionSignature sig, SourcePos pos) {
        int number = signatureNumbers.computeIfAbsent(sig, s -> signatureNumbers.size());
        CType ret = sig.returnsReference() ? new PointerType(sig.returnType()) : sig.returnType();
        KFunction fn = checker.helper("cw_call_fnptr" + number + "_site" + dispatchers.size(), emitted -> {
            List<KLocal> params = new ArrayList<>();
            params.add(new KLocal(0, "target", ScalarType.ULONG, true, pos));
            for (int i = 0; i < sig.params().size(); i++) {
                FunctionSignature.Parameter p = sig.params().get(i);
                params.add(new KLocal(i + 1, "a" + i, p.reference()
                        ? new PointerType(p.type(), AddressSpace.GENERIC, p.constReference(), false) : p.type(), true, pos));
            }
            return new KFunction(emitted, "a call through '" + sig.display() + "'", false, ret, params, pos);
        });
        dispatchers.add(new Dispatcher(fn, sig, pos));
        return fn;
    }

    /**
     * Instantiates every function whose address was taken (queueing their bodies) and fills every
     * dispatcher with the functions of its signature; the checker calls it again while it
     * queued new bodies, which may take more addresses or call through more pointers.
     */
    List<Runnable> completionSteps() {
        List<Runnable> steps = new ArrayList<>();
        for (Target t : targets) {
            if (t.fn == null) {
                steps.add(() -> t.fn = checker.instance(t.entry, t.env, t.pos));
            }
        }
        for (Dispatcher d : dispatchers) {
            steps.add(() -> fill(d));
        }
        return steps;
    }

    private void fill(Dispatcher d) {
        KFunction fn = d.fn();
        List<KStmt> chain = new ArrayList<>();
        List<KExpr> args = new ArrayList<>();
        for (KLocal p : fn.params().subList(1, fn.params().size())) {
            args.add(new KExpr.LocalGet(p));
        }
        KLocal result = fn.returnType() instanceof VoidType ? null
                : !fn.locals().isEmpty() ? fn.locals().get(0) : fn.newLocal("result", fn.returnType(), d.pos());
        for (Target t : targets) {
            if (t.fn == null || !t.signature.sameAs(d.signature())) {
                continue;
            }
            KExpr call = new KExpr.Call(t.fn, args, t.fn.returnType());
            List<KStmt> body = result == null
                    ? List.of(new KStmt.Eval(call), new KStmt.Return(null))
                    : List.of(new KStmt.Assign(result, call), new KStmt.Return(new KExpr.LocalGet(result)));
            KExpr matches = new KExpr.Binary(KExpr.BinaryOp.EQ, new KExpr.LocalGet(fn.params().get(0)),
                    new KExpr.IntConst(ScalarType.ULONG, t.index), ScalarType.BOOL);
            chain.add(new KStmt.If(matches, new KBlock(body), KBlock.EMPTY));
        }
        chain.add(new KStmt.Trap("call through a function pointer that is null or not a '" + d.signature().display()
                + "'", d.pos(), KernelAbi.TRAP_BAD_FUNCTION_POINTER));
        fn.setBody(new KBlock(chain));
    }

    boolean isEmpty() {
        return targets.isEmpty() && dispatchers.isEmpty();
    }
}
