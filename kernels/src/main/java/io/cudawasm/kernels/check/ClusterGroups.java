package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.NoValue;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Place;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.ClusterPlace;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KBlock;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * Thread block clusters (sm_90) as cooperative groups and CUDA's intrinsics write them:
 * {@code cg::this_cluster()} and its members ({@code sync}, {@code block_rank}, {@code num_blocks},
 * {@code dim_blocks}, {@code block_index}, {@code map_shared_rank}, {@code query_shared_rank}...),
 * and {@code __clusterDim()}, {@code __clusterRelativeBlockRank()}, {@code __cluster_map_shared_rank}
 * and the other {@code __cluster*} functions of sm_90_rt.h. A block's place in its cluster follows
 * from blockIdx and the launch's cluster shape ({@link SpecialReg#CLUSTER_NX}); a cluster barrier
 * is {@link BarrierKind#CLUSTER}; distributed shared memory is {@link Intrinsic#MAP_SHARED_RANK}.
 */
final class ClusterGroups {
    static final String KIND = "cluster_group";


    /** The sm_90_rt.h intrinsics handled here. */
    private static final java.util.Set<String> INTRINSICS = java.util.Set.of("__clusterDim", "__clusterIdx",
            "__clusterRelativeBlockIdx", "__clusterRelativeBlockRank", "__clusterSizeInBlocks", "__clusterGridDimInClusters",
            "__cluster_barrier_arrive", "__cluster_barrier_arrive_relaxed", "__cluster_barrier_wait",
            "__cluster_map_shared_rank", "__cluster_query_shared_rank");

    private final FunctionContext ctx;
    private final SourcePos pos;

    ClusterGroups(FunctionContext ctx, SourcePos pos) {
        this.ctx = ctx;
        this.pos = pos;
    }

    static boolean isIntrinsic(String name) {
        return INTRINSICS.contains(name);
    }

    /** {@code cluster.name(args)}. */
    Operand member(String name, List<Expr> args) {
        switch (name) {
            case "map_shared_rank" -> {
                expect(name, args, 2);
                return mapSharedRank(ctx.exprs.operand(args.get(0)), args.get(1));
            }
            case "query_shared_rank" -> {
                expect(name, args, 1);
                return new Value(sharedRankOf(pointer(ctx.exprs.operand(args.get(0)))));
            }
            default -> {
                // the rest take no arguments, but barrier_wait takes barrier_arrive's token
            }
        }
        if (!name.equals("barrier_wait") || args.size() != 1) {
            expect(name, args, 0);
        }
        return switch (name) {
            case "sync" -> barrier();
            // the split barrier as a whole barrier at the wait: what the thread does between them only
            // happens earlier than the wait, as CUDA allows, and nothing waits at the arrival
            case "barrier_arrive" -> new Value(new KExpr.IntConst(ScalarType.UINT, 0));
            case "barrier_wait" -> barrier();
            case "block_rank" -> new Value(ClusterPlace.rank());
            case "num_blocks" -> new Value(ClusterPlace.blocks());
            case "dim_blocks" -> dim3(ClusterPlace.shape(0), ClusterPlace.shape(1), ClusterPlace.shape(2));
            case "block_index" -> dim3(ClusterPlace.indexIn(0), ClusterPlace.indexIn(1), ClusterPlace.indexIn(2));
            case "thread_rank" -> new Value(add(mul(ClusterPlace.rank(), blockSize()), CooperativeGroupCalls.linearThreadId()));
            case "size", "num_threads" -> new Value(mul(ClusterPlace.blocks(), blockSize()));
            case "dim_threads" -> dim3(mul(ClusterPlace.shape(0), special(SpecialReg.NTID_X)),
                    mul(ClusterPlace.shape(1), special(SpecialReg.NTID_Y)), mul(ClusterPlace.shape(2), special(SpecialReg.NTID_Z)));
            case "thread_index" -> dim3(add(mul(ClusterPlace.indexIn(0), special(SpecialReg.NTID_X)), special(SpecialReg.TID_X)),
                    add(mul(ClusterPlace.indexIn(1), special(SpecialReg.NTID_Y)), special(SpecialReg.TID_Y)),
                    add(mul(ClusterPlace.indexIn(2), special(SpecialReg.NTID_Z)), special(SpecialReg.TID_Z)));
            default -> throw CompileException.at(pos, "cluster_group member '" + name + "()' is not supported");
        };
    }

    /** A call of one of sm_90_rt.h's {@code __cluster*} functions. */
    Operand intrinsic(String name, List<Expr> args) {
        return switch (name) {
            case "__cluster_map_shared_rank" -> {
                expect(name, args, 2);
                yield mapSharedRank(ctx.exprs.operand(args.get(0)), args.get(1));
            }
            case "__cluster_query_shared_rank" -> {
                expect(name, args, 1);
                yield new Value(sharedRankOf(pointer(ctx.exprs.operand(args.get(0)))));
            }
            default -> {
                expect(name, args, 0);
                yield switch (name) {
                    case "__clusterDim" -> dim3(ClusterPlace.shape(0), ClusterPlace.shape(1), ClusterPlace.shape(2));
                    case "__clusterIdx" -> dim3(ClusterPlace.clusterIndex(0), ClusterPlace.clusterIndex(1),
                            ClusterPlace.clusterIndex(2));
                    case "__clusterRelativeBlockIdx" -> dim3(ClusterPlace.indexIn(0), ClusterPlace.indexIn(1), ClusterPlace.indexIn(2));
                    case "__clusterRelativeBlockRank" -> new Value(ClusterPlace.rank());
                    case "__clusterSizeInBlocks" -> new Value(ClusterPlace.blocks());
                    case "__clusterGridDimInClusters" -> dim3(ClusterPlace.clusters(0), ClusterPlace.clusters(1),
                            ClusterPlace.clusters(2));
                    case "__cluster_barrier_arrive", "__cluster_barrier_arrive_relaxed" -> new NoValue();
                    case "__cluster_barrier_wait" -> barrier();
                    default -> throw new IllegalStateException(name);
                };
            }
        };
    }

    /** {@code cluster.sync()}: every thread of every block of the cluster arrives before any goes on. */
    Operand barrier() {
        ctx.emit(new KStmt.Barrier(BarrierKind.CLUSTER, pos));
        return new NoValue();
    }

    /**
     * The same variable in block {@code rank}'s shared memory: a pointer for a pointer, a reference
     * (a place in memory) for a reference. A rank outside the cluster stops the kernel (a GPU's
     * behavior is undefined there).
     */
    private Operand mapSharedRank(Operand target, Expr rankExpr) {
        KExpr rank = ctx.let(convertUint(ctx.exprs.toRValue(ctx.exprs.operand(rankExpr), pos)), pos);
        ctx.emit(new KStmt.If(new KExpr.Binary(BinaryOp.GE, rank, ClusterPlace.blocks(), ScalarType.BOOL),
                new KBlock(List.of(new KStmt.Trap(io.cudawasm.kernels.abi.KernelAbi.BAD_CLUSTER_RANK, pos))), KBlock.EMPTY));
        if (target.type() instanceof PointerType p) {
            KExpr address = ctx.exprs.toRValue(target, pos);
            PointerType shared = p.withSpace(AddressSpace.SHARED);
            return new Value(new KExpr.IntrinsicCall(Intrinsic.MAP_SHARED_RANK,
                    List.of(new KExpr.Convert(shared, address), rank, ClusterPlace.rank()), shared));
        }
        if (target instanceof Place place) {
            CType t = target.type();
            PointerType shared = new PointerType(t).withSpace(AddressSpace.SHARED);
            KExpr address = new KExpr.Convert(shared, ctx.exprs.address(place.lvalue()));
            KExpr mapped = ctx.let(new KExpr.IntrinsicCall(Intrinsic.MAP_SHARED_RANK, List.of(address, rank, ClusterPlace.rank()),
                    shared), pos);
            return new Place(new LValue.OfMemory(mapped, t, false));
        }
        throw CompileException.at(pos, "map_shared_rank takes a pointer to (or a variable in) shared memory and a"
                + " block rank");
    }

    private KExpr pointer(Operand o) {
        if (!(o.type() instanceof PointerType)) {
            throw CompileException.at(pos, "query_shared_rank takes a pointer into shared memory, found '"
                    + o.type().display() + "'");
        }
        return ctx.exprs.toRValue(o, pos);
    }

    private KExpr sharedRankOf(KExpr pointer) {
        PointerType shared = ((PointerType) pointer.type()).withSpace(AddressSpace.SHARED);
        return new KExpr.IntrinsicCall(Intrinsic.SHARED_RANK_OF, List.of(new KExpr.Convert(shared, pointer), ClusterPlace.rank()),
                ScalarType.UINT);
    }

    private static KExpr convertUint(KExpr e) {
        return e.type() == ScalarType.UINT ? e : new KExpr.Convert(ScalarType.UINT, e);
    }

    private static KExpr blockSize() {
        return mul(special(SpecialReg.NTID_X), mul(special(SpecialReg.NTID_Y), special(SpecialReg.NTID_Z)));
    }

    private static KExpr special(SpecialReg r) {
        return new KExpr.Special(r);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr mul(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.MUL, a, b, ScalarType.UINT);
    }

    /** A dim3 temporary holding three values. */
    private Operand dim3(KExpr x, KExpr y, KExpr z) {
        StructType t = BuiltinTypes.dim3();
        KLocal l = ctx.temp(t, pos);
        KExpr address = ctx.exprs.localAddress(l);
        List<KExpr> values = List.of(x, y, z);
        for (int i = 0; i < 3; i++) {
            ctx.emit(new KStmt.Store(ctx.exprs.fieldAddr(address, t.field("xyz".substring(i, i + 1)).orElseThrow()),
                    values.get(i), pos));
        }
        return new Place(new LValue.OfLocal(l, true));
    }

    private void expect(String name, List<Expr> args, int n) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }
}
