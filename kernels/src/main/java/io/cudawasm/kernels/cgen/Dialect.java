package io.cudawasm.kernels.cgen;

import io.cudawasm.kernels.kir.BarrierKind;
import io.cudawasm.kernels.kir.FenceScope;
import io.cudawasm.kernels.kir.KExpr;
import io.cudawasm.kernels.kir.KGlobal;
import io.cudawasm.kernels.kir.MathFn;
import io.cudawasm.kernels.kir.SpecialReg;
import io.cudawasm.kernels.types.AddressSpace;
import io.cudawasm.kernels.types.ScalarKind;
import io.cudawasm.kernels.types.StructType;
import java.util.List;

/**
 * What differs between the C dialects {@link FunctionWriter} prints: type spellings, built-in
 * variables, math, atomics and collectives. Arguments arrive already printed.
 */
public interface Dialect {

    /** For messages: {@code OpenCL C}, {@code CUDA C++}. */
    String name();

    String scalar(ScalarKind kind);

    String struct(StructType type);

    /** The qualifier (with a trailing space) of an object or pointer target in {@code space}; "" for none. */
    String qualifier(AddressSpace space);

    /** Where pointers that are stored in memory (struct members, arrays of pointers) point. */
    AddressSpace pointerInMemorySpace();

    /** Suffix of a 64-bit integer literal of this kind ({@code L}, {@code LL}). */
    String literalSuffix(ScalarKind kind);

    /** A float (single) or double with these bits: infinities and NaNs. */
    String floatBits(boolean single, long bits);

    /**
     * Whether a shared-memory address survives a trip through a 32-bit integer (PTX's 32-bit
     * {@code .shared} addressing); OpenCL devices such as PoCL put {@code __local} memory above 4 GiB.
     */
    default boolean narrowSharedAddresses() {
        return true;
    }

    /** The unsigned 64-bit integer type pointers convert through. */
    default String pointerSizedInteger() {
        return scalar(ScalarKind.ULONGLONG);
    }

    String special(SpecialReg reg);

    /** The count of a shift by a non-constant amount; the Wasm path takes it modulo the width. */
    String shiftCount(String count, int bits);

    /** A saturating, truncating float-to-integer conversion (NaN gives 0), as cvt.rzi and trunc_sat do. */
    String floatToInteger(ScalarKind to, ScalarKind from, String operand);

    /** {@code a / b} or {@code a % b} of integers; may guard against division by zero. */
    String integerDivision(KExpr.BinaryOp op, ScalarKind kind, String a, String b, boolean divisorSafe);

    String math(MathFn fn, boolean single, List<String> args);

    String intrinsic(KExpr.IntrinsicCall call, List<String> printed);

    /**
     * Distributed shared memory ({@link io.cudawasm.kernels.kir.Intrinsic#MAP_SHARED_RANK}): the
     * address {@code pointer} has in block {@code rank}'s shared memory, as {@code pointerType}.
     */
    String mapSharedRank(String pointerType, String pointer, String rank);

    /** The rank of the block whose shared memory {@code pointer} points into ({@link io.cudawasm.kernels.kir.Intrinsic#SHARED_RANK_OF}). */
    String sharedRankOf(String pointer);

    String atomic(KExpr.Atomic atomic, AddressSpace space, String address, String value, String compare);

    String shuffle(KExpr.WarpShuffle shuffle, String mask, String value, String lane, String width);

    String vote(KExpr.WarpVote vote, String mask, String predicate);

    String blockReduce(KExpr.BlockReduce reduce, String predicate);

    /** A barrier; {@code mask} is a warp barrier's lanes as an expression, null for the whole warp. */
    String barrier(BarrierKind kind, String mask);

    /**
     * A grid-wide barrier ({@code grid.sync()}), or null where the back end cannot synchronize the
     * grid (OpenCL: no barrier across the work-groups of one NDRange, and no guarantee that they all
     * run at once).
     */
    /**
     * Whether nvcc's grid barrier (blocks spinning on a counter in the grid workspace) can run: the
     * device runs every block of a cooperative launch at once and keeps their memory coherent.
     */
    default boolean spinsOnGridWorkspace() {
        return false;
    }

    default String gridBarrier() {
        return null;
    }

    String fence(FenceScope scope);

    /** A statement (without semicolon) that records a trap with its code and CUDA line. */
    String trap(int code, int line);

    /** The address of a {@code __shared__}, {@code __constant__} or {@code __device__} variable, as {@code pointerType}. */
    String globalAddress(KGlobal global, String pointerType);
}
