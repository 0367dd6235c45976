package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.BitSearch;
import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;

/**
 * Integer arithmetic and bit operations. Arithmetic on 8- and 16-bit types is done in 32 bits
 * and truncated, as the hardware does; shifts follow PTX (amounts past the width give 0 or the
 * sign, where WebAssembly would wrap the amount).
 */
final class IntegerInstructions {
    private final FunctionLowering f;
    private final CarryChains carries;

    IntegerInstructions(FunctionLowering f) {
        this.f = f;
        this.carries = new CarryChains(f);
    }

    /** An operand in the type arithmetic on {@code t} is done in. */
    private KExpr in(PtxOperand o, PtxType t) {
        ScalarType k = t.kir();
        return Exprs.convert(f.read(o, k), Exprs.promoted(k));
    }

    private void out(PtxOperand d, KExpr v, PtxType t) {
        f.write(d, Exprs.convert(v, t.kir()));
    }

    void lower(Instruction ins, PtxType t) {
        if (CarryChains.isCarryChain(ins)) {
            carries.lower(ins, t);
            return;
        }
        if (t == PtxType.PRED) {
            predicate(ins);
            return;
        }
        if (!t.isInteger()) {
            throw f.unsupported(ins, "type " + t.spelling());
        }
        switch (ins.opcode()) {
            case "add", "sub" -> addSub(ins, t);
            case "mul" -> multiply(ins, t, false);
            case "mad" -> multiply(ins, t, true);
            case "mul24", "mad24" -> mul24(ins, t);
            case "div" -> binary(ins, t, BinaryOp.DIV);
            case "rem" -> binary(ins, t, BinaryOp.REM);
            case "and" -> binary(ins, t, BinaryOp.AND);
            case "or" -> binary(ins, t, BinaryOp.OR);
            case "xor" -> binary(ins, t, BinaryOp.XOR);
            case "not" -> {
                f.arity(ins, 2);
                out(ins.operand(0), Exprs.bitNot(in(ins.operand(1), t)), t);
            }
            case "cnot" -> {
                f.arity(ins, 2);
                KExpr a = in(ins.operand(1), t);
                KExpr isZero = Exprs.compare(BinaryOp.EQ, a, Exprs.constant(Exprs.scalar(a), 0));
                out(ins.operand(0), Exprs.select(isZero, Exprs.constant(Exprs.scalar(a), 1),
                        Exprs.constant(Exprs.scalar(a), 0)), t);
            }
            case "neg" -> {
                f.arity(ins, 2);
                out(ins.operand(0), Exprs.neg(in(ins.operand(1), t)), t);
            }
            case "abs" -> {
                f.arity(ins, 2);
                KExpr a = f.temp(in(ins.operand(1), t));
                KExpr negative = Exprs.compare(BinaryOp.LT, a, Exprs.constant(Exprs.scalar(a), 0));
                out(ins.operand(0), Exprs.select(negative, Exprs.neg(a), a), t);
            }
            case "min", "max" -> minMax(ins, t);
            case "sad" -> {
                f.arity(ins, 4);
                KExpr a = f.temp(in(ins.operand(1), t));
                KExpr b = f.temp(in(ins.operand(2), t));
                KExpr diff = Exprs.select(Exprs.compare(BinaryOp.GT, a, b), Exprs.sub(a, b), Exprs.sub(b, a));
                KExpr c = in(ins.operand(3), t);
                out(ins.operand(0), Exprs.add(Exprs.convert(diff, c.type()), c), t);
            }
            case "popc", "clz", "brev" -> bitCount(ins, t);
            case "bfind" -> bfind(ins, t);
            case "fns" -> {
                // find the n-th set bit (cooperative groups' coalesced_group shuffles use it)
                f.arity(ins, 4);
                KExpr found = BitSearch.findNthSet(f.read(ins.operand(1), Exprs.UINT), f.read(ins.operand(2), Exprs.UINT),
                        f.read(ins.operand(3), Exprs.INT), f::temp);
                f.write(ins.operand(0), found);
            }
            case "bfe" -> bfe(ins, t);
            case "bfi" -> bfi(ins, t);
            case "prmt" -> prmt(ins);
            case "shf" -> funnelShift(ins);
            case "shl", "shr" -> shift(ins, t);
            case "lop3" -> lop3(ins, t);
            default -> throw f.unsupported(ins, null);
        }
    }

