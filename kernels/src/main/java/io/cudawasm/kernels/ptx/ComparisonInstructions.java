package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;
import java.util.Set;

/**
 * {@code setp}, {@code set}, {@code selp} and {@code slct}. Float comparisons follow PTX: the
 * plain ones are false when an operand is NaN (so {@code ne} is "ordered not equal"), the
 * {@code u} forms are true.
 */
final class ComparisonInstructions {
    private static final Set<String> OPS = Set.of("eq", "ne", "lt", "le", "gt", "ge", "lo", "ls", "hi", "hs", "equ",
            "neu", "ltu", "leu", "gtu", "geu", "num", "nan");
    private static final List<String> BOOL_OPS = List.of("and", "or", "xor");

    private final FunctionLowering f;

    ComparisonInstructions(FunctionLowering f) {
        this.f = f;
    }

    void lower(Instruction ins) {
        switch (ins.opcode()) {
            case "setp" -> setp(ins);
            case "set" -> set(ins);
            case "selp" -> {
                f.arity(ins, 4);
                PtxType t = f.type(ins);
                f.write(ins.operand(0), Exprs.select(f.predicate(ins.operand(3)), f.read(ins.operand(1), t),
                        f.read(ins.operand(2), t)));
            }
            case "slct" -> {
                f.arity(ins, 4);
                List<PtxType> types = ins.types();
                if (types.size() != 2) {
                    throw f.unsupported(ins, "needs a result and a selector type");
                }
                PtxType t = types.get(0);
                ScalarType ck = types.get(1).kir();
                KExpr c = f.read(ins.operand(3), ck);
                KExpr nonNegative = Exprs.compare(BinaryOp.GE, c, Exprs.constant(ck, 0));
                f.write(ins.operand(0), Exprs.select(nonNegative, f.read(ins.operand(1), t), f.read(ins.operand(2), t)));
            }
            default -> throw f.unsupported(ins, null);
        }
    }

    private String op(Instruction ins) {
        return ins.modifiers().stream().filter(OPS::contains).findFirst()
                .orElseThrow(() -> f.unsupported(ins, "no comparison operator"));
    }

    private String boolOp(Instruction ins) {
        List<String> m = ins.modifiers();
        for (int i = 1; i < m.size(); i++) {
            if (BOOL_OPS.contains(m.get(i))) {
                return m.get(i);
            }
        }
        return null;
    }

    private void setp(Instruction ins) {
        PtxType t = f.type(ins);
        String bop = boolOp(ins);
        f.arity(ins, bop == null ? 3 : 4);
        if (HalfInstructions.isPair(t)) { // p|q: the low halves' comparison and the high halves'
            if (!(ins.operand(0) instanceof PtxOperand.Pair pair)) {
                throw f.unsupported(ins, "setp on " + t.spelling() + " needs a pair of predicates (p|q)");
            }
            KExpr low = f.temp(combine(bop, halfCompare(ins, op(ins), t, 0), ins));
            KExpr high = f.temp(combine(bop, halfCompare(ins, op(ins), t, 1), ins));
            f.write(pair.first(), low);
            f.write(pair.second(), high);
            return;
        }
        KExpr r = compare(ins, op(ins), t, ins.operand(1), ins.operand(2));
        PtxOperand dst = ins.operand(0);
        if (dst instanceof PtxOperand.Pair pair) {
            KExpr cmp = f.temp(r);
            f.write(pair.first(), combine(bop, cmp, ins));
            f.write(pair.second(), combine(bop, Exprs.not(cmp), ins));
        } else {
            f.write(dst, combine(bop, r, ins));
        }
    }

    private KExpr combine(String bop, KExpr r, Instruction ins) {
        if (bop == null) {
            return r;
        }
        KExpr c = f.predicate(ins.operand(3));
        return Exprs.binary(bop.equals("and") ? BinaryOp.AND : bop.equals("or") ? BinaryOp.OR : BinaryOp.XOR, r, c);
    }

    private void set(Instruction ins) {
        List<PtxType> types = ins.types();
        if (types.size() != 2) {
            throw f.unsupported(ins, "needs a result and an operand type");
        }
        String bop = boolOp(ins);
        f.arity(ins, bop == null ? 3 : 4);
        PtxType d = types.get(0);
        PtxType s = types.get(1);
        if (HalfInstructions.isPair(s)) { // per half: 1.0 for an .f16x2/.bf16x2 result, else all ones, or 0
            if (!HalfInstructions.isPair(d) && !(d.isInteger() && d.bits() == 32)) {
                throw f.unsupported(ins, "an " + s.spelling() + " comparison into " + d.spelling());
            }
            long yes = HalfInstructions.isPair(d) ? HalfInstructions.one(d) : 0xffff;
            KExpr low = Exprs.convert(f.temp(Exprs.select(combine(bop, halfCompare(ins, op(ins), s, 0), ins),
                    Exprs.constant(ScalarType.UINT, yes), Exprs.constant(ScalarType.UINT, 0))), ScalarType.UINT);
            KExpr high = Exprs.convert(f.temp(Exprs.select(combine(bop, halfCompare(ins, op(ins), s, 1), ins),
                    Exprs.constant(ScalarType.UINT, yes), Exprs.constant(ScalarType.UINT, 0))), ScalarType.UINT);
            f.write(ins.operand(0), Exprs.or(low, Exprs.shl(high, Exprs.constant(ScalarType.UINT, 16))));
            return;
        }
        KExpr r = combine(bop, compare(ins, op(ins), types.get(1), ins.operand(1), ins.operand(2)), ins);
        KExpr value = switch (d.kind()) {
            case HALF -> Exprs.select(r, Exprs.constant(d.kir(), HalfInstructions.one(d)), Exprs.constant(d.kir(), 0));
            case FLOAT -> Exprs.select(r, new KExpr.FloatConst(d.kir(), 1.0), new KExpr.FloatConst(d.kir(), 0.0));
            default -> Exprs.select(r, Exprs.constant(d.kir(), -1), Exprs.constant(d.kir(), 0));
        };
        f.write(ins.operand(0), value);
    }

