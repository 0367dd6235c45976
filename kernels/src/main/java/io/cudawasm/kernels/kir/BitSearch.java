package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Finding the n-th set bit of a 32-bit mask in plain KIR, so that no back end needs an instruction
 * for it: a coalesced group's rank-to-lane mapping (the CUDA front end) and PTX's {@code fns}
 * (the PTX front end) both lower to it.
 */
public final class BitSearch {
    private BitSearch() {}

    /** Stores a value in a fresh local and returns a read of it (each front end has its own). */
    public interface Let extends UnaryOperator<KExpr> {}

    /**
     * The position of the {@code n}-th set bit of {@code mask} counting from bit 0 ({@code n} 0
     * for the lowest set bit), or 0xFFFFFFFF when {@code mask} has {@code n} set bits or fewer;
     * both operands and the result are unsigned. A binary search over halves, quarters, ... with
     * population counts: five steps of straight-line code.
     */
    public static KExpr nthSetBit(KExpr mask, KExpr n, Let let) {
        KExpr m = let.apply(mask);
        KExpr wanted = let.apply(n);
        KExpr rest = wanted;
        KExpr pos = uint(0);
        for (int width = 16; width > 0; width /= 2) {
            // set bits in the lower half of the window [pos, pos + 2 * width) the wanted bit is in
            KExpr low = let.apply(popc(and(shr(m, pos), uint((1L << width) - 1))));
            KExpr above = let.apply(compare(BinaryOp.GE, rest, low));
            rest = let.apply(new KExpr.Select(above, sub(rest, low), rest, ScalarType.UINT));
            pos = let.apply(new KExpr.Select(above, add(pos, uint(width)), pos, ScalarType.UINT));
        }
        return new KExpr.Select(compare(BinaryOp.LT, wanted, popc(m)), pos, uint(0xFFFF_FFFFL), ScalarType.UINT);
    }

    /**
     * PTX {@code fns.b32 d, mask, base, offset}: from bit {@code base} (0..31) of {@code mask},
     * the position of the {@code offset}-th set bit upwards ({@code offset > 0}, {@code base}
     * itself counting), downwards ({@code offset < 0}), or {@code base} when {@code offset} is 0
     * and that bit is set; 0xFFFFFFFF when there is no such bit. {@code offset} is signed.
     */
    public static KExpr findNthSet(KExpr mask, KExpr base, KExpr offset, Let let) {
        KExpr m = let.apply(mask);
        KExpr b = let.apply(and(base, uint(31)));
        KExpr off = let.apply(offset);
        KExpr up = let.apply(new KExpr.Binary(BinaryOp.GT, off, new KExpr.IntConst(ScalarType.INT, 0), ScalarType.BOOL));
        // the bits at or above base, or at or below it (2 << 31 wraps to 0, and 0 - 1 is every bit)
        KExpr atOrAbove = and(m, new KExpr.Binary(BinaryOp.SHL, uint(0xFFFF_FFFFL), b, ScalarType.UINT));
        KExpr atOrBelow = and(m, sub(new KExpr.Binary(BinaryOp.SHL, uint(2), b, ScalarType.UINT), uint(1)));
        KExpr candidates = let.apply(new KExpr.Select(up, atOrAbove, atOrBelow, ScalarType.UINT));
        // counted from the lowest candidate: offset - 1 upwards, count + offset downwards
        KExpr fromBelow = new KExpr.Select(up, sub(toUint(off), uint(1)), add(popc(candidates), toUint(off)),
                ScalarType.UINT);
        KExpr found = nthSetBit(candidates, fromBelow, let);
        KExpr baseSet = compare(BinaryOp.NE, and(shr(m, b), uint(1)), uint(0));
        KExpr atBase = new KExpr.Select(baseSet, b, uint(0xFFFF_FFFFL), ScalarType.UINT);
        KExpr zero = new KExpr.Binary(BinaryOp.EQ, off, new KExpr.IntConst(ScalarType.INT, 0), ScalarType.BOOL);
        return new KExpr.Select(zero, atBase, found, ScalarType.UINT);
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

    private static KExpr and(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.AND, a, b, ScalarType.UINT);
    }

    private static KExpr shr(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.SHR, a, b, ScalarType.UINT);
    }

    private static KExpr add(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.ADD, a, b, ScalarType.UINT);
    }

    private static KExpr sub(KExpr a, KExpr b) {
        return new KExpr.Binary(BinaryOp.SUB, a, b, ScalarType.UINT);
    }

    private static KExpr compare(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.BOOL);
    }
}
