package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KFunction;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Half precision and bfloat16 ({@code .f16}, {@code .f16x2}, {@code .bf16}, {@code .bf16x2}, held
 * as their bits in {@code .b16}/{@code .b32} registers): arithmetic, conversions and comparisons
 * call the rounding core the built-in cuda_fp16.h and cuda_bf16.h share ({@link HalfRuntime}), so
 * every operation is rounded once to its format as on the GPU. An {@code x2} operation is two
 * scalar ones on the low and high halves. {@code .ftz} is accepted and subnormals are kept, as for
 * {@code .f32}.
 */
final class HalfInstructions {
    private static final ScalarType BITS = ScalarType.USHORT;
    private static final ScalarType PAIR = ScalarType.UINT;

    private final FunctionLowering f;

    HalfInstructions(FunctionLowering f) {
        this.f = f;
    }

    /** Whether {@code t} is bfloat16 (else binary16). */
    static boolean isBf16(PtxType t) {
        return t == PtxType.BF16 || t == PtxType.BF16X2;
    }

    /** Whether {@code t} holds two values ({@code .f16x2}, {@code .bf16x2}). */
    static boolean isPair(PtxType t) {
        return t == PtxType.F16X2 || t == PtxType.BF16X2;
    }

    /** 1.0 in the format, what {@code set} writes for true. */
    static long one(PtxType t) {
        return isBf16(t) ? 0x3f80 : 0x3c00;
    }

    /** {@code add sub mul fma neg abs min max} on {@code .f16}/{@code .f16x2}/{@code .bf16}/{@code .bf16x2}. */
    void arithmetic(Instruction ins, PtxType t) {
        boolean bf = isBf16(t);
        if (ins.has("NaN") || ins.has("xorsign") || ins.has("relu") || bf && ins.has("sat")) {
            throw f.unsupported(ins, null);
        }
        String op = ins.opcode();
        int operands = switch (op) {
            case "neg", "abs" -> 2;
            case "fma", "mad" -> 4;
            case "add", "sub", "mul", "min", "max" -> 3;
            default -> throw f.unsupported(ins, "on half-precision values");
        };
        f.arity(ins, operands);
        List<KExpr> args = new ArrayList<>();
        for (int i = 1; i < operands; i++) {
            args.add(f.read(ins.operand(i), isPair(t) ? PAIR : BITS));
        }
        boolean sat = ins.has("sat");
        Function<List<KExpr>, KExpr> one = halves -> {
            KExpr r = switch (op) {
                case "neg" -> Exprs.convert(Exprs.xor(Exprs.convert(halves.get(0), PAIR), Exprs.constant(PAIR, 0x8000)), BITS);
                case "abs" -> Exprs.convert(Exprs.binary(BinaryOp.AND, Exprs.convert(halves.get(0), PAIR),
                        Exprs.constant(PAIR, 0x7fff)), BITS);
                case "add", "sub", "mul" -> call(bf ? "__cw_bf16op_bits" : "__cw_hop_bits",
                        List.of(Exprs.i32(op.equals("add") ? 0 : op.equals("sub") ? 1 : 2), halves.get(0), halves.get(1)));
                case "fma", "mad" -> call(bf ? "__cw_bf16fma_bits" : "__cw_hfma_bits",
                        List.of(halves.get(0), halves.get(1), halves.get(2), Exprs.i32(0)));
                default -> minMax(op.equals("max"), halves.get(0), halves.get(1), t);
            };
            return sat ? call("__cw_sat_bits", List.of(r)) : r;
        };
        f.write(ins.operand(0), perHalf(t, args, one));
    }

    /** {@code op} applied to the one half of each operand, or to the low and the high halves of .f16x2 values. */
    private KExpr perHalf(PtxType t, List<KExpr> args, Function<List<KExpr>, KExpr> op) {
        if (!isPair(t)) {
            return op.apply(args);
        }
        List<KExpr> pairs = new ArrayList<>();
        for (KExpr a : args) {
            pairs.add(f.temp(a));
        }
        KExpr combined = null;
        for (int part = 0; part < 2; part++) {
            List<KExpr> halves = new ArrayList<>();
            for (KExpr p : pairs) {
                halves.add(half(p, part));
            }
            KExpr r = Exprs.convert(f.temp(op.apply(halves)), PAIR);
            combined = part == 0 ? r : Exprs.or(combined, Exprs.shl(r, Exprs.constant(PAIR, 16)));
        }
        return combined;
    }

    private static KExpr half(KExpr pair, int part) {
        return Exprs.convert(part == 0 ? pair : Exprs.shr(pair, Exprs.constant(PAIR, 16)), BITS);
    }

    /** PTX max/min.f16 and .bf16: a NaN operand gives the other, two NaNs the canonical NaN (0x7fff in both). */
    private KExpr minMax(boolean max, KExpr a, KExpr b, PtxType t) {
        KExpr x = f.temp(a);
        KExpr y = f.temp(b);
        KExpr fx = f.temp(toFloat(x, t));
        KExpr fy = f.temp(toFloat(y, t));
        KExpr nanX = Exprs.compare(BinaryOp.NE, fx, fx);
        KExpr nanY = Exprs.compare(BinaryOp.NE, fy, fy);
        KExpr pick = max ? Exprs.select(Exprs.compare(BinaryOp.LT, fx, fy), y, x)
                : Exprs.select(Exprs.compare(BinaryOp.LT, fy, fx), y, x);
        return Exprs.select(nanX, Exprs.select(nanY, Exprs.constant(BITS, 0x7fff), y), Exprs.select(nanY, x, pick));
    }

