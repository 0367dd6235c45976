package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * {@code cg::thread_group}: a group whose kind is known only at run time, as CUDA keeps it. Any
 * group converts to one (a block, a coalesced group, a tile of up to 32 threads, which CUDA holds
 * as a coalesced group, and a grid, which CUDA's layout leaves without a kind outside a cooperative
 * launch); the value carries CUDA's group id (1 coalesced, 4 block) next to a coalesced group's lanes and place among its partition's groups, and every member
 * dispatches on that id: {@code thread_rank()} and {@code size()} select among the kinds' own
 * values, {@code sync()} is a block barrier or a warp barrier on the lanes, each under a branch on
 * the id. The id is the same
 * in every thread that converted the same group, so the branch is uniform wherever the group is,
 * and the block barrier is reached by the whole block as CUDA requires (a divergent one still
 * stops the launch with its trap on the CPU path).
 */
final class ThreadGroups {
    static final long COALESCED_ID = 1;
    static final long BLOCK_ID = 4;

    private final FunctionContext ctx;
    private final SourcePos pos;

    ThreadGroups(FunctionContext ctx, SourcePos pos) {
        this.ctx = ctx;
        this.pos = pos;
    }

    static StructType type() {
        return CooperativeGroups.groupType(CooperativeGroups.THREAD_GROUP, 0);
    }

    static boolean isThreadGroup(CooperativeGroups.GroupKind k) {
        return k != null && k.kind().equals(CooperativeGroups.THREAD_GROUP);
    }

    /** Whether a value of type {@code from} converts to a thread_group (CUDA's base class of the groups). */
    static boolean convertible(CType from) {
        CooperativeGroups.GroupKind k = CooperativeGroups.kindOf(from);
        return k != null && !isThreadGroup(k) && k.tileSize() <= 32;
    }

    // ------------------------------------------------------------------ making thread_groups

    /** A group of a kind known here, as a thread_group value. */
    KExpr convert(KExpr value, CooperativeGroups.GroupKind from) {
        if (from.tileSize() > 32) {
            throw CompileException.at(pos, "a thread_block_tile<" + from.tileSize() + "> does not convert to "
                    + "cg::thread_group: CUDA's tiles of more than 32 threads are not thread_groups (keep the tile's "
                    + "own type)");
        }
        Operand made;
        if (CoalescedGroups.isCoalesced(from)) {
            KLocal t = ctx.temp(value.type(), pos);
            ctx.emit(new KStmt.Assign(t, value));
            Operand g = new Place(new LValue.OfLocal(t, true));
            made = make(uint(COALESCED_ID), load(g, CooperativeGroups.MASK, from), load(g, CooperativeGroups.META_RANK,
                    from), load(g, CooperativeGroups.META_SIZE, from));
        } else if (from.tileSize() > 0) {
            // the tile's lanes, and its place among its parent's tiles as the tile keeps it
            KLocal t = ctx.temp(value.type(), pos);
            ctx.emit(new KStmt.Assign(t, value));
            Operand tile = new Place(new LValue.OfLocal(t, true));
            Operand lanes = blockTile(uint(from.tileSize()));
            made = make(uint(COALESCED_ID), field(lanes, CooperativeGroups.MASK),
                    CooperativeGroupCalls.tileField(ctx, tile, CooperativeGroups.META_RANK, pos),
                    CooperativeGroupCalls.tileField(ctx, tile, CooperativeGroups.META_SIZE, pos));
        } else if (from.kind().equals("grid_group")) {
            // CUDA keeps a grid's workspace address where a thread_group keeps its kind: outside a
            // cooperative launch it is null, so the thread_group's kind reads 0, its size and rank 0
            // and its sync does nothing (nvcc's code does exactly that)
            made = make(uint(0), uint(0), uint(0), uint(0));
        } else {
            made = make(uint(BLOCK_ID), uint(0), uint(0), uint(1));
        }
        return ctx.exprs.toRValue(made, pos);
    }

    /**
     * {@code tiled_partition(block, n)} as CUDA makes it: a coalesced group of the {@code n} lanes of
     * the caller's tile that exist in the block ({@code n} a power of two up to 32, else the kernel
     * stops as CUDA's does), numbered among the block's tiles.
     */
    Operand blockTile(KExpr size) {
        KExpr n = let(size);
        trapUnlessTileSize(n);
        KExpr rank = let(CooperativeGroupCalls.linearThreadId());
        KExpr block = let(blockSize());
        KExpr first = let(and(rank, not(sub(n, uint(1)))));
        KExpr length = let(select(lt(sub(block, first), n), sub(block, first), n));
        KExpr lanes = bin(BinaryOp.SHR, uint(0xFFFF_FFFFL), sub(uint(32), length));
        KExpr mask = bin(BinaryOp.SHL, lanes, and(laneId(), not(sub(n, uint(1)))));
        return make(uint(COALESCED_ID), mask, bin(BinaryOp.DIV, rank, n),
                bin(BinaryOp.DIV, sub(add(block, n), uint(1)), n));
    }