    private void predicate(Instruction ins) {
        switch (ins.opcode()) {
            case "and", "or", "xor" -> {
                f.arity(ins, 3);
                KExpr a = f.predicate(ins.operand(1));
                KExpr b = f.predicate(ins.operand(2));
                BinaryOp op = ins.opcode().equals("and") ? BinaryOp.AND : ins.opcode().equals("or") ? BinaryOp.OR
                        : BinaryOp.XOR;
                f.write(ins.operand(0), Exprs.binary(op, a, b));
            }
            case "not" -> {
                f.arity(ins, 2);
                f.write(ins.operand(0), Exprs.not(f.predicate(ins.operand(1))));
            }
            default -> throw f.unsupported(ins, "on predicates");
        }
    }

    private void binary(Instruction ins, PtxType t, BinaryOp op) {
        f.arity(ins, 3);
        out(ins.operand(0), Exprs.binary(op, in(ins.operand(1), t), in(ins.operand(2), t)), t);
    }

    private void addSub(Instruction ins, PtxType t) {
        f.arity(ins, 3);
        BinaryOp op = ins.opcode().equals("add") ? BinaryOp.ADD : BinaryOp.SUB;
        if (ins.has("sat")) {
            if (t != PtxType.S32) {
                throw f.unsupported(ins, ".sat on " + t.spelling());
            }
            KExpr wide = f.temp(Exprs.binary(op, Exprs.convert(in(ins.operand(1), t), Exprs.LONG),
                    Exprs.convert(in(ins.operand(2), t), Exprs.LONG)));
            out(ins.operand(0), clamp(wide, Integer.MIN_VALUE, Integer.MAX_VALUE), t);
            return;
        }
        binary(ins, t, op);
    }

    private static KExpr clamp(KExpr v, long lo, long hi) {
        ScalarType k = Exprs.scalar(v);
        KExpr low = Exprs.constant(k, lo);
        KExpr high = Exprs.constant(k, hi);
        return Exprs.select(Exprs.compare(BinaryOp.LT, v, low), low,
                Exprs.select(Exprs.compare(BinaryOp.GT, v, high), high, v));
    }