    /** A comparison as a bool. */
    KExpr compare(Instruction ins, String op, PtxType t, PtxOperand left, PtxOperand right) {
        if (t == PtxType.F16 || t == PtxType.BF16) {
            KExpr[] ab = f.halves().asFloats(left, right, 0, t);
            return floatCompare(ins, op, ab[0], ab[1]);
        }
        if (t.isFloat()) {
            ScalarType k = t.kir();
            KExpr a = f.read(left, k);
            KExpr b = f.read(right, k);
            return floatCompare(ins, op, a, b);
        }
        if (!t.isInteger()) {
            throw f.unsupported(ins, t.kind() == PtxType.Kind.HALF ? "half precision" : "type " + t.spelling());
        }
        boolean unsigned = !t.isSigned() || op.equals("lo") || op.equals("ls") || op.equals("hi") || op.equals("hs");
        ScalarType k = Exprs.promoted(Exprs.integer(t.bytes(), t.isSigned()));
        ScalarType cmp = Exprs.integer(k.size(), !unsigned);
        KExpr a = Exprs.convert(Exprs.convert(f.read(left, t), k), cmp);
        KExpr b = Exprs.convert(Exprs.convert(f.read(right, t), k), cmp);
        BinaryOp bop = switch (op) {
            case "eq" -> BinaryOp.EQ;
            case "ne" -> BinaryOp.NE;
            case "lt", "lo" -> BinaryOp.LT;
            case "le", "ls" -> BinaryOp.LE;
            case "gt", "hi" -> BinaryOp.GT;
            case "ge", "hs" -> BinaryOp.GE;
            default -> throw f.unsupported(ins, "'" + op + "' on integers");
        };
        return Exprs.compare(bop, a, b);
    }

    /** The comparison of the low (part 0) or high (1) halves of two .f16x2 or .bf16x2 operands. */
    private KExpr halfCompare(Instruction ins, String op, PtxType t, int part) {
        KExpr[] ab = f.halves().asFloats(ins.operand(1), ins.operand(2), part, t);
        return floatCompare(ins, op, ab[0], ab[1]);
    }

    private KExpr floatCompare(Instruction ins, String op, KExpr a, KExpr b) {
        switch (op) {
            case "eq", "lt", "le", "gt", "ge" -> {
                return Exprs.compare(ordered(op), a, b);
            }
            case "ne" -> {
                KExpr x = f.temp(a);
                KExpr y = f.temp(b);
                return Exprs.binary(BinaryOp.OR, Exprs.compare(BinaryOp.LT, x, y), Exprs.compare(BinaryOp.GT, x, y));
            }
            case "neu" -> {
                return Exprs.compare(BinaryOp.NE, a, b);
            }
            case "equ" -> {
                KExpr x = f.temp(a);
                KExpr y = f.temp(b);
                return Exprs.not(Exprs.binary(BinaryOp.OR, Exprs.compare(BinaryOp.LT, x, y),
                        Exprs.compare(BinaryOp.GT, x, y)));
            }
            case "ltu" -> {
                return Exprs.not(Exprs.compare(BinaryOp.GE, a, b));
            }
            case "leu" -> {
                return Exprs.not(Exprs.compare(BinaryOp.GT, a, b));
            }
            case "gtu" -> {
                return Exprs.not(Exprs.compare(BinaryOp.LE, a, b));
            }
            case "geu" -> {
                return Exprs.not(Exprs.compare(BinaryOp.LT, a, b));
            }
            case "num", "nan" -> {
                KExpr x = f.temp(a);
                KExpr y = f.temp(b);
                KExpr bothNumbers = Exprs.binary(BinaryOp.AND, Exprs.compare(BinaryOp.EQ, x, x),
                        Exprs.compare(BinaryOp.EQ, y, y));
                return op.equals("num") ? bothNumbers : Exprs.not(bothNumbers);
            }
            default -> throw f.unsupported(ins, "'" + op + "' on floating-point values");
        }
    }

    private static BinaryOp ordered(String op) {
        return switch (op) {
            case "eq" -> BinaryOp.EQ;
            case "lt" -> BinaryOp.LT;
            case "le" -> BinaryOp.LE;
            case "gt" -> BinaryOp.GT;
            default -> BinaryOp.GE;
        };
    }
}
