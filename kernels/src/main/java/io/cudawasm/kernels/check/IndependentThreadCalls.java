package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * The built-in headers' hooks for independent thread scheduling ({@link Intrinsic#INDEPENDENT_THREADS}):
 * {@code __cw_independent_threads()}, and the host-kept barrier objects {@code cuda::barrier} and
 * the partitioned {@code cuda::pipeline} use where threads really wait for each other:
 * {@code __cw_barrier_init(bar, count)}, {@code __cw_barrier_arrive(bar, n)} (the phase arrived at)
 * and {@code __cw_barrier_wait(bar, phase)}.
 */
final class IndependentThreadCalls {
    private static final java.util.Set<String> NAMES = java.util.Set.of("__cw_independent_threads", "__cw_barrier_init",
            "__cw_barrier_arrive", "__cw_barrier_wait");

    private final FunctionContext ctx;

    IndependentThreadCalls(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    Operand call(String name, List<Expr> args, SourcePos pos) {
        if (name.equals("__cw_independent_threads")) {
            arity(name, args, 0, pos);
            return new Value(new KExpr.IntrinsicCall(Intrinsic.INDEPENDENT_THREADS, List.of(), ScalarType.BOOL));
        }
        arity(name, args, 2, pos);
        KExpr barrier = ctx.exprs.toRValue(ctx.exprs.operand(args.get(0)), pos);
        if (!(barrier.type() instanceof PointerType)) {
            throw CompileException.at(pos, "'" + name + "' takes a pointer to the barrier");
        }
        KExpr value = ctx.exprs.toRValue(ctx.exprs.operand(args.get(1)), pos);
        Intrinsic op = switch (name) {
            case "__cw_barrier_init" -> Intrinsic.THREAD_BARRIER_INIT;
            case "__cw_barrier_arrive" -> Intrinsic.THREAD_BARRIER_ARRIVE;
            default -> Intrinsic.THREAD_BARRIER_WAIT;
        };
        KExpr call = new KExpr.IntrinsicCall(op, List.of(barrier, new KExpr.Convert(ScalarType.UINT, value)),
                ScalarType.UINT);
        // the host call is made where it is written, once: its result (the phase) goes to a local
        return new Value(ctx.let(call, pos));
    }

    private static void arity(String name, List<Expr> args, int n, SourcePos pos) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " arguments, " + args.size() + " given");
        }
    }
}
