package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * {@code mov} (including packing and unpacking of vectors), {@code cvt} and {@code cvta}.
 * Addresses of all state spaces are the same linear-memory addresses on the CPU path, so
 * {@code cvta} only changes the width.
 */
final class ConversionInstructions {
    private final FunctionLowering f;

    ConversionInstructions(FunctionLowering f) {
        this.f = f;
    }

    void mov(Instruction ins) {
        f.arity(ins, 2);
        PtxType t = f.type(ins);
        PtxOperand dst = ins.operand(0);
        PtxOperand src = ins.operand(1);
        if (src instanceof PtxOperand.Vector v) {
            pack(t, dst, v.elements());
        } else if (dst instanceof PtxOperand.Vector v) {
            unpack(t, v.elements(), src);
        } else {
            f.write(dst, f.read(src, t));
        }
    }

    /** {@code mov.b64 %rd, {%r1, %r2}}: the first element is the least significant. */
    private void pack(PtxType t, PtxOperand dst, List<PtxOperand> elements) {
        int bits = t.bits() / elements.size();
        ScalarType whole = Exprs.integer(t.bytes(), false);
        ScalarType part = Exprs.integer(bits / 8, false);
        KExpr r = null;
        for (int i = 0; i < elements.size(); i++) {
            KExpr e = Exprs.convert(f.read(elements.get(i), part), whole);
            if (i > 0) {
                e = Exprs.shl(e, Exprs.constant(whole, (long) i * bits));
            }
            r = r == null ? e : Exprs.or(r, e);
        }
        f.write(dst, r);
    }

    private void unpack(PtxType t, List<PtxOperand> elements, PtxOperand src) {
        int bits = t.bits() / elements.size();
        ScalarType whole = Exprs.integer(t.bytes(), false);
        ScalarType part = Exprs.integer(bits / 8, false);
        KExpr v = f.temp(f.read(src, whole));
        for (int i = 0; i < elements.size(); i++) {
            KExpr e = i == 0 ? v : Exprs.shr(v, Exprs.constant(whole, (long) i * bits));
            f.write(elements.get(i), Exprs.convert(e, part));
        }
    }

    void cvta(Instruction ins) {
        f.arity(ins, 2);
        PtxType t = f.type(ins);
        f.write(ins.operand(0), f.read(ins.operand(1), t));
    }

    void cvt(Instruction ins) {
        List<PtxType> types = ins.types();
        if (types.size() != 2) {
            throw f.unsupported(ins, "needs a destination and a source type");
        }
        PtxType to = types.get(0);
        PtxType from = types.get(1);
        if (HalfInstructions.isPair(to) && from == PtxType.F32 && ins.operands().size() == 3 && !ins.has("sat")
                && !ins.has("relu")) {
            f.write(ins.operand(0), f.halves().pairFromFloats(ins, to, rounding(ins)));
            return;
        }
        f.arity(ins, 2);
        if (to == PtxType.PRED || from == PtxType.PRED) {
            throw f.unsupported(ins, "predicate conversions");
        }
        String rounding = rounding(ins);
        KExpr a;
        if (from.kind() == PtxType.Kind.HALF || to.kind() == PtxType.Kind.HALF) {
            if (HalfInstructions.isPair(from) || HalfInstructions.isPair(to) || from.kind() == to.kind()) {
                throw f.unsupported(ins, "conversions between half-precision types");
            }
            if (to.kind() == PtxType.Kind.HALF) {
                if (ins.has("sat") || ins.has("relu")) {
                    throw f.unsupported(ins, "." + (ins.has("sat") ? "sat" : "relu") + " to " + to.spelling());
                }
                f.write(ins.operand(0), f.halves().fromValue(ins, f.read(ins.operand(1), from), from, rounding, to));
                return;
            }
            a = f.temp(f.halves().toFloat(f.read(ins.operand(1), from), from)); // exact: from here on a float conversion
            from = PtxType.F32;
        } else {
            a = f.read(ins.operand(1), from);
        }
        KExpr r;
        if (from.isFloat() && to.isFloat()) {
            r = floatToFloat(ins, a, from, to, rounding);
        } else if (from.isFloat()) {
            r = floatToInt(ins, a, to, rounding);
        } else if (to.isFloat()) {
            boolean exact = from.bits() <= 16 || from.bits() == 32 && to == PtxType.F64;
            boolean directed = !exact && rounding != null && !rounding.equals("rn");
            if (directed && !List.of("rz", "rm", "rp").contains(rounding)) {
                throw f.unsupported(ins, "rounding (." + rounding + ")");
            }
            r = directed ? FloatInstructions.libraryCall(f, ins, "__" + (from.kind() == PtxType.Kind.SIGNED ? "" : "u")
                    + (from.bits() == 64 ? "ll" : "int") + "2" + (to == PtxType.F64 ? "double" : "float") + "_"
                    + FloatInstructions.cudaMode(rounding), List.of(a)) : Exprs.convert(a, to.kir());
        } else {
            r = ins.has("sat") ? saturate(a, to) : Exprs.convert(a, to.kir());
        }
        if (ins.has("sat") && to.isFloat()) {
            r = Exprs.math(MathFn.SATURATE, r);
        }
        f.write(ins.operand(0), r);
    }

