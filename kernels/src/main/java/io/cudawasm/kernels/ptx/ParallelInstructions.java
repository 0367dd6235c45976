package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.BlockReduceMode;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.ShuffleMode;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.kir.WarpLoops;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/** Barriers, fences, warp shuffles and votes, and the barrier reductions. */
final class ParallelInstructions {
    private static final KExpr FULL_MASK = Exprs.u32(0xFFFF_FFFFL);

    private final FunctionLowering f;

    ParallelInstructions(FunctionLowering f) {
        this.f = f;
    }

    void lower(Instruction ins) {
        switch (ins.opcode()) {
            case "bar", "barrier" -> barrier(ins);
            case "membar" -> f.emit(new KStmt.Fence(ins.has("cta") ? FenceScope.BLOCK
                    : ins.has("sys") ? FenceScope.SYSTEM : FenceScope.DEVICE));
            case "fence" -> {
                if (!ins.has("proxy")) {
                    f.emit(new KStmt.Fence(ins.has("cta") ? FenceScope.BLOCK
                            : ins.has("sys") ? FenceScope.SYSTEM : FenceScope.DEVICE));
                }
            }
            case "shfl" -> shuffle(ins);
            case "vote" -> vote(ins);
            case "redux" -> redux(ins);
            case "match" -> match(ins);
            case "activemask" -> {
                f.arity(ins, 1);
                f.write(ins.operand(0), new KExpr.WarpVote(VoteMode.ACTIVEMASK, FULL_MASK, null, Exprs.UINT));
            }
            default -> throw f.unsupported(ins, null);
        }
    }

    private void barrier(Instruction ins) {
        if (ins.has("warp")) {
            f.emit(new KStmt.Barrier(BarrierKind.WARP, ins.pos()));
            return;
        }
        if (ins.opcode().equals("barrier") && ins.has("cluster")) {
            // the split cluster barrier as a whole one at the wait (what nvcc makes of cluster.sync():
            // an arrival, then the wait): what a thread does between them happens before its arrival,
            // which CUDA allows
            f.arity(ins, 0);
            if (ins.has("wait")) {
                f.emit(new KStmt.Barrier(BarrierKind.CLUSTER, ins.pos()));
            } else if (!ins.has("arrive")) {
                throw f.unsupported(ins, null);
            }
            return;
        }
        if (ins.has("red")) {
            reduction(ins);
            return;
        }
        if (ins.has("arrive") || ins.operands().size() == 2) {
            namedBarrier(ins);
            return;
        }
        if (ins.has("cta") && !ins.has("sync")) {
            throw f.unsupported(ins, "only full-block barriers (bar.sync, barrier.sync, bar.red) are supported");
        }
        if (!ins.has("sync") && !ins.opcode().equals("bar")) {
            throw f.unsupported(ins, null);
        }
        f.arity(ins, 1);
        f.emit(new KStmt.Barrier(BarrierKind.BLOCK, ins.pos()));
    }

