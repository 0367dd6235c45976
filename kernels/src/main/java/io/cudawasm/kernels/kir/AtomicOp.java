package io.cudawasm.kernels.kir;

/**
 * CUDA's atomic functions. {@code compare} is used by CAS only; INC/DEC wrap at {@code value}.
 * LOAD is an atomic (acquire) read that ignores {@code value}: PTX's {@code ld.acquire.gpu},
 * {@code ld.relaxed.sys} and {@code ld.volatile.global}, which a thread of another block may be
 * waiting to see change (nvcc's grid barrier spins on one), so no back end may keep its value
 * in a register across a loop.
 */
public enum AtomicOp {
    ADD, SUB, EXCH, MIN, MAX, INC, DEC, CAS, AND, OR, XOR, LOAD
}
