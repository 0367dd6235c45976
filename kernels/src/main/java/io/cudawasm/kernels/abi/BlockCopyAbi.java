package io.cudawasm.kernels.abi;

/**
 * Block copies: a thread loop whose every row is the same fast row of register assignments and stores,
 * each store copying one element between consecutive addresses, or a constant where a condition that
 * bounds {@code threadIdx.x} and {@code threadIdx.y} fails (a shared-memory tile load,
 * {@code As[ty][tx] = row < M && ak < K ? A[row * K + ak] : 0.0f}), hands the whole block to the host
 * in one call before its {@code threadIdx.y} loop:
 *
 * <pre>env.__cw_block_copy(columns i32, rows i32, size i32,
 *                     dst0 i64, dstRow0 i64, src0 i64, srcRow0 i64, box0 i64, fill0 i64,
 *                     ... the same six for stores 1 to 3) -> i32</pre>
 *
 * Thread {@code (x, y)} ({@code 0 &le; x &lt; columns}, {@code 0 &le; y &lt; rows}), one after the other in
 * order (row by row), does for each store {@code s} that has a destination ({@code dstS != 0}), in order:
 * <pre>
 * the size bytes at dstS + dstRowS*y + size*x =
 *     xlo &le; x &lt; xhi and ylo &le; y &lt; yhi ? the size bytes at srcS + srcRowS*y + size*x
 *                                      : the low size bytes of fillS (little-endian)
 * </pre>
 * where {@code boxS} packs {@code xlo | xhi << 16 | ylo << 32 | yhi << 48} (an empty box, any
 * {@code lo &ge; hi}, stores {@code fillS} everywhere and reads nothing). The host runs every thread and
 * returns {@code rows * columns}, or none and returns 0 without touching memory; the rows' own loops
 * then run them. It returns 0 whenever it cannot promise the memory is exactly what the threads one by
 * one would leave: {@code size} not 1, 2, 4 or 8; {@code rows} or {@code columns} below 1 or more than
 * {@link #MAX_THREADS} threads; a box bound beyond its dimension; a byte a thread would store, or read
 * inside its box, outside {@code [GUARD_BYTES, end of memory)} (the loop then traps at the right
 * thread); a store's rows that could overlap each other; a store's destination overlapping any
 * store's source or another store's destination (the host moves store by store, the threads move
 * thread by thread); the host rows switched off.
 *
 * <p>Addresses are the kernel's 64-bit values taken as they are: the compiler passes only addresses
 * whose 32-bit indices do not wrap over the block and whose immediates are below
 * {@link KernelAbi#GUARD_BYTES}, so an address the host accepts is the one the kernel's 32-bit
 * arithmetic computes. Bytes move as bytes (a float's NaN payload included), so every value is the
 * threads' own.
 */
public final class BlockCopyAbi {
    private BlockCopyAbi() {}

    public static final String IMPORT_NAME = "__cw_block_copy";

    /** Stores one call moves at most. */
    public static final int MAX_STORES = 4;

    /** Threads one call runs at most: a block's limit. */
    public static final int MAX_THREADS = 1024;

    /** The box of threads {@code xlo <= x < xhi}, {@code ylo <= y < yhi}, as the call takes it. */
    public static long box(int xlo, int xhi, int ylo, int yhi) {
        return (xlo & 0xFFFFL) | (xhi & 0xFFFFL) << 16 | (ylo & 0xFFFFL) << 32 | (yhi & 0xFFFFL) << 48;
    }
}