    private static String rounding(Instruction ins) {
        for (String m : ins.modifiers()) {
            switch (m) {
                case "rn", "rz", "rm", "rp", "rni", "rzi", "rmi", "rpi", "rna", "rs" -> {
                    return m;
                }
                default -> { }
            }
        }
        return null;
    }

    private KExpr floatToFloat(Instruction ins, KExpr a, PtxType from, PtxType to, String rounding) {
        if (rounding != null && rounding.endsWith("i")) {
            MathFn fn = switch (rounding) {
                case "rni" -> MathFn.RINT;
                case "rzi" -> MathFn.TRUNC;
                case "rmi" -> MathFn.FLOOR;
                default -> MathFn.CEIL;
            };
            return Exprs.convert(Exprs.math(fn, a), to.kir());
        }
        boolean narrowing = from.bits() > to.bits();
        if (narrowing && rounding != null && !rounding.equals("rn")) {
            if (from == PtxType.F64 && to == PtxType.F32 && List.of("rz", "rm", "rp").contains(rounding)) {
                return FloatInstructions.libraryCall(f, ins, "__double2float_" + FloatInstructions.cudaMode(rounding),
                        List.of(a));
            }
            throw f.unsupported(ins, "directed rounding (." + rounding + ")");
        }
        return Exprs.convert(a, to.kir());
    }

    /** Float to integer: rounded as asked (toward zero by default), NaN to 0, saturating to the type's range. */
    private KExpr floatToInt(Instruction ins, KExpr a, PtxType to, String rounding) {
        String mode = rounding == null ? "rzi" : rounding;
        KExpr rounded = switch (mode) {
            case "rzi" -> a;
            case "rni" -> Exprs.math(MathFn.RINT, a);
            case "rmi" -> Exprs.math(MathFn.FLOOR, a);
            case "rpi" -> Exprs.math(MathFn.CEIL, a);
            default -> throw f.unsupported(ins, "rounding ." + mode + " to an integer");
        };
        ScalarType k = to.kir();
        if (k.size() >= 4) {
            return Exprs.convert(rounded, k);
        }
        KExpr wide = f.temp(Exprs.convert(rounded, Exprs.INT));
        return Exprs.convert(clamp(wide, k.kind()), k);
    }

    /** Integer to integer with {@code .sat}: clamped to the destination's range. */
    private KExpr saturate(KExpr a, PtxType to) {
        boolean signed = Exprs.scalar(a).kind().isSigned();
        ScalarType wide = signed ? Exprs.LONG : Exprs.ULONG;
        KExpr v = f.temp(Exprs.convert(a, wide));
        ScalarKind k = to.kir().kind();
        int b = k.bits();
        long destMax = k.isSigned() ? (1L << (b - 1)) - 1 : b == 64 ? -1L : (1L << b) - 1;
        long sourceMax = signed ? Long.MAX_VALUE : -1L;
        KExpr r = v;
        if (signed && !(k.isSigned() && b == 64)) {
            long lo = k.isSigned() ? -(1L << (b - 1)) : 0;
            r = Exprs.select(Exprs.compare(BinaryOp.LT, v, Exprs.constant(wide, lo)), Exprs.constant(wide, lo), r);
        }
        if (Long.compareUnsigned(destMax, sourceMax) < 0) {
            r = Exprs.select(Exprs.compare(BinaryOp.GT, v, Exprs.constant(wide, destMax)),
                    Exprs.constant(wide, destMax), r);
        }
        return Exprs.convert(r, to.kir());
    }

    private static KExpr clamp(KExpr v, ScalarKind k) {
        long lo = k.isSigned() ? -(1L << (k.bits() - 1)) : 0;
        long hi = k.isSigned() ? (1L << (k.bits() - 1)) - 1 : (1L << k.bits()) - 1;
        KExpr low = Exprs.i32(lo);
        KExpr high = Exprs.i32(hi);
        return Exprs.select(Exprs.compare(BinaryOp.LT, v, low), low,
                Exprs.select(Exprs.compare(BinaryOp.GT, v, high), high, v));
    }
}
