package io.cudawasm.kernels.kir;

/** CUDA's atomic functions. {@code compare} is used by CAS only; INC/DEC wrap at {@code value}. */
public enum AtomicOp {
    ADD, SUB, EXCH, MIN, MAX, INC, DEC, CAS, AND, OR, XOR
}
