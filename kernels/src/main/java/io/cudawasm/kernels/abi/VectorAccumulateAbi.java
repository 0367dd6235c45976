package io.cudawasm.kernels.abi;

/**
 * Accumulating rows: a fast thread row whose every thread adds, in a counted loop, one {@code float}
 * term per trip to a value of its own ({@code for (k = 0; k < 16; k++) sum += As[ty][k] * Bs[k][tx]},
 * the tiled matmul's inner product, its {@code sum} kept in the thread's frame across the barriers;
 * or {@code sum = 0; for (k...) sum += A[row*K + k] * B[k*N + col]; C[row*N + col] = sum}), hands its
 * threads to the host in one call, which may run them as vector instructions, one lane per thread:
 *
 * <pre>env.__cw_vector_accumulate(program i64, count i32, rows i32, trips i32, in i64, out i64, stride i32,
 *                            rowStride i64, initial f32, src0 i64, step0 i64, rowStep0 i64,
 *                            src1 i64, step1 i64, rowStep1 i64, src2 i64, step2 i64, rowStep2 i64,
 *                            u0 f32, u1 f32, u2 f32) -> i32</pre>
 *
 * The call covers {@code rows} rows of {@code count} threads (a block's rows {@code threadIdx.y = 0, 1,
 * ...} when every row of the block is the same fast row, else one row). Thread {@code t} of row
 * {@code r} (0 &le; t &lt; count, 0 &le; r &lt; rows), one after the other in order (row by row), does:
 * <pre>
 * a = in &lt; 0 ? initial : the float at in + rowStride*r + stride*t
 * for (j = 0; j &lt; trips; j++) a = a + program(r, t, j)     // one f32 add, a on the left
 * store a as the float at out + rowStride*r + stride*t
 * </pre>
 * where {@code program} is a {@link VectorRowAbi} postfix program with two more kinds of symbol:
 * {@link VectorRowAbi#LOAD0}..{@code LOAD2} read the float at {@code srcK + rowStepK*r + 4t + stepK*j}
 * (consecutive threads, consecutive floats), {@link #BROADCAST0}..{@link #BROADCAST2} the float at
 * {@code srcK + rowStepK*r + stepK*j} (the same for every thread of a row), {@link VectorRowAbi#UNIFORM0}..
 * {@code UNIFORM2} the values {@code uK}. All floats are little-endian; addresses are 64-bit values
 * taken as they are.
 *
 * <p>With one row the host runs threads {@code 0 .. done-1} and returns {@code done} (0 to count, any
 * amount it chooses); the row's own loop runs the rest. With several rows it runs all of them and
 * returns {@code rows * count}, or none and returns 0; the rows' own loops then run them all. It
 * promises the memory is then exactly what running those threads one by one would leave, and returns
 * 0 without touching memory whenever it cannot promise that: an address a thread would touch outside
 * {@code [GUARD_BYTES, end of memory)} (the loop then traps at the right thread), {@code |stride| < 4},
 * rows whose stored floats could overlap ({@code |rowStride| < |stride| * (count - 1) + 4}), {@code in}
 * neither negative nor equal to {@code out} while its floats overlap the stored ones, a source
 * overlapping the stored floats, {@code trips < 1}, more than {@link #MAX_WORK} terms in all (a long
 * loop stays in the kernel's code, which a launch's time limit interrupts), no vector unit, an invalid
 * program.
 *
 * <p>The compiler passes addresses whose 32-bit immediates are below {@link KernelAbi#GUARD_BYTES}, so
 * a 64-bit address the host accepts is the one the kernel's 32-bit arithmetic computes (no wrap).
 * Every operation is exact IEEE single precision (no contraction) and each thread's terms are added in
 * its own order, so vector lanes give the bits the threads give one by one.
 */
public final class VectorAccumulateAbi {
    private VectorAccumulateAbi() {}

    public static final String IMPORT_NAME = "__cw_vector_accumulate";

    /** The float at {@code src0 + step0*j}: one value for every thread of the row. */
    public static final int BROADCAST0 = 11;
    public static final int BROADCAST1 = 12;
    public static final int BROADCAST2 = 13;

    /** Terms ({@code rows * count * trips}) one call runs at most: about a millisecond of vector work. */
    public static final long MAX_WORK = 1L << 20;
}
