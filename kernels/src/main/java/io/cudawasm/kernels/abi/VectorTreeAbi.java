package io.cudawasm.kernels.abi;

/**
 * Vector trees: a block-level loop that halves its counter, around one thread loop whose threads
 * below the counter run a vector row (a shared-memory tree reduction's
 * {@code for (s = blockDim.x / 2; s > 0; s >>= 1) { if (tid < s) sdata[tid] += sdata[tid + s]; __syncthreads(); }}),
 * hands the whole loop to the host in one call:
 *
 * <pre>env.__cw_vector_tree(program i64, columns i32, start i64, dst i64, dstStep i64,
 *                      src0 i64, step0 i64, src1 i64, step1 i64, src2 i64, step2 i64,
 *                      u0 f32, u1 f32, u2 f32) -> i32</pre>
 *
 * For {@code s = start, start >> 1, ...} while {@code s > 0} (none when {@code start <= 0}), in that
 * order, threads {@code t < min(s, columns)} of a row of {@code columns} threads each evaluate the
 * {@link VectorRowAbi} program with {@code LOADk} the float at {@code srcK + stepK*s + 4t} and
 * {@code UNIFORMk} the value {@code uK}, and store the result at {@code dst + dstStep*s + 4t}, one
 * thread after the other. The host runs the whole loop and returns 1, or nothing and returns 0
 * without touching memory (the kernel's loop then runs as before): when {@code start <= 0} or
 * {@code start >= 2^31}, {@code columns} is outside [1, 1024], a float a thread would read or write
 * lies outside {@code [GUARD_BYTES, end of memory)}, a step's source overlaps its destination other
 * than exactly (a thread reading its own element), host rows are off or the JVM has no vector API,
 * the program is invalid. Addresses and steps are the kernel's 64-bit values taken as they are; the
 * compiler passes only ones whose 32-bit indices do not wrap over the loop.
 */
public final class VectorTreeAbi {
    private VectorTreeAbi() {}

    public static final String IMPORT_NAME = "__cw_vector_tree";
}
