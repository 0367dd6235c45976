package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.Intrinsic;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KExpr.BinaryOp;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ScalarType;

/**
 * Extended-precision arithmetic: {@code add.cc}, {@code addc}, {@code sub.cc}, {@code subc},
 * {@code mad.cc}, {@code madc} on 32- and 64-bit integers. The condition code's carry flag
 * (CC.CF) is a local of the function holding 0 or 1: {@code .cc} writes the carry (for
 * subtraction the borrow) out of the addition, the {@code c} forms add it in (subtract it).
 * The arithmetic is on the unsigned bits, as the hardware's; signedness only matters for
 * {@code mad.hi}.
 */
final class CarryChains {
    private final FunctionLowering f;

    CarryChains(FunctionLowering f) {
        this.f = f;
    }

    static boolean isCarryChain(Instruction ins) {
        String op = ins.opcode();
        return ins.has("cc") || op.equals("addc") || op.equals("subc") || op.equals("madc");
    }

    void lower(Instruction ins, PtxType t) {
        String op = ins.opcode();
        if (!t.isInteger() || t.bits() < 32) {
            throw f.unsupported(ins, "carry chains on " + t.spelling() + " values (32- and 64-bit integers only)");
        }
        if (ins.has("sat")) {
            throw f.unsupported(ins, ".sat with a carry");
        }
        ScalarType u = Exprs.integer(t.bytes(), false);
        KExpr carryIn = op.endsWith("c") ? Exprs.convert(new KExpr.LocalGet(f.carryFlag()), u) : null;
        switch (op) {
            case "add", "addc" -> {
                f.arity(ins, 3);
                add(ins, f.read(ins.operand(1), u), f.read(ins.operand(2), u), carryIn);
            }
            case "sub", "subc" -> {
                f.arity(ins, 3);
                KExpr a = f.temp(f.read(ins.operand(1), u));
                KExpr b = f.temp(f.read(ins.operand(2), u));
                KExpr borrow = Exprs.compare(BinaryOp.LT, a, b);
                KExpr d = Exprs.sub(a, b);
                if (carryIn != null) {
                    KExpr partial = f.temp(d);
                    borrow = Exprs.or(borrow, Exprs.compare(BinaryOp.LT, partial, carryIn));
                    d = Exprs.sub(partial, carryIn);
                }
                finish(ins, d, borrow);
            }
            case "mad", "madc" -> {
                f.arity(ins, 4);
                boolean hi = ins.has("hi");
                if (!hi && !ins.has("lo")) {
                    throw f.unsupported(ins, "a carry needs mad.lo or mad.hi");
                }
                KExpr product = hi ? high(ins, t) : Exprs.mul(f.read(ins.operand(1), u), f.read(ins.operand(2), u));
                add(ins, Exprs.convert(product, u), f.read(ins.operand(3), u), carryIn);
            }
            default -> throw f.unsupported(ins, null);
        }
    }

    /** The high half of the product of operands 1 and 2 in the instruction's signedness. */
    private KExpr high(Instruction ins, PtxType t) {
        boolean signed = t.isSigned();
        ScalarType k = Exprs.integer(t.bytes(), signed);
        Intrinsic op = t.bits() == 64 ? (signed ? Intrinsic.MUL64HI : Intrinsic.UMUL64HI)
                : (signed ? Intrinsic.MULHI : Intrinsic.UMULHI);
        return Exprs.intrinsic(op, k, f.read(ins.operand(1), k), f.read(ins.operand(2), k));
    }

    /** {@code d = a + b (+ carry in)}, the carry out being a wrap of either addition. */
    private void add(Instruction ins, KExpr a, KExpr b, KExpr carryIn) {
        KExpr first = f.temp(a);
        KExpr sum = f.temp(Exprs.add(first, b));
        KExpr carry = Exprs.compare(BinaryOp.LT, sum, first);
        KExpr d = sum;
        if (carryIn != null) {
            KExpr total = f.temp(Exprs.add(sum, carryIn));
            carry = Exprs.or(carry, Exprs.compare(BinaryOp.LT, total, sum));
            d = total;
        }
        finish(ins, d, carry);
    }

    /** Writes the result, then (with {@code .cc}) the flag, computed before the result may overwrite an operand. */
    private void finish(Instruction ins, KExpr d, KExpr carryOut) {
        KExpr flag = ins.has("cc") ? f.temp(Exprs.convert(carryOut, Exprs.UINT)) : null;
        f.write(ins.operand(0), d);
        if (flag != null) {
            f.emit(new KStmt.Assign(f.carryFlag(), flag));
        }
    }
}
