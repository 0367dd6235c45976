package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;

/**
 * Cooperative-groups tiles of 64 to 1024 threads ({@code tiled_partition<N>(block)} for N above the
 * warp): whole warps of the block, tile t being threads t·N … t·N+N-1. Their ranks and sizes are
 * arithmetic like a small tile's; what differs is that their threads span warps. Their
 * {@code sync()} is a {@link BarrierKind#TILE} barrier, which every back end makes a rendezvous of
 * the tile's threads: a region boundary on the CPU path (threads that reach it wait for the
 * others of their region, threads elsewhere are not held), the work-group barrier on OpenCL (after
 * {@code UniformCollectives} has moved it to a point every work-item reaches, so it is legal OpenCL
 * and orders at least the tile's threads), CUDA's own tile barrier in the emitted CUDA C.
 *
 * <p>The collectives CUDA offers on such tiles ({@code shfl}, {@code any}, {@code all},
 * {@code cg::reduce}, the scans) exchange values through one hidden {@code __shared__} array of
 * 1024 eight-byte slots, as CUDA's own do through its scratch: the warps reduce or scan their own
 * lanes with warp shuffles, each warp leaves its result in its slot, a tile barrier, every thread
 * combines its tile's warp results (in the order a butterfly over the warps would, so every
 * thread gets the same value bit for bit), and a tile barrier before the slots are reused.
 * CUDA gives these tiles no {@code shfl_up/down/xor}, {@code ballot} or {@code match_*}: those are
 * refused by name.
 */
final class LargeTiles {
    /** Slots of the exchange array: one per thread of the largest block. */
    private static final int SLOTS = CooperativeGroups.MAX_TILE;

    private final FunctionContext ctx;
    private final int tile;
    private final SourcePos pos;

    LargeTiles(FunctionContext ctx, int tile, SourcePos pos) {
        this.ctx = ctx;
        this.tile = tile;
        this.pos = pos;
    }

    /** A barrier over the caller's tile of {@code tile} threads. */
    static KStmt barrier(int tile, SourcePos pos) {
        return new KStmt.Barrier(BarrierKind.TILE, uint(tile), pos);
    }

    /** The members only large tiles lower differently, or null for those they share with small tiles. */
    Operand member(String name, List<Expr> args) {
        switch (name) {
            case "shfl" -> {
                arity(name, args, 2);
                return shfl(args.get(0), args.get(1));
            }
            case "any", "all" -> {
                arity(name, args, 1);
                return vote(name.equals("any"), args.get(0));
            }
            case "shfl_up", "shfl_down", "shfl_xor", "ballot", "match_any", "match_all" -> throw CompileException.at(pos,
                    "'" + name + "' is not a member of thread_block_tile<" + tile + ">: CUDA gives tiles of more than 32 "
                    + "threads sync, thread_rank, num_threads, size, meta_group_rank, meta_group_size, shfl, any and "
                    + "all (and cg::reduce and the scans)");
            default -> {
                return null;
            }
        }
    }

    /** {@code tile.shfl(v, src)}: every thread leaves its value in its slot and reads the source rank's. */
    private Operand shfl(Expr valueExpr, Expr srcExpr) {
        KExpr value = ctx.exprs.rvalue(valueExpr);
        CType t = exchangeable(value.type(), valueExpr.pos(), "shfl");
        KExpr src = ctx.let(ctx.exprs.convert(ctx.exprs.rvalue(srcExpr), ScalarType.UINT, srcExpr.pos(), false), pos);
        KExpr rank = ctx.let(CooperativeGroupCalls.linearThreadId(), pos);
        ctx.emit(new KStmt.Store(slot(rank, t), value, pos));
        ctx.emit(barrier(tile, pos));
        KExpr from = bin(BinaryOp.ADD, bin(BinaryOp.AND, rank, uint(~(tile - 1L) & 0xFFFF_FFFFL)),
                bin(BinaryOp.AND, src, uint(tile - 1)));
        KLocal result = ctx.temp(t, pos);
        ctx.emit(new KStmt.Assign(result, new KExpr.Load(slot(from, t), pos)));
        ctx.emit(barrier(tile, pos));
        return new Value(new KExpr.LocalGet(result));
    }

