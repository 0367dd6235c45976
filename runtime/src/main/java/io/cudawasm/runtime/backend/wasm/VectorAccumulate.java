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

    /** Stores {@code value} as the little-endian float at {@code index}: the generated scalar rows store through it. */
    static void floatTo(byte[] memory, int index, float value) {
        FLOAT.set(memory, index, value);
    }

    /**
     * Runs threads of an accumulating row or block per {@link VectorAccumulateAbi} and returns how many
     * it ran: all {@code rows * count}; with one row also {@code count} rounded down to whole vectors
     * when the last vector's extra lanes would read outside the memory; or 0 (memory untouched) when
     * vectors are off, the program is invalid or new beyond {@link VectorRows#MAX_PROGRAMS},
     * {@code rows}, {@code count} or {@code trips} is below 1, the work exceeds
     * {@link VectorAccumulateAbi#MAX_WORK}, {@code |stride|} is below 4, rows' stored floats could
     * overlap, an address a thread would touch lies outside {@code [max(GUARD_BYTES, guard), end of
     * memory)}, a step exceeds {@code 2^31 - 1} in magnitude, the stored floats overlap a source's
     * floats, or the start values' floats when {@code in} is neither negative nor {@code out}.
     * Addresses and steps are the kernel's i64 values, taken as they are: never wrapped.
     */
    static int run(FlatMemory memory, long program, int count, int rows, int trips, long in, long out, int stride,
            long rowStride, float initial, long src0, long step0, long row0, long src1, long step1, long row1,
            long src2, long step2, long row2, float u0, float u1, float u2) {
        if (!VectorRows.available() || !memory.vectorRows() || count < 1 || rows < 1 || trips < 1
                || (long) rows * count * trips > VectorAccumulateAbi.MAX_WORK || stride > -4 && stride < 4
                || rows > 1 && (Math.abs(rowStride) > MAX_STEP
                        || Math.abs(rowStride) < (long) Math.abs(stride) * (count - 1) + 4)) {
            return 0;
        }
        VectorRows.Compiled compiled = VectorRows.compiled(true, program);
        return compiled == null ? 0 : run(compiled, memory, count, rows, trips, in, out, stride, rows > 1 ? rowStride : 0,
                initial, new long[] {src0, src1, src2}, new long[] {step0, step1, step2},
                rows > 1 ? new long[] {row0, row1, row2} : new long[3], u0, u1, u2);
    }

    /**
     * The call's checks and work once its routine is known and the counts, {@code stride} and
     * {@code rowStride} passed (with one row, {@code rowStride} and {@code rowSteps} are 0).
     */
    private static int run(VectorRows.Compiled compiled, FlatMemory memory, int count, int rows, int trips, long in,
            long out, int stride, long rowStride, float initial, long[] sources, long[] steps, long[] rowSteps,
            float u0, float u1, float u2) {
        byte[] array = memory.bytes(); // read once: the bounds below are this array's
        int guard = memory.guard();
        long low = Math.max(KernelAbi.GUARD_BYTES, guard);
        long high = guard + (long) array.length;
        VectorRowProgram p = compiled.program();
        for (int k = 0; k < sources.length; k++) {
            if (reads(p, k) && (Math.abs(steps[k]) > MAX_STEP && trips > 1 || Math.abs(rowSteps[k]) > MAX_STEP)) {
                return 0;
            }
        }
        int lanes = VectorRows.lanes();
        int padded = (count + lanes - 1) & -lanes; // lanes is a power of two; count <= 2^20: no overflow
        int threads = padded; // the lanes the routine computes in a row
        int done = count; // the threads of a row stored
        if (!sourcesInside(p, padded, rows, trips, sources, steps, rowSteps, low, high)) {
            threads = count & -lanes; // whole vectors of real threads only, for a single row
            done = threads;
            if (rows > 1 || done == 0 || !sourcesInside(p, threads, 1, trips, sources, steps, rowSteps, low, high)) {
                return 0;
            }
        }
        // the stored floats: the corners of threads and rows bound them all (each a linear function);
        // the first one checked first, so the corners' arithmetic starts from a memory address
        if (out < low || out > high || in >= 0 && in != out && in > high) {
            return 0;
        }
        long[] outExtent = extent(out, stride, done, rowStride, rows);
        if (outExtent[0] < low || outExtent[1] > high) {
            return 0;
        }
        if (in >= 0 && in != out) {
            long[] inExtent = extent(in, stride, done, rowStride, rows);
            if (inExtent[0] < low || inExtent[1] > high || overlaps(inExtent[0], inExtent[1], outExtent[0], outExtent[1])) {
                return 0;
            }
        }
        // the stored threads' reads against their stores (the extra lanes' reads are never stored)
        for (int k = 0; k < sources.length; k++) {
            if (reads(p, k)) {
                long[] read = sourceExtent(p, k, done, rows, trips, sources[k], steps[k], rowSteps[k]);
                if (overlaps(read[0], read[1], outExtent[0], outExtent[1])) {
                    return 0;
                }
            }
        }
        // Every address used from here on was checked to lie in [low, high), so as array indices
        // (address - guard) they lie in [0, array.length) and fit an int; steps of sources read over
        // more than one trip, and rows' steps, lie within that span too.
        float[] values = SCRATCH.get().values(threads * rows);
        // a block's frames one after the other (4-byte frames, rows without padding): one bulk copy each way
        boolean contiguous = stride == 4 && threads == done && (rows == 1 || rowStride == 4L * done);
        if (in >= 0 && contiguous) {
            gather(array, (int) (in - guard), stride, values, 0, rows * done);
        } else {
            for (int r = 0; r < rows; r++) {
                if (in < 0) {
                    java.util.Arrays.fill(values, r * threads, r * threads + done, initial);
                } else {
                    gather(array, (int) (in + rowStride * r - guard), stride, values, r * threads, done);
                }
            }
        }
        compiled.accumulate().run(array, values, threads, rows, trips,
                index(p, 0, sources[0], guard), step(p, 0, steps[0], trips), (int) rowSteps[0],
                index(p, 1, sources[1], guard), step(p, 1, steps[1], trips), (int) rowSteps[1],
                index(p, 2, sources[2], guard), step(p, 2, steps[2], trips), (int) rowSteps[2], u0, u1, u2);
        if (contiguous) {
            scatter(values, 0, rows * done, array, (int) (out - guard), stride);
        } else {
            for (int r = 0; r < rows; r++) {
                scatter(values, r * threads, done, array, (int) (out + rowStride * r - guard), stride);
            }
        }
        return done * rows;
    }

    /**
     * A worker thread's start-value array, kept between calls (at most {@link #KEPT} floats, 16 KiB a
     * thread): a block's 256 start values allocated and zeroed on every call cost the tiled matmul 10 %.
     * The lanes past a row's threads compute on what the array holds there and are never stored.
     */
    private static final class Scratch {
        /** Floats kept at most: larger calls (up to MAX_WORK threads) allocate their own. */
        private static final int KEPT = 4096;
        private float[] values = new float[256];

        float[] values(int n) {
            return n <= values.length ? values : n <= KEPT ? (values = new float[n]) : new float[n];
        }
    }

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    /** Reads {@code n} floats from {@code array}, {@code stride} bytes apart from {@code index}, into {@code values} at {@code at}. */
    private static void gather(byte[] array, int index, int stride, float[] values, int at, int n) {
        if (stride == 4) {
            ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN).position(index).asFloatBuffer().get(values, at, n);
        } else {
            for (int t = 0; t < n; t++, index += stride) {
                values[at + t] = (float) FLOAT.get(array, index);
            }
        }
    }

    /** Writes {@code n} floats of {@code values} from {@code at} into {@code array}, {@code stride} bytes apart from {@code index}. */
    private static void scatter(float[] values, int at, int n, byte[] array, int index, int stride) {
        if (stride == 4) { // consecutive floats: one bulk copy (little-endian, as the memory's floats are)
            ByteBuffer.wrap(array).order(ByteOrder.LITTLE_ENDIAN).position(index).asFloatBuffer().put(values, at, n);
        } else {
            for (int t = 0; t < n; t++, index += stride) {
                FLOAT.set(array, index, values[at + t]);
            }
        }
    }

    /**
     * {@code [lowest, highest + 4)} of the floats at {@code base + stride*t + rowStride*r} for threads
     * {@code t < threads} and rows {@code r < rows}: linear in both, so the corners bound them.
     */
    private static long[] extent(long base, long stride, int threads, long rowStride, int rows) {
        long a = base;
        long b = base + stride * (threads - 1);
        long c = base + rowStride * (rows - 1);
        long d = b + rowStride * (rows - 1);
        return new long[] {Math.min(Math.min(a, b), Math.min(c, d)), Math.max(Math.max(a, b), Math.max(c, d)) + 4};
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
     * {@code 0 .. threads-1} of rows {@code 0 .. rows-1} and every trip: its corners (first and last
     * thread, row and trip) bound every address in between.
     */
    private static boolean sourcesInside(VectorRowProgram p, int threads, int rows, int trips, long[] sources,
            long[] steps, long[] rowSteps, long low, long high) {
        for (int k = 0; k < sources.length; k++) {
            if (reads(p, k)) {
                if (sources[k] < low || sources[k] > high) {
                    return false; // checked first: the source is now a memory address, far from overflow
                }
                long[] read = sourceExtent(p, k, threads, rows, trips, sources[k], steps[k], rowSteps[k]);
                if (read[0] < low || read[1] > high) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code [lowest, highest)} of the bytes source {@code k} gives threads {@code 0 .. threads-1} of
     * rows {@code 0 .. rows-1} over all trips (steps already bounded: no overflow).
     */
    private static long[] sourceExtent(VectorRowProgram p, int k, int threads, int rows, int trips, long source,
            long step, long rowStep) {
        long[] e = extent(source, trips == 1 ? 0 : step, trips, rowStep, rows);
        return new long[] {e[0], e[1] - 4 + width(p, k, threads)};
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
     * value, a source at the memory's end that leaves only whole vectors to run, and four rows at once. Every source is
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
        long[] sources = {base, base + 8192, base + 16384};
        long[] steps = {64, 64, 64};
        long[] none = new long[3];
        long atEnd = end - 4L * n - 64 * (trips - 1);
        for (int i = 0; i < calls; i++) {
            int done = switch (i % 5) {
                case 0 -> run(c, scratch, n, 1, trips, base + 60000, base + 60000, -16, 0, 0.5f, sources, steps, none,
                        1.5f, -2f, 0.25f);
                case 1 -> run(c, scratch, n, 1, trips, -1, base + 50000, 4, 0, 0.5f, sources, steps, none, 1.5f, -2f, 0.25f);
                case 2 -> run(c, scratch, n, 1, trips, base + 40000, base + 50000, 4, 0, 0.5f, sources, steps, none,
                        1.5f, -2f, 0.25f);
                case 3 -> run(c, scratch, n, 1, trips, -1, base + 50000, 8, 0, 0.5f, new long[] {atEnd, atEnd, atEnd}, steps,
                        none, 1.5f, -2f, 0.25f);
                // a block's rows, side by side (the tiled matmul's frames)
                default -> run(c, scratch, n, 4, trips, base + 60000, base + 60000, -16, -16L * n, 0.5f, sources, steps,
                        new long[] {256, 256, 256}, 1.5f, -2f, 0.25f);
            };
            // the source at the end leaves whole vectors to a program that loads, all threads to one that broadcasts
            int expected = i % 5 == 3 && c.program().loads() != 0 ? n & -lanes : i % 5 == 4 ? 4 * n : n;
            if (done != expected) {
                throw new IllegalStateException("the warm-up's accumulating rows were refused");
            }
        }
        log.debug("accumulating row program {} warmed up in {} ms", Long.toHexString(c.program().code()),
                (System.nanoTime() - start) / 1_000_000);
    }
}
