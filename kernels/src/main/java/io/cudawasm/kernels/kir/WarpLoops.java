package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;
import java.util.function.BinaryOperator;

/**
 * Warp operations over an arbitrary lane mask in plain KIR, so that no back end needs an
 * instruction for them: each lane reads every lane's value with a shuffle, in a loop over the 32
 * lanes, and combines those of the mask. The warp match ({@code __match_any_sync}, PTX
 * {@code match.any.sync}) keeps the lanes whose value equals its own; the warp reduction
 * ({@code __reduce_*_sync}, PTX {@code redux.sync}) over a mask that is not the whole warp (a
 * coalesced group's, in nvcc's code for sm_80 and later) combines their values.
 */
public final class WarpLoops {
    private WarpLoops() {}

    /** Where the match is written: the front end's new locals and statements. */
    public interface Builder {
        KLocal local(CType type);

        void emit(KStmt statement);
    }

    /**
     * The lanes of {@code mask} whose {@code value} equals the caller's. {@code value} is a 32- or
     * 64-bit integer (what a shuffle carries).
     */
    public static KExpr matchAny(KExpr mask, KExpr value, Builder b) {
        KLocal m = b.local(ScalarType.UINT);
        b.emit(new KStmt.Assign(m, mask));
        KLocal v = b.local(value.type());
        b.emit(new KStmt.Assign(v, value));
        KLocal same = b.local(ScalarType.UINT);
        b.emit(new KStmt.Assign(same, uint(0)));
        KLocal lane = b.local(ScalarType.INT);
        b.emit(new KStmt.Assign(lane, new KExpr.IntConst(ScalarType.INT, 0)));
        KLocal other = b.local(value.type());
        KExpr at = new KExpr.LocalGet(lane);
        KExpr bit = new KExpr.Binary(BinaryOp.SHL, uint(1), at, ScalarType.UINT);
        KExpr member = new KExpr.Binary(BinaryOp.NE, new KExpr.Binary(BinaryOp.AND, new KExpr.LocalGet(m), bit,
                ScalarType.UINT), uint(0), ScalarType.BOOL);
        KExpr equal = new KExpr.Binary(BinaryOp.EQ, new KExpr.LocalGet(other), new KExpr.LocalGet(v), ScalarType.BOOL);
        KBlock body = new KBlock(List.of(
                new KStmt.Assign(other, new KExpr.WarpShuffle(ShuffleMode.IDX, new KExpr.LocalGet(m),
                        new KExpr.LocalGet(v), at, new KExpr.IntConst(ScalarType.INT, 32), value.type())),
                new KStmt.If(new KExpr.Binary(BinaryOp.LAND, member, equal, ScalarType.BOOL),
                        new KBlock(List.of(new KStmt.Assign(same, new KExpr.Binary(BinaryOp.OR, new KExpr.LocalGet(same),
                                bit, ScalarType.UINT)))), KBlock.EMPTY)));
        KBlock step = new KBlock(List.of(new KStmt.Assign(lane, new KExpr.Binary(BinaryOp.ADD, at,
                new KExpr.IntConst(ScalarType.INT, 1), ScalarType.INT))));
        b.emit(new KStmt.Loop(false, new KExpr.Binary(BinaryOp.LT, at, new KExpr.IntConst(ScalarType.INT, 32),
                ScalarType.BOOL), body, step));
        return new KExpr.LocalGet(same);
    }

    /**
     * {@code combine} over the values of the lanes of {@code mask}, the caller's own first and
     * then the others' in lane order (for the associative and commutative operations of
     * {@code __reduce_*_sync} the order does not matter); the caller must be in the mask.
     */
    public static KExpr reduce(KExpr mask, KExpr value, BinaryOperator<KExpr> combine, Builder b) {
        KLocal m = b.local(ScalarType.UINT);
        b.emit(new KStmt.Assign(m, mask));
        KLocal v = b.local(value.type());
        b.emit(new KStmt.Assign(v, value));
        KLocal acc = b.local(value.type());
        b.emit(new KStmt.Assign(acc, new KExpr.LocalGet(v)));
        KLocal lane = b.local(ScalarType.INT);
        b.emit(new KStmt.Assign(lane, new KExpr.IntConst(ScalarType.INT, 0)));
        KLocal other = b.local(value.type());
        KExpr at = new KExpr.LocalGet(lane);
        KExpr bit = new KExpr.Binary(BinaryOp.SHL, uint(1), at, ScalarType.UINT);
        KExpr member = new KExpr.Binary(BinaryOp.NE, new KExpr.Binary(BinaryOp.AND, new KExpr.LocalGet(m), bit,
                ScalarType.UINT), uint(0), ScalarType.BOOL);
        KExpr self = new KExpr.Convert(ScalarType.INT, new KExpr.Special(SpecialReg.LANE_ID));
        KExpr another = new KExpr.Binary(BinaryOp.NE, at, self, ScalarType.BOOL);
        KBlock body = new KBlock(List.of(
                new KStmt.Assign(other, new KExpr.WarpShuffle(ShuffleMode.IDX, new KExpr.LocalGet(m),
                        new KExpr.LocalGet(v), at, new KExpr.IntConst(ScalarType.INT, 32), value.type())),
                new KStmt.If(new KExpr.Binary(BinaryOp.LAND, member, another, ScalarType.BOOL),
                        new KBlock(List.of(new KStmt.Assign(acc, combine.apply(new KExpr.LocalGet(acc),
                                new KExpr.LocalGet(other))))), KBlock.EMPTY)));
        KBlock step = new KBlock(List.of(new KStmt.Assign(lane, new KExpr.Binary(BinaryOp.ADD, at,
                new KExpr.IntConst(ScalarType.INT, 1), ScalarType.INT))));
        b.emit(new KStmt.Loop(false, new KExpr.Binary(BinaryOp.LT, at, new KExpr.IntConst(ScalarType.INT, 32),
                ScalarType.BOOL), body, step));
        return new KExpr.LocalGet(acc);
    }

    private static KExpr uint(long v) {
        return new KExpr.IntConst(ScalarType.UINT, v);
    }
}
