package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * sm_80's asynchronous copies and shared-memory barriers, as nvcc emits them for
 * {@code cuda::memcpy_async}, {@code cuda::pipeline} and {@code cuda::barrier}, with the CUDA
 * source path's semantics (preprocess/AsyncCopyHeaders): {@code cp.async} copies at the issue (a
 * valid execution of a copy that may complete any time before its wait), so
 * {@code cp.async.commit_group}/{@code wait_group}/{@code wait_all} and
 * {@code cp.async.mbarrier.arrive} have nothing left to do. An {@code mbarrier} runs as a block
 * barrier: {@code mbarrier.init} stops the kernel unless the expected count is the block's thread
 * count, {@code arrive} returns a state nobody inspects, and {@code test_wait}/{@code try_wait}
 * (which nvcc spins on) is the block barrier and answers true. Bulk copies (TMA), transaction
 * counts and arrivals that change the count are refused by name.
 */
final class AsyncInstructions {
    private final FunctionLowering f;

    AsyncInstructions(FunctionLowering f) {
        this.f = f;
    }

    /** {@code cp.async...} */
    void copy(Instruction ins) {
        if (!ins.has("async")) {
            throw f.unsupported(ins, null);
        }
        if (ins.has("commit_group") || ins.has("wait_group") || ins.has("wait_all") || ins.has("mbarrier")) {
            return; // every copy is complete at its issue
        }
        if (ins.has("bulk")) {
            throw f.unsupported(ins, "bulk asynchronous copies (the tensor memory accelerator of sm_90) are not supported");
        }
        if (!ins.has("ca") && !ins.has("cg")) {
            throw f.unsupported(ins, null);
        }
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        int count = ops.size() - (cacheHint ? 1 : 0);
        if (count < 3 || count > 4 || !(ops.get(2) instanceof PtxOperand.IntImmediate size)) {
            throw f.unsupported(ins, "expects [dst], [src], cp-size{, src-size | ignore-src}");
        }
        long bytes = size.value();
        if (bytes != 4 && bytes != 8 && bytes != 16) {
            throw f.unsupported(ins, "cp-size must be 4, 8 or 16");
        }
        if (count == 3) {
            for (long at = 0; at < bytes; at += 4) {
                KExpr word = new KExpr.Load(f.pointer(ops.get(1), StateSpace.GLOBAL, ScalarType.UINT, at), ins.sourcePos());
                f.emit(new KStmt.Store(f.pointer(ops.get(0), StateSpace.SHARED, ScalarType.UINT, at), word, ins.sourcePos()));
            }
            return;
        }
        // the source's first src-size bytes (none when ignore-src is true), zeros after them
        PtxOperand last = ops.get(3);
        KExpr available = isPredicate(last)
                ? Exprs.select(f.predicate(last), Exprs.constant(Exprs.ULONG, 0), Exprs.constant(Exprs.ULONG, bytes))
                : f.read(last, Exprs.ULONG);
        available = f.temp(available);
        for (long at = 0; at < bytes; at++) {
            KExpr inside = Exprs.compare(BinaryOp.LT, Exprs.constant(Exprs.ULONG, at), available);
            KExpr from = new KExpr.Load(f.pointer(ops.get(1), StateSpace.GLOBAL, ScalarType.UCHAR, at), ins.sourcePos());
            KExpr to = f.pointer(ops.get(0), StateSpace.SHARED, ScalarType.UCHAR, at);
            f.emit(new KStmt.If(inside, new KBlock(List.of(new KStmt.Store(to, from, ins.sourcePos()))),
                    new KBlock(List.of(new KStmt.Store(to, Exprs.constant(ScalarType.UCHAR, 0), ins.sourcePos())))));
        }
    }

    private boolean isPredicate(PtxOperand op) {
        PtxOperand bare = op instanceof PtxOperand.Negated n ? n.operand() : op;
        return bare instanceof PtxOperand.Register r && !SpecialRegisters.isSpecial(r.name())
                && f.scopes().register(r.name(), r.pos()).type() == PtxType.PRED;
    }

    private Boolean waits;

    /**
     * Whether a function spins with a back-off: nvcc's barrier waits (on an mbarrier, or before sm_80
     * on a phase in shared memory, with {@code nanosleep}) read {@code %globaltimer} only to pace
     * the back-off, so it may read 0 there; elsewhere the timer stays refused (a kernel timing itself
     * would get nonsense).
     */
    boolean backsOff(List<PtxStatement> body) {
        if (waits == null) {
            waits = body.stream().anyMatch(s -> s instanceof Instruction i && (i.opcode().equals("nanosleep")
                    || i.opcode().equals("mbarrier") && (i.has("test_wait") || i.has("try_wait"))));
        }
        return waits;
    }

    /** {@code mbarrier...} */
    void mbarrier(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        StateSpace space = ins.space().orElse(StateSpace.GENERIC);
        if (ins.has("init")) {
            f.arity(ins, 2);
            KExpr expected = f.temp(f.read(ops.get(1), Exprs.UINT));
            KExpr threads = Exprs.mul(Exprs.mul(new KExpr.Special(SpecialReg.NTID_X), new KExpr.Special(SpecialReg.NTID_Y)),
                    new KExpr.Special(SpecialReg.NTID_Z));
            f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, expected, threads), new KBlock(List.of(new KStmt.Trap(
                    "mbarrier.init: an expected count other than the block's thread count (a barrier of part of a block)"
                            + " is not supported", ins.pos()))), KBlock.EMPTY));
            f.emit(new KStmt.Store(f.pointer(ops.get(0), space, ScalarType.ULONGLONG, 0),
                    Exprs.convert(expected, Exprs.ULONG), ins.sourcePos()));
            return;
        }
        if (ins.has("inval")) {
            return;
        }
        if (ins.has("arrive") && !ins.has("arrive_drop") && !ins.has("expect_tx")) {
            if (ops.size() == 3) {
                // sm_90's form passes the count (1 for cuda::barrier::arrive()) in a register
                KExpr count = f.read(ops.get(2), Exprs.UINT);
                f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, count, Exprs.u32(1)), new KBlock(List.of(new KStmt.Trap(
                        "mbarrier.arrive: an arrival that counts for more than one thread is not supported", ins.pos()))),
                        KBlock.EMPTY));
            } else if (ops.size() != 2) {
                throw f.unsupported(ins, "expects state, [addr]{, count}");
            }
            f.write(ops.get(0), Exprs.constant(Exprs.ULONG, 0));
            return;
        }
        if (ins.has("test_wait") || ins.has("try_wait")) {
            if (ops.size() < 3) {
                throw f.unsupported(ins, "expects p, [addr], state");
            }
            f.emit(new KStmt.Barrier(BarrierKind.BLOCK, ins.pos()));
            f.write(ops.get(0), Exprs.bool(true));
            return;
        }
        throw f.unsupported(ins, "mbarrier operations other than init, arrive, test_wait/try_wait and inval"
                + " (drop, transaction counts, pending_count) are not supported");
    }
}