    /**
     * {@code tiled_partition(g, n)} of a thread_group: a coalesced one is partitioned as a coalesced
     * group, anything else as the block (what CUDA's dispatch does).
     */
    Operand tiledPartition(Operand group, Expr sizeExpr) {
        KExpr n = let(ctx.exprs.convert(ctx.exprs.rvalue(sizeExpr), ScalarType.UINT, sizeExpr.pos(), false));
        KExpr kind = let(field(group, CooperativeGroups.KIND));
        CoalescedGroups coalesced = new CoalescedGroups(ctx, pos);
        KLocal result = ctx.temp(type(), pos);
        KBlock ofCoalesced = ctx.out.capture(() -> {
            Operand view = coalesced.make(field(group, CooperativeGroups.MASK), field(group, CooperativeGroups.META_RANK),
                    field(group, CooperativeGroups.META_SIZE));
            Operand tile = coalesced.tiledPartition(view, n, sizeExpr.pos());
            ctx.emit(new KStmt.Assign(result, convert(ctx.exprs.toRValue(tile, pos), coalescedKind())));
        });
        KBlock ofBlock = ctx.out.capture(() -> ctx.emit(new KStmt.Assign(result,
                ctx.exprs.toRValue(blockTile(n), pos))));
        ctx.emit(new KStmt.If(eq(kind, uint(COALESCED_ID)), ofCoalesced, ofBlock));
        return new Place(new LValue.OfLocal(result, true));
    }

    private static CooperativeGroups.GroupKind coalescedKind() {
        return CooperativeGroups.kindOf(CoalescedGroups.type());
    }

    /** CUDA aborts the kernel for a tile size that is not a power of two up to 32. */
    private void trapUnlessTileSize(KExpr n) {
        if (n instanceof KExpr.IntConst c) {
            if (c.value() < 1 || c.value() > 32 || Long.bitCount(c.value()) != 1) {
                throw CompileException.at(pos, "tiled_partition(group, n) makes tiles of a power of two up to 32 "
                        + "threads (CUDA stops the kernel for n = " + c.value() + "); tiles of up to 1024 threads are "
                        + "tiled_partition<N>(block)");
            }
            return;
        }
        KExpr bad = bin(BinaryOp.LOR, eq(n, uint(0)), bin(BinaryOp.LOR, gt(n, uint(32)),
                bin(BinaryOp.NE, and(n, sub(n, uint(1))), uint(0))));
        ctx.emit(new KStmt.If(bad, new KBlock(List.of(new KStmt.Trap(
                "tiled_partition: the tile size must be a power of two up to 32", pos))), KBlock.EMPTY));
    }

    private Operand make(KExpr kind, KExpr mask, KExpr metaRank, KExpr metaSize) {
        StructType t = type();
        KLocal g = ctx.temp(t, pos);
        KExpr address = ctx.exprs.localAddress(g);
        ctx.emit(new KStmt.Store(ctx.exprs.fieldAddr(address, fieldOf(CooperativeGroups.KIND)), kind, pos));
        ctx.emit(new KStmt.Store(ctx.exprs.fieldAddr(address, fieldOf(CooperativeGroups.MASK)), mask, pos));
        ctx.emit(new KStmt.Store(ctx.exprs.fieldAddr(address, fieldOf(CooperativeGroups.META_RANK)), metaRank, pos));
        ctx.emit(new KStmt.Store(ctx.exprs.fieldAddr(address, fieldOf(CooperativeGroups.META_SIZE)), metaSize, pos));
        return new Place(new LValue.OfLocal(g, true));
    }

    // ------------------------------------------------------------------ members

    Operand member(Operand group, String name, List<Expr> args) {
        switch (name) {
            case "sync" -> {
                arity(name, args, 0);
                sync(group);
                return new NoValue();
            }
            case "thread_rank" -> {
                arity(name, args, 0);
                return new Value(threadRank(group));
            }
            case "size", "num_threads" -> {
                arity(name, args, 0);
                return new Value(size(group));
            }
            case "get_type" -> {
                arity(name, args, 0);
                return new Value(field(group, CooperativeGroups.KIND));
            }
            default -> throw CompileException.at(pos, "'" + name + "' is not a member of cg::thread_group (it has "
                    + "sync, thread_rank, size, num_threads and get_type; keep the group's own type for the rest)");
        }
    }

