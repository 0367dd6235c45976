package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.ast.TypeSyntax;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.ShuffleMode;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;
import java.util.function.Function;

/**
 * The cooperative-groups subset NVIDIA's samples use: {@code this_thread_block()},
 * {@code tiled_partition<N>()}, {@code sync()}, {@code thread_rank()}, {@code size()}, the tile
 * collectives ({@code shfl*}, {@code any}, {@code all}, {@code ballot}) and {@code cg::reduce}.
 * Blocks carry no run-time data and tiles only their meta group: each call is lowered from the
 * group's kind and tile size. Coalesced groups and the partitions that make them are
 * {@link CoalescedGroups}, tiles of more than 32 threads {@link LargeTiles}, {@code cg::thread_group}
 * {@link ThreadGroups}.
 */
final class CooperativeGroupCalls {
    private final FunctionContext ctx;

    CooperativeGroupCalls(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return switch (name) {
            case "this_thread_block", "tiled_partition", "sync", "this_grid", "coalesced_threads", "reduce",
                    "binary_partition", "labeled_partition", "inclusive_scan", "exclusive_scan", "thread_rank",
                    "group_size", "num_threads", "this_cluster" -> true;
            default -> false;
        };
    }

    /** Whether a name is qualified by the cooperative groups namespace or an alias of it ({@code cg::reduce}). */
    static boolean isQualified(String name, java.util.Map<String, String> aliases) {
        int at = name.lastIndexOf("::");
        if (at <= 0) {
            return false;
        }
        String ns = name.substring(0, at);
        ns = aliases.getOrDefault(ns, ns);
        return ns.equals("cooperative_groups") || ns.endsWith("::cooperative_groups");
    }

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    private Operand group(String kind, int tile, SourcePos pos) {
        StructType t = CooperativeGroups.groupType(kind, tile);
        KLocal l = ctx.temp(t, pos);
        return new ExpressionLowering.Place(new LValue.OfLocal(l, true));
    }

    /**
     * A tile of {@code size} threads of a block or of a larger tile, holding its place among the
     * parent's tiles: CUDA's meta group rank (the caller's rank in the parent over the size) and size
     * (the parent's threads over the size, rounded up for a block).
     */
    private Operand tile(int size, CooperativeGroups.GroupKind parent, SourcePos pos) {
        StructType t = CooperativeGroups.groupType("thread_block_tile", size);
        KLocal l = ctx.temp(t, pos);
        KExpr address = exprs().localAddress(l);
        int p = parent.tileSize();
        KExpr rank = p > 0 ? bin(BinaryOp.AND, linearThreadId(), uint(p - 1)) : linearThreadId();
        KExpr count = p > 0 ? uint(p / size) : bin(BinaryOp.DIV, bin(BinaryOp.ADD, blockSize(), uint(size - 1)),
                uint(size));
        ctx.emit(new KStmt.Store(exprs().fieldAddr(address, t.field(CooperativeGroups.META_RANK).orElseThrow()),
                bin(BinaryOp.DIV, rank, uint(size)), pos));
        ctx.emit(new KStmt.Store(exprs().fieldAddr(address, t.field(CooperativeGroups.META_SIZE).orElseThrow()), count,
                pos));
        return new ExpressionLowering.Place(new LValue.OfLocal(l, true));
    }

    /** A field of a tile value. */
    static KExpr tileField(FunctionContext ctx, Operand tile, String name, SourcePos pos) {
        KExpr address;
        if (tile instanceof ExpressionLowering.Place p) {
            address = ctx.exprs.address(p.lvalue());
        } else {
            KLocal t = ctx.temp(tile.type(), pos);
            ctx.emit(new KStmt.Assign(t, ctx.exprs.toRValue(tile, pos)));
            address = ctx.exprs.localAddress(t);
        }
        StructType t = (StructType) tile.type();
        return new KExpr.Load(ctx.exprs.fieldAddr(address, t.field(name).orElseThrow()), pos);
    }

