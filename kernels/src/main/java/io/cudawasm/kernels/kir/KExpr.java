package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.SourcePos;
import io.cudawasm.kernels.types.CType;
import io.cudawasm.kernels.types.Field;
import io.cudawasm.kernels.types.PointerType;
import io.cudawasm.kernels.types.ScalarType;
import java.util.List;

/**
 * Kernel IR expressions: typed and free of side effects, except {@link Call} and {@link Atomic},
 * which the checker only places directly in an {@code Assign} or {@code Eval}. Operands of a binary
 * operation already have the same type (C's conversions are explicit {@link Convert}s).
 */
public sealed interface KExpr {
    CType type();

    record IntConst(ScalarType type, long value) implements KExpr {}

    record FloatConst(ScalarType type, double value) implements KExpr {}

    /** A null pointer (or an integer constant cast to a pointer). */
    record NullPtr(PointerType type) implements KExpr {}

    record LocalGet(KLocal local) implements KExpr {
        @Override
        public CType type() {
            return local.type();
        }
    }

    /** The address of a memory-resident local; type is a pointer to the local's type. */
    record LocalAddr(KLocal local, PointerType type) implements KExpr {}

    /** The address of a {@code __constant__}, {@code __device__} or {@code __shared__} variable. */
    record GlobalAddr(KGlobal global, PointerType type) implements KExpr {}

    record Special(SpecialReg reg) implements KExpr {
        @Override
        public CType type() {
            return ScalarType.UINT;
        }
    }

    /**
     * A memory read of the pointee (scalar, or a struct when copied whole). {@code pos} is where the
     * source reads it (null when unknown): fault reports and memcheck name it.
     */
    record Load(KExpr address, SourcePos pos) implements KExpr {
        public Load(KExpr address) {
            this(address, null);
        }

        @Override
        public CType type() {
            return ((PointerType) address.type()).pointee();
        }
    }

    /** {@code pointer + index}, scaled by the pointee size as in C; {@code pos} as for {@link Load}. */
    record PtrAdd(KExpr pointer, KExpr index, SourcePos pos) implements KExpr {
        public PtrAdd(KExpr pointer, KExpr index) {
            this(pointer, index, null);
        }

        @Override
        public CType type() {
            return pointer.type();
        }
    }

    /** The address of a member of the struct the pointer points to. */
    record FieldAddr(KExpr structPointer, Field field, PointerType type) implements KExpr {}

    /** {@code a - b} of two pointers, in elements (type long). */
    record PtrDiff(KExpr left, KExpr right, ScalarType type) implements KExpr {}

    enum UnaryOp { NEG, BIT_NOT, NOT }

    /** NOT is logical negation of a bool (bool result). */
    record Unary(UnaryOp op, KExpr operand, CType type) implements KExpr {}

    enum BinaryOp {
        ADD, SUB, MUL, DIV, REM, SHL, SHR, AND, OR, XOR, EQ, NE, LT, LE, GT, GE,
        /** Short-circuit logical operators on bool operands; bool result. */
        LAND, LOR;

        public boolean isComparison() {
            return this == EQ || this == NE || this == LT || this == LE || this == GT || this == GE;
        }

        public boolean isLogical() {
            return this == LAND || this == LOR;
        }
    }

    /**
     * A binary operation; for comparisons and logical operators the result is bool and the operand
     * type (which decides signedness) is {@code left.type()}.
     */
    record Binary(BinaryOp op, KExpr left, KExpr right, CType type) implements KExpr {}

    /** A conversion to {@code type}: arithmetic, pointer-to-pointer, pointer-to-integer and back. */
    record Convert(CType type, KExpr operand) implements KExpr {}

    /** {@code c ? a : b}; only the chosen operand is evaluated (it may trap). */
    record Select(KExpr condition, KExpr ifTrue, KExpr ifFalse, CType type) implements KExpr {}

    /** A call of a device function; {@code pos} is where the source calls it (null when unknown), for diagnostics. */
    record Call(KFunction callee, List<KExpr> args, CType type, SourcePos pos) implements KExpr {
        public Call(KFunction callee, List<KExpr> args, CType type) {
            this(callee, args, type, null);
        }
    }

    /** A CUDA math function in float or double precision ({@code type}). */
    record Math(MathFn fn, List<KExpr> args, ScalarType type) implements KExpr {}

    record IntrinsicCall(Intrinsic op, List<KExpr> args, CType type) implements KExpr {}

    /** An atomic read-modify-write on global or shared memory; the result is the old value. */
    record Atomic(AtomicOp op, KExpr address, KExpr value, KExpr compare, CType type, SourcePos pos)
            implements KExpr {
        public Atomic(AtomicOp op, KExpr address, KExpr value, KExpr compare, CType type) {
            this(op, address, value, compare, type, null);
        }
    }

    /**
     * A warp shuffle: reads {@code value} from another lane of the warp (CUDA's __shfl*_sync).
     * {@code lane} is the source lane (IDX), the delta (UP/DOWN) or the lane mask (XOR);
     * {@code width} (a power of two up to 32) splits the warp into independent segments.
     * A collective: every thread of the warp must reach it; lowered like a barrier on the CPU path.
     */
    record WarpShuffle(ShuffleMode mode, KExpr mask, KExpr value, KExpr lane, KExpr width, CType type)
            implements KExpr {}

    /** A warp vote over the lanes in {@code mask}; BALLOT and ACTIVEMASK give a lane bit mask. */
    record WarpVote(VoteMode mode, KExpr mask, KExpr predicate, CType type) implements KExpr {}

    /** A block barrier that also reduces a predicate over the block's threads (int result). */
    record BlockReduce(BlockReduceMode mode, KExpr predicate, CType type) implements KExpr {}

    /**
     * The value of a local of another thread of the same block (CPU path only, made by region
     * fission to implement collectives): {@code thread} is the linear thread index.
     */
    record ThreadSlot(KLocal local, KExpr thread) implements KExpr {
        @Override
        public CType type() {
            return local.type();
        }
    }
}