    /** {@code mul}/{@code mad} with {@code .lo}, {@code .hi} or {@code .wide}. */
    private void multiply(Instruction ins, PtxType t, boolean addend) {
        f.arity(ins, addend ? 4 : 3);
        if (ins.has("sat")) {
            throw f.unsupported(ins, ".sat");
        }
        PtxOperand d = ins.operand(0);
        boolean signed = t.isSigned();
        if (ins.has("wide")) {
            if (t.bits() == 64) {
                throw f.unsupported(ins, ".wide of 64-bit values");
            }
            ScalarType wide = Exprs.integer(t.bytes() * 2, signed);
            KExpr a = Exprs.convert(f.read(ins.operand(1), t), wide);
            KExpr b = Exprs.convert(f.read(ins.operand(2), t), wide);
            KExpr r = Exprs.mul(Exprs.promoted(wide).equals(wide) ? a : Exprs.convert(a, Exprs.promoted(wide)),
                    Exprs.promoted(wide).equals(wide) ? b : Exprs.convert(b, Exprs.promoted(wide)));
            if (addend) {
                r = Exprs.add(r, Exprs.convert(f.read(ins.operand(3), wide), Exprs.scalar(r)));
            }
            f.write(d, Exprs.convert(r, wide));
            return;
        }
        KExpr a = in(ins.operand(1), t);
        KExpr b = in(ins.operand(2), t);
        KExpr r;
        if (ins.has("hi")) {
            r = switch (t.bits()) {
                case 64 -> Exprs.intrinsic(signed ? Intrinsic.MUL64HI : Intrinsic.UMUL64HI, signed ? Exprs.LONG : Exprs.ULONG,
                        Exprs.convert(a, signed ? Exprs.LONG : Exprs.ULONG), Exprs.convert(b, signed ? Exprs.LONG : Exprs.ULONG));
                case 32 -> Exprs.intrinsic(signed ? Intrinsic.MULHI : Intrinsic.UMULHI, signed ? Exprs.INT : Exprs.UINT,
                        Exprs.convert(a, signed ? Exprs.INT : Exprs.UINT), Exprs.convert(b, signed ? Exprs.INT : Exprs.UINT));
                default -> Exprs.shr(Exprs.mul(a, b), Exprs.constant(Exprs.scalar(a), t.bits()));
            };
        } else {
            r = Exprs.mul(a, b);
        }
        r = Exprs.convert(r, Exprs.scalar(a));
        if (addend) {
            r = Exprs.add(r, in(ins.operand(3), t));
        }
        out(d, r, t);
    }

    private void mul24(Instruction ins, PtxType t) {
        boolean addend = ins.opcode().equals("mad24");
        f.arity(ins, addend ? 4 : 3);
        if (ins.has("hi") || t.bits() != 32) {
            throw f.unsupported(ins, "only .lo of 32-bit values");
        }
        boolean signed = t.isSigned();
        ScalarType k = signed ? Exprs.INT : Exprs.UINT;
        KExpr r = Exprs.intrinsic(signed ? Intrinsic.MUL24 : Intrinsic.UMUL24, k, f.read(ins.operand(1), k),
                f.read(ins.operand(2), k));
        if (addend) {
            r = Exprs.add(r, f.read(ins.operand(3), k));
        }
        out(ins.operand(0), r, t);
    }

    private void minMax(Instruction ins, PtxType t) {
        f.arity(ins, 3);
        if (ins.modifiers().size() > 1) {
            throw f.unsupported(ins, null);
        }
        KExpr a = f.temp(in(ins.operand(1), t));
        KExpr b = f.temp(in(ins.operand(2), t));
        BinaryOp op = ins.opcode().equals("min") ? BinaryOp.LT : BinaryOp.GT;
        out(ins.operand(0), Exprs.select(Exprs.compare(op, a, b), a, b), t);
    }

    private void bitCount(Instruction ins, PtxType t) {
        f.arity(ins, 2);
        boolean wide = t.bits() == 64;
        if (t.bits() < 32) {
            throw f.unsupported(ins, "type " + t.spelling());
        }
        KExpr r = switch (ins.opcode()) {
            case "popc" -> Exprs.intrinsic(wide ? Intrinsic.POPCLL : Intrinsic.POPC, Exprs.INT,
                    f.read(ins.operand(1), wide ? Exprs.ULONG : Exprs.UINT));
            case "clz" -> Exprs.intrinsic(wide ? Intrinsic.CLZLL : Intrinsic.CLZ, Exprs.INT,
                    f.read(ins.operand(1), wide ? Exprs.LONG : Exprs.INT));
            default -> Exprs.intrinsic(wide ? Intrinsic.BREVLL : Intrinsic.BREV, wide ? Exprs.ULONG : Exprs.UINT,
                    f.read(ins.operand(1), wide ? Exprs.ULONG : Exprs.UINT));
        };
        f.write(ins.operand(0), ins.opcode().equals("popc") || ins.opcode().equals("clz") ? Exprs.convert(r, Exprs.UINT) : r);
    }