    private CooperativeGroups.GroupKind kindOf(Expr e) {
        CooperativeGroups.GroupKind k = CooperativeGroups.kindOf(exprs().typeOf(e));
        if (k == null) {
            throw CompileException.at(e.pos(), "expected a cooperative group, found '" + exprs().typeOf(e).display() + "'");
        }
        return k;
    }

    Operand call(String name, List<TypeSyntax.TemplateArg> templateArgs, List<Expr> args, SourcePos pos) {
        switch (name) {
            case "this_thread_block" -> {
                if (args.size() == 1) {
                    // this_thread_block(scratch): the block_tile_memory CUDA needs before sm_80 for tiles of
                    // more than 32 threads; nothing here uses it
                    if (exprs().typeOf(args.get(0)) != CooperativeGroups.TILE_MEMORY) {
                        throw CompileException.at(args.get(0).pos(), "this_thread_block takes a "
                                + "cg::block_tile_memory, not '" + exprs().typeOf(args.get(0)).display() + "'");
                    }
                } else {
                    expect(name, args, 0, pos);
                }
                return group("thread_block", 0, pos);
            }
            case "thread_rank", "group_size", "num_threads" -> {
                // cg::thread_rank(g), cg::group_size(g): the members under another name
                expect(name, args, 1, pos);
                String member = name.equals("group_size") ? "size" : name;
                return memberCall(exprs().operand(args.get(0)), new Expr.Member(pos, args.get(0), member, false),
                        List.of(), pos);
            }
            case "coalesced_threads" -> {
                expect(name, args, 0, pos);
                return new CoalescedGroups(ctx, pos).coalescedThreads();
            }
            case "binary_partition", "labeled_partition" -> {
                expect(name, args, 2, pos);
                CooperativeGroups.GroupKind k = kindOf(args.get(0));
                if (k.tileSize() == 0 && !CoalescedGroups.isCoalesced(k) || k.tileSize() > 32) {
                    throw CompileException.at(pos, "'" + name + "' partitions a coalesced group or a "
                            + "thread_block_tile (of up to 32 threads), not a " + display(k));
                }
                CoalescedGroups coalesced = new CoalescedGroups(ctx, pos);
                KExpr parent = warpMask(k, exprs().operand(args.get(0)), pos);
                return name.equals("binary_partition")
                        ? coalesced.binaryPartition(parent, exprs().condition(args.get(1)))
                        : coalesced.labeledPartition(parent, args.get(1));
            }
            case "tiled_partition" -> {
                if (!args.isEmpty() && CoalescedGroups.isCoalesced(kindOf(args.get(0)))) {
                    if (!templateArgs.isEmpty() || args.size() != 2) {
                        throw CompileException.at(pos, "a coalesced group is partitioned by tiled_partition(group, "
                                + "size), which gives coalesced groups (CUDA has no tiled_partition<N> of one)");
                    }
                    return new CoalescedGroups(ctx, pos).tiledPartition(exprs().operand(args.get(0)), args.get(1));
                }
                CooperativeGroups.GroupKind parent = args.isEmpty() ? null : kindOf(args.get(0));
                if (parent != null && parent.kind().equals(GRID)) {
                    throw CompileException.at(pos, "tiled_partition partitions a thread_block or a tile, not a grid_group");
                }
                long size;
                if (templateArgs.size() == 1 && templateArgs.get(0) instanceof TypeSyntax.ValueArg v) {
                    expect(name, args, 1, pos);
                    if (ThreadGroups.isThreadGroup(parent)) {
                        throw CompileException.at(pos, "tiled_partition<N> partitions a thread_block or a "
                                + "thread_block_tile, not a cg::thread_group (use tiled_partition(group, n))");
                    }
                    size = exprs().constantInteger(v.value(), "tile size");
                    if (size < 1 || size > CooperativeGroups.MAX_TILE || Long.bitCount(size) != 1) {
                        throw CompileException.at(pos, "tile size must be a power of two up to "
                                + CooperativeGroups.MAX_TILE + " (got " + size + ")");
                    }
                    if (parent.tileSize() > 0 && size >= parent.tileSize()) {
                        throw CompileException.at(pos, "tiled_partition<" + size + "> of a thread_block_tile<"
                                + parent.tileSize() + ">: a tile must be smaller than the tile it partitions");
                    }
                } else if (args.size() == 2) {
                    KExpr n = exprs().rvalue(args.get(1));
                    if (ThreadGroups.isThreadGroup(parent) || !(n instanceof KExpr.IntConst)) {
                        // known at run time: CUDA's own thread_group (a coalesced group of the tile's lanes)
                        Operand g = exprs().operand(args.get(0));
                        Operand asGroup = ThreadGroups.isThreadGroup(parent) ? g : new ExpressionLowering.Value(
                                new ThreadGroups(ctx, pos).convert(exprs().toRValue(g, pos), parent));
                        return new ThreadGroups(ctx, pos).tiledPartition(asGroup, args.get(1));
                    }
                    size = ((KExpr.IntConst) n).value();
                    if (size < 1 || size > 32 || Long.bitCount(size) != 1) {
                        throw CompileException.at(args.get(1).pos(), "tiled_partition(group, n) makes tiles of a "
                                + "power of two up to 32 threads (CUDA stops the kernel for n = " + size + "); tiles "
                                + "of up to " + CooperativeGroups.MAX_TILE + " threads are tiled_partition<N>(block)");
                    }
                } else {
                    throw CompileException.at(pos, "tiled_partition needs a tile size: tiled_partition<32>(block)");
                }
                return tile((int) size, parent, pos);
            }
            case "sync" -> {
                expect(name, args, 1, pos);
                CooperativeGroups.GroupKind k = kindOf(args.get(0));
                if (k.kind().equals(GRID)) {
                    gridSync(pos);
                    return new NoValue();
                }
                if (k.kind().equals(ClusterGroups.KIND)) {
                    return new ClusterGroups(ctx, pos).barrier();
                }
                if (ThreadGroups.isThreadGroup(k)) {
                    new ThreadGroups(ctx, pos).sync(exprs().operand(args.get(0)));
                } else if (CoalescedGroups.isCoalesced(k)) {
                    new CoalescedGroups(ctx, pos).sync(exprs().operand(args.get(0)));
                } else {
                    sync(k, pos);
                }
                return new NoValue();
            }
            case "reduce" -> {
                expect(name, args, 3, pos);
                CooperativeGroups.GroupKind k = kindOf(args.get(0));
                if (CoalescedGroups.isCoalesced(k)) {
                    return new CoalescedGroups(ctx, pos).reduce(exprs().operand(args.get(0)), args.get(1), args.get(2));
                }
                return reduce(k, args.get(1), args.get(2), pos);
            }
            case "inclusive_scan", "exclusive_scan" -> {
                if (args.size() != 2 && args.size() != 3) {
                    throw CompileException.at(pos, "'" + name + "' takes a group, a value and optionally an operation, "
                            + args.size() + " arguments given");
                }
                CooperativeGroups.GroupKind k = kindOf(args.get(0));
                Expr op = args.size() == 3 ? args.get(2) : null;
                boolean exclusive = name.equals("exclusive_scan");
                if (CoalescedGroups.isCoalesced(k)) {
                    return new CoalescedGroups(ctx, pos).scan(exprs().operand(args.get(0)), args.get(1), op, exclusive);
                }
                return scan(k, args.get(1), op, exclusive, pos);
            }
            case "this_grid" -> {
                expect(name, args, 0, pos);
                return group(GRID, 0, pos);
            }
            case "this_cluster" -> {
                expect(name, args, 0, pos);
                return group(ClusterGroups.KIND, 0, pos);
            }
            default -> throw CompileException.at(pos, "cooperative groups' '" + name + "' is not supported");
        }
    }

