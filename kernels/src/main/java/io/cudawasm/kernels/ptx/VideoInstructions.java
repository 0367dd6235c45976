package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * The four-way byte SIMD video instructions {@code vadd4 vsub4 vabsdiff4 vmin4 vmax4}
 * ({@code .dtype.atype.btype}, each {@code .u32} or {@code .s32}): the bytes of {@code a} and
 * {@code b}, zero- or sign-extended by their types, are combined pairwise. With the secondary
 * {@code .add} the four results are summed into {@code c}; otherwise each result (wrapped, or
 * with {@code .sat} clamped to the destination's byte range) is one byte of {@code d}. Only the
 * default byte selections and mask are supported (stereo matching's
 * {@code vabsdiff4.u32.u32.u32.add} is the common use).
 */
final class VideoInstructions {
    private final FunctionLowering f;

    VideoInstructions(FunctionLowering f) {
        this.f = f;
    }

    void lower(Instruction ins) {
        f.arity(ins, 4);
        List<PtxType> types = ins.types();
        if (types.size() != 3 || types.stream().anyMatch(t -> t != PtxType.U32 && t != PtxType.S32)) {
            throw f.unsupported(ins, "needs .dtype.atype.btype, each .u32 or .s32");
        }
        boolean accumulate = ins.has("add");
        boolean saturate = ins.has("sat");
        if (accumulate && saturate) {
            throw f.unsupported(ins, ".sat with the .add accumulation");
        }
        for (String m : ins.modifiers()) {
            if (PtxType.of(m).isEmpty() && !m.equals("add") && !m.equals("sat")) {
                throw f.unsupported(ins, "modifier ." + m);
            }
        }
        boolean signedD = types.get(0) == PtxType.S32;
        KExpr a = f.temp(f.read(ins.operand(1), Exprs.UINT));
        KExpr b = f.temp(f.read(ins.operand(2), Exprs.UINT));
        KExpr c = f.read(ins.operand(3), Exprs.UINT);
        KExpr result = accumulate ? c : Exprs.u32(0);
        for (int i = 0; i < 4; i++) {
            KExpr x = f.temp(lane(a, i, types.get(1) == PtxType.S32));
            KExpr y = f.temp(lane(b, i, types.get(2) == PtxType.S32));
            KExpr r = f.temp(combine(ins, x, y));
            if (accumulate) {
                result = Exprs.add(result, Exprs.convert(r, Exprs.UINT));
            } else {
                KExpr v = saturate ? clamp(r, signedD ? -128 : 0, signedD ? 127 : 255) : r;
                KExpr byteValue = Exprs.and(Exprs.convert(v, Exprs.UINT), Exprs.u32(0xFF));
                result = Exprs.or(result, Exprs.shl(byteValue, Exprs.u32(8L * i)));
            }
        }
        f.write(ins.operand(0), result);
    }

    /** Byte {@code i} of {@code word} as an int. */
    private static KExpr lane(KExpr word, int i, boolean signed) {
        KExpr shifted = Exprs.shr(word, Exprs.u32(8L * i));
        if (signed) {
            return Exprs.convert(Exprs.convert(shifted, ScalarType.SCHAR), Exprs.INT);
        }
        return Exprs.convert(Exprs.and(shifted, Exprs.u32(0xFF)), Exprs.INT);
    }

    private KExpr combine(Instruction ins, KExpr x, KExpr y) {
        return switch (ins.opcode()) {
            case "vadd4" -> Exprs.add(x, y);
            case "vsub4" -> Exprs.sub(x, y);
            case "vabsdiff4" -> Exprs.select(Exprs.compare(BinaryOp.GT, x, y), Exprs.sub(x, y), Exprs.sub(y, x));
            case "vmin4" -> Exprs.select(Exprs.compare(BinaryOp.LT, x, y), x, y);
            case "vmax4" -> Exprs.select(Exprs.compare(BinaryOp.GT, x, y), x, y);
            default -> throw f.unsupported(ins, null);
        };
    }

    private static KExpr clamp(KExpr v, int lo, int hi) {
        KExpr low = Exprs.i32(lo);
        KExpr high = Exprs.i32(hi);
        return Exprs.select(Exprs.compare(BinaryOp.LT, v, low), low, Exprs.select(Exprs.compare(BinaryOp.GT, v, high), high, v));
    }
}