    /** The exact float value of .f16 or .bf16 bits. */
    KExpr toFloat(KExpr bits, PtxType t) {
        return call(isBf16(t) ? "__cw_bf162float_bits" : "__cw_half2float_bits", List.of(Exprs.convert(bits, BITS)));
    }

    /** {@code cvt} to .f16 or .bf16 ({@code to}) from a float or integer value, with PTX's rounding modifier (rn when none). */
    KExpr fromValue(Instruction ins, KExpr value, PtxType from, String rounding, PtxType to) {
        boolean bf = isBf16(to);
        int mode = switch (rounding == null ? "rn" : rounding) {
            case "rn" -> 0;
            case "rz" -> 1;
            case "rm" -> 2;
            case "rp" -> 3;
            default -> throw f.unsupported(ins, "rounding ." + rounding + " to " + to.spelling());
        };
        if (from == PtxType.F64 || bf && from.isInteger() && from.bits() > 16) {
            // doubles, and to bfloat16 integers past 2^24, through double: rounded to odd in float first
            return call(bf ? "__cw_double2bf16_bits" : "__cw_double2half_bits",
                    List.of(Exprs.convert(value, ScalarType.DOUBLE), Exprs.i32(mode)));
        }
        // integers through float: exact up to 2^24, and larger ones are past 65504 whatever they round to
        return call(bf ? "__cw_float2bf16_bits" : "__cw_float2half_bits",
                List.of(Exprs.convert(value, ScalarType.FLOAT), Exprs.i32(mode)));
    }

    /** A half or bfloat16 comparison as floats (every such value is exactly a float). */
    KExpr[] asFloats(PtxOperand left, PtxOperand right, int part, PtxType t) {
        KExpr a = f.read(left, isPair(t) ? PAIR : BITS);
        KExpr b = f.read(right, isPair(t) ? PAIR : BITS);
        if (isPair(t)) {
            a = half(a, part);
            b = half(b, part);
        }
        return new KExpr[] {f.temp(toFloat(a, t)), f.temp(toFloat(b, t))};
    }

    /** {@code cvt.rn.f16x2.f32 d, a, b} (or {@code .bf16x2}): a rounded into the high half, b into the low. */
    KExpr pairFromFloats(Instruction ins, PtxType to, String rounding) {
        PtxType scalar = isBf16(to) ? PtxType.BF16 : PtxType.F16;
        KExpr high = Exprs.convert(f.temp(fromValue(ins, f.read(ins.operand(1), PtxType.F32), PtxType.F32, rounding, scalar)), PAIR);
        KExpr low = Exprs.convert(f.temp(fromValue(ins, f.read(ins.operand(2), PtxType.F32), PtxType.F32, rounding, scalar)), PAIR);
        return Exprs.or(low, Exprs.shl(high, Exprs.constant(PAIR, 16)));
    }

    /**
     * An atomic {@code op} (ADD, MIN or MAX) of {@code value} into the {@code .f16}/{@code .bf16}
     * at {@code address} (a pointer to its 16 bits), or into both halves of the {@code .f16x2}/{@code .bf16x2}
     * there (a pointer to its 32): the core's compare-and-swap loop on the containing 32-bit word,
     * which rounds as the arithmetic does. The old bits.
     */
    KExpr atomic(KExpr address, KExpr value, io.cudawasm.kernels.kir.AtomicOp op, PtxType t) {
        KExpr code = Exprs.i32(switch (op) {
            case ADD -> 0;
            case MIN -> 1;
            case MAX -> 2;
            default -> throw new IllegalArgumentException(op + " on half precision");
        });
        KExpr bf = Exprs.i32(isBf16(t) ? 1 : 0);
        return isPair(t) ? call("__cw_atomic_halves_bits", List.of(address, value, Exprs.i32(3), code, bf))
                : call("__cw_atomic_small_bits", List.of(address, value, code, bf));
    }

    /** {@code atom.cas.b16}: the core's 16-bit compare-and-swap on the containing 32-bit word; the old bits. */
    KExpr compareAndSwap16(KExpr address, KExpr compare, KExpr value) {
        return call("__cw_atomic_cas16_bits", List.of(address, compare, value));
    }

    /** A call of a core function, its result in a fresh local (calls stand alone as statements in KIR). */
    private KExpr call(String name, List<KExpr> args) {
        KFunction fn = f.module().halfRuntime().function(name);
        List<KExpr> converted = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            // a pointer goes as it is, in its own state space (OpenCL instantiates the callee per space)
            converted.add(fn.params().get(i).type() instanceof ScalarType s ? Exprs.as(args.get(i), s) : args.get(i));
        }
        KLocal t = f.local("h", fn.returnType());
        f.emit(new KStmt.Assign(t, new KExpr.Call(fn, converted, fn.returnType())));
        return new KExpr.LocalGet(t);
    }
}