    /** The block's barrier or the coalesced lanes' warp barrier (nothing for a kind-less grid, as in CUDA). */
    void sync(Operand group) {
        KExpr kind = let(field(group, CooperativeGroups.KIND));
        // marked as a thread_group's (BarrierKind): no warning for a dispatch under divergent code
        KBlock block = new KBlock(List.of(new KStmt.Barrier(BarrierKind.BLOCK, uint(1), pos)));
        KBlock warp = ctx.out.capture(() -> new WarpOps(ctx).syncWarp(field(group, CooperativeGroups.MASK), pos));
        KBlock notBlock = new KBlock(List.of(new KStmt.If(eq(kind, uint(COALESCED_ID)), warp, KBlock.EMPTY)));
        ctx.emit(new KStmt.If(eq(kind, uint(BLOCK_ID)), block, notBlock));
    }

    private KExpr threadRank(Operand group) {
        KExpr kind = let(field(group, CooperativeGroups.KIND));
        KExpr mask = let(field(group, CooperativeGroups.MASK));
        KExpr below = sub(bin(BinaryOp.SHL, uint(1), laneId()), uint(1));
        KExpr coalesced = wide(popc(and(mask, below)));
        KExpr block = wide(CooperativeGroupCalls.linearThreadId());
        return kindSelect(kind, coalesced, block);
    }

    private KExpr size(Operand group) {
        KExpr kind = let(field(group, CooperativeGroups.KIND));
        KExpr coalesced = wide(popc(field(group, CooperativeGroups.MASK)));
        KExpr block = wide(blockSize());
        return kindSelect(kind, coalesced, block);
    }

    /** A block's value, a coalesced group's, or 0 for a kind-less group (CUDA's default). */
    private static KExpr kindSelect(KExpr kind, KExpr coalesced, KExpr block) {
        KExpr notBlock = new KExpr.Select(eq(kind, uint(COALESCED_ID)), coalesced,
                new KExpr.IntConst(ScalarType.ULONGLONG, 0), ScalarType.ULONGLONG);
        return new KExpr.Select(eq(kind, uint(BLOCK_ID)), block, notBlock, ScalarType.ULONGLONG);
    }

    // ------------------------------------------------------------------ helpers

    private KExpr field(Operand group, String name) {
        return load(group, name, CooperativeGroups.kindOf(group.type()));
    }

    /** A field of a thread_group or coalesced group value. */
    private KExpr load(Operand group, String name, CooperativeGroups.GroupKind kind) {
        KExpr address;
        if (group instanceof Place p) {
            address = ctx.exprs.address(p.lvalue());
        } else {
            KLocal t = ctx.temp(group.type(), pos);
            ctx.emit(new KStmt.Assign(t, ctx.exprs.toRValue(group, pos)));
            address = ctx.exprs.localAddress(t);
        }
        StructType t = (StructType) group.type();
        Field f = t.field(name).orElseThrow(() -> new IllegalStateException(kind + " has no " + name));
        return new KExpr.Load(ctx.exprs.fieldAddr(address, f), pos);
    }

    private static Field fieldOf(String name) {
        return type().field(name).orElseThrow();
    }

    private KExpr let(KExpr e) {
        return ctx.let(e, pos);
    }

    private void arity(String name, List<Expr> args, int n) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }

    private static KExpr blockSize() {
        return bin(BinaryOp.MUL, new KExpr.Special(SpecialReg.NTID_X), bin(BinaryOp.MUL,
                new KExpr.Special(SpecialReg.NTID_Y), new KExpr.Special(SpecialReg.NTID_Z)));
    }

    private static KExpr laneId() {
        return new KExpr.Special(SpecialReg.LANE_ID);
    }

    private static KExpr wide(KExpr e) {
        return e.type() == ScalarType.ULONGLONG ? e : new KExpr.Convert(ScalarType.ULONGLONG, e);
    }

    private static KExpr popc(KExpr e) {
        return new KExpr.Convert(ScalarType.UINT, new KExpr.IntrinsicCall(Intrinsic.POPC, List.of(e), ScalarType.INT));
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr select(KExpr c, KExpr a, KExpr b) {
        return new KExpr.Select(c, a, b, ScalarType.UINT);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, op.isComparison() || op == BinaryOp.LOR ? ScalarType.BOOL : ScalarType.UINT);
    }

    private static KExpr not(KExpr a) {
        return new KExpr.Unary(KExpr.UnaryOp.BIT_NOT, a, ScalarType.UINT);
    }

    private static KExpr and(KExpr a, KExpr b) {
        return bin(BinaryOp.AND, a, b);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return bin(BinaryOp.ADD, a, b);
    }

    private static KExpr sub(KExpr a, KExpr b) {
        return bin(BinaryOp.SUB, a, b);
    }

    private static KExpr eq(KExpr a, KExpr b) {
        return bin(BinaryOp.EQ, a, b);
    }

    private static KExpr lt(KExpr a, KExpr b) {
        return bin(BinaryOp.LT, a, b);
    }

    private static KExpr gt(KExpr a, KExpr b) {
        return bin(BinaryOp.GT, a, b);
    }
}
