package io.cudawasm.kernels.ptx;

import io.cudawasm.kernels.kir.AtomicOp;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KLocal;
import io.cudawasm.kernels.kir.KStmt;
import io.cudawasm.kernels.ptx.PtxStatement.Instruction;
import io.cudawasm.kernels.types.ArrayType;
import io.cudawasm.kernels.types.ScalarType;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * Loads, stores and atomics in every state space. Cache qualifiers and eviction hints do not change
 * results on the CPU path and are accepted. A load another block may be waiting on, in global or
 * generic memory ({@code ld.acquire.gpu}, {@code ld.relaxed.sys}, {@code ld.volatile.global}, 32 or
 * 64 bits), is an atomic load, and a store with release or relaxed ordering at GPU or system scope
 * an atomic exchange, so that blocks on other worker threads see each other's writes (nvcc's grid
 * barrier spins on such a load); block-scope ({@code .cta}) ordering needs nothing more, as a block's
 * threads share one worker. Atomics are sequentially consistent whatever their ordering qualifier.
 * A whole scalar {@code .param} is read and written as its local.
 */
final class MemoryInstructions {
    private final FunctionLowering f;

    MemoryInstructions(FunctionLowering f) {
        this.f = f;
    }

    void lower(Instruction ins) {
        switch (ins.opcode()) {
            case "ld", "ldu" -> load(ins);
            case "st" -> store(ins);
            case "atom" -> atomic(ins, true);
            case "red" -> atomic(ins, false);
            default -> { } // prefetch: no effect on results
        }
    }

    private StateSpace space(Instruction ins) {
        return ins.space().orElse(StateSpace.GENERIC);
    }

    private PtxType accessType(Instruction ins) {
        PtxType t = f.type(ins);
        if (t == PtxType.PRED) {
            throw f.unsupported(ins, "predicates cannot be loaded or stored");
        }
        if (ins.modifiers().stream().anyMatch(m -> m.startsWith("L2::cache_hint") || m.equals("b128"))) {
            throw f.unsupported(ins, null);
        }
        return t;
    }

    private void load(Instruction ins) {
        f.arity(ins, 2);
        PtxType t = accessType(ins);
        StateSpace space = space(ins);
        List<PtxOperand> dsts = destinations(ins, ins.operand(0));
        for (int i = 0; i < dsts.size(); i++) {
            long offset = (long) i * t.bytes();
            KExpr value = param(ins.operand(1), offset, t);
            if (value == null && seenByOtherBlocks(ins, t, "acquire")) {
                value = new KExpr.Atomic(AtomicOp.LOAD, f.pointer(ins.operand(1), space, t.kir(), offset),
                        Exprs.constant(t.kir(), 0), null, t.kir(), ins.sourcePos());
            }
            if (value == null) {
                value = new KExpr.Load(f.pointer(ins.operand(1), space, t.kir(), offset), ins.sourcePos());
            }
            f.write(dsts.get(i), value);
        }
    }

    private void store(Instruction ins) {
        f.arity(ins, 2);
        PtxType t = accessType(ins);
        StateSpace space = space(ins);
        List<PtxOperand> srcs = destinations(ins, ins.operand(1));
        for (int i = 0; i < srcs.size(); i++) {
            long offset = (long) i * t.bytes();
            KExpr value = f.read(srcs.get(i), t);
            Binding.Param p = f.paramOf(ins.operand(0));
            if (p != null && wholeScalar(p, ins.operand(0), offset, t)) {
                f.emit(new KStmt.Assign(p.local(), Exprs.as(value, (ScalarType) p.local().type())));
                continue;
            }
            if (seenByOtherBlocks(ins, t, "release")) {
                f.emit(new KStmt.Eval(new KExpr.Atomic(AtomicOp.EXCH, f.pointer(ins.operand(0), space, t.kir(), offset),
                        value, null, t.kir(), ins.sourcePos())));
                continue;
            }
            f.emit(new KStmt.Store(f.pointer(ins.operand(0), space, t.kir(), offset), value, ins.sourcePos()));
        }
    }

    /**
     * Whether a load or store orders memory for other blocks: {@code .acquire}/{@code .release}
     * ({@code ordering}) or {@code .relaxed} at {@code .gpu} or {@code .sys} scope, or a
     * {@code .volatile} load, in global or generic memory, on a 32- or 64-bit scalar.
     */
    private static boolean seenByOtherBlocks(Instruction ins, PtxType t, String ordering) {
        StateSpace space = ins.space().orElse(StateSpace.GENERIC);
        if (space != StateSpace.GLOBAL && space != StateSpace.GENERIC || ins.vectorWidth() != 1
                || t.bits() != 32 && t.bits() != 64 || t.kind() == PtxType.Kind.HALF) {
            return false;
        }
        boolean wide = ins.has("gpu") || ins.has("sys");
        return (ins.has(ordering) || ins.has("relaxed")) && wide || ordering.equals("acquire") && ins.has("volatile");
    }

    /** The elements of a vector operand for {@code .v2}/{@code .v4}, or the single operand. */
    private List<PtxOperand> destinations(Instruction ins, PtxOperand op) {
        int width = ins.vectorWidth();
        if (width == 1) {
            if (op instanceof PtxOperand.Vector) {
                throw f.unsupported(ins, "a vector operand without .v2/.v4");
            }
            return List.of(op);
        }
        if (!(op instanceof PtxOperand.Vector v) || v.elements().size() != width) {
            throw f.unsupported(ins, "expects a vector of " + width + " registers");
        }
        return v.elements();
    }

