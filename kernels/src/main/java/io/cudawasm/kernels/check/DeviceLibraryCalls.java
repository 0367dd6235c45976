package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.devicelib.DeviceLibrary;
import io.cudawasm.kernels.devicelib.KirSink;
import io.cudawasm.kernels.devicelib.PrintfLowering;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/** The CUDA C front end's calls of the device library: {@code printf}, {@code clock()}, {@code __nanosleep}. */
final class DeviceLibraryCalls {
    private final FunctionContext ctx;

    DeviceLibraryCalls(FunctionContext ctx) {
        this.ctx = ctx;
    }

    private DeviceLibrary lib() {
        return ctx.checker.deviceLibrary;
    }

    private KirSink sink(SourcePos pos) {
        return new KirSink() {
            @Override
            public KLocal temp(String name, CType type) {
                return ctx.newLocal(name, type, pos);
            }

            @Override
            public void emit(KStmt statement) {
                ctx.emit(statement);
            }
        };
    }

    /** {@code cudaGraphSetConditional(handle, value)}: recorded for the job's result (DeviceLibrary). */
    Operand graphConditional(List<Expr> args, SourcePos pos) {
        if (args.size() != 2) {
            throw CompileException.at(pos, "cudaGraphSetConditional takes 2 arguments (handle, value), " + args.size()
                    + " given");
        }
        KExpr handle = ctx.exprs.convert(ctx.exprs.rvalue(args.get(0)), ScalarType.ULONGLONG, args.get(0).pos(), false);
        KExpr value = ctx.exprs.convert(ctx.exprs.rvalue(args.get(1)), ScalarType.UINT, args.get(1).pos(), false);
        lib().setGraphConditional(sink(pos), handle, value, pos);
        return new NoValue();
    }

    /** {@code printf("format", args...)}: the format must be a string literal; {@code %s} takes literals and {@code char*}. */
    KExpr printf(List<Expr> args, SourcePos pos) {
        if (args.isEmpty() || !(args.get(0) instanceof Expr.StringLit format)) {
            throw CompileException.at(args.isEmpty() ? pos : args.get(0).pos(),
                    "device printf needs a string literal as its format");
        }
        PrintfLowering.parse(format.value(), format.pos()); // format errors point at the format
        List<KExpr> values = new ArrayList<>();
        for (Expr a : args.subList(1, args.size())) {
            if (a instanceof Expr.StringLit s) {
                values.add(DeviceLibrary.stringAddress(lib().stringConstant(s.value())));
            } else {
                values.add(ctx.exprs.rvalue(a));
            }
        }
        return PrintfLowering.lower(lib(), format.value(), values, pos, sink(pos));
    }

    /** {@code malloc(bytes)} (null when the heap is full) and {@code free(pointer)} on the module's device heap. */
    Operand heap(String name, List<Expr> args, SourcePos pos) {
        if (args.size() != 1) {
            throw CompileException.at(pos, "'" + name + "' takes 1 argument, " + args.size() + " given");
        }
        KExpr v = ctx.exprs.rvalue(args.get(0));
        if (name.equals("malloc")) {
            if (!v.type().isInteger()) {
                throw CompileException.at(args.get(0).pos(), "malloc needs a size, not '" + v.type().display() + "'");
            }
            return new Value(malloc(v, pos));
        }
        if (!(v.type() instanceof io.cudawasm.kernels.types.PointerType)) {
            throw CompileException.at(args.get(0).pos(), "free needs a pointer, not '" + v.type().display() + "'");
        }
        lib().free(sink(pos), v, pos);
        return new NoValue();
    }

    /** A block of {@code bytes} from the module's heap (null when it is full). */
    KExpr malloc(KExpr bytes, SourcePos pos) {
        return lib().malloc(sink(pos), bytes, pos);
    }

