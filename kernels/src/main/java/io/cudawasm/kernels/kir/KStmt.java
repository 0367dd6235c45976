package io.cudawasm.kernels.kir;

import io.cudawasm.kernels.source.SourcePos;
import java.util.List;

/** Kernel IR statements: structured control flow only. */
public sealed interface KStmt {

    /** Assign a scalar (or copy a struct/array value) into a local. */
    record Assign(KLocal target, KExpr value) implements KStmt {}

    /** Write {@code value} to memory at {@code address}; {@code pos} as for {@link KExpr.Load}. */
    record Store(KExpr address, KExpr value, SourcePos pos) implements KStmt {
        public Store(KExpr address, KExpr value) {
            this(address, value, null);
        }
    }

    /** Evaluate an expression for its effect (a call or an atomic). */
    record Eval(KExpr expr) implements KStmt {}

    record If(KExpr condition, KBlock then, KBlock otherwise) implements KStmt {}

    /**
     * A loop. As {@code while}: {@code while (cond) { body; step }}; as do-while:
     * {@code do { body } while (cond)} with an empty step. {@code continue} runs the step next.
     */
    record Loop(boolean doWhile, KExpr condition, KBlock body, KBlock step) implements KStmt {}

    /** C switch with fall-through between cases; {@code break} leaves it. */
    record Switch(KExpr selector, List<Case> cases) implements KStmt {}

    record Case(List<Long> values, boolean isDefault, KBlock body) {}

    record Break() implements KStmt {}

    record Continue() implements KStmt {}

    record Return(KExpr value) implements KStmt {}

    record Nested(KBlock block) implements KStmt {}

    /**
     * A barrier ({@code __syncthreads}, {@code __syncwarp}) at a source position for diagnostics.
     * {@code mask} names the lanes of a warp barrier ({@code __syncwarp(mask)}, a coalesced
     * group's {@code sync()}): null for the whole warp and for block barriers, otherwise a local or
     * a constant (no side effects: the CPU and OpenCL paths, whose warps run in lock step or behind
     * work-group barriers, do not evaluate it; the CUDA C back end passes it on).
     */
    record Barrier(BarrierKind kind, KExpr mask, SourcePos pos) implements KStmt {
        public Barrier(BarrierKind kind, SourcePos pos) {
            this(kind, null, pos);
        }
    }

    /** A memory fence; ordering only, no rendezvous. */
    record Fence(FenceScope scope) implements KStmt {}

    /**
     * Abort the kernel ({@code __trap}, a failed {@code assert}); {@code code} is the trap code the
     * host reports ({@code KernelAbi.TRAP_USER} unless the compiler traps for a reason of its own).
     */
    record Trap(String reason, SourcePos pos, int code) implements KStmt {
        public Trap(String reason, SourcePos pos) {
            this(reason, pos, io.cudawasm.kernels.abi.KernelAbi.trapCode(reason));
        }
    }

    /**
     * Runs {@code body} once for every thread of the block, in order (CPU path only, made by
     * region fission). Code outside thread loops in such a kernel runs once per block.
     */
    record ThreadLoop(KBlock body) implements KStmt {}

    /** Ends the current thread's pass through the enclosing {@link ThreadLoop} body. */
    record ExitThread() implements KStmt {}
}
