package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.ClusterPlace;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * Bulk copies into the shared memory of a thread block cluster's blocks, and the mbarrier
 * transaction counts that make them safe to wait for.
 *
 * <p>{@code cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster
 * [dst], [src], size, [mbar], ctaMask} copies the same bytes to offset {@code dst} of every block of
 * the cluster whose rank's bit is set in the 16-bit mask, and completes {@code size} bytes on the
 * mbarrier at offset {@code mbar} of each of those blocks. The copy happens at the issue, like every
 * bulk copy here; but the receiving blocks run on threads of their own, so a block may reach its
 * wait before another block has issued the copy it waits for. A module with a multicast therefore
 * keeps the transaction counts: the high word of an mbarrier (0 after {@code init}) is the bytes
 * completed minus the bytes expected; every bulk copy adds its size to its mbarrier when it lands,
 * {@code expect_tx} subtracts, and a wait, after the block barrier it always is, spins (an atomic
 * load, with the host's back-off) until the balance is no longer negative. Modules without a
 * multicast keep the old meaning (every count met at the issue), which other copies of the block
 * itself need no more than.
 */
final class ClusterBulkCopies {
    private final FunctionLowering f;

    ClusterBulkCopies(FunctionLowering f) {
        this.f = f;
    }

    /** Whether a module multicasts, and so keeps mbarrier transaction counts. */
    static boolean multicasts(PtxModule module) {
        return module.functions().stream().filter(PtxFunction::hasBody).flatMap(fn -> fn.body().stream())
                .anyMatch(s -> s instanceof Instruction i && isMulticast(i));
    }

    static boolean isMulticast(Instruction ins) {
        return ins.opcode().equals("cp") && ins.has("bulk") && ins.modifiers().stream().anyMatch(m -> m.startsWith("multicast"));
    }

    private boolean counting() {
        return f.module().countsTransactions();
    }

    /** {@code [dst], [src], size, [mbar], ctaMask{, cache-policy}}: the copy to each block in the mask. */
    void multicast(Instruction ins, List<StateSpace> spaces) {
        if (!counting()) {
            // a module that does not count transactions: a block could read its shared memory before another
            // block's copy lands (the C module counts them when its parser saw the multicast)
            throw f.unsupported(ins, "a multicast where mbarrier transactions are not counted");
        }
        if (spaces.get(0) != StateSpace.SHARED || spaces.get(1) != StateSpace.GLOBAL) {
            throw f.unsupported(ins, "a multicast copies from global memory to shared::cluster");
        }
        List<PtxOperand> ops = ins.operands();
        boolean cacheHint = ins.modifiers().stream().anyMatch(m -> m.contains("cache_hint"));
        if (ops.size() != 5 + (cacheHint ? 1 : 0)) {
            throw f.unsupported(ins, "expects [dst], [src], size, [mbar], ctaMask");
        }
        KExpr size = f.temp(f.read(ops.get(2), Exprs.UINT));
        KExpr dst = f.temp(f.pointer(ops.get(0), StateSpace.SHARED, ScalarType.UINT, 0));
        KExpr src = f.temp(f.pointer(ops.get(1), StateSpace.GLOBAL, ScalarType.UINT, 0));
        KExpr bar = f.temp(f.pointer(ops.get(3), StateSpace.SHARED, ScalarType.UCHAR, 0));
        KExpr mask = f.temp(Exprs.and(f.read(ops.get(4), Exprs.UINT), Exprs.u32(0xFFFF)));
        checkAligned(ins, dst, src, size);
        f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, Exprs.shr(mask, ClusterPlace.blocks()), Exprs.u32(0)),
                new KBlock(List.of(new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.BAD_CLUSTER_RANK, ins.pos()))),
                KBlock.EMPTY));
        KLocal rank = f.local("rank", Exprs.UINT);
        KExpr r = new KExpr.LocalGet(rank);
        List<KStmt> toRank = f.capture(() -> {
            KExpr there = f.temp(Exprs.convert(mapToRank(dst, r), dst.type()));
            copyWords(ins, there, src, size);
            completeTx(ins, mapToRank(bar, r), size);
        });
        KExpr selected = Exprs.compare(BinaryOp.NE, Exprs.and(Exprs.shr(mask, r), Exprs.u32(1)), Exprs.u32(0));
        f.emit(new KStmt.Assign(rank, Exprs.u32(0)));
        f.emit(new KStmt.Loop(false, Exprs.compare(BinaryOp.LT, r, ClusterPlace.blocks()),
                new KBlock(List.of(new KStmt.If(selected, new KBlock(toRank), KBlock.EMPTY))),
                new KBlock(List.of(new KStmt.Assign(rank, Exprs.add(r, Exprs.u32(1)))))));
    }

    /** {@code address} (in this block's shared memory) moved to block {@code rank}'s shared memory. */
    private static KExpr mapToRank(KExpr address, KExpr rank) {
        PointerType bytes = new PointerType(ScalarType.UCHAR, AddressSpace.SHARED, false, false);
        return new KExpr.IntrinsicCall(Intrinsic.MAP_SHARED_RANK, List.of(Exprs.convert(address, bytes), rank,
                ClusterPlace.rank()), bytes);
    }

    /** Stops the kernel unless both addresses and the size are multiples of 16, as PTX requires of bulk copies. */
    void checkAligned(Instruction ins, KExpr dst, KExpr src, KExpr size) {
        // a GPU's result is undefined otherwise, so say so instead of copying something
        KExpr misaligned = Exprs.and(Exprs.or(Exprs.or(Exprs.convert(dst, Exprs.ULONG), Exprs.convert(src, Exprs.ULONG)),
                Exprs.convert(size, Exprs.ULONG)), Exprs.constant(Exprs.ULONG, 15));
        f.emit(new KStmt.If(Exprs.compare(BinaryOp.NE, misaligned, Exprs.constant(Exprs.ULONG, 0)),
                new KBlock(List.of(new KStmt.Trap(ins.mnemonic() + ": the addresses and the size must be multiples of 16",
                        ins.pos()))), KBlock.EMPTY));
    }

    /** {@code size} bytes (a multiple of 4) from {@code src} to {@code dst}, both uint pointers, word by word. */
    void copyWords(Instruction ins, KExpr dst, KExpr src, KExpr size) {
        KLocal word = f.local("word", Exprs.UINT);
        KExpr i = new KExpr.LocalGet(word);
        KExpr words = Exprs.shr(size, Exprs.u32(2));
        KExpr index = Exprs.convert(i, ScalarType.LONG);
        KStmt copy = new KStmt.Store(new KExpr.PtrAdd(dst, index),
                new KExpr.Load(new KExpr.PtrAdd(src, index), ins.sourcePos()), ins.sourcePos());
        f.emit(new KStmt.Assign(word, Exprs.u32(0)));
        f.emit(new KStmt.Loop(false, Exprs.compare(BinaryOp.LT, i, words), new KBlock(List.of(copy)),
                new KBlock(List.of(new KStmt.Assign(word, Exprs.add(i, Exprs.u32(1)))))));
    }

    /** {@code bytes} landed for the mbarrier at {@code bar} (a shared address), in a module that counts them. */
    void completeTx(Instruction ins, KExpr bar, KExpr bytes) {
        if (counting()) {
            f.emit(new KStmt.Eval(new KExpr.Atomic(AtomicOp.ADD, balance(bar), Exprs.as(bytes, ScalarType.INT), null,
                    ScalarType.INT, ins.sourcePos())));
        }
    }

    /** {@code mbarrier.expect_tx} (also in {@code arrive.expect_tx}): the bytes operand at {@code barOperand}+1. */
    void expectTx(Instruction ins, PtxOperand barOperand, PtxOperand bytes) {
        if (counting()) {
            f.emit(new KStmt.Eval(new KExpr.Atomic(AtomicOp.SUB, balance(barAddress(ins, barOperand)),
                    f.read(bytes, ScalarType.INT), null, ScalarType.INT, ins.sourcePos())));
        }
    }

    /** {@code mbarrier.complete_tx [bar], bytes}. */
    void completeTx(Instruction ins, PtxOperand barOperand, PtxOperand bytes) {
        completeTx(ins, barAddress(ins, barOperand), f.read(bytes, Exprs.UINT));
    }

    /** After a wait's block barrier: spins until every byte expected of the mbarrier has landed. */
    void awaitTransactions(Instruction ins, PtxOperand barOperand) {
        if (!counting()) {
            return;
        }
        KExpr balance = f.temp(balance(barAddress(ins, barOperand)));
        KLocal seen = f.local("tx_balance", ScalarType.INT);
        KExpr load = new KExpr.Atomic(AtomicOp.LOAD, balance, Exprs.constant(ScalarType.INT, 0), null, ScalarType.INT,
                ins.sourcePos());
        f.emit(new KStmt.Loop(false, Exprs.bool(true), new KBlock(List.of(new KStmt.Assign(seen, load),
                new KStmt.If(Exprs.compare(BinaryOp.GE, new KExpr.LocalGet(seen), Exprs.constant(ScalarType.INT, 0)),
                        new KBlock(List.of(new KStmt.Break())), KBlock.EMPTY))), KBlock.EMPTY));
    }

    /** The mbarrier operand's address, as a byte pointer of the instruction's state space. */
    private KExpr barAddress(Instruction ins, PtxOperand bar) {
        return f.pointer(bar, ins.space().orElse(StateSpace.GENERIC), ScalarType.UCHAR, 0);
    }

    /** The balance word of an mbarrier at {@code bar} (a byte pointer): its high half, in the same state space. */
    private static KExpr balance(KExpr bar) {
        AddressSpace space = ((PointerType) bar.type()).space();
        return Exprs.convert(new KExpr.PtrAdd(bar, Exprs.constant(ScalarType.LONGLONG, 4)),
                new PointerType(ScalarType.INT, space, false, false));
    }
}
