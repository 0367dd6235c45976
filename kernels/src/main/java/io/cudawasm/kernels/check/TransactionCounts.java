package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;
import java.util.Set;

/**
 * The mbarrier transaction counts of a CUDA source that multicasts bulk copies to a cluster's
 * blocks ({@code cuda::ptx::cp_async_bulk(..., ctaMask)}), kept as the PTX front end keeps them for
 * a module that multicasts (ptx/ClusterBulkCopies): the high word of the mbarrier's 64 bits (0
 * after {@code mbarrier_init}) is the bytes completed minus the bytes expected. The cuda/ptx
 * wrappers call {@code __cw_tx_expect(bar, bytes)} ({@code mbarrier_arrive_expect_tx},
 * {@code mbarrier_expect_tx}), {@code __cw_tx_complete(bar, bytes)} (each bulk copy into the
 * mbarrier's block, the multicast once per block of its mask) and {@code __cw_tx_wait(bar)} (the
 * waits, after their block barrier: spin, an atomic load with the host's back-off, until the
 * balance is no longer negative), because a block may reach its wait before another block has
 * issued the copy it waits for. In a file without a multicast they are nothing, as before: a
 * block's own copies land at the issue.
 */
final class TransactionCounts {
    private static final Set<String> NAMES = Set.of("__cw_tx_expect", "__cw_tx_complete", "__cw_tx_wait");

    private final FunctionContext ctx;

    TransactionCounts(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return NAMES.contains(name);
    }

    Operand call(String name, List<Expr> args, SourcePos pos) {
        int arity = name.equals("__cw_tx_wait") ? 1 : 2;
        if (args.size() != arity) {
            throw CompileException.at(pos, "'" + name + "' takes " + arity + " arguments, " + args.size() + " given");
        }
        KExpr bar = ctx.exprs.toRValue(ctx.exprs.operand(args.get(0)), pos);
        if (!(bar.type() instanceof PointerType p)) {
            throw CompileException.at(pos, "'" + name + "' takes a pointer to the mbarrier");
        }
        KExpr bytes = arity == 2 ? new KExpr.Convert(ScalarType.INT, ctx.exprs.toRValue(ctx.exprs.operand(args.get(1)),
                pos)) : null;
        if (!ctx.checker.countsTransactions) {
            return new NoValue();
        }
        KExpr balance = ctx.let(balance(bar, p), pos);
        switch (name) {
            case "__cw_tx_expect" -> ctx.emit(new KStmt.Eval(new KExpr.Atomic(AtomicOp.SUB, balance, bytes, null,
                    ScalarType.INT, pos)));
            case "__cw_tx_complete" -> ctx.emit(new KStmt.Eval(new KExpr.Atomic(AtomicOp.ADD, balance, bytes, null,
                    ScalarType.INT, pos)));
            default -> {
                KLocal seen = ctx.newLocal("tx_balance", ScalarType.INT, pos);
                KExpr load = new KExpr.Atomic(AtomicOp.LOAD, balance, new KExpr.IntConst(ScalarType.INT, 0), null,
                        ScalarType.INT, pos);
                KStmt done = new KStmt.If(new KExpr.Binary(BinaryOp.GE, new KExpr.LocalGet(seen),
                        new KExpr.IntConst(ScalarType.INT, 0), ScalarType.BOOL), new KBlock(List.of(new KStmt.Break())),
                        KBlock.EMPTY);
                ctx.emit(new KStmt.Loop(false, new KExpr.IntConst(ScalarType.BOOL, 1),
                        new KBlock(List.of(new KStmt.Assign(seen, load), done)), KBlock.EMPTY));
            }
        }
        return new NoValue();
    }

    /** The balance word of the mbarrier at {@code bar}: its high 32 bits, in the same address space. */
    private static KExpr balance(KExpr bar, PointerType p) {
        PointerType bytes = new PointerType(ScalarType.UCHAR, p.space(), false, false);
        return new KExpr.Convert(new PointerType(ScalarType.INT, p.space(), false, false),
                new KExpr.PtrAdd(new KExpr.Convert(bytes, bar), new KExpr.IntConst(ScalarType.LONGLONG, 4)));
    }
}