    private static final String GRID = "grid_group";

    /**
     * grid.sync(): a grid barrier, which every thread of the grid reaches before any goes on. Only a
     * cooperative launch runs it (the CPU path launches such a kernel cooperatively; the OpenCL and
     * CUDA C emitters refuse it).
     */
    private void gridSync(SourcePos pos) {
        ctx.emit(new KStmt.Barrier(BarrierKind.GRID, pos));
    }

    /**
     * A grid_group without its sync, as samples use it for grid-stride loops: the thread's rank in
     * the grid, the grid's size and shape (what CUDA defines without a cooperative launch);
     * {@code is_valid()} is false, as on a GPU outside a cooperative launch.
     */
    Operand gridMember(String name, List<Expr> args, SourcePos pos) {
        if (!name.equals("barrier_wait")) {
            expect(name, args, 0, pos);
        }
        switch (name) {
            case "sync" -> {
                gridSync(pos);
                return new NoValue();
            }
            case "barrier_arrive" -> {
                // the split barrier as a whole barrier at the arrival: what the thread does before
                // its wait only happens later than CUDA would allow, never earlier
                gridSync(pos);
                return new Value(new KExpr.IntConst(ScalarType.UINT, 0));
            }
            case "barrier_wait" -> {
                if (args.size() > 1) {
                    throw CompileException.at(pos, "'barrier_wait' takes the token of barrier_arrive, "
                            + args.size() + " arguments given");
                }
                return new NoValue();
            }
            case "block_index" -> {
                return exprs().operand(new Expr.Ident(pos, "blockIdx", List.of()));
            }
            case "dim_blocks", "group_dim" -> {
                return exprs().operand(new Expr.Ident(pos, "gridDim", List.of()));
            }
            case "thread_index" -> {
                return exprs().operand(dim3(pos, c -> new Expr.Binary(pos, Expr.BinaryOp.ADD, new Expr.Binary(pos,
                        Expr.BinaryOp.MUL, component(pos, "blockIdx", c), component(pos, "blockDim", c)),
                        component(pos, "threadIdx", c))));
            }
            case "dim_threads" -> {
                return exprs().operand(dim3(pos, c -> new Expr.Binary(pos, Expr.BinaryOp.MUL,
                        component(pos, "gridDim", c), component(pos, "blockDim", c))));
            }
            default -> {
                // the counts below
            }
        }
        // as CUDA's helpers count them: in 64 bits, since a grid's blocks and threads pass 2^32
        KExpr nx = new KExpr.Special(SpecialReg.NCTAID_X);
        KExpr ny = new KExpr.Special(SpecialReg.NCTAID_Y);
        KExpr blocks = wide(BinaryOp.MUL, nx, bin(BinaryOp.MUL, ny, new KExpr.Special(SpecialReg.NCTAID_Z)));
        KExpr block = wide(BinaryOp.ADD, wide(BinaryOp.MUL, wide(BinaryOp.MUL, new KExpr.Special(SpecialReg.CTAID_Z), ny), nx),
                wide(BinaryOp.ADD, wide(BinaryOp.MUL, new KExpr.Special(SpecialReg.CTAID_Y), nx),
                        new KExpr.Special(SpecialReg.CTAID_X)));
        KExpr value = switch (name) {
            case "thread_rank" -> wide(BinaryOp.ADD, wide(BinaryOp.MUL, block, blockSize()), linearThreadId());
            case "size", "num_threads" -> wide(BinaryOp.MUL, blocks, blockSize());
            case "block_rank" -> block;
            case "num_blocks" -> blocks;
            // CUDA's grid_group is valid only in a cooperative launch: the launch says so in a hidden variable
            case "is_valid" -> {
                KGlobal flag = ctx.checker.cooperativeLaunchFlag(pos);
                yield new KExpr.Binary(BinaryOp.NE, new KExpr.Load(new KExpr.GlobalAddr(flag,
                        new PointerType(ScalarType.UINT).withSpace(AddressSpace.GLOBAL)), pos), uint(0), ScalarType.BOOL);
            }
            default -> throw CompileException.at(pos, "grid_group member '" + name + "()' is not supported");
        };
        return new Value(value);
    }