    /** Position of the most significant non-sign bit, 0xffffffff when there is none. */
    private void bfind(Instruction ins, PtxType t) {
        f.arity(ins, 2);
        boolean wide = t.bits() == 64;
        if (t.bits() < 32) {
            throw f.unsupported(ins, "type " + t.spelling());
        }
        ScalarType k = wide ? Exprs.LONG : Exprs.INT;
        KExpr x = f.temp(f.read(ins.operand(1), k));
        if (t.isSigned()) {
            x = f.temp(Exprs.select(Exprs.compare(BinaryOp.LT, x, Exprs.constant(k, 0)), Exprs.bitNot(x), x));
        }
        KExpr clz = Exprs.intrinsic(wide ? Intrinsic.CLZLL : Intrinsic.CLZ, Exprs.INT, x);
        KExpr position = ins.has("shiftamt") ? clz : Exprs.sub(Exprs.i32(t.bits() - 1), clz);
        KExpr none = Exprs.compare(BinaryOp.EQ, x, Exprs.constant(k, 0));
        f.write(ins.operand(0), Exprs.select(none, Exprs.u32(0xFFFF_FFFFL), Exprs.convert(position, Exprs.UINT)));
    }

    /** Bit-field extract: {@code len} bits from {@code pos}, zero- or sign-extended. */
    private void bfe(Instruction ins, PtxType t) {
        f.arity(ins, 4);
        int w = t.bits();
        if (w < 32) {
            throw f.unsupported(ins, "type " + t.spelling());
        }
        ScalarType k = t.kir();
        KExpr a = f.temp(f.read(ins.operand(1), k));
        KExpr pos = f.temp(Exprs.and(f.read(ins.operand(2), Exprs.UINT), Exprs.u32(0xFF)));
        KExpr len = f.temp(Exprs.and(f.read(ins.operand(3), Exprs.UINT), Exprs.u32(0xFF)));
        KExpr room = Exprs.select(Exprs.compare(BinaryOp.GT, pos, Exprs.u32(w)), Exprs.u32(0), Exprs.sub(Exprs.u32(w), pos));
        KExpr bits = f.temp(Exprs.select(Exprs.compare(BinaryOp.LT, len, room), len, room));
        KExpr some = Exprs.compare(BinaryOp.NE, bits, Exprs.u32(0));
        KExpr up = Exprs.convert(Exprs.sub(Exprs.sub(Exprs.u32(w), pos), bits), k);
        KExpr down = Exprs.convert(Exprs.sub(Exprs.u32(w), bits), k);
        KExpr shifted = Exprs.shr(Exprs.shl(a, up), down);
        KExpr r;
        if (t.isSigned()) {
            KExpr signFill = Exprs.shr(a, Exprs.constant(k, w - 1));
            KExpr lenZero = Exprs.compare(BinaryOp.EQ, len, Exprs.u32(0));
            r = Exprs.select(lenZero, Exprs.constant(k, 0), Exprs.select(some, shifted, signFill));
        } else {
            r = Exprs.select(some, shifted, Exprs.constant(k, 0));
        }
        f.write(ins.operand(0), r);
    }

    /** Bit-field insert: {@code len} bits of {@code a} into {@code b} at {@code pos}. */
    private void bfi(Instruction ins, PtxType t) {
        f.arity(ins, 5);
        int w = t.bits();
        if (w < 32) {
            throw f.unsupported(ins, "type " + t.spelling());
        }
        ScalarType k = Exprs.integer(w / 8, false);
        KExpr a = f.read(ins.operand(1), k);
        KExpr b = f.temp(f.read(ins.operand(2), k));
        KExpr pos = f.temp(Exprs.and(f.read(ins.operand(3), Exprs.UINT), Exprs.u32(0xFF)));
        KExpr len = f.temp(Exprs.and(f.read(ins.operand(4), Exprs.UINT), Exprs.u32(0xFF)));
        KExpr room = Exprs.select(Exprs.compare(BinaryOp.GT, pos, Exprs.u32(w)), Exprs.u32(0), Exprs.sub(Exprs.u32(w), pos));
        KExpr bits = f.temp(Exprs.select(Exprs.compare(BinaryOp.LT, len, room), len, room));
        KExpr posK = Exprs.convert(pos, k);
        KExpr mask = f.temp(Exprs.shl(Exprs.shr(Exprs.constant(k, -1), Exprs.convert(Exprs.sub(Exprs.u32(w), bits), k)),
                posK));
        KExpr inserted = Exprs.or(Exprs.and(b, Exprs.bitNot(mask)), Exprs.and(Exprs.shl(a, posK), mask));
        KExpr r = Exprs.select(Exprs.compare(BinaryOp.EQ, bits, Exprs.u32(0)), b, inserted);
        f.write(ins.operand(0), r);
    }

