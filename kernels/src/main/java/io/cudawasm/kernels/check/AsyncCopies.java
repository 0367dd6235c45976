package io.cudawasm.kernels.check;

import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.Diagnostic;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * The run-time refusals of the asynchronous-copy headers (preprocess/AsyncCopyHeaders), placed at
 * the caller's line so that a stopped kernel names the user's statement, not the header's: a
 * {@code cuda::barrier} initialized with an expected count other than the block's thread count
 * (the header's {@code init} says whether the count is the block's), and a pipeline made with
 * producer and consumer roles, which also warns at compile time.
 */
final class AsyncCopies {
    private AsyncCopies() {}

    static final String PARTITIONED_PIPELINE = "a cuda::pipeline partitioned into producer and consumer roles"
            + " (cuda::pipeline_role) is not supported: its producers and consumers wait for each other stage by stage,"
            + " which a block run thread by thread between barriers cannot interleave; the kernel stops here if it runs"
            + " (give every thread both roles with make_pipeline(block, &state), or use a thread's own pipeline)";
    static final String SUBSET_BARRIER = "cuda::barrier: the expected count is not the block's thread count (a barrier"
            + " of part of a block is not supported: it runs as a block barrier)";

    /** The result of a call to {@code name}, after the checks that belong at its line. */
    static Operand afterCall(FunctionContext ctx, String name, List<Operand> args, Operand result, SourcePos pos) {
        if (name.equals("__cuda_make_pipeline") && args.size() == 3) {
            ctx.checker.warnings.add(Diagnostic.warning(pos, PARTITIONED_PIPELINE));
            ctx.emit(new KStmt.Trap(PARTITIONED_PIPELINE, pos));
            return result;
        }
        if (name.equals("init") && args.size() == 2 && isBarrierPointer(args.get(0)) && result instanceof Value v
                && v.type() == ScalarType.BOOL) {
            if (args.get(1) instanceof Value count && count.value() instanceof KExpr.IntConst c) {
                // known now; the block's size is not: say so where a GPU would have run it
                ctx.checker.warnings.add(Diagnostic.warning(pos, "cuda::barrier initialized for " + c.value()
                        + " threads: it runs as a block barrier here, so the kernel stops at this line unless the block"
                        + " has exactly " + c.value() + " threads"));
            }
            KExpr ok = ctx.let(v.value(), pos);
            ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, ok, ScalarType.BOOL),
                    new KBlock(List.of(new KStmt.Trap(SUBSET_BARRIER, pos))), KBlock.EMPTY));
            return new Value(ok);
        }
        return result;
    }

    private static boolean isBarrierPointer(Operand o) {
        return o.type() instanceof PointerType p && p.pointee() instanceof StructType s
                && s.name().startsWith("__cuda_barrier");
    }
}
