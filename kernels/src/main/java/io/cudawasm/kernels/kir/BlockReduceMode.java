package io.cudawasm.kernels.kir;

/** __syncthreads_count, __syncthreads_and, __syncthreads_or: a barrier that also reduces a predicate. */
public enum BlockReduceMode {
    COUNT,
    AND,
    OR
}
