package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.devicelib.DeviceLibrary;
import io.cudawasm.kernels.devicelib.KirSink;
import io.cudawasm.kernels.devicelib.PrintfLowering;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
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
            return new Value(lib().malloc(sink(pos), v));
        }
        if (!(v.type() instanceof io.cudawasm.kernels.types.PointerType)) {
            throw CompileException.at(args.get(0).pos(), "free needs a pointer, not '" + v.type().display() + "'");
        }
        lib().free(sink(pos), v, pos);
        return new NoValue();
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
