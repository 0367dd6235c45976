package io.cudawasm.kernels.abi;

/**
 * Vector rows: a fast thread row whose every thread computes one {@code float} from {@code float}s
 * at consecutive addresses and row-wide values, and stores it at a consecutive address
 * ({@code y[i] = a * x[i] + y[i]}, {@code s[tid] += s[tid + st]}), hands its threads to the host in
 * one call, which may run them as vector instructions:
 *
 * <pre>env.__cw_vector_row(program i64, count i32, dst i64, src0 i64, src1 i64, src2 i64,
 *                     u0 f32, u1 f32, u2 f32) -> i32</pre>
 *
 * Thread {@code t} (0 &le; t &lt; count) evaluates {@code program} with {@link #LOAD0}..{@link #LOAD2}
 * the little-endian {@code float} at {@code srcK + 4t} and {@link #UNIFORM0}..{@link #UNIFORM2} the
 * values {@code uK}, and stores the result at {@code dst + 4t}. The host runs threads
 * {@code 0 .. done-1} and returns {@code done} (0 to count, any amount it chooses); the row's own loop
 * runs the rest. The host promises the memory is then exactly what running those threads one by one
 * in order would leave, and returns 0 without touching memory whenever it cannot promise that (an
 * address range outside the memory, which the loop then traps on at the right thread; a source range
 * below the destination that overlaps it; no vector unit; an invalid program).
 *
 * <p>The program is postfix, one symbol per 4 bits from the lowest, ended by {@link #END}: at most
 * {@link #MAX_SYMBOLS} symbols, one value left at the end. Only exact IEEE operations appear (add,
 * subtract, multiply, divide in single precision, no contraction), so any order of the threads' work
 * gives the same bits.
 */
public final class VectorRowAbi {
    private VectorRowAbi() {}

    public static final String IMPORT_NAME = "__cw_vector_row";

    public static final int END = 0;
    public static final int LOAD0 = 1;
    public static final int LOAD1 = 2;
    public static final int LOAD2 = 3;
    public static final int UNIFORM0 = 4;
    public static final int UNIFORM1 = 5;
    public static final int UNIFORM2 = 6;
    public static final int ADD = 7;
    public static final int SUB = 8;
    public static final int MUL = 9;
    public static final int DIV = 10;

    /** Symbols a program holds at most (15 four-bit symbols and the end in 64 bits). */
    public static final int MAX_SYMBOLS = 15;
    /** Source pointers and row-wide values a program reads at most. */
    public static final int MAX_LOADS = 3;
    public static final int MAX_UNIFORMS = 3;
}