    /** Byte permute (default mode): each result byte picks one of the eight bytes of {b, a}. */
    private void prmt(Instruction ins) {
        f.arity(ins, 4);
        for (String m : ins.modifiers()) {
            if (!m.equals("b32")) {
                throw f.unsupported(ins, "mode ." + m);
            }
        }
        KExpr v = f.temp(Exprs.or(Exprs.shl(Exprs.convert(f.read(ins.operand(2), Exprs.UINT), Exprs.ULONG),
                Exprs.constant(Exprs.ULONG, 32)), Exprs.convert(f.read(ins.operand(1), Exprs.UINT), Exprs.ULONG)));
        PtxOperand c = ins.operand(3);
        KExpr result = null;
        KExpr sel = c instanceof PtxOperand.IntImmediate ? null : f.temp(f.read(c, Exprs.UINT));
        for (int i = 0; i < 4; i++) {
            KExpr b;
            if (sel == null) {
                long nibble = (((PtxOperand.IntImmediate) c).value() >> (4 * i)) & 0xF;
                b = Exprs.convert(Exprs.and(Exprs.shr(v, Exprs.constant(Exprs.ULONG, 8 * (nibble & 7))),
                        Exprs.constant(Exprs.ULONG, 0xFF)), Exprs.UINT);
                if ((nibble & 8) != 0) {
                    b = Exprs.select(Exprs.compare(BinaryOp.NE, Exprs.and(b, Exprs.u32(0x80)), Exprs.u32(0)),
                            Exprs.u32(0xFF), Exprs.u32(0));
                }
            } else {
                KExpr nibble = f.temp(Exprs.and(Exprs.shr(sel, Exprs.u32(4L * i)), Exprs.u32(0xF)));
                KExpr shift = Exprs.convert(Exprs.mul(Exprs.and(nibble, Exprs.u32(7)), Exprs.u32(8)), Exprs.ULONG);
                KExpr raw = f.temp(Exprs.convert(Exprs.and(Exprs.shr(v, shift), Exprs.constant(Exprs.ULONG, 0xFF)),
                        Exprs.UINT));
                KExpr replicate = Exprs.compare(BinaryOp.NE, Exprs.and(nibble, Exprs.u32(8)), Exprs.u32(0));
                KExpr sign = Exprs.select(Exprs.compare(BinaryOp.NE, Exprs.and(raw, Exprs.u32(0x80)), Exprs.u32(0)),
                        Exprs.u32(0xFF), Exprs.u32(0));
                b = Exprs.select(replicate, sign, raw);
            }
            KExpr placed = i == 0 ? b : Exprs.shl(b, Exprs.u32(8L * i));
            result = result == null ? placed : Exprs.or(result, placed);
        }
        f.write(ins.operand(0), result);
    }

