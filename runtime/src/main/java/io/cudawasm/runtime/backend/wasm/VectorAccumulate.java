package io.cudawasm.runtime.backend.wasm;

import com.dylibso.chicory.runtime.Memory;
import io.cudawasm.kernels.abi.KernelAbi;
import io.cudawasm.kernels.abi.VectorAccumulateAbi;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The host side of {@code env.__cw_vector_accumulate} ({@link VectorAccumulateAbi}): runs an
 * accumulating row's threads as vector lanes, or none when it cannot promise the memory ends up
 * exactly as running them one by one would leave it. Its routines come from {@link VectorRows}'
 * cache (same bound, same warm-up, same switch: vectors are on where vector rows are).
 *
 * <p>A call gathers the threads' start values into a {@code float[]} (from memory with the row's
 * stride, or the initial value), runs the generated routine's trips loop over whole vectors of it
 * ({@link VectorAccumulateCompiler}) and scatters the values back with the stride. The last vector
 * may be partial: its extra lanes compute on sources read past the row (harmless when those bytes
 * are in the memory, which the checks make sure of) and are never stored, so a row of 15 threads
 * still runs as one vector of 16 lanes (the compiler hands over all threads of a row but its last).
 *
 * <p>Why the vector order gives the threads' bits: each lane adds its terms in the order
 * {@code j = 0, 1, ...}, every operation one IEEE single-precision operation (no fused multiply-add),
 * exactly as its thread would; and no thread reads what another stores (the stored floats overlap
 * neither the sources nor, unless they are the same floats, the start values), so running them all
 * at once reads what running them one by one would. NaN payloads aside: where an operation meets two
 * NaNs, which payload survives is the machine's choice, in the scalar loop as well (VectorRowsTest).
 */