    /**
     * {@code bar.sync id, count} and {@code bar.arrive id, count}: a named barrier of part of the block.
     * With independent threads the host keeps it ({@link Intrinsic#NAMED_BARRIER}); where the block runs
     * thread by thread it is the block barrier when all the block's threads wait at it, and stops the
     * kernel otherwise (naming independent threads).
     */
    private void namedBarrier(Instruction ins) {
        boolean arriveOnly = ins.has("arrive");
        f.arity(ins, 2);
        KExpr id = f.temp(f.read(ins.operand(0), Exprs.UINT));
        KExpr count = f.temp(f.read(ins.operand(1), Exprs.UINT));
        KStmt host = new KStmt.Eval(new KExpr.IntrinsicCall(Intrinsic.NAMED_BARRIER, List.of(id, count,
                Exprs.i32(arriveOnly ? 1 : 0)), Exprs.UINT));
        KExpr threads = Exprs.mul(new KExpr.Special(SpecialReg.NTID_X), Exprs.mul(new KExpr.Special(SpecialReg.NTID_Y),
                new KExpr.Special(SpecialReg.NTID_Z)));
        KExpr partial = arriveOnly ? Exprs.u32(1) : Exprs.compare(KExpr.BinaryOp.NE, count, threads);
        KBlock usual = new KBlock(List.of(new KStmt.If(Exprs.compare(KExpr.BinaryOp.NE, Exprs.convert(partial, Exprs.UINT),
                Exprs.u32(0)), new KBlock(List.of(new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.SUBSET_BARRIER,
                ins.pos()))), KBlock.EMPTY), new KStmt.Barrier(BarrierKind.BLOCK, ins.pos())));
        f.emit(new KStmt.If(new KExpr.IntrinsicCall(Intrinsic.INDEPENDENT_THREADS, List.of(), ScalarType.BOOL),
                new KBlock(List.of(host)), usual));
    }

    /** {@code bar.red.popc.u32 d, 0, p} and {@code bar.red.and/or.pred d, 0, p}. */
    private void reduction(Instruction ins) {
        if (ins.operands().size() != 3) {
            throw f.unsupported(ins, "a barrier for a subset of the block's threads");
        }
        BlockReduceMode mode = ins.has("popc") ? BlockReduceMode.COUNT : ins.has("and") ? BlockReduceMode.AND
                : ins.has("or") ? BlockReduceMode.OR : null;
        if (mode == null) {
            throw f.unsupported(ins, null);
        }
        f.write(ins.operand(0), new KExpr.BlockReduce(mode, f.predicate(ins.operand(2)), Exprs.INT));
    }

    /**
     * {@code shfl.sync.mode.b32 d[|p], a, b, c, mask}: {@code c} packs the segment mask (from the
     * width) in bits 8..12 and the clamp lane in bits 0..4, as CUDA's __shfl*_sync pass them.
     */
    private void shuffle(Instruction ins) {
        ShuffleMode mode = ins.has("up") ? ShuffleMode.UP : ins.has("down") ? ShuffleMode.DOWN
                : ins.has("bfly") ? ShuffleMode.XOR : ins.has("idx") ? ShuffleMode.IDX : null;
        if (mode == null) {
            throw f.unsupported(ins, null);
        }
        boolean sync = ins.has("sync");
        f.arity(ins, sync ? 5 : 4);
        KExpr mask = sync ? f.read(ins.operand(4), Exprs.UINT) : FULL_MASK;
        KExpr value = f.read(ins.operand(1), Exprs.UINT);
        KExpr lane = f.temp(f.read(ins.operand(2), Exprs.INT));
        KExpr width;
        PtxOperand c = ins.operand(3);
        if (c instanceof PtxOperand.IntImmediate imm) {
            long w = 32 - ((imm.value() >> 8) & 31);
            long clamp = imm.value() & 31;
            if (clamp != (mode == ShuffleMode.UP ? 0 : w - 1) || Long.bitCount(w) != 1) {
                throw f.unsupported(ins, "a segment/clamp operand that no __shfl*_sync width produces (0x"
                        + Long.toHexString(imm.value()) + ")");
            }
            width = Exprs.i32(w);
        } else {
            width = f.temp(Exprs.sub(Exprs.i32(32), Exprs.and(Exprs.shr(f.read(c, Exprs.INT), Exprs.i32(8)),
                    Exprs.i32(31))));
        }
        PtxOperand dst = ins.operand(0);
        KExpr shuffle = new KExpr.WarpShuffle(mode, mask, value, lane, width, Exprs.UINT);
        if (dst instanceof PtxOperand.Pair pair) {
            f.write(pair.first(), shuffle);
            if (!(pair.second() instanceof PtxOperand.Sink)) {
                f.write(pair.second(), inRange(mode, lane, width));
            }
        } else {
            f.write(dst, shuffle);
        }
    }

    /** Whether the source lane of a shuffle is inside the thread's segment (the predicate result). */
    private KExpr inRange(ShuffleMode mode, KExpr lane, KExpr width) {
        KExpr self = Exprs.convert(new KExpr.Special(SpecialReg.LANE_ID), Exprs.INT);
        KExpr start = f.temp(Exprs.and(self, Exprs.bitNot(Exprs.sub(width, Exprs.i32(1)))));
        KExpr end = Exprs.add(start, Exprs.sub(width, Exprs.i32(1)));
        return switch (mode) {
            case UP -> Exprs.compare(BinaryOp.GE, Exprs.sub(self, lane), start);
            case DOWN -> Exprs.compare(BinaryOp.LE, Exprs.add(self, lane), end);
            case XOR -> Exprs.compare(BinaryOp.LE, Exprs.xor(self, lane), end);
            case IDX -> Exprs.bool(true);
        };
    }

    /** New locals and statements of the function, for the KIR helpers that write loops. */
    private WarpLoops.Builder builder() {
        return new WarpLoops.Builder() {
            @Override
            public KLocal local(CType type) {
                return f.local("warp", type);
            }

            @Override
            public void emit(KStmt statement) {
                f.emit(statement);
            }
        };
    }

    /**
     * {@code redux.sync.{add,min,max}.{s32,u32} d, a, mask} and {@code redux.sync.{and,or,xor}.b32}
     * (sm_80's __reduce_*_sync): a butterfly of five shuffles for the whole warp (a constant full
     * mask), otherwise a loop over the lanes of the mask (nvcc's cg::reduce of a coalesced group).
     */
    private void redux(Instruction ins) {
        f.arity(ins, 3);
        ScalarType t = ins.has("s32") ? Exprs.INT : Exprs.UINT;
        java.util.function.BinaryOperator<KExpr> op;
        if (ins.has("add")) {
            op = (a, b) -> new KExpr.Binary(BinaryOp.ADD, a, b, t);
        } else if (ins.has("and")) {
            op = (a, b) -> new KExpr.Binary(BinaryOp.AND, a, b, t);
        } else if (ins.has("or")) {
            op = (a, b) -> new KExpr.Binary(BinaryOp.OR, a, b, t);
        } else if (ins.has("xor")) {
            op = (a, b) -> new KExpr.Binary(BinaryOp.XOR, a, b, t);
        } else if (ins.has("min") || ins.has("max")) {
            Intrinsic i = ins.has("min") ? Intrinsic.IMIN : Intrinsic.IMAX;
            op = (a, b) -> new KExpr.IntrinsicCall(i, List.of(a, b), t);
        } else {
            throw f.unsupported(ins, null);
        }
        KExpr mask = f.temp(f.read(ins.operand(2), Exprs.UINT));
        KExpr acc = f.temp(f.read(ins.operand(1), t));
        if (!(mask instanceof KExpr.IntConst c && (c.value() & 0xFFFF_FFFFL) == 0xFFFF_FFFFL)) {
            f.write(ins.operand(0), WarpLoops.reduce(mask, acc, op, builder()));
            return;
        }
        for (int offset = 16; offset > 0; offset /= 2) {
            KExpr other = f.temp(new KExpr.WarpShuffle(ShuffleMode.XOR, mask, acc, Exprs.i32(offset), Exprs.i32(32), t));
            acc = f.temp(op.apply(acc, other));
        }
        f.write(ins.operand(0), acc);
    }

    /**
     * {@code match.any.sync.b32/b64 d, a, mask} and {@code match.all.sync.b32/b64 d[|p], a, mask}
     * (__match_any_sync, __match_all_sync; cooperative groups' labeled partitions use them).
     */
    private void match(Instruction ins) {
        boolean all = ins.has("all");
        if (!ins.has("sync") || !all && !ins.has("any")) {
            throw f.unsupported(ins, null);
        }
        f.arity(ins, 3);
        KExpr mask = f.temp(f.read(ins.operand(2), Exprs.UINT));
        KExpr value = f.read(ins.operand(1), ins.has("b64") ? ScalarType.ULONGLONG : Exprs.UINT);
        KExpr same = f.temp(WarpLoops.matchAny(mask, value, builder()));
        PtxOperand dst = ins.operand(0);
        if (!all) {
            f.write(dst, same);
            return;
        }
        KExpr agree = f.temp(Exprs.compare(BinaryOp.EQ, same, mask));
        KExpr result = Exprs.select(agree, mask, Exprs.u32(0));
        if (dst instanceof PtxOperand.Pair pair) {
            f.write(pair.first(), result);
            if (!(pair.second() instanceof PtxOperand.Sink)) {
                f.write(pair.second(), agree);
            }
        } else {
            f.write(dst, result);
        }
    }

    /** {@code vote.sync.{all,any,uni}.pred} and {@code vote.sync.ballot.b32}. */
    private void vote(Instruction ins) {
        boolean sync = ins.has("sync");
        f.arity(ins, sync ? 3 : 2);
        KExpr mask = sync ? f.read(ins.operand(2), Exprs.UINT) : FULL_MASK;
        KExpr p = f.predicate(ins.operand(1));
        PtxOperand dst = ins.operand(0);
        if (ins.has("ballot")) {
            f.write(dst, new KExpr.WarpVote(VoteMode.BALLOT, mask, p, Exprs.UINT));
        } else if (ins.has("all") || ins.has("any")) {
            f.write(dst, new KExpr.WarpVote(ins.has("all") ? VoteMode.ALL : VoteMode.ANY, mask, p, Exprs.INT));
        } else if (ins.has("uni")) {
            KExpr pred = f.temp(p);
            KExpr all = f.temp(new KExpr.WarpVote(VoteMode.ALL, mask, pred, Exprs.INT));
            KExpr any = f.temp(new KExpr.WarpVote(VoteMode.ANY, mask, pred, Exprs.INT));
            KExpr r = Exprs.binary(BinaryOp.OR, Exprs.compare(BinaryOp.NE, all, Exprs.i32(0)),
                    Exprs.compare(BinaryOp.EQ, any, Exprs.i32(0)));
            f.write(dst, r);
        } else {
            throw f.unsupported(ins, null);
        }
    }
}