    /** {@code shf.l/.r.wrap/.clamp.b32}: a shift of the 64-bit value {b, a}. */
    private void funnelShift(Instruction ins) {
        f.arity(ins, 4);
        boolean left = ins.has("l");
        boolean clamp = ins.has("clamp");
        if (left == ins.has("r") || clamp == ins.has("wrap")) {
            throw f.unsupported(ins, "needs one of .l/.r and one of .wrap/.clamp");
        }
        KExpr v = Exprs.or(Exprs.shl(Exprs.convert(f.read(ins.operand(2), Exprs.UINT), Exprs.ULONG),
                Exprs.constant(Exprs.ULONG, 32)), Exprs.convert(f.read(ins.operand(1), Exprs.UINT), Exprs.ULONG));
        KExpr n;
        if (clamp) {
            KExpr c = f.temp(f.read(ins.operand(3), Exprs.UINT));
            n = Exprs.select(Exprs.compare(BinaryOp.GT, c, Exprs.u32(32)), Exprs.u32(32), c);
        } else {
            n = Exprs.and(f.read(ins.operand(3), Exprs.UINT), Exprs.u32(31));
        }
        KExpr amount = Exprs.convert(n, Exprs.ULONG);
        KExpr r = left ? Exprs.shr(Exprs.shl(v, amount), Exprs.constant(Exprs.ULONG, 32)) : Exprs.shr(v, amount);
        f.write(ins.operand(0), Exprs.convert(r, Exprs.UINT));
    }

    private void shift(Instruction ins, PtxType t) {
        f.arity(ins, 3);
        KExpr a = in(ins.operand(1), t);
        ScalarType k = Exprs.scalar(a);
        int w = k.size() * 8;
        boolean left = ins.opcode().equals("shl");
        boolean arithmetic = !left && t.isSigned();
        PtxOperand b = ins.operand(2);
        KExpr r;
        if (b instanceof PtxOperand.IntImmediate imm) {
            long n = imm.value() & 0xFFFF_FFFFL;
            if (n < w) {
                r = left ? Exprs.shl(a, Exprs.constant(k, n)) : Exprs.shr(a, Exprs.constant(k, n));
            } else {
                r = arithmetic ? Exprs.shr(a, Exprs.constant(k, w - 1)) : Exprs.constant(k, 0);
            }
        } else {
            KExpr n = f.temp(f.read(b, Exprs.UINT));
            KExpr tooFar = Exprs.compare(BinaryOp.GT, n, Exprs.u32(w - 1));
            if (arithmetic) {
                r = Exprs.shr(a, Exprs.convert(Exprs.select(tooFar, Exprs.u32(w - 1), n), k));
            } else {
                KExpr shifted = left ? Exprs.shl(a, Exprs.convert(n, k)) : Exprs.shr(a, Exprs.convert(n, k));
                r = Exprs.select(tooFar, Exprs.constant(k, 0), shifted);
            }
        }
        out(ins.operand(0), r, t);
    }

    /** {@code lop3.b32 d, a, b, c, lut}: any function of three inputs, by its truth table. */
    private void lop3(Instruction ins, PtxType t) {
        f.arity(ins, 5);
        if (!(ins.operand(4) instanceof PtxOperand.IntImmediate lut) || ins.modifiers().size() != 1) {
            throw f.unsupported(ins, "only lop3.b32 with a constant table");
        }
        ScalarType k = t.kir();
        KExpr a = f.temp(f.read(ins.operand(1), k));
        KExpr b = f.temp(f.read(ins.operand(2), k));
        KExpr c = f.temp(f.read(ins.operand(3), k));
        KExpr r = null;
        for (int m = 0; m < 8; m++) {
            if ((lut.value() >> m & 1) == 0) {
                continue;
            }
            KExpr term = Exprs.and(Exprs.and((m & 4) != 0 ? a : Exprs.bitNot(a), (m & 2) != 0 ? b : Exprs.bitNot(b)),
                    (m & 1) != 0 ? c : Exprs.bitNot(c));
            r = r == null ? term : Exprs.or(r, term);
        }
        f.write(ins.operand(0), r == null ? Exprs.constant(k, 0) : r);
    }
}