    /** {@code tile.any(p)} / {@code all(p)}: each warp's vote, then the tile's warps' votes combined. */
    private Operand vote(boolean any, Expr predicate) {
        KExpr pred = ctx.exprs.condition(predicate);
        KExpr warpVote = ctx.exprs.toRValue(new WarpOps(ctx).vote(any ? VoteMode.ANY : VoteMode.ALL, WarpOps.FULL_MASK,
                pred, pos), pos);
        KLocal acc = ctx.temp(ScalarType.INT, pos);
        ctx.emit(new KStmt.Assign(acc, ctx.exprs.convert(warpVote, ScalarType.INT, pos, false)));
        acrossWarps(acc, (a, b) -> new KStmt.Assign(a, new KExpr.Binary(any ? BinaryOp.OR : BinaryOp.AND,
                new KExpr.LocalGet(a), b, ScalarType.INT)));
        return new Value(new KExpr.LocalGet(acc));
    }

    /** {@code cg::reduce(tile, v, op)}: a butterfly in each warp, then the warps' results combined. */
    Operand reduce(Expr valueExpr, Expr opExpr) {
        KLocal acc = CooperativeGroupCalls.scanOperand(ctx, valueExpr, "cg::reduce", pos);
        Operand op = ctx.exprs.operand(opExpr);
        CooperativeGroupCalls.butterfly(ctx, acc, op, 32, pos);
        acrossWarps(acc, (a, b) -> combine(a, op, b));
        return new Value(new KExpr.LocalGet(acc));
    }

    /**
     * {@code cg::inclusive_scan / exclusive_scan(tile, v[, op])}: each warp scans its lanes, its last
     * lane leaves the warp's total in the warp's slot, and every thread combines the totals of the
     * tile's warps before its own (in rank order) with its warp's scan.
     */
    Operand scan(Expr valueExpr, Expr opExpr, boolean exclusive) {
        KLocal acc = CooperativeGroupCalls.scanOperand(ctx, valueExpr, "cg::scan", pos);
        CType t = exchangeable(acc.type(), valueExpr.pos(), "cg::scan");
        Operand op = opExpr == null ? null : ctx.exprs.operand(opExpr);
        CooperativeGroupCalls.inclusiveScan(ctx, acc, op, 32, pos);
        // the inclusive value of the lane below, for the exclusive scan (every lane shuffles)
        KLocal below = ctx.temp(t, pos);
        ctx.emit(new KStmt.Assign(below, ctx.exprs.convert(ctx.exprs.toRValue(
                CooperativeGroupCalls.shuffleUp(ctx, acc, 1, 32, pos), pos), t, pos, false)));
        KExpr rank = ctx.let(CooperativeGroupCalls.linearThreadId(), pos);
        KExpr lane = ctx.let(bin(BinaryOp.AND, rank, uint(31)), pos);
        KExpr warp = ctx.let(bin(BinaryOp.SHR, rank, uint(5)), pos);
        KExpr firstWarp = ctx.let(bin(BinaryOp.SHR, bin(BinaryOp.AND, rank, uint(~(tile - 1L) & 0xFFFF_FFFFL)), uint(5)),
                pos);
        ctx.emit(new KStmt.If(eq(lane, uint(31)), new KBlock(List.of(new KStmt.Store(slot(warp, t),
                new KExpr.LocalGet(acc), pos))), KBlock.EMPTY));
        ctx.emit(barrier(tile, pos));
        // the totals of the tile's warps below the caller's, folded in rank order
        KLocal before = ctx.temp(t, pos);
        KLocal w = ctx.temp(ScalarType.UINT, pos);
        ctx.emit(new KStmt.Assign(before, new KExpr.Load(slot(firstWarp, t), pos)));
        ctx.emit(new KStmt.Assign(w, bin(BinaryOp.ADD, firstWarp, uint(1))));
        KBlock fold = ctx.out.capture(() -> combine(before, op, new KExpr.Load(slot(new KExpr.LocalGet(w), t), pos)));
        ctx.emit(new KStmt.Loop(false, lt(new KExpr.LocalGet(w), warp), fold,
                new KBlock(List.of(new KStmt.Assign(w, bin(BinaryOp.ADD, new KExpr.LocalGet(w), uint(1)))))));
        KExpr firstOfTile = ctx.let(eq(warp, firstWarp), pos);
        KLocal result = ctx.temp(t, pos);
        KExpr own = exclusive ? new KExpr.LocalGet(below) : new KExpr.LocalGet(acc);
        KBlock inFirstWarp;
        KBlock later;
        if (exclusive) {
            // rank 0 gets T() (zero); the first lane of a later warp gets the warps before it
            KExpr zero = ctx.exprs.convert(new KExpr.IntConst(ScalarType.INT, 0), t, pos, false);
            KExpr laneZero = eq(lane, uint(0));
            inFirstWarp = new KBlock(List.of(new KStmt.Assign(result, new KExpr.Select(laneZero, zero, own, t))));
            later = ctx.out.capture(() -> {
                ctx.emit(new KStmt.Assign(result, new KExpr.LocalGet(before)));
                KBlock add = ctx.out.capture(() -> combine(result, op, own));
                ctx.emit(new KStmt.If(laneZero, KBlock.EMPTY, add));
            });
        } else {
            inFirstWarp = new KBlock(List.of(new KStmt.Assign(result, own)));
            later = ctx.out.capture(() -> {
                ctx.emit(new KStmt.Assign(result, new KExpr.LocalGet(before)));
                combine(result, op, own);
            });
        }
        ctx.emit(new KStmt.If(firstOfTile, inFirstWarp, later));
        ctx.emit(barrier(tile, pos));
        return new Value(new KExpr.LocalGet(result));
    }