    /**
     * {@code new}: {@code malloc} of the object's (or the array's) bytes, then, when that is not null,
     * the constructor (each element of an array gets the default one) or the initializer; placement
     * {@code new} constructs at the address given. A full heap gives null, as CUDA's device {@code new} does.
     */
    KExpr newExpression(Expr.New n) {
        SourcePos pos = n.pos();
        CType t = ctx.checker.types.resolve(n.type(), ctx);
        if (t instanceof io.cudawasm.kernels.types.VoidType || t.size() <= 0) {
            throw CompileException.at(pos, "'new' needs a complete object type, not '" + t.display() + "'");
        }
        if (n.count() != null && n.initialized() && !n.args().isEmpty()) {
            throw CompileException.at(pos, "'new T[n](...)' with initializers is not supported: initialize the elements");
        }
        PointerType typed = new PointerType(t);
        KExpr count = null;
        KExpr address;
        if (n.placement() != null) {
            KExpr where = ctx.exprs.rvalue(n.placement());
            if (!(where.type() instanceof PointerType)) {
                throw CompileException.at(n.placement().pos(), "placement 'new' needs an address, not '"
                        + where.type().display() + "'");
            }
            address = where;
            if (n.count() != null) {
                count = ctx.let(ctx.exprs.convert(ctx.exprs.rvalue(n.count()), ScalarType.ULONGLONG, pos, false), pos);
            }
        } else {
            KExpr bytes = new KExpr.IntConst(ScalarType.ULONGLONG, t.size());
            if (n.count() != null) {
                KExpr c = ctx.exprs.rvalue(n.count());
                if (!c.type().isInteger()) {
                    throw CompileException.at(n.count().pos(), "the element count of 'new' must be an integer");
                }
                count = ctx.let(ctx.exprs.convert(c, ScalarType.ULONGLONG, pos, false), pos);
                bytes = new KExpr.Binary(KExpr.BinaryOp.MUL, count, bytes, ScalarType.ULONGLONG);
            }
            address = lib().malloc(sink(pos), bytes, pos);
        }
        KLocal p = ctx.newLocal("created", typed, pos);
        ctx.emit(new KStmt.Assign(p, new KExpr.Convert(typed, address)));
        StructInfo info = ctx.checker.classOf(t);
        boolean construct = info != null && (info.needsConstruction() || info.hostConstructor);
        if (!construct && !n.initialized()) {
            return new KExpr.LocalGet(p); // new int, new int[n], new S[n] of a plain struct: left uninitialized
        }
        KExpr countValue = count;
        KBlock init = ctx.out.capture(() -> {
            if (countValue == null) {
                initialize(new LValue.OfMemory(new KExpr.LocalGet(p), t, false), t, info, construct, n.args(), pos);
                return;
            }
            KLocal i = ctx.newLocal("element", ScalarType.ULONGLONG, pos);
            ctx.emit(new KStmt.Assign(i, new KExpr.IntConst(ScalarType.ULONGLONG, 0)));
            KBlock body = ctx.out.capture(() -> initialize(new LValue.OfMemory(new KExpr.PtrAdd(new KExpr.LocalGet(p),
                    new KExpr.LocalGet(i)), t, false), t, info, construct, List.of(), pos));
            KBlock step = new KBlock(List.of(new KStmt.Assign(i, new KExpr.Binary(KExpr.BinaryOp.ADD, new KExpr.LocalGet(i),
                    new KExpr.IntConst(ScalarType.ULONGLONG, 1), ScalarType.ULONGLONG))));
            ctx.emit(new KStmt.Loop(false, new KExpr.Binary(KExpr.BinaryOp.LT, new KExpr.LocalGet(i), countValue,
                    ScalarType.BOOL), body, step));
        });
        KExpr notNull = new KExpr.Binary(KExpr.BinaryOp.NE, new KExpr.Convert(ScalarType.ULONGLONG, new KExpr.LocalGet(p)),
                new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.BOOL);
        ctx.emit(new KStmt.If(notNull, init, KBlock.EMPTY));
        return new KExpr.LocalGet(p);
    }

    private void initialize(LValue target, CType t, StructInfo info, boolean construct, List<Expr> args, SourcePos pos) {
        if (construct || info != null) {
            ctx.objects.constructInto(target, info, ctx.exprs.arguments(args), ExpressionLowering.positions(args), true,
                    pos);
            return;
        }
        if (args.size() > 1) {
            throw CompileException.at(pos, "too many initializers for '" + t.display() + "'");
        }
        KExpr v = args.isEmpty() ? ctx.exprs.convert(new KExpr.IntConst(ScalarType.INT, 0), t, pos, false)
                : ctx.exprs.convert(ctx.exprs.rvalue(args.get(0)), t, pos, false);
        ctx.exprs.store(target, v);
    }

    /** {@code delete p} / {@code delete[] p}: {@code free} (no destructor runs: the front end skips destructors). */
    void delete(Expr.Delete d) {
        KExpr v = ctx.exprs.rvalue(d.operand());
        if (!(v.type() instanceof PointerType)) {
            throw CompileException.at(d.operand().pos(), "'delete' needs a pointer, not '" + v.type().display() + "'");
        }
        lib().free(sink(d.pos()), v, d.pos());
    }

    /** {@code clock()}, {@code clock64()} (a count that grows with every read) and {@code __nanosleep} (returns at once). */
    Operand timing(String name, List<Expr> args, SourcePos pos) {
        int want = name.equals("__nanosleep") ? 1 : 0;
        if (args.size() != want) {
            throw CompileException.at(pos, "'" + name + "' takes " + want + " argument" + (want == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
        if (name.equals("__nanosleep")) {
            ctx.exprs.rvalue(args.get(0)); // evaluated for its side effects; the thread does not wait
            return new NoValue();
        }
        KExpr count = lib().readClock(sink(pos));
        return new Value(new KExpr.Convert(name.equals("clock") ? ScalarType.LONG : ScalarType.LONGLONG, count));
    }
}
