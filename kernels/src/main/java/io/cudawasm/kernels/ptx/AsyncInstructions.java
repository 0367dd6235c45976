package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.ClusterPlace;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.PointerType;
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
 * (which nvcc spins on) is the block barrier and answers true. sm_90's bulk copies without a tensor
 * map copy at the issue too, so the transaction counts they complete ({@code expect_tx},
 * {@code complete_tx}, {@code arrive.expect_tx}) are met before anyone waits, except in a module
 * that multicasts to a cluster's blocks ({@link ClusterBulkCopies}). Tensor copies (TMA) are
 * {@link TensorCopyInstructions}'; arrivals that change the count are refused by name.
 */
final class AsyncInstructions {
    private final FunctionLowering f;
    private final ClusterBulkCopies cluster;

    AsyncInstructions(FunctionLowering f) {
        this.f = f;
        this.cluster = new ClusterBulkCopies(f);
    }

    /** {@code cp.async...} */
    void copy(Instruction ins) {
        if (!ins.has("async")) {
            throw f.unsupported(ins, null);
        }
        if (ins.has("reduce")) {
            new BulkReductions(f, cluster).reduce(ins);
            return;
        }
        if (ins.has("commit_group") || ins.has("wait_group") || ins.has("wait_all") || ins.has("mbarrier")) {
            return; // every copy is complete at its issue
        }
        if (ins.has("bulk")) {
            bulkCopy(ins);
            return;
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

    /**
     * sm_90's bulk copies without a tensor map: {@code cp.async.bulk.dst.src.completion [dst], [src],
     * size{, [mbar]}} between global memory and shared memory (or shared to shared), copied at the
     * issue like {@code cp.async}. The mbarrier's transaction count then has nothing left to wait for
     * ({@link #mbarrier}), and {@code commit_group}/{@code wait_group} nothing to do. A cluster is one
     * block here, so {@code shared::cluster} addresses are the block's own shared memory.
     */
    private void bulkCopy(Instruction ins) {
        if (ins.has("tensor")) {
            new TensorCopyInstructions(f).copy(ins); // with a tensor map: TMA
            return;
        }
        if (ins.has("prefetch")) {
            return; // cp.async.bulk.prefetch.L2: a hint that changes no result
        }
        if (ins.modifiers().stream().anyMatch(m -> m.startsWith("cp_mask"))) {
            throw f.unsupported(ins, "byte-masked bulk copies (.cp_mask) are not supported");
        }
        List<StateSpace> spaces = ins.modifiers().stream().map(StateSpace::of).flatMap(java.util.Optional::stream).toList();
        if (spaces.size() != 2 || spaces.get(0) == StateSpace.GLOBAL && spaces.get(1) == StateSpace.GLOBAL) {
            throw f.unsupported(ins, "expects a destination and a source state space (shared::cluster.global,"
                    + " global.shared::cta or shared::cluster.shared::cta)");
        }
        if (ClusterBulkCopies.isMulticast(ins)) {
            cluster.multicast(ins, spaces);
            return;
        }
        List<PtxOperand> ops = ins.operands();
        boolean toShared = spaces.get(0) == StateSpace.SHARED;
        int count = toShared ? 4 : 3;
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        if (ops.size() != count + (cacheHint ? 1 : 0)) {
            throw f.unsupported(ins, toShared ? "expects [dst], [src], size, [mbar]" : "expects [dst], [src], size");
        }
        KExpr size = f.temp(f.read(ops.get(2), Exprs.UINT));
        KExpr dst = f.temp(f.pointer(ops.get(0), spaces.get(0), ScalarType.UINT, 0));
        KExpr src = f.temp(f.pointer(ops.get(1), spaces.get(1), ScalarType.UINT, 0));
        cluster.checkAligned(ins, dst, src, size);
        cluster.copyWords(ins, dst, src, size);
        if (toShared) {
            cluster.completeTx(ins, f.pointer(ops.get(3), spaces.get(0), ScalarType.UCHAR, 0), size);
        }
    }

    /**
     * {@code mapa} and {@code getctarank}: distributed shared memory. The address (a shared or a
     * generic one: the CPU path's shared addresses are the same in both) moves to block {@code rank}'s
     * shared memory ({@link Intrinsic#MAP_SHARED_RANK}); a rank outside the cluster stops the kernel.
     */
    void cluster(Instruction ins) {
        f.arity(ins, ins.opcode().equals("mapa") ? 3 : 2);
        ScalarType type = f.type(ins).kir();
        PointerType bytes = new PointerType(ScalarType.UCHAR, io.cudawasm.kernels.types.AddressSpace.SHARED, false, false);
        KExpr address = Exprs.convert(f.read(ins.operand(1), type), bytes);
        if (ins.opcode().equals("getctarank")) {
            f.write(ins.operand(0), new KExpr.IntrinsicCall(Intrinsic.SHARED_RANK_OF, List.of(address,
                    ClusterPlace.rank()), ScalarType.UINT));
            return;
        }
        KExpr rank = f.temp(f.read(ins.operand(2), Exprs.UINT));
        f.emit(new KStmt.If(Exprs.compare(BinaryOp.GE, rank, ClusterPlace.blocks()), new KBlock(List.of(new KStmt.Trap(
                io.cudawasm.kernels.abi.KernelAbi.BAD_CLUSTER_RANK, ins.pos()))), KBlock.EMPTY));
        f.write(ins.operand(0), Exprs.convert(new KExpr.IntrinsicCall(Intrinsic.MAP_SHARED_RANK, List.of(address, rank,
                ClusterPlace.rank()), bytes), type));
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
        if (ins.has("init") || ins.has("arrive") && !ins.has("arrive_drop") || ins.has("test_wait") || ins.has("try_wait")) {
            // with independent threads the host keeps the barrier, with its counts and phases; elsewhere it is the
            // block barrier below
            List<KStmt> independent = f.capture(() -> independentMbarrier(ins));
            List<KStmt> usual = f.capture(() -> blockMbarrier(ins));
            f.emit(new KStmt.If(new KExpr.IntrinsicCall(Intrinsic.INDEPENDENT_THREADS, List.of(), ScalarType.BOOL),
                    new KBlock(independent), new KBlock(usual)));
            return;
        }
        blockMbarrier(ins);
    }

    /**
     * An mbarrier operation with independent threads ({@link Intrinsic#THREAD_BARRIER_INIT} and the
     * others): any expected count; an arrival (of {@code count} threads) gives the phase it belongs to
     * as its state; {@code test_wait}/{@code try_wait} wait until the state's phase, or the phase of the
     * given parity, has completed, and answer true. Transaction counts are met at the copies' issue.
     */
    private void independentMbarrier(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        StateSpace space = ins.space().orElse(StateSpace.GENERIC);
        if (ins.has("init")) {
            f.arity(ins, 2);
            KExpr bar = f.pointer(ops.get(0), space, ScalarType.ULONGLONG, 0);
            f.emit(new KStmt.Eval(new KExpr.IntrinsicCall(Intrinsic.THREAD_BARRIER_INIT, List.of(bar,
                    f.read(ops.get(1), Exprs.UINT)), Exprs.UINT)));
            return;
        }
        if (ins.has("arrive")) {
            boolean expect = ins.has("expect_tx");
            f.arity(ins, expect ? 3 : ops.size() == 3 ? 3 : 2);
            KExpr count = !expect && ops.size() == 3 ? f.read(ops.get(2), Exprs.UINT) : Exprs.u32(1);
            KExpr bar = f.pointer(ops.get(1), space, ScalarType.ULONGLONG, 0);
            KExpr phase = new KExpr.IntrinsicCall(Intrinsic.THREAD_BARRIER_ARRIVE, List.of(bar, count), Exprs.UINT);
            if (ops.get(0) instanceof PtxOperand.Sink) {
                f.emit(new KStmt.Eval(phase));
            } else {
                f.write(ops.get(0), Exprs.convert(phase, Exprs.ULONG));
            }
            return;
        }
        if (ops.size() < 3) {
            throw f.unsupported(ins, "expects p, [addr], state");
        }
        KExpr bar = f.pointer(ops.get(1), space, ScalarType.ULONGLONG, 0);
        boolean parity = ins.has("parity");
        KExpr token = parity ? f.read(ops.get(2), Exprs.UINT) : Exprs.convert(f.read(ops.get(2), Exprs.ULONG), Exprs.UINT);
        f.emit(new KStmt.Eval(new KExpr.IntrinsicCall(Intrinsic.THREAD_BARRIER_WAIT, List.of(bar, token,
                Exprs.i32(parity ? 1 : 0)), Exprs.UINT)));
        f.write(ops.get(0), Exprs.bool(true));
    }

    /** An mbarrier operation where a block's threads run one region at a time: the block barrier. */
    private void blockMbarrier(Instruction ins) {
        List<PtxOperand> ops = ins.operands();
        StateSpace space = ins.space().orElse(StateSpace.GENERIC);
        if (ins.has("init")) {
            f.arity(ins, 2);
            KExpr expected = f.temp(f.read(ops.get(1), Exprs.UINT));
            KExpr threads = Exprs.mul(Exprs.mul(new KExpr.Special(SpecialReg.NTID_X), new KExpr.Special(SpecialReg.NTID_Y)),
                    new KExpr.Special(SpecialReg.NTID_Z));
            f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, expected, threads), new KBlock(List.of(new KStmt.Trap(
                    io.cudawasm.kernels.abi.KernelAbi.SUBSET_BARRIER, ins.pos()))), KBlock.EMPTY));
            f.emit(new KStmt.Store(f.pointer(ops.get(0), space, ScalarType.ULONGLONG, 0),
                    Exprs.convert(expected, Exprs.ULONG), ins.sourcePos()));
            return;
        }
        if (ins.has("inval")) {
            return;
        }
        if (ins.has("expect_tx") && !ins.has("arrive") || ins.has("complete_tx")) {
            // transaction counts: every bulk copy completed its bytes at its issue, so expecting them
            // or completing them by hand leaves the phase waiting for the arrivals only (unless the module
            // multicasts, ClusterBulkCopies)
            f.arity(ins, 2);
            if (ins.has("complete_tx")) {
                cluster.completeTx(ins, ops.get(0), ops.get(1));
            } else {
                cluster.expectTx(ins, ops.get(0), ops.get(1));
            }
            return;
        }
        if (ins.has("arrive") && ins.has("expect_tx")) {
            // one arrival, after raising the transaction count that the copies have already met
            f.arity(ins, 3);
            cluster.expectTx(ins, ops.get(1), ops.get(2));
            writeState(ops.get(0));
            return;
        }
        if (ins.has("arrive") && !ins.has("arrive_drop")) {
            if (ops.size() == 3) {
                // sm_90's form passes the count (1 for cuda::barrier::arrive()) in a register
                KExpr count = f.read(ops.get(2), Exprs.UINT);
                f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, count, Exprs.u32(1)), new KBlock(List.of(new KStmt.Trap(
                        "mbarrier.arrive: an arrival that counts for more than one thread needs independent threads"
                                + " (--independent-threads, or the job launch's \"independentThreads\": true)", ins.pos()))),
                        KBlock.EMPTY));
            } else if (ops.size() != 2) {
                throw f.unsupported(ins, "expects state, [addr]{, count}");
            }
            writeState(ops.get(0));
            return;
        }
        if (ins.has("test_wait") || ins.has("try_wait")) {
            if (ops.size() < 3) {
                throw f.unsupported(ins, "expects p, [addr], state");
            }
            f.emit(new KStmt.Barrier(BarrierKind.BLOCK, ins.pos()));
            cluster.awaitTransactions(ins, ops.get(1));
            f.write(ops.get(0), Exprs.bool(true));
            return;
        }
        throw f.unsupported(ins, "mbarrier operations other than init, arrive, expect_tx, complete_tx,"
                + " test_wait/try_wait (with .parity) and inval (arrive_drop, pending_count) are not supported");
    }

    /** The state an arrival returns, which nobody inspects ({@code _} discards it). */
    private void writeState(PtxOperand state) {
        if (!(state instanceof PtxOperand.Sink)) {
            f.write(state, Exprs.constant(Exprs.ULONG, 0));
        }
    }
}
