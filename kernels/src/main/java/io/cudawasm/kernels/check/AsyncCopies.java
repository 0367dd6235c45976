package io.cudawasm.kernels.check;

import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
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
 * producer and consumer roles, which also warns at compile time; and, in a file that multicasts
 * bulk copies, the copies and cuda::barrier functions that would not keep its transaction counts.
 */
final class AsyncCopies {
    private AsyncCopies() {}

    /** The compile-time warning at a pipeline made with roles. */
    static final String PARTITIONED_PIPELINE_WARNING = "a cuda::pipeline partitioned into producer and consumer roles"
            + " (cuda::pipeline_role): its producers and consumers wait for each other stage by stage, so the CPU path"
            + " runs the kernel with independent threads (a host thread per CUDA thread: slower than the usual block"
            + " loops); OpenCL and CUDA C cannot run it and stop here";

    static final String MISALIGNED_BULK_COPY = "a bulk asynchronous copy (sm_90) needs 16-byte aligned addresses and a"
            + " size that is a multiple of 16";
    /** The header's bulk copies, which answer whether their addresses and size were aligned (and copied if so). */
    private static final java.util.Set<String> BULK_COPIES = java.util.Set.of("__cuda_device_memcpy_async_tx",
            "__cuda_device_cp_async_bulk_global_to_shared", "__cuda_device_cp_async_bulk_shared_to_global",
            "__cuda_ptx_cp_async_bulk");

    /**
     * The cuda::barrier functions that expect or complete transaction bytes without counting them
     * (and the mbarrier inside a cuda::barrier), refused in a file that counts them ({@link TransactionCounts}).
     */
    private static final java.util.Set<String> UNCOUNTED = java.util.Set.of("__cuda_device_memcpy_async_tx",
            "__cuda_device_barrier_arrive_tx", "__cuda_device_barrier_expect_tx",
            "__cuda_device_cp_async_bulk_global_to_shared", "__cuda_device_barrier_native_handle");

    /** The result of a call to {@code name}, after the checks that belong at its line. */
    static Operand afterCall(FunctionContext ctx, String name, List<Operand> args, Operand result, SourcePos pos) {
        if (ctx.checker.countsTransactions && (TensorCopies.isTensorCopy(name) || UNCOUNTED.contains(name))) {
            throw CompileException.at(pos, "'" + name.replaceFirst("^__cuda_(ptx|device)_", "") + "' in a file that"
                    + " multicasts bulk copies (cuda::ptx::cp_async_bulk with a ctaMask): there the mbarrier waits count"
                    + " transaction bytes, which only cuda::ptx's bulk copies and mbarrier functions keep; use those");
        }
        if (TensorCopies.isTensorCopy(name)) {
            return TensorCopies.afterCall(ctx, name, result, pos);
        }
        if (BULK_COPIES.contains(name) && result instanceof Value v && v.type() == ScalarType.BOOL) {
            KExpr ok = ctx.let(v.value(), pos);
            ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, ok, ScalarType.BOOL),
                    new KBlock(List.of(new KStmt.Trap(MISALIGNED_BULK_COPY, pos))), KBlock.EMPTY));
            return new Value(ok);
        }
        if (name.equals("__cuda_device_barrier_arrive_tx") && args.size() == 3 && args.get(1) instanceof Value count
                && count.value() instanceof KExpr.IntConst c && c.value() != 1) {
            throw CompileException.at(pos, "cuda::device::barrier_arrive_tx: an arrival that counts for " + c.value()
                    + " threads is not supported (a cuda::barrier runs as a block barrier: every thread arrives once)");
        }
        if (name.equals("__cuda_make_pipeline") && args.size() == 3) {
            ctx.checker.warnings.add(Diagnostic.warning(pos, PARTITIONED_PIPELINE_WARNING));
            ctx.fn.needIndependentThreads(pos);
            ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, new KExpr.IntrinsicCall(
                    io.cudawasm.kernels.kir.Intrinsic.INDEPENDENT_THREADS, List.of(), ScalarType.BOOL), ScalarType.BOOL),
                    new KBlock(List.of(new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.PARTITIONED_PIPELINE, pos))),
                    KBlock.EMPTY));
            return result;
        }
        if ((name.equals("init") && args.size() == 2 && isBarrierPointer(args.get(0))
                || name.equals("__cuda_ptx_mbarrier_init")) && result instanceof Value v && v.type() == ScalarType.BOOL) {
            String what = name.equals("init") ? "cuda::barrier" : "cuda::ptx::mbarrier_init";
            if (args.get(1) instanceof Value count && count.value() instanceof KExpr.IntConst c) {
                // known now; the block's size is not: say so where a GPU would have run it
                ctx.checker.warnings.add(Diagnostic.warning(pos, what + " initialized for " + c.value()
                        + " threads: it runs as a block barrier here, so the kernel stops at this line unless the block"
                        + " has exactly " + c.value() + " threads or the launch runs with independent threads"));
            }
            KExpr ok = ctx.let(v.value(), pos);
            ctx.emit(new KStmt.If(new KExpr.Unary(KExpr.UnaryOp.NOT, ok, ScalarType.BOOL),
                    new KBlock(List.of(new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.SUBSET_BARRIER, pos))),
                    KBlock.EMPTY));
            return new Value(ok);
        }
        return result;
    }

    private static boolean isBarrierPointer(Operand o) {
        return o.type() instanceof PointerType p && p.pointee() instanceof StructType s
                && s.name().startsWith("__cuda_barrier");
    }
}
