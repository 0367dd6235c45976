package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.BlockReduceMode;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.kir.ShuffleMode;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.kir.VoteMode;
import io.cudawasm.kernels.kir.WarpLoops;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.TypeRules;
import java.util.List;

/** Warp-level primitives (shuffles, votes) and the barrier reductions, CUDA 9+ {@code _sync} forms. */
final class WarpOps {
    private final FunctionContext ctx;

    WarpOps(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static CompileException unsupported(String name, SourcePos pos) {
        return CompileException.at(pos, "unsupported CUDA feature: '" + name + "'");
    }

    static final KExpr FULL_MASK = new KExpr.IntConst(ScalarType.UINT, 0xFFFF_FFFFL);

    private ExpressionLowering exprs() {
        return ctx.exprs;
    }

    static boolean handles(String name) {
        return switch (name) {
            case "__shfl_sync", "__shfl_up_sync", "__shfl_down_sync", "__shfl_xor_sync", "__ballot_sync",
                    "__any_sync", "__all_sync", "__activemask", "__syncthreads_count", "__syncthreads_and",
                    "__syncthreads_or", "__lanemask_lt", "__reduce_add_sync", "__reduce_min_sync",
                    "__reduce_max_sync", "__reduce_and_sync", "__reduce_or_sync", "__reduce_xor_sync",
                    "__match_any_sync", "__match_all_sync" -> true;
            default -> false;
        };
    }

    Operand call(String name, List<Expr> args, SourcePos pos) {
        switch (name) {
            case "__shfl_sync", "__shfl_up_sync", "__shfl_down_sync", "__shfl_xor_sync" -> {
                if (args.size() < 3 || args.size() > 4) {
                    throw CompileException.at(pos, "'" + name + "' takes 3 or 4 arguments, " + args.size() + " given");
                }
                ShuffleMode mode = switch (name) {
                    case "__shfl_up_sync" -> ShuffleMode.UP;
                    case "__shfl_down_sync" -> ShuffleMode.DOWN;
                    case "__shfl_xor_sync" -> ShuffleMode.XOR;
                    default -> ShuffleMode.IDX;
                };
                KExpr mask = exprs().convert(exprs().rvalue(args.get(0)), ScalarType.UINT, pos, false);
                KExpr value = exprs().rvalue(args.get(1));
                KExpr lane = exprs().convert(exprs().rvalue(args.get(2)), ScalarType.INT, pos, false);
                KExpr width = args.size() == 4 ? exprs().convert(exprs().rvalue(args.get(3)), ScalarType.INT, pos, false)
                        : new KExpr.IntConst(ScalarType.INT, 32);
                return shuffle(mode, mask, value, lane, width, name, pos);
            }
            case "__ballot_sync", "__any_sync", "__all_sync" -> {
                arity(name, args, 2, pos);
                KExpr mask = exprs().convert(exprs().rvalue(args.get(0)), ScalarType.UINT, pos, false);
                KExpr pred = exprs().condition(args.get(1));
                VoteMode mode = name.equals("__ballot_sync") ? VoteMode.BALLOT : name.equals("__any_sync") ? VoteMode.ANY
                        : VoteMode.ALL;
                return vote(mode, mask, pred, pos);
            }
            case "__reduce_add_sync", "__reduce_min_sync", "__reduce_max_sync", "__reduce_and_sync",
                    "__reduce_or_sync", "__reduce_xor_sync" -> {
                arity(name, args, 2, pos);
                KExpr mask = exprs().convert(exprs().rvalue(args.get(0)), ScalarType.UINT, pos, false);
                KExpr value = exprs().rvalue(args.get(1));
                String op = name.substring("__reduce_".length(), name.length() - "_sync".length());
                return reduce(op, mask, value, name, pos);
            }
            case "__match_any_sync", "__match_all_sync" -> {
                boolean all = name.equals("__match_all_sync");
                arity(name, args, all ? 3 : 2, pos);
                KExpr mask = exprs().convert(exprs().rvalue(args.get(0)), ScalarType.UINT, pos, false);
                return new Value(match(mask, exprs().rvalue(args.get(1)), all ? args.get(2) : null, name, pos));
            }
            case "__activemask" -> {
                arity(name, args, 0, pos);
                return vote(VoteMode.ACTIVEMASK, FULL_MASK, null, pos);
            }
            case "__lanemask_lt" -> {
                arity(name, args, 0, pos);
                KExpr lane = new KExpr.Special(SpecialReg.LANE_ID);
                KExpr bit = new KExpr.Binary(KExpr.BinaryOp.SHL, new KExpr.IntConst(ScalarType.UINT, 1), lane,
                        ScalarType.UINT);
                return new Value(new KExpr.Binary(KExpr.BinaryOp.SUB, bit, new KExpr.IntConst(ScalarType.UINT, 1),
                        ScalarType.UINT));
            }
            default -> {
                arity(name, args, 1, pos);
                KExpr pred = exprs().condition(args.get(0));
                BlockReduceMode mode = name.endsWith("count") ? BlockReduceMode.COUNT
                        : name.endsWith("and") ? BlockReduceMode.AND : BlockReduceMode.OR;
                return exprs().materialize(new KExpr.BlockReduce(mode, pred, ScalarType.INT), pos);
            }
        }
    }

    /**
     * {@code __match_any_sync(mask, value)}: the lanes of {@code mask} holding the caller's value;
     * with {@code allPredicate} (an {@code int*} argument, or an {@code int} lvalue for a group's
     * {@code match_all}), {@code __match_all_sync}: the mask when every lane of it holds the same
     * value, else 0, and the predicate set to whether they do.
     */
    KExpr match(KExpr mask, KExpr value, Expr allPredicate, String name, SourcePos pos) {
        KExpr m = ctx.let(mask, pos);
        KExpr same = ctx.let(WarpLoops.matchAny(m, matchValue(exprs(), value, pos), builder(ctx, pos)), pos);
        if (allPredicate == null) {
            return same;
        }
        KExpr all = ctx.let(new KExpr.Binary(KExpr.BinaryOp.EQ, same, m, ScalarType.BOOL), pos);
        Operand target = exprs().operand(allPredicate);
        KExpr address;
        boolean byPointer = name.startsWith("__"); // a group's match_all takes an int& instead
        if (byPointer && target.type() instanceof PointerType pt && pt.pointee() instanceof ScalarType ps
                && ps.kind() == ScalarKind.INT) {
            address = exprs().toRValue(target, pos);
        } else if (!byPointer && target instanceof ExpressionLowering.Place p && p.type() instanceof ScalarType ps
                && ps.kind() == ScalarKind.INT && !p.lvalue().isConst()) {
            address = exprs().address(p.lvalue());
        } else {
            throw CompileException.at(allPredicate.pos(), "'" + name + "' sets its predicate through an 'int"
                    + (byPointer ? "*" : "&") + "', not '" + target.type().display() + "'");
        }
        ctx.emit(new KStmt.Store(address, new KExpr.Convert(ScalarType.INT, all), pos));
        return new KExpr.Select(all, m, new KExpr.IntConst(ScalarType.UINT, 0), ScalarType.UINT);
    }

    /** New locals and statements of the function being lowered, for the KIR helpers that write loops. */
    static WarpLoops.Builder builder(FunctionContext ctx, SourcePos pos) {
        return new WarpLoops.Builder() {
            @Override
            public KLocal local(CType type) {
                return ctx.temp(type, pos);
            }

            @Override
            public void emit(KStmt statement) {
                ctx.emit(statement);
            }
        };
    }

    /**
     * A value as a warp match compares it: integers promoted, pointers as 64-bit integers, floats
     * and doubles by their bits (as the hardware compares them: -0.0 is not 0.0, a NaN matches itself).
     */
    static KExpr matchValue(ExpressionLowering exprs, KExpr value, SourcePos pos) {
        if (value.type() instanceof PointerType) {
            return exprs.convert(value, ScalarType.ULONGLONG, pos, true);
        }
        if (!(value.type() instanceof ScalarType s)) {
            throw CompileException.at(pos, "a warp match compares numbers, not '" + value.type().display() + "'");
        }
        if (s.kind().isFloating()) {
            boolean wide = s.size() == 8;
            return new KExpr.IntrinsicCall(wide ? Intrinsic.DOUBLE_AS_LONGLONG
                    : Intrinsic.FLOAT_AS_INT, List.of(value),
                    wide ? ScalarType.LONGLONG : ScalarType.INT);
        }
        return exprs.convert(value, TypeRules.promote(s), pos, false);
    }

    private static void arity(String name, List<Expr> args, int n, SourcePos pos) {
        if (args.size() != n) {
            throw CompileException.at(pos, "'" + name + "' takes " + n + " argument" + (n == 1 ? "" : "s") + ", "
                    + args.size() + " given");
        }
    }

    /** A shuffle of an int, unsigned, long long, float or double value (narrower integers promote). */
    Operand shuffle(ShuffleMode mode, KExpr mask, KExpr value, KExpr lane, KExpr width, String name, SourcePos pos) {
        CType t = value.type();
        if (t instanceof io.cudawasm.kernels.types.StructType st && !st.fields().isEmpty()
                && st.fields().stream().allMatch(f -> f.type() instanceof ScalarType)) {
            return shuffleFields(mode, mask, value, st, lane, width, name, pos);
        }
        if (!(t instanceof ScalarType s)) {
            throw CompileException.at(pos, "'" + name + "' shuffles numbers, not '" + t.display() + "'");
        }
        ScalarType st = TypeRules.promote(s);
        KExpr v = exprs().convert(value, st, pos, false);
        if (width instanceof KExpr.IntConst w && (w.value() < 1 || w.value() > 32 || Long.bitCount(w.value()) != 1)) {
            throw CompileException.at(pos, "shuffle width must be a power of two from 1 to 32, is " + w.value());
        }
        return exprs().materialize(new KExpr.WarpShuffle(mode, mask, v, lane, width, st), pos);
    }

    /**
     * A cooperative-groups shuffle of a vector type or a struct of numbers ({@code tile.shfl_xor(v, 1)}
     * of a {@code uint4} in the samples): every field comes from the same lane, one shuffle each.
     */
    private Operand shuffleFields(ShuffleMode mode, KExpr mask, KExpr value, io.cudawasm.kernels.types.StructType st,
            KExpr lane, KExpr width, String name, SourcePos pos) {
        KLocal in = ctx.temp(st, pos);
        ctx.emit(new KStmt.Assign(in, value));
        KLocal out = ctx.temp(st, pos);
        KExpr m = ctx.let(mask, pos);
        KExpr l = ctx.let(lane, pos);
        KExpr w = ctx.let(width, pos);
        for (io.cudawasm.kernels.types.Field f : st.fields()) {
            KExpr from = new KExpr.Load(exprs().fieldAddr(exprs().address(new LValue.OfLocal(in, false)), f));
            KExpr shuffled = exprs().toRValue(shuffle(mode, m, from, l, w, name, pos), pos);
            ctx.emit(new KStmt.Store(exprs().fieldAddr(exprs().address(new LValue.OfLocal(out, false)), f),
                    exprs().convert(shuffled, f.type(), pos, false)));
        }
        return new ExpressionLowering.Place(new LValue.OfLocal(out, false));
    }

    /**
     * The sm_80 warp reductions: {@code add}, {@code min}, {@code max} of int or unsigned values,
     * {@code and}, {@code or}, {@code xor} of unsigned ones, over the lanes in {@code mask}; every
     * lane of the mask gets the result. A butterfly of five shuffles for the full warp; for another
     * mask, every lane reads the 32 lanes in turn and combines those in the mask ({@link WarpLoops#reduce}).
     */
    Operand reduce(String op, KExpr mask, KExpr value, String name, SourcePos pos) {
        if (!(value.type() instanceof ScalarType vs) || !vs.kind().isInteger()) {
            throw CompileException.at(pos, "'" + name + "' reduces int or unsigned values, not '"
                    + value.type().display() + "'");
        }
        boolean bitwise = op.equals("and") || op.equals("or") || op.equals("xor");
        ScalarType t = !bitwise && vs.kind().isSigned() && vs.size() <= 4 ? ScalarType.INT : ScalarType.UINT;
        KLocal acc = ctx.temp(t, pos);
        ctx.emit(new KStmt.Assign(acc, exprs().convert(value, t, pos, false)));
        boolean fullWarp = mask instanceof KExpr.IntConst c && (c.value() & 0xFFFF_FFFFL) == 0xFFFF_FFFFL;
        if (fullWarp) {
            for (int offset = 16; offset > 0; offset /= 2) {
                KExpr other = exprs().toRValue(shuffle(ShuffleMode.XOR, mask, new KExpr.LocalGet(acc),
                        new KExpr.IntConst(ScalarType.INT, offset), new KExpr.IntConst(ScalarType.INT, 32), name, pos), pos);
                ctx.emit(new KStmt.Assign(acc, combine(op, new KExpr.LocalGet(acc), other, t)));
            }
            return new Value(new KExpr.LocalGet(acc));
        }
        return new Value(WarpLoops.reduce(mask, new KExpr.LocalGet(acc), (a, b) -> combine(op, a, b, t),
                builder(ctx, pos)));
    }

    private static KExpr combine(String op, KExpr a, KExpr b, ScalarType t) {
        return switch (op) {
            case "add" -> new KExpr.Binary(KExpr.BinaryOp.ADD, a, b, t);
            case "and" -> new KExpr.Binary(KExpr.BinaryOp.AND, a, b, t);
            case "or" -> new KExpr.Binary(KExpr.BinaryOp.OR, a, b, t);
            case "xor" -> new KExpr.Binary(KExpr.BinaryOp.XOR, a, b, t);
            case "min" -> new KExpr.IntrinsicCall(Intrinsic.IMIN, List.of(a, b), t);
            default -> new KExpr.IntrinsicCall(Intrinsic.IMAX, List.of(a, b), t);
        };
    }

    Operand vote(VoteMode mode, KExpr mask, KExpr predicate, SourcePos pos) {
        CType result = mode == VoteMode.BALLOT || mode == VoteMode.ACTIVEMASK ? ScalarType.UINT : ScalarType.INT;
        return exprs().materialize(new KExpr.WarpVote(mode, mask, predicate, result), pos);
    }

    /** {@code __syncwarp(mask)}; {@code mask} null for the whole warp. */
    void syncWarp(KExpr mask, SourcePos pos) {
        ctx.emit(new KStmt.Barrier(BarrierKind.WARP, mask == null ? null : lanes(ctx, mask, pos), pos));
    }

    /**
     * A warp barrier's lane mask as {@link KStmt.Barrier} carries it: a constant, or a local
     * holding the value (the CPU and OpenCL paths never evaluate it, so it must not compute anything).
     */
    private static KExpr lanes(FunctionContext ctx, KExpr mask, SourcePos pos) {
        if (mask instanceof KExpr.IntConst || mask instanceof KExpr.LocalGet) {
            return mask;
        }
        KLocal m = ctx.temp(ScalarType.UINT, pos);
        ctx.emit(new KStmt.Assign(m, mask));
        return new KExpr.LocalGet(m);
    }
}