    /** {@code dim3(f(x), f(y), f(z))}, lowered like the source would be. */
    private static Expr dim3(SourcePos pos, Function<String, Expr> f) {
        return new Expr.Construct(pos, new TypeSyntax.Named(pos, "dim3", List.of()), List.of(f.apply("x"), f.apply("y"),
                f.apply("z")));
    }

    private static Expr component(SourcePos pos, String builtin, String c) {
        return new Expr.Member(pos, new Expr.Ident(pos, builtin, List.of()), c, false);
    }

    /** An unsigned long long operation on 32-bit unsigned operands (a grid's thread count passes 2^32). */
    private static KExpr wide(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, toWide(a), toWide(b), ScalarType.ULONGLONG);
    }

    private static KExpr toWide(KExpr e) {
        return e.type() == ScalarType.ULONGLONG ? e : new KExpr.Convert(ScalarType.ULONGLONG, e);
    }

    /** The lanes of a tile or coalesced group as a warp mask (the calling thread's tile for a tile). */
    private KExpr warpMask(CooperativeGroups.GroupKind k, Operand group, SourcePos pos) {
        if (CoalescedGroups.isCoalesced(k)) {
            return new CoalescedGroups(ctx, pos).mask(group);
        }
        return k.tileSize() == 32 ? WarpOps.FULL_MASK : segmentMask(k.tileSize());
    }

    /**
     * {@code cg::reduce(tile, value, op)}: a butterfly of shuffles over the tile, combining with the
     * functor or lambda {@code op} ({@code cg::plus<int>()}, {@code cg::less<float>()}, ...); every
     * thread of the tile gets the result.
     */
    private Operand reduce(CooperativeGroups.GroupKind k, Expr valueExpr, Expr opExpr, SourcePos pos) {
        int tile = k.tileSize();
        if (tile == 0) {
            throw CompileException.at(pos, "cg::reduce needs a thread_block_tile (tiled_partition<32>(block)) or a "
                    + "coalesced group, not a " + display(k) + " (as in CUDA)");
        }
        if (tile > 32) {
            return new LargeTiles(ctx, tile, pos).reduce(valueExpr, opExpr);
        }
        KLocal acc = scanOperand(ctx, valueExpr, "cg::reduce", pos);
        butterfly(ctx, acc, exprs().operand(opExpr), tile, pos);
        return new Value(new KExpr.LocalGet(acc));
    }

    /**
     * {@code cg::inclusive_scan / exclusive_scan(tile, value[, op])} as CUDA's header computes them:
     * {@code acc = op(acc, shfl_up(acc, d))} for d = 1, 2, 4 ... below the tile size, where d is at most
     * the thread's rank; the exclusive scan is the inclusive one shifted up by one rank, with
     * {@code T()} (zero) at rank 0. Without {@code op}, {@code cg::plus}.
     */
    private Operand scan(CooperativeGroups.GroupKind k, Expr valueExpr, Expr opExpr, boolean exclusive, SourcePos pos) {
        int tile = k.tileSize();
        if (tile == 0) {
            throw CompileException.at(pos, "cg::" + (exclusive ? "exclusive" : "inclusive") + "_scan needs a "
                    + "thread_block_tile of up to 32 threads or a coalesced group, not a " + k.kind());
        }
        if (tile > 32) {
            return new LargeTiles(ctx, tile, pos).scan(valueExpr, opExpr, exclusive);
        }
        KLocal acc = scanOperand(ctx, valueExpr, "cg::scan", pos);
        Operand op = opExpr == null ? null : exprs().operand(opExpr);
        inclusiveScan(ctx, acc, op, tile, pos);
        KExpr rank = bin(BinaryOp.AND, linearThreadId(), uint(tile - 1));
        if (!exclusive) {
            return new Value(new KExpr.LocalGet(acc));
        }
        KExpr previous = ctx.exprs.toRValue(shuffleUp(ctx, acc, 1, tile, pos), pos);
        KExpr zero = ctx.exprs.convert(new KExpr.IntConst(ScalarType.INT, 0), acc.type(), pos, false);
        return new Value(new KExpr.Select(new KExpr.Binary(BinaryOp.EQ, rank, uint(0), ScalarType.BOOL), zero, previous,
                acc.type()));
    }

    /** {@code acc = op(acc, shfl_up(acc, d))} for d = 1, 2, 4 ... below the tile size, where d is at most the rank. */
    static void inclusiveScan(FunctionContext ctx, KLocal acc, Operand op, int tile, SourcePos pos) {
        KExpr rank = bin(BinaryOp.AND, linearThreadId(), uint(tile - 1));
        for (int d = 1; d < tile; d *= 2) {
            KExpr lower = ctx.exprs.toRValue(shuffleUp(ctx, acc, d, tile, pos), pos);
            KBlock combine = ctx.out.capture(() -> combine(ctx, acc, op, new Value(lower), pos));
            ctx.emit(new KStmt.If(new KExpr.Binary(BinaryOp.LE, uint(d), rank, ScalarType.BOOL), combine, KBlock.EMPTY));
        }
    }

    static Operand shuffleUp(FunctionContext ctx, KLocal acc, int distance, int tile, SourcePos pos) {
        return new WarpOps(ctx).shuffle(ShuffleMode.UP, WarpOps.FULL_MASK, new KExpr.LocalGet(acc),
                new KExpr.IntConst(ScalarType.INT, distance), new KExpr.IntConst(ScalarType.INT, tile), "cg::scan", pos);
    }

    /** A scan's or reduction's accumulator, holding the thread's value (a number). */
    static KLocal scanOperand(FunctionContext ctx, Expr valueExpr, String what, SourcePos pos) {
        KExpr value = ctx.exprs.rvalue(valueExpr);
        if (!(value.type() instanceof ScalarType t)) {
            throw CompileException.at(valueExpr.pos(), what + " works on numbers, not '" + value.type().display() + "'");
        }
        KLocal acc = ctx.temp(t, pos);
        ctx.emit(new KStmt.Assign(acc, value));
        return acc;
    }

    /** {@code acc = op(acc, other)} ({@code acc + other} without an op), converted back to the accumulator's type. */
    static void combine(FunctionContext ctx, KLocal acc, Operand op, Operand other, SourcePos pos) {
        KExpr combined = op == null
                ? new KExpr.Binary(BinaryOp.ADD, new KExpr.LocalGet(acc), ctx.exprs.toRValue(other, pos), acc.type())
                : ctx.exprs.toRValue(ctx.objects.callOperator(op, List.of(new Value(new KExpr.LocalGet(acc)), other),
                        List.of(pos, pos), pos), pos);
        ctx.emit(new KStmt.Assign(acc, ctx.exprs.convert(combined, acc.type(), pos, false)));
    }

    /** {@code acc = op(acc, shfl_xor(acc, d))} for d = tile/2 ... 1: every thread of the tile ends with the result. */
    static void butterfly(FunctionContext ctx, KLocal acc, Operand op, int tile, SourcePos pos) {
        for (int offset = tile / 2; offset > 0; offset /= 2) {
            Operand other = new WarpOps(ctx).shuffle(ShuffleMode.XOR, WarpOps.FULL_MASK, new KExpr.LocalGet(acc),
                    new KExpr.IntConst(ScalarType.INT, offset), new KExpr.IntConst(ScalarType.INT, tile), "cg::reduce", pos);
            combine(ctx, acc, op, other, pos);
        }
    }

    private static void expect(String name, List<Expr> args, int n, SourcePos pos) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }

    private void sync(CooperativeGroups.GroupKind k, SourcePos pos) {
        int tile = k.tileSize();
        if (tile == 0) {
            ctx.emit(new KStmt.Barrier(BarrierKind.BLOCK, pos));
        } else if (tile > 32) {
            // the threads of the caller's tile: a barrier of its own kind (LargeTiles)
            ctx.emit(LargeTiles.barrier(tile, pos));
        } else {
            // a tile smaller than the warp syncs its own lanes (what CUDA's tile.sync() names too)
            new WarpOps(ctx).syncWarp(tile == 32 ? null : segmentMask(tile), pos);
        }
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.UINT);
    }

    /** threadIdx.x + blockDim.x * (threadIdx.y + blockDim.y * threadIdx.z) */
    static KExpr linearThreadId() {
        KExpr yz = bin(BinaryOp.ADD, new KExpr.Special(SpecialReg.TID_Y),
                bin(BinaryOp.MUL, new KExpr.Special(SpecialReg.NTID_Y), new KExpr.Special(SpecialReg.TID_Z)));
        return bin(BinaryOp.ADD, new KExpr.Special(SpecialReg.TID_X), bin(BinaryOp.MUL,
                new KExpr.Special(SpecialReg.NTID_X), yz));
    }

    private static KExpr blockSize() {
        return bin(BinaryOp.MUL, new KExpr.Special(SpecialReg.NTID_X), bin(BinaryOp.MUL,
                new KExpr.Special(SpecialReg.NTID_Y), new KExpr.Special(SpecialReg.NTID_Z)));
    }

    Operand memberCall(Operand base, Expr.Member m, List<Expr> args, SourcePos pos) {
        io.cudawasm.kernels.types.CType baseType = base.type();
        CooperativeGroups.GroupKind k = CooperativeGroups.kindOf(baseType);
        if (k == null) {
            throw CompileException.at(m.pos(), baseType instanceof StructType s && !s.isVector()
                    ? "no member function named '" + m.name() + "' in '" + s.display() + "'"
                    : "member reference base type '" + baseType.display() + "' is not a class");
        }
        if (CoalescedGroups.isCoalesced(k)) {
            return new CoalescedGroups(ctx, pos).member(base, m.name(), args);
        }
        if (ThreadGroups.isThreadGroup(k)) {
            return new ThreadGroups(ctx, pos).member(base, m.name(), args);
        }
        if (k.kind().equals(GRID)) {
            return gridMember(m.name(), args, pos);
        }
        if (k.kind().equals(ClusterGroups.KIND)) {
            return new ClusterGroups(ctx, pos).member(m.name(), args);
        }
        int tile = k.tileSize();
        boolean block = tile == 0;
        String name = m.name();
        if (tile > 32) {
            Operand large = new LargeTiles(ctx, tile, pos).member(name, args);
            if (large != null) {
                return large;
            }
        }
        switch (name) {
            case "sync" -> {
                expect(name, args, 0, pos);
                sync(k, pos);
                return new NoValue();
            }
            case "thread_rank" -> {
                expect(name, args, 0, pos);
                KExpr rank = block ? linearThreadId() : bin(BinaryOp.AND, linearThreadId(), uint(tile - 1));
                return new Value(new KExpr.Convert(ScalarType.ULONGLONG, rank));
            }
            case "size", "num_threads" -> {
                expect(name, args, 0, pos);
                return new Value(new KExpr.Convert(ScalarType.ULONGLONG, block ? blockSize() : uint(tile)));
            }
            case "meta_group_rank", "meta_group_size" -> {
                requireTile(k, name, pos);
                expect(name, args, 0, pos);
                return new Value(new KExpr.Convert(ScalarType.ULONGLONG, tileField(ctx, base, name.equals(
                        "meta_group_rank") ? CooperativeGroups.META_RANK : CooperativeGroups.META_SIZE, pos)));
            }
            case "group_index", "thread_index", "group_dim", "dim_threads" -> {
                if (!block) {
                    throw CompileException.at(pos, "'" + name + "' is a member of thread_block, not of a tile");
                }
                String builtin = switch (name) {
                    case "group_index" -> "blockIdx";
                    case "thread_index" -> "threadIdx";
                    default -> "blockDim";
                };
                return exprs().operand(new Expr.Ident(pos, builtin, List.of()));
            }
            case "shfl", "shfl_up", "shfl_down", "shfl_xor" -> {
                requireTile(k, name, pos);
                expect(name, args, 2, pos);
                ShuffleMode mode = switch (name) {
                    case "shfl_up" -> ShuffleMode.UP;
                    case "shfl_down" -> ShuffleMode.DOWN;
                    case "shfl_xor" -> ShuffleMode.XOR;
                    default -> ShuffleMode.IDX;
                };
                KExpr value = exprs().rvalue(args.get(0));
                KExpr lane = exprs().convert(exprs().rvalue(args.get(1)), ScalarType.INT, pos, false);
                return new WarpOps(ctx).shuffle(mode, WarpOps.FULL_MASK, value, lane,
                        new KExpr.IntConst(ScalarType.INT, tile), name, pos);
            }
            case "any", "all", "ballot" -> {
                requireTile(k, name, pos);
                expect(name, args, 1, pos);
                KExpr pred = exprs().condition(args.get(0));
                VoteMode mode = name.equals("any") ? VoteMode.ANY : name.equals("all") ? VoteMode.ALL : VoteMode.BALLOT;
                KExpr mask = tile == 32 ? WarpOps.FULL_MASK : segmentMask(tile);
                Operand v = new WarpOps(ctx).vote(mode, mask, pred, pos);
                if (mode != VoteMode.BALLOT || tile == 32) {
                    return v;
                }
                // a tile's ballot numbers its own threads from bit 0
                KExpr lane = new KExpr.Special(SpecialReg.LANE_ID);
                KExpr first = bin(BinaryOp.AND, lane, uint(~(tile - 1L) & 0xFFFF_FFFFL));
                KExpr shifted = bin(BinaryOp.SHR, exprs().toRValue(v, pos), first);
                return new Value(bin(BinaryOp.AND, shifted, uint((1L << tile) - 1)));
            }
            case "match_any", "match_all" -> {
                requireTile(k, name, pos);
                boolean all = name.equals("match_all");
                expect(name, args, all ? 2 : 1, pos);
                KExpr lanes = new WarpOps(ctx).match(tile == 32 ? WarpOps.FULL_MASK : segmentMask(tile),
                        exprs().rvalue(args.get(0)), all ? args.get(1) : null, name, pos);
                if (tile == 32) {
                    return new Value(lanes);
                }
                // numbered within the tile, as for ballot
                KExpr first = bin(BinaryOp.AND, new KExpr.Special(SpecialReg.LANE_ID), uint(~(tile - 1L) & 0xFFFF_FFFFL));
                return new Value(bin(BinaryOp.SHR, lanes, first));
            }
            default -> throw CompileException.at(pos, "cooperative group member '" + name + "()' is not supported");
        }
    }

    /** The lanes of the calling thread's tile, as a warp mask. */
    static KExpr segmentMask(int tile) {
        KExpr lane = new KExpr.Special(SpecialReg.LANE_ID);
        KExpr base = bin(BinaryOp.AND, lane, uint(~(tile - 1L) & 0xFFFF_FFFFL));
        return bin(BinaryOp.SHL, uint((1L << tile) - 1), base);
    }

    private static String display(CooperativeGroups.GroupKind k) {
        return k.tileSize() > 0 ? "thread_block_tile<" + k.tileSize() + ">" : k.kind();
    }

    private static void requireTile(CooperativeGroups.GroupKind k, String name, SourcePos pos) {
        if (k.tileSize() == 0) {
            throw CompileException.at(pos, "'" + name + "' needs a thread_block_tile (use tiled_partition<32>(block))");
        }
    }
}