final class VectorAccumulate {
    private VectorAccumulate() {}

    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);

    /**
     * Steps taken at most, either way: larger ones (the kernel's i64 values may be anything) are
     * refused before any product is formed, so the address arithmetic below cannot overflow a
     * {@code long} ({@code 2^31 * MAX_WORK} stays below {@code 2^52}) and a step passes to the
     * routine as an exact {@code int}. A step that large never stays inside a memory of under 2 GiB
     * for two trips anyway.
     */
    private static final long MAX_STEP = Integer.MAX_VALUE;

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VectorAccumulate.class);

    /** The little-endian float at {@code index} of {@code memory}: the generated routines' broadcasts read it. */
    static float floatAt(byte[] memory, int index) {
        return (float) FLOAT.get(memory, index);
    }

    /**
     * Runs threads {@code 0 .. done-1} of an accumulating row per {@link VectorAccumulateAbi} and
     * returns {@code done}: {@code count}, or {@code count} rounded down to whole vectors when the
     * last vector's extra lanes would read outside the memory, or 0 (memory untouched) when vectors
     * are off, the program is invalid or new beyond {@link VectorRows#MAX_PROGRAMS}, {@code count} or
     * {@code trips} is below 1, the work exceeds {@link VectorAccumulateAbi#MAX_WORK}, {@code |stride|}
     * is below 4, an address a thread would touch lies outside
     * {@code [max(GUARD_BYTES, guard), end of memory)}, a step exceeds {@code 2^31 - 1} in magnitude
     * (with more than one trip), the stored floats overlap a source's floats, or the start values'
     * floats when {@code in} is neither negative nor {@code out}. Addresses and steps are the
     * kernel's i64 values, taken as they are: never wrapped.
     */
    static int run(FlatMemory memory, long program, int count, int trips, long in, long out, int stride, float initial,
            long src0, long step0, long src1, long step1, long src2, long step2, float u0, float u1, float u2) {
        if (!VectorRows.available() || !memory.vectorRows() || count < 1 || trips < 1
                || (long) count * trips > VectorAccumulateAbi.MAX_WORK || stride > -4 && stride < 4) {
            return 0;
        }
        VectorRows.Compiled compiled = VectorRows.compiled(true, program);
        return compiled == null ? 0 : run(compiled, memory, count, trips, in, out, stride, initial,
                src0, step0, src1, step1, src2, step2, u0, u1, u2);
    }

    /** The call's checks and work once its routine is known and {@code count}, {@code trips}, {@code stride} passed. */
    private static int run(VectorRows.Compiled compiled, FlatMemory memory, int count, int trips, long in, long out,
            int stride, float initial, long src0, long step0, long src1, long step1, long src2, long step2,
            float u0, float u1, float u2) {
        byte[] array = memory.bytes(); // read once: the bounds below are this array's
        int guard = memory.guard();
        long low = Math.max(KernelAbi.GUARD_BYTES, guard);
        long high = guard + (long) array.length;
        // the stored floats: [out + min(0, span), out + max(0, span) + 4)
        long span = (long) stride * (count - 1); // |stride| <= 2^31, count <= 2^20: no overflow
        if (!inside(out, 4, low, high) || !inside(out + span, 4, low, high)) {
            return 0;
        }
        long outLow = Math.min(out, out + span);
        long outHigh = Math.max(out, out + span) + 4;
        if (in >= 0 && in != out && (!inside(in, 4, low, high) || !inside(in + span, 4, low, high)
                || overlaps(Math.min(in, in + span), Math.max(in, in + span) + 4, outLow, outHigh))) {
            return 0;
        }
        int lanes = VectorRows.lanes();
        int padded = (count + lanes - 1) & -lanes; // lanes is a power of two; count <= 2^20: no overflow
        VectorRowProgram p = compiled.program();
        int threads = padded; // the lanes the routine computes
        int done = count; // the threads stored
        if (!sourcesInside(p, padded, trips, src0, step0, src1, step1, src2, step2, low, high)) {
            threads = count & -lanes; // whole vectors of real threads only
            done = threads;
            if (done == 0 || !sourcesInside(p, threads, trips, src0, step0, src1, step1, src2, step2, low, high)) {
                return 0;
            }
            span = (long) stride * (done - 1);
            outLow = Math.min(out, out + span);
            outHigh = Math.max(out, out + span) + 4;
        }
        // the stored threads' reads against their stores (the extra lanes' reads are never stored)
        if (sourceOverlaps(p, 0, done, trips, src0, step0, outLow, outHigh)
                || sourceOverlaps(p, 1, done, trips, src1, step1, outLow, outHigh)
                || sourceOverlaps(p, 2, done, trips, src2, step2, outLow, outHigh)) {
            return 0;
        }
        // Every address used from here on was checked to lie in [low, high), so as array indices
        // (address - guard) they lie in [0, array.length) and fit an int; steps of sources read over
        // more than one trip lie within that span too.
        float[] values = new float[threads];
        if (in < 0) {
            java.util.Arrays.fill(values, 0, done, initial);
        } else {
            int index = (int) (in - guard);
            if (stride == 4) {
                ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN).position(index).asFloatBuffer().get(values, 0, done);
            } else {
                for (int t = 0; t < done; t++, index += stride) {
                    values[t] = (float) FLOAT.get(array, index);
                }
            }
        }
        compiled.accumulate().run(array, values, threads, trips,
                index(p, 0, src0, guard), step(p, 0, step0, trips), index(p, 1, src1, guard), step(p, 1, step1, trips),
                index(p, 2, src2, guard), step(p, 2, step2, trips), u0, u1, u2);
        int index = (int) (out - guard);
        if (stride == 4) { // consecutive floats: one bulk copy (little-endian, as the memory's floats are)
            ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN).position(index).asFloatBuffer().put(values, 0, done);
        } else {
            for (int t = 0; t < done; t++, index += stride) {
                FLOAT.set(array, index, values[t]);
            }
        }
        return done;
    }

    private static boolean reads(VectorRowProgram p, int k) {
        return p.readsLoad(k) || p.readsBroadcast(k);
    }

    /** Source {@code k}'s array index for the routine (0 when the program does not read it). */
    private static int index(VectorRowProgram p, int k, long source, int guard) {
        return reads(p, k) ? (int) (source - guard) : 0;
    }

    /** Source {@code k}'s step for the routine (0 when the program does not read it or makes one trip). */
    private static int step(VectorRowProgram p, int k, long step, int trips) {
        return reads(p, k) && trips > 1 ? (int) step : 0;
    }

    /** Bytes thread {@code 0 .. threads-1} of a trip read from source {@code k}: 4 per thread, or 4 for a broadcast alone. */
    private static long width(VectorRowProgram p, int k, int threads) {
        return p.readsLoad(k) ? 4L * threads : 4;
    }

    /**
     * Whether every source the program reads lies in {@code [low, high)} for threads
     * {@code 0 .. threads-1} and every trip: its corners (first and last thread, first and last trip)
     * bound every address in between.
     */
    private static boolean sourcesInside(VectorRowProgram p, int threads, int trips, long src0, long step0,
            long src1, long step1, long src2, long step2, long low, long high) {
        return sourceInside(p, 0, threads, trips, src0, step0, low, high)
                && sourceInside(p, 1, threads, trips, src1, step1, low, high)
                && sourceInside(p, 2, threads, trips, src2, step2, low, high);
    }

    private static boolean sourceInside(VectorRowProgram p, int k, int threads, int trips, long source, long step,
            long low, long high) {
        if (!reads(p, k)) {
            return true;
        }
        long width = width(p, k, threads);
        if (!inside(source, width, low, high)) {
            return false; // checked first: source is now a memory address, far from overflow
        }
        if (trips == 1) {
            return true; // the step is never taken
        }
        if (step < -MAX_STEP || step > MAX_STEP) {
            return false;
        }
        return inside(source + step * (trips - 1), width, low, high);
    }

    /** Whether source {@code k}'s floats that threads {@code 0 .. threads-1} read overlap {@code [outLow, outHigh)}. */
    private static boolean sourceOverlaps(VectorRowProgram p, int k, int threads, int trips, long source, long step,
            long outLow, long outHigh) {
        if (!reads(p, k)) {
            return false;
        }
        long last = trips == 1 ? source : source + step * (trips - 1); // checked by sourceInside
        return overlaps(Math.min(source, last), Math.max(source, last) + width(p, k, threads), outLow, outHigh);
    }

    /** Whether {@code [address, address + bytes)} lies within {@code [low, high)}, without overflow. */
    private static boolean inside(long address, long bytes, long low, long high) {
        return address >= low && address <= high - bytes;
    }

    private static boolean overlaps(long low1, long high1, long low2, long high2) {
        return low1 < high2 && low2 < high1;
    }

    /**
     * Runs a new program's rows on scratch memory {@code calls} times, with the rows' own checks, for
     * {@link VectorRows}' warm-up. The calls take every path a row can take, in turn, so that HotSpot
     * compiles none of them as a never-taken branch (a row taking one later would deoptimize the code
     * it was inlined into, the kernel's own): 7 vectors' worth of threads less one (the routine's
     * loops of four, two and one vectors, and a partial last vector), start values read in place with
     * stride -16 (the frame), read from elsewhere with stride 4 (the bulk copies) and from the initial
     * value, and a source at the memory's end that leaves only whole vectors to run. Every source is
     * both loaded and broadcast, with a step of 64. Measured on JDK 17: about 100 ms a program after
     * the JVM's first (about 200 ms), the calls' count mattering more than their size.
     */
    static void warm(VectorRows.Compiled c, int calls) {
        long start = System.nanoTime();
        int lanes = VectorRows.lanes();
        int n = 7 * lanes - 1;
        FlatMemory scratch = new FlatMemory(2, 2, Memory.PAGE_SIZE);
        long base = Math.max(KernelAbi.GUARD_BYTES, Memory.PAGE_SIZE);
        long end = scratch.sizeBytes();
        int trips = 4;
        for (int i = 0; i < calls; i++) {
            int done = switch (i & 3) {
                case 0 -> run(c, scratch, n, trips, base + 60000, base + 60000, -16, 0.5f, base, 64, base + 8192, 64,
                        base + 16384, 64, 1.5f, -2f, 0.25f);
                case 1 -> run(c, scratch, n, trips, -1, base + 50000, 4, 0.5f, base, 64, base + 8192, 64,
                        base + 16384, 64, 1.5f, -2f, 0.25f);
                case 2 -> run(c, scratch, n, trips, base + 40000, base + 50000, 4, 0.5f, base, 64, base + 8192, 64,
                        base + 16384, 64, 1.5f, -2f, 0.25f);
                default -> run(c, scratch, n, trips, -1, base + 50000, 8, 0.5f, end - 4L * n - 64 * (trips - 1), 64,
                        end - 4L * n - 64 * (trips - 1), 64, end - 4L * n - 64 * (trips - 1), 64, 1.5f, -2f, 0.25f);
            };
            // the source at the end leaves whole vectors to a program that loads, all threads to one that broadcasts
            int expected = (i & 3) == 3 && c.program().loads() != 0 ? n & -lanes : n;
            if (done != expected) {
                throw new IllegalStateException("the warm-up's accumulating rows were refused");
            }
        }
        log.debug("accumulating row program {} warmed up in {} ms", Long.toHexString(c.program().code()),
                (System.nanoTime() - start) / 1_000_000);
    }
}