    /** A whole scalar parameter read directly from its local, or null when memory must be used. */
    private KExpr param(PtxOperand address, long offset, PtxType t) {
        Binding.Param p = f.paramOf(address);
        if (p == null || !wholeScalar(p, address, offset, t)) {
            return null;
        }
        return Exprs.as(new KExpr.LocalGet(p.local()), t.kir());
    }

    private static boolean wholeScalar(Binding.Param p, PtxOperand address, long offset, PtxType t) {
        KLocal l = p.local();
        if (l.type() instanceof StructType || l.type() instanceof ArrayType || l.addressTaken()) {
            return false;
        }
        long at = ((PtxOperand.Address) address).offset() + offset;
        return at == 0 && l.type().size() == t.bytes();
    }

    private void atomic(Instruction ins, boolean returnsOld) {
        PtxType t = f.type(ins);
        AtomicOp op = null;
        for (String m : ins.modifiers()) {
            AtomicOp o = switch (m) {
                case "add" -> AtomicOp.ADD;
                case "min" -> AtomicOp.MIN;
                case "max" -> AtomicOp.MAX;
                case "inc" -> AtomicOp.INC;
                case "dec" -> AtomicOp.DEC;
                case "and" -> AtomicOp.AND;
                case "or" -> AtomicOp.OR;
                case "xor" -> AtomicOp.XOR;
                case "exch" -> AtomicOp.EXCH;
                case "cas" -> AtomicOp.CAS;
                default -> null;
            };
            if (o != null) {
                op = o;
            }
        }
        if (op == null) {
            throw f.unsupported(ins, "unknown atomic operation");
        }
        if (t.kind() == PtxType.Kind.HALF || ins.vectorWidth() > 1 && t == PtxType.F32) {
            elementwise(ins, t, op, returnsOld);
            return;
        }
        if (op == AtomicOp.CAS && t.bits() == 16 && ins.vectorWidth() == 1) {
            f.arity(ins, 4);
            KExpr address = f.pointer(ins.operand(1), space(ins), ScalarType.USHORT, 0);
            f.write(ins.operand(0), f.halves().compareAndSwap16(address, f.read(ins.operand(2), ScalarType.USHORT),
                    f.read(ins.operand(3), ScalarType.USHORT)));
            return;
        }
        if (ins.vectorWidth() > 1 || t.bits() < 32 || t == PtxType.PRED) {
            throw f.unsupported(ins, "atomics on " + t.spelling() + (ins.vectorWidth() > 1 ? " vectors" : ""));
        }
        if (t.isFloat() && op != AtomicOp.ADD && op != AtomicOp.EXCH) {
            throw f.unsupported(ins, "floating-point atomics other than add and exch");
        }
        int first = returnsOld ? 1 : 0;
        boolean cas = op == AtomicOp.CAS;
        f.arity(ins, first + (cas ? 3 : 2));
        ScalarType k = t.kir();
        KExpr address = f.pointer(ins.operand(first), space(ins), k, 0);
        KExpr value = f.read(ins.operand(first + (cas ? 2 : 1)), k);
        KExpr compare = cas ? f.read(ins.operand(first + 1), k) : null;
        KExpr atomic = new KExpr.Atomic(op, address, value, compare, k, ins.sourcePos());
        if (returnsOld) {
            f.write(ins.operand(0), atomic);
        } else {
            f.emit(new KStmt.Eval(atomic));
        }
    }
    /**
     * {@code .add}, {@code .min} and {@code .max} on half-precision values ({@code .f16},
     * {@code .bf16}, and {@code .f16x2}/{@code .bf16x2} pairs), scalars and sm_90's vectors
     * ({@code red.global.add.noftz.v8.bf16}), and {@code .add} on vectors of {@code .f32}: one
     * atomic per element (PTX makes each element atomic, not the vector), the half-precision ones a
     * compare-and-swap loop of the rounding core ({@link HalfInstructions#atomic}).
     */
    private void elementwise(Instruction ins, PtxType t, AtomicOp op, boolean returnsOld) {
        boolean half = t.kind() == PtxType.Kind.HALF;
        if (op != AtomicOp.ADD && !(half && (op == AtomicOp.MIN || op == AtomicOp.MAX))) {
            throw f.unsupported(ins, "." + op.name().toLowerCase(java.util.Locale.ROOT) + " on " + t.spelling());
        }
        int first = returnsOld ? 1 : 0;
        f.arity(ins, first + 2);
        List<PtxOperand> values = destinations(ins, ins.operand(first + 1));
        List<PtxOperand> olds = returnsOld ? destinations(ins, ins.operand(0)) : null;
        ScalarType k = t.kir();
        for (int i = 0; i < values.size(); i++) {
            KExpr address = f.pointer(ins.operand(first), space(ins), k, (long) i * t.bytes());
            KExpr value = f.read(values.get(i), k);
            KExpr old = half ? f.halves().atomic(address, value, op, t)
                    : new KExpr.Atomic(op, address, value, null, k, ins.sourcePos());
            if (returnsOld) {
                f.write(olds.get(i), old);
            } else if (half) {
                continue; // the call stands as a statement already
            } else {
                f.emit(new KStmt.Eval(old));
            }
        }
    }

}
