package io.cudawasm.kernels.check;

import io.cudawasm.kernels.ast.Expr;
import io.cudawasm.kernels.check.ExpressionLowering.Operand;
import io.cudawasm.kernels.check.ExpressionLowering.Value;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * CUDA's byte and funnel-shift intrinsics, written out in KIR's shifts and masks over the 64-bit
 * concatenation of their two words (so every back end gets them without an intrinsic of its own):
 * {@code __byte_perm(x, y, s)} picks byte {@code (s >> 4i) & 7} of {@code y:x} for result byte i;
 * {@code __funnelshift_l/r(lo, hi, n)} shift {@code hi:lo} by {@code n & 31} (the {@code _lc/_rc}
 * forms by {@code min(n, 32)}) and keep the high (left) or low (right) word.
 */
final class BytePermutes {
    private final FunctionContext ctx;

    BytePermutes(FunctionContext ctx) {
        this.ctx = ctx;
    }

    static boolean handles(String name) {
        return switch (name) {
            case "__byte_perm", "__funnelshift_l", "__funnelshift_lc", "__funnelshift_r", "__funnelshift_rc" -> true;
            default -> false;
        };
    }

    Operand call(String name, List<Expr> args, SourcePos pos) {
        if (args.size() != 3) {
            throw CompileException.at(pos, "'" + name + "' takes 3 arguments, " + args.size() + " given");
        }
        KExpr lo = word(args.get(0), pos);
        KExpr hi = word(args.get(1), pos);
        KExpr n = word(args.get(2), pos);
        // y:x (hi:lo) as one 64-bit value
        KExpr both = bin(BinaryOp.OR, bin(BinaryOp.SHL, wide(hi), ull(32)), wide(lo));
        if (name.equals("__byte_perm")) {
            KLocal c = ctx.temp(ScalarType.ULONGLONG, pos);
            ctx.emit(new KStmt.Assign(c, both));
            KExpr result = null;
            for (int i = 0; i < 4; i++) {
                KExpr selector = bin(BinaryOp.AND, bin(BinaryOp.SHR, wide(n), ull(4L * i)), ull(7));
                KExpr picked = bin(BinaryOp.AND, bin(BinaryOp.SHR, new KExpr.LocalGet(c),
                        bin(BinaryOp.MUL, selector, ull(8))), ull(0xFF));
                KExpr placed = i == 0 ? picked : bin(BinaryOp.SHL, picked, ull(8L * i));
                result = result == null ? placed : bin(BinaryOp.OR, result, placed);
            }
            return new Value(new KExpr.Convert(ScalarType.UINT, result));
        }
        boolean clamp = name.endsWith("c");
        KExpr count = clamp
                ? new KExpr.Select(new KExpr.Binary(BinaryOp.LT, n, new KExpr.IntConst(ScalarType.UINT, 32), ScalarType.BOOL),
                        n, new KExpr.IntConst(ScalarType.UINT, 32), ScalarType.UINT)
                : new KExpr.Binary(BinaryOp.AND, n, new KExpr.IntConst(ScalarType.UINT, 31), ScalarType.UINT);
        KExpr shifted = name.startsWith("__funnelshift_l")
                ? bin(BinaryOp.SHR, bin(BinaryOp.SHL, both, wide(count)), ull(32))
                : bin(BinaryOp.SHR, both, wide(count));
        return new Value(new KExpr.Convert(ScalarType.UINT, shifted));
    }

    /** An argument as an unsigned word, kept in a temporary when it is not a constant or a local. */
    private KExpr word(Expr arg, SourcePos pos) {
        KExpr v = ctx.exprs.convert(ctx.exprs.rvalue(arg), ScalarType.UINT, pos, false);
        if (v instanceof KExpr.IntConst || v instanceof KExpr.LocalGet) {
            return v;
        }
        KLocal t = ctx.temp(ScalarType.UINT, pos);
        ctx.emit(new KStmt.Assign(t, v));
        return new KExpr.LocalGet(t);
    }

    private static KExpr wide(KExpr v) {
        return new KExpr.Convert(ScalarType.ULONGLONG, v);
    }

    private static KExpr ull(long v) {
        return new KExpr.IntConst(ScalarType.ULONGLONG, v);
    }

    private static KExpr bin(BinaryOp op, KExpr a, KExpr b) {
        return new KExpr.Binary(op, a, b, ScalarType.ULONGLONG);
    }
}
