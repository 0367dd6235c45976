package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorTreeAbi;

/**
 * The host side of {@code env.__cw_vector_tree} ({@link VectorTreeAbi}): runs a tree reduction's
 * steps with the vector row routine of its program (whole vectors) and the routine's scalar twin
 * (the threads left over, and the steps of fewer threads than a vector), or nothing.
 *
 * <p>Why this gives the threads' bits: each step's threads read their sources before storing, as
 * the threads one by one do, because no thread reads what another thread of the step stores (every
 * source is either exactly the destination, each thread its own float, or disjoint from it); the
 * steps run in the loop's order; and every operation is one IEEE single-precision operation, in
 * the vector lanes as in the scalar twin. All checks come before any store.
 */
final class VectorTree {
    private VectorTree() {}

    /** A block's most threads. */
    private static final int MAX_COLUMNS = 1024;

    /** Runs the loop per {@link VectorTreeAbi}: 1 when it ran every step, 0 (memory untouched) when it refused. */
    static int run(FlatMemory memory, long program, int columns, long start, long dst, long dstStep, long src0,
            long step0, long src1, long step1, long src2, long step2, float u0, float u1, float u2) {
        if (start <= 0 || start > Integer.MAX_VALUE || columns < 1 || columns > MAX_COLUMNS || !memory.vectorRows()
                || !VectorRows.available()) {
            return 0;
        }
        VectorRows.Compiled compiled = VectorRows.compiled(false, program);
        if (compiled == null) {
            return 0;
        }
        VectorRowProgram p = compiled.program();
        byte[] array = memory.bytes(); // read once: the bounds below are this array's
        int guard = memory.guard();
        long low = Math.max(KernelAbi.GUARD_BYTES, guard);
        long high = guard + (long) array.length;
        long[] sources = {src0, src1, src2};
        long[] steps = {step0, step1, step2};
        // every step's ranges first: the loop's first step is the widest, but steps may move either way
        for (long s = start; s > 0; s >>= 1) {
            long bytes = 4 * Math.min(s, columns);
            long to = at(dst, dstStep, s);
            if (!inside(to, bytes, low, high)) {
                return 0;
            }
            for (int k = 0; k < sources.length; k++) {
                long from = at(sources[k], steps[k], s);
                if (p.readsLoad(k) && (!inside(from, bytes, low, high) || from != to && from < to + bytes && to < from + bytes)) {
                    return 0;
                }
            }
        }
        // every address was checked to lie in [low, high): as array indices (address - guard) they fit an int
        VectorRowRoutine routine = compiled.row();
        int lanes = VectorRows.lanes();
        for (long s = start; s > 0; s >>= 1) {
            int n = (int) Math.min(s, columns);
            int whole = n & -lanes;
            int to = (int) (at(dst, dstStep, s) - guard);
            int from0 = index(p, 0, sources, steps, s, guard);
            int from1 = index(p, 1, sources, steps, s, guard);
            int from2 = index(p, 2, sources, steps, s, guard);
            if (whole > 0) {
                routine.run(array, whole, to, from0, from1, from2, u0, u1, u2);
            }
            if (whole < n) {
                routine.runScalar(array, whole, n, to, from0, from1, from2, u0, u1, u2);
            }
        }
        return 1;
    }

    /**
     * {@code base + step * s}, or {@code Long.MIN_VALUE} (outside any memory) when the kernel's values
     * are too large to combine exactly: {@code s} is below 2^31, so steps below 2^31 and bases below
     * 2^62 never overflow.
     */
    private static long at(long base, long step, long s) {
        return Math.abs(step) > Integer.MAX_VALUE || Math.abs(base) > 1L << 62 ? Long.MIN_VALUE : base + step * s;
    }

    /** Source {@code k}'s array index at step {@code s} (0 when the program does not read it). */
    private static int index(VectorRowProgram p, int k, long[] sources, long[] steps, long s, int guard) {
        return p.readsLoad(k) ? (int) (at(sources[k], steps[k], s) - guard) : 0;
    }

    /** Whether {@code [address, address + bytes)} lies within {@code [low, high)}, without overflow. */
    private static boolean inside(long address, long bytes, long low, long high) {
        return address >= low && address <= high - bytes;
    }
}