    /**
     * The tile's warps' values (the same in every lane of a warp) combined in every thread: lane 0
     * of each warp leaves its value in the warp's slot, and after a tile barrier each thread folds
     * the tile's slots as a butterfly over the warps would (slot i with slot i + d for d = k/2 … 1).
     */
    private void acrossWarps(KLocal acc, Combiner combiner) {
        CType t = exchangeable(acc.type(), pos, "cg::reduce");
        KExpr rank = ctx.let(CooperativeGroupCalls.linearThreadId(), pos);
        KExpr warp = bin(BinaryOp.SHR, rank, uint(5));
        KExpr firstWarp = ctx.let(bin(BinaryOp.SHR, bin(BinaryOp.AND, rank, uint(~(tile - 1L) & 0xFFFF_FFFFL)), uint(5)),
                pos);
        ctx.emit(new KStmt.If(eq(bin(BinaryOp.AND, rank, uint(31)), uint(0)), new KBlock(List.of(
                new KStmt.Store(slot(warp, t), new KExpr.LocalGet(acc), pos))), KBlock.EMPTY));
        ctx.emit(barrier(tile, pos));
        int warps = tile / 32;
        List<KLocal> values = new ArrayList<>();
        for (int i = 0; i < warps; i++) {
            KLocal v = ctx.temp(t, pos);
            ctx.emit(new KStmt.Assign(v, new KExpr.Load(slot(bin(BinaryOp.ADD, firstWarp, uint(i)), t), pos)));
            values.add(v);
        }
        for (int d = warps / 2; d > 0; d /= 2) {
            for (int i = 0; i < d; i++) {
                combiner.combine(values.get(i), new KExpr.LocalGet(values.get(i + d)));
            }
        }
        ctx.emit(new KStmt.Assign(acc, new KExpr.LocalGet(values.get(0))));
        ctx.emit(barrier(tile, pos));
    }

    /** {@code into = op(into, other)}; emits its statements. */
    private interface Combiner {
        void combine(KLocal into, KExpr other);
    }

    private void combine(KLocal into, Operand op, KExpr other) {
        CooperativeGroupCalls.combine(ctx, into, op, new Value(other), pos);
    }

    /** Slot {@code index} of the exchange array, as a pointer to {@code t}. */
    private KExpr slot(KExpr index, CType t) {
        KGlobal exchange = ctx.checker.tileExchange(SLOTS, pos);
        KExpr base = new KExpr.GlobalAddr(exchange, new PointerType(exchange.type(), AddressSpace.SHARED, false, false));
        KExpr first = new KExpr.Convert(new PointerType(ScalarType.ULONGLONG, AddressSpace.SHARED, false, false), base);
        KExpr at = new KExpr.PtrAdd(first, index, pos);
        return new KExpr.Convert(new PointerType(t, AddressSpace.SHARED, false, false), at);
    }

    /** What a slot holds: numbers and pointers (CUDA limits these collectives to 8-byte values too). */
    private CType exchangeable(CType t, SourcePos at, String what) {
        if (t instanceof ScalarType || t instanceof PointerType) {
            return t;
        }
        throw CompileException.at(at, what + " of a thread_block_tile<" + tile + "> works on numbers and pointers "
                + "(CUDA allows values of up to 8 bytes), not '" + t.display() + "'");
    }

    private void arity(String name, List<Expr> args, int n) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }

    static ArrayType exchangeType(int slots) {
        return new ArrayType(ScalarType.ULONGLONG, slots);
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, op.isComparison() ? ScalarType.BOOL : ScalarType.UINT);
    }

    private static KExpr eq(KExpr a, KExpr b) {
        return bin(BinaryOp.EQ, a, b);
    }

    private static KExpr lt(KExpr a, KExpr b) {
        return bin(BinaryOp.LT, a, b);
    }
}
