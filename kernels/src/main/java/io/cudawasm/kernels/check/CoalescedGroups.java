package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BitSearch;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.ShuffleMode;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.kir.WarpLoops;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * Cooperative groups' coalesced groups ({@code cg::coalesced_threads()}, and the groups
 * {@code tiled_partition}, {@code binary_partition} and {@code labeled_partition} make of a
 * coalesced group or a tile): the lanes of a warp that run together, held as a warp mask. Every
 * operation is lowered to the warp primitives the kernel IR has ({@code __activemask}, votes,
 * shuffles with the group's mask, population counts), in rank space as CUDA defines it: a thread's
 * rank is the number of group lanes below its own, and a rank names the lane holding the group's
 * rank-th member ({@link BitSearch#nthSetBit}). The results follow CUDA's own implementation
 * (cooperative_groups.h), down to the order in which {@code cg::reduce} combines values, so float
 * reductions agree bit for bit with nvcc's code.
 */
final class CoalescedGroups {
    private static final KExpr FULL = uint(0xFFFF_FFFFL);

    private final FunctionContext ctx;
    private final SourcePos pos;

    CoalescedGroups(FunctionContext ctx, SourcePos pos) {
        this.ctx = ctx;
        this.pos = pos;
    }

    static StructType type() {
        return CooperativeGroups.groupType(CooperativeGroups.COALESCED, 0);
    }

    static boolean isCoalesced(CooperativeGroups.GroupKind k) {
        return k.kind().equals(CooperativeGroups.COALESCED);
    }

    // ------------------------------------------------------------------ making groups

    /** {@code cg::coalesced_threads()}: the lanes {@code __activemask()} names. */
    Operand coalescedThreads() {
        KExpr active = exprs().toRValue(new WarpOps(ctx).vote(VoteMode.ACTIVEMASK, WarpOps.FULL_MASK, null, pos), pos);
        return make(active, uint(0), uint(1));
    }

    /**
     * {@code cg::tiled_partition(group, n)} of a coalesced group: the group's members split by rank
     * into runs of {@code n} (the last one shorter); a group of at most {@code n} stays as it is.
     */
    Operand tiledPartition(Operand parent, Expr sizeExpr) {
        return tiledPartition(parent, exprs().convert(exprs().rvalue(sizeExpr), ScalarType.UINT, pos, false),
                sizeExpr.pos());
    }

    /** {@link #tiledPartition(Operand, Expr)} of a size already lowered (written at {@code sizePos}). */
    Operand tiledPartition(Operand parent, KExpr size, SourcePos sizePos) {
        if (size instanceof KExpr.IntConst c) {
            if (c.value() < 1 || c.value() > 32 || Long.bitCount(c.value()) != 1) {
                throw CompileException.at(sizePos, "tile size must be a power of two up to 32 (got "
                        + c.value() + ")");
            }
        } else {
            // CUDA aborts the kernel for such a size
            KExpr n = let(size);
            KExpr bad = or(eq(n, uint(0)), or(gt(n, uint(32)), ne(and(n, sub(n, uint(1))), uint(0))));
            ctx.emit(new KStmt.If(bad, new KBlock(List.of(new KStmt.Trap(
                    "tiled_partition: the tile size must be a power of two up to 32", pos))), KBlock.EMPTY));
            size = n;
        }
        KExpr n = let(size);
        KExpr m = let(mask(parent));
        KExpr count = let(popc(m));
        KExpr rank = let(rank(m));
        KExpr whole = let(le(count, n));
        KExpr first = let(mul(div(rank, n), n));
        KExpr end = let(add(first, n));
        KExpr lo = let(and(nth(m, first), uint(31)));
        KExpr hi = let(and(nth(m, end), uint(31)));
        KExpr from = new KExpr.Unary(KExpr.UnaryOp.BIT_NOT, sub(shl(uint(1), lo), uint(1)), ScalarType.UINT);
        KExpr below = select(lt(end, count), sub(shl(uint(1), hi), uint(1)), FULL);
        KExpr tile = and(m, and(from, below));
        KExpr metaSize = div(sub(add(count, n), uint(1)), n);
        return make(select(whole, m, tile), select(whole, field(parent, CooperativeGroups.META_RANK), div(rank, n)),
                select(whole, field(parent, CooperativeGroups.META_SIZE), metaSize));
    }

    /**
     * {@code cg::binary_partition(parent, pred)}: the parent's lanes whose predicate agrees with
     * the caller's; meta rank 1 for the true side, meta size 2 (0 and 1 when all agree).
     */
    Operand binaryPartition(KExpr parentMask, KExpr predicate) {
        KExpr m = let(parentMask);
        KExpr pred = let(predicate);
        KExpr set = let(exprs().toRValue(new WarpOps(ctx).vote(VoteMode.BALLOT, m, pred, pos), pos));
        KExpr same = let(new KExpr.Binary(BinaryOp.LOR, eq(set, m), eq(set, uint(0)), ScalarType.BOOL));
        KExpr side = and(m, select(pred, set, new KExpr.Unary(KExpr.UnaryOp.BIT_NOT, set, ScalarType.UINT)));
        return make(select(same, m, side), select(same, uint(0), select(pred, uint(1), uint(0))),
                select(same, uint(1), uint(2)));
    }

    /**
     * {@code cg::labeled_partition(parent, label)}: the parent's lanes holding the caller's label
     * (what {@code __match_any_sync} gives, found here with a shuffle from every lane), numbered
     * among the partition's groups by their lowest lanes.
     */
    Operand labeledPartition(KExpr parentMask, Expr labelExpr) {
        KExpr raw = exprs().rvalue(labelExpr);
        if (raw.type() instanceof ScalarType b && b.kind() == ScalarKind.BOOL) {
            return binaryPartition(parentMask, raw); // as CUDA dispatches a bool label
        }
        if (!(raw.type() instanceof PointerType) && !(raw.type() instanceof ScalarType s && s.kind().isInteger())) {
            throw CompileException.at(labelExpr.pos(), "labeled_partition needs an integer or pointer label, not '"
                    + raw.type().display() + "'");
        }
        KExpr m = let(parentMask);
        KExpr group = let(WarpLoops.matchAny(m, WarpOps.matchValue(exprs(), raw, pos), WarpOps.builder(ctx, pos)));
        KExpr leader = let(sub(ffs(group), uint(1)));
        KExpr isLeader = eq(laneId(), leader);
        KExpr leaders = let(exprs().toRValue(new WarpOps(ctx).vote(VoteMode.BALLOT, m, isLeader, pos), pos));
        return make(group, popc(and(leaders, sub(shl(uint(1), leader), uint(1)))), popc(leaders));
    }

    Operand make(KExpr mask, KExpr metaRank, KExpr metaSize) {
        StructType t = type();
        KLocal g = ctx.temp(t, pos);
        KExpr address = exprs().localAddress(g);
        ctx.emit(new KStmt.Store(exprs().fieldAddr(address, fieldOf(CooperativeGroups.MASK)), mask, pos));
        ctx.emit(new KStmt.Store(exprs().fieldAddr(address, fieldOf(CooperativeGroups.META_RANK)), metaRank, pos));
        ctx.emit(new KStmt.Store(exprs().fieldAddr(address, fieldOf(CooperativeGroups.META_SIZE)), metaSize, pos));
        return new Place(new LValue.OfLocal(g, true));
    }

    // ------------------------------------------------------------------ members

    /** The group's lanes as a warp mask. */
    KExpr mask(Operand group) {
        return field(group, CooperativeGroups.MASK);
    }

    /** {@code g.sync()}: {@code __syncwarp} over the group's lanes. */
    void sync(Operand group) {
        new WarpOps(ctx).syncWarp(mask(group), pos);
    }

    Operand member(Operand group, String name, List<Expr> args) {
        switch (name) {
            case "sync" -> {
                arity(name, args, 0);
                sync(group);
                return new NoValue();
            }
            case "size", "num_threads" -> {
                arity(name, args, 0);
                return new Value(popc(mask(group)));
            }
            case "thread_rank" -> {
                arity(name, args, 0);
                return new Value(rank(mask(group)));
            }
            case "meta_group_rank" -> {
                arity(name, args, 0);
                return new Value(field(group, CooperativeGroups.META_RANK));
            }
            case "meta_group_size" -> {
                arity(name, args, 0);
                return new Value(field(group, CooperativeGroups.META_SIZE));
            }
            case "shfl", "shfl_up", "shfl_down" -> {
                arity(name, args, 2);
                KExpr value = exprs().rvalue(args.get(0));
                KExpr amount = exprs().convert(exprs().rvalue(args.get(1)), ScalarType.UINT, pos, false);
                KExpr m = let(mask(group));
                KExpr lane;
                if (name.equals("shfl")) {
                    // a rank past the group reads lane 31, as CUDA's __fns-based lane does
                    lane = nth(m, amount);
                } else {
                    // a rank outside the group reads the caller's own value, as shfl_up/down do
                    KExpr rank = let(rank(m));
                    KExpr d = let(amount);
                    boolean down = name.equals("shfl_down");
                    KExpr inside = down ? lt(d, sub(popc(m), rank)) : le(d, rank);
                    lane = select(inside, nth(m, down ? add(rank, d) : sub(rank, d)), laneId());
                }
                return shuffle(m, value, lane, name);
            }
            case "any", "all" -> {
                arity(name, args, 1);
                KExpr pred = exprs().condition(args.get(0));
                return new WarpOps(ctx).vote(name.equals("any") ? VoteMode.ANY : VoteMode.ALL, let(mask(group)), pred,
                        pos);
            }
            case "ballot" -> {
                arity(name, args, 1);
                KExpr pred = exprs().condition(args.get(0));
                KExpr m = let(mask(group));
                KExpr lanes = exprs().toRValue(new WarpOps(ctx).vote(VoteMode.BALLOT, m, pred, pos), pos);
                return new Value(toRanks(lanes, m));
            }
            case "shfl_xor" -> throw CompileException.at(pos, "'shfl_xor' is not a member of coalesced_group: CUDA "
                    + "gives coalesced groups shfl, shfl_up and shfl_down (thread_block_tile has shfl_xor)");
            case "match_any", "match_all" -> {
                boolean all = name.equals("match_all");
                arity(name, args, all ? 2 : 1);
                KExpr value = exprs().rvalue(args.get(0));
                KExpr m = let(mask(group));
                KExpr lanes = new WarpOps(ctx).match(m, value, all ? args.get(1) : null, name, pos);
                return new Value(toRanks(lanes, m));
            }
            case "group_index", "thread_index", "group_dim", "dim_threads" -> throw CompileException.at(pos,
                    "'" + name + "' is a member of thread_block, not of a coalesced group");
            default -> throw CompileException.at(pos, "cooperative group member '" + name
                    + "()' is not supported for coalesced groups");
        }
    }

    /**
     * {@code cg::reduce(g, value, op)}: as CUDA computes it, a butterfly when the group is the
     * whole warp, otherwise an inclusive scan over ranks whose last rank's value every member then
     * reads.
     */
    Operand reduce(Operand group, Expr valueExpr, Expr opExpr) {
        KExpr m = let(mask(group));
        KLocal acc = CooperativeGroupCalls.scanOperand(ctx, valueExpr, "cg::reduce", pos);
        Operand op = exprs().operand(opExpr);
        KBlock whole = ctx.out.capture(() -> CooperativeGroupCalls.butterfly(ctx, acc, op, 32, pos));
        KBlock part = ctx.out.capture(() -> {
            inclusiveScan(m, acc, op);
            KExpr last = sub(uint(31), toUint(new KExpr.IntrinsicCall(Intrinsic.CLZ, List.of(m), ScalarType.INT)));
            Operand result = shuffle(m, new KExpr.LocalGet(acc), last, "cg::reduce");
            ctx.emit(new KStmt.Assign(acc, exprs().convert(exprs().toRValue(result, pos), acc.type(), pos, false)));
        });
        ctx.emit(new KStmt.If(eq(m, FULL), whole, part));
        return new Value(new KExpr.LocalGet(acc));
    }

    /**
     * {@code cg::inclusive_scan / exclusive_scan(g, value[, op])} over the group's ranks, as CUDA's
     * header computes them (see {@link #inclusiveScan}); the exclusive scan is the inclusive one of the
     * rank below, {@code T()} (zero) at rank 0. Without {@code op}, {@code cg::plus}.
     */
    Operand scan(Operand group, Expr valueExpr, Expr opExpr, boolean exclusive) {
        KExpr m = let(mask(group));
        KLocal acc = CooperativeGroupCalls.scanOperand(ctx, valueExpr, "cg::scan", pos);
        inclusiveScan(m, acc, opExpr == null ? null : exprs().operand(opExpr));
        if (!exclusive) {
            return new Value(new KExpr.LocalGet(acc));
        }
        KExpr rank = let(rank(m));
        KExpr first = let(eq(rank, uint(0)));
        KExpr lane = select(first, laneId(), nth(m, sub(rank, uint(1))));
        KExpr previous = exprs().toRValue(shuffle(m, new KExpr.LocalGet(acc), lane, "cg::exclusive_scan"), pos);
        KExpr zero = exprs().convert(new KExpr.IntConst(ScalarType.INT, 0), acc.type(), pos, false);
        return new Value(new KExpr.Select(first, zero, previous, acc.type()));
    }

    /**
     * {@code acc = op(acc, acc of the rank d below)} for d = 1, 2, 4, 8, 16 where the thread's rank is
     * at least d: an inclusive scan over the group's ranks (the member of rank r then holds
     * op-combined values of ranks 0..r, in CUDA's order).
     */
    private void inclusiveScan(KExpr m, KLocal acc, Operand op) {
        KExpr rank = let(rank(m));
        KLocal distance = ctx.temp(ScalarType.UINT, pos);
        ctx.emit(new KStmt.Assign(distance, uint(1)));
        KExpr d = new KExpr.LocalGet(distance);
        KBlock step = ctx.out.capture(() -> {
            KExpr has = let(le(d, rank));
            KExpr lane = select(has, nth(m, sub(rank, d)), laneId());
            Operand lower = shuffle(m, new KExpr.LocalGet(acc), lane, "cg::scan");
            KBlock combine = ctx.out.capture(() -> CooperativeGroupCalls.combine(ctx, acc, op, lower, pos));
            ctx.emit(new KStmt.If(has, combine, KBlock.EMPTY));
        });
        ctx.emit(new KStmt.Loop(false, lt(d, uint(32)), step,
                new KBlock(List.of(new KStmt.Assign(distance, shl(d, uint(1)))))));
    }

    // ------------------------------------------------------------------ lowering helpers

    private Operand shuffle(KExpr mask, KExpr value, KExpr lane, String name) {
        return new WarpOps(ctx).shuffle(ShuffleMode.IDX, mask, value, new KExpr.Convert(ScalarType.INT, lane),
                new KExpr.IntConst(ScalarType.INT, 32), name, pos);
    }

    /** A lane-indexed bit mask (a ballot) renumbered by rank: bit r for the group's r-th member. */
    private KExpr toRanks(KExpr lanes, KExpr mask) {
        KLocal rest = ctx.temp(ScalarType.UINT, pos);
        KLocal packed = ctx.temp(ScalarType.UINT, pos);
        ctx.emit(new KStmt.Assign(rest, and(lanes, mask)));
        ctx.emit(new KStmt.Assign(packed, uint(0)));
        KExpr r = new KExpr.LocalGet(rest);
        KLocal lowest = ctx.temp(ScalarType.UINT, pos);
        KExpr low = new KExpr.LocalGet(lowest);
        KBlock body = new KBlock(List.of(
                new KStmt.Assign(lowest, and(r, sub(uint(0), r))),
                new KStmt.Assign(packed, or(new KExpr.LocalGet(packed), shl(uint(1), popc(and(mask, sub(low, uint(1))))))),
                new KStmt.Assign(rest, new KExpr.Binary(BinaryOp.XOR, r, low, ScalarType.UINT))));
        ctx.emit(new KStmt.Loop(false, ne(r, uint(0)), body, KBlock.EMPTY));
        return new KExpr.LocalGet(packed);
    }

    /** The lane of the group's {@code rank}-th member (0xFFFFFFFF past the group): a call of one shared helper. */
    private KExpr nth(KExpr mask, KExpr rank) {
        KFunction search = ctx.checker.helper("cg_lane_of_rank", CoalescedGroups::laneOfRank);
        return let(new KExpr.Call(search, List.of(mask, rank), ScalarType.UINT));
    }

    /** {@code unsigned cg_lane_of_rank(unsigned mask, unsigned rank)}: {@link BitSearch#nthSetBit}. */
    private static KFunction laneOfRank(String name) {
        SourcePos at = SourcePos.BUILTIN;
        KLocal mask = new KLocal(0, "mask", ScalarType.UINT, true, at);
        KLocal rank = new KLocal(1, "rank", ScalarType.UINT, true, at);
        KFunction fn = new KFunction(name, "cooperative_groups::lane_of_rank", false, ScalarType.UINT,
                List.of(mask, rank), at);
        List<KStmt> body = new java.util.ArrayList<>();
        KExpr lane = BitSearch.nthSetBit(new KExpr.LocalGet(mask), new KExpr.LocalGet(rank), e -> {
            KLocal t = fn.newLocal("t", e.type(), at);
            body.add(new KStmt.Assign(t, e));
            return new KExpr.LocalGet(t);
        });
        body.add(new KStmt.Return(lane));
        fn.setBody(new KBlock(body));
        return fn;
    }

    /** The caller's rank: group lanes below its own. */
    private static KExpr rank(KExpr mask) {
        KExpr below = sub(shl(uint(1), laneId()), uint(1));
        return popc(and(mask, below));
    }

    private KExpr field(Operand group, String name) {
        KExpr address;
        if (group instanceof Place p) {
            address = exprs().address(p.lvalue());
        } else {
            KLocal t = ctx.temp(group.type(), pos);
            ctx.emit(new KStmt.Assign(t, exprs().toRValue(group, pos)));
            address = exprs().localAddress(t);
        }
        return new KExpr.Load(exprs().fieldAddr(address, fieldOf(name)), pos);
    }

    private static Field fieldOf(String name) {
        return type().field(name).orElseThrow();
    }

    private KExpr let(KExpr e) {
        return ctx.let(e, pos);
    }

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    private void arity(String name, List<Expr> args, int n) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }

    private static KExpr laneId() {
        return new KExpr.Special(SpecialReg.LANE_ID);
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr toUint(KExpr e) {
        return e.type() == ScalarType.UINT ? e : new KExpr.Convert(ScalarType.UINT, e);
    }

    private static KExpr popc(KExpr e) {
        return toUint(new KExpr.IntrinsicCall(Intrinsic.POPC, List.of(e), ScalarType.INT));
    }

    private static KExpr ffs(KExpr e) {
        return toUint(new KExpr.IntrinsicCall(Intrinsic.FFS, List.of(e), ScalarType.INT));
    }

    private static KExpr select(KExpr c, KExpr a, KExpr b) {
        return new KExpr.Select(c, a, b, ScalarType.UINT);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, op.isComparison() ? ScalarType.BOOL : ScalarType.UINT);
    }

    private static KExpr and(KExpr a, KExpr b) {
        return bin(BinaryOp.AND, a, b);
    }

    private static KExpr or(KExpr a, KExpr b) {
        return bin(a.type() == ScalarType.BOOL ? BinaryOp.LOR : BinaryOp.OR, a, b);
    }

    private static KExpr shl(KExpr a, KExpr b) {
        return bin(BinaryOp.SHL, a, b);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return bin(BinaryOp.ADD, a, b);
    }

    private static KExpr sub(KExpr a, KExpr b) {
        return bin(BinaryOp.SUB, a, b);
    }

    private static KExpr mul(KExpr a, KExpr b) {
        return bin(BinaryOp.MUL, a, b);
    }

    private static KExpr div(KExpr a, KExpr b) {
        return bin(BinaryOp.DIV, a, b);
    }

    private static KExpr eq(KExpr a, KExpr b) {
        return bin(BinaryOp.EQ, a, b);
    }

    private static KExpr ne(KExpr a, KExpr b) {
        return bin(BinaryOp.NE, a, b);
    }

    private static KExpr lt(KExpr a, KExpr b) {
        return bin(BinaryOp.LT, a, b);
    }

    private static KExpr le(KExpr a, KExpr b) {
        return bin(BinaryOp.LE, a, b);
    }

    private static KExpr gt(KExpr a, KExpr b) {
        return bin(BinaryOp.GT, a, b);
    }
}
