package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.VectorRowAbi;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The host side of {@code env.__cw_vector_row} ({@link VectorRowAbi}): runs as many of a fast row's
 * threads as fill whole vectors with the incubator Vector API, or none when it cannot promise the
 * memory ends up exactly as running them one by one would leave it. It also keeps the routines of
 * both kinds of vector row, these and {@link VectorAccumulate}'s: one cache, one bound, one warm-up.
 *
 * <p>Vectors are on when the JVM was started with {@code --add-modules jdk.incubator.vector}, the
 * module still has the {@code byte[]} loads and stores of JDK 17 and 18 (JDK 19 replaced them with
 * memory segments: there the rows simply stay scalar), the system property {@value #PROPERTY} is
 * not {@code false} and the environment variable {@value #ENVIRONMENT} not {@code off}. This class
 * looks for the module by reflection only; the code that uses it is generated
 * ({@link VectorRowCompiler}) and never loaded without it.
 */
final class VectorRows {
    private VectorRows() {}

    /** System property that turns vector rows off when {@code false}. */
    static final String PROPERTY = "cudawasm.vectorRows";
    /** System property with the warm-up calls of a new routine ({@link #WARM_CALLS}); tests set fewer. */
    static final String WARM_CALLS_PROPERTY = "cudawasm.vectorRows.warmCalls";
    /** Environment variable that turns them off when {@code off} (as {@code bin/cuda-wasm} reads it too). */
    static final String ENVIRONMENT = "CUDA_WASM_VECTOR_ROWS";
    /**
     * Programs compiled at most, each a hidden class in Metaspace: a kernel's rows use a few, and a
     * hostile module that passes a new program on every call gets scalar rows beyond this, not an
     * ever-growing Metaspace.
     */
    static final int MAX_PROGRAMS = 256;

    /** Floats per vector, or 0 when vectors are off (decided once, at class initialization). */
    private static final int LANES = detectLanes();

    /** The routines of both kinds, by kind and code (one code may be a valid program of each kind). */
    private static final ConcurrentHashMap<Key, Compiled> ROUTINES = new ConcurrentHashMap<>();
    /**
     * The programs' routines by a hash of the program, in front of {@link #ROUTINES}: written once per
     * program and only read after, so the workers share it without writing to common cache lines (a
     * "last program" field written on every change of program made two workers' rows fight over it).
     */
    private static final Compiled[] TABLE = new Compiled[1024];

    /**
     * Calls of a new routine on a scratch array before rows use it: HotSpot's interpreter and its
     * first compiler run Vector API code tens of times slower than the scalar loop (every vector is an
     * object there), so a routine serves rows only once its loop has run often enough for C2's final
     * code to be in place: measured on JDK 17, calls of 4 vectors took about 3 µs interpreted, 0.5–0.8
     * µs after C1, 35–42 ns after a first C2 compile and 5–6 ns in the end, reached after about 70,000
     * calls for the JVM's first routine and 31,000 for the next (about 90 and 40 ms). The warm-up is
     * done by the first row to meet a program, before it returns: a routine that started serving rows
     * later, from a background warm-up, flipped a branch HotSpot had compiled the kernel's region
     * functions without, and they ran deoptimized, slower than scalar, for hundreds of launches.
     */
    static final int WARM_CALLS = Integer.getInteger(WARM_CALLS_PROPERTY, 100_000);

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(VectorRows.class);

    private record Key(boolean accumulating, long code) {}

    /**
     * A program and its routine, warmed up: a {@link VectorRowRoutine}, or a
     * {@link VectorAccumulateRoutine} for an accumulating program; none when generating or warming it
     * failed (the rows stay scalar).
     */
    record Compiled(VectorRowProgram program, Object routine) {
        VectorRowRoutine row() {
            return (VectorRowRoutine) routine;
        }

        VectorAccumulateRoutine accumulate() {
            return (VectorAccumulateRoutine) routine;
        }
    }

    /** Whether rows run as vectors in this JVM. */
    static boolean available() {
        return LANES != 0;
    }

    /** Floats per vector (the threads one step of a routine runs), 0 when vectors are off. */
    static int lanes() {
        return LANES;
    }

    /**
     * Runs threads {@code 0 .. done-1} of a row per {@link VectorRowAbi} and returns {@code done}: the
     * {@link #leadingThreads} one by one, then as many whole vectors as the rest of {@code count} fills
     * (thread order kept: every thread's loads and store as the threads one by one would see them),
     * or 0 (memory untouched) when vectors are off, the
     * program is invalid or new beyond {@link #MAX_PROGRAMS}, a range the threads would touch leaves
     * the memory, or a source lies below the destination and overlaps it. Addresses are the kernel's
     * i64 values, taken as they are: negative or huge ones are refused, never wrapped.
     */
    static int run(FlatMemory memory, long program, int count, long dst, long src0, long src1, long src2,
            float u0, float u1, float u2) {
        if (LANES == 0 || count < LANES || !memory.vectorRows()) {
            return 0;
        }
        Compiled compiled = compiled(false, program);
        return compiled == null ? 0 : run(compiled, memory, count, dst, src0, src1, src2, u0, u1, u2);
    }

    /** {@link #run(FlatMemory, long, int, long, long, long, long, float, float, float)} with its routine. */
    private static int run(Compiled compiled, FlatMemory memory, int count, long dst, long src0, long src1, long src2,
            float u0, float u1, float u2) {
        byte[] array = memory.bytes(); // read once: the bounds below are this array's
        long low = memory.guard();
        long high = low + array.length;
        int lead = leadingThreads(dst - low, count);
        int done = lead + ((count - lead) & -LANES); // LANES is a power of two
        long bytes = 4L * done;
        if (!inside(dst, bytes, low, high)) {
            return 0;
        }
        VectorRowProgram p = compiled.program();
        if (p.readsLoad(0) && !readable(src0, dst, bytes, low, high)
                || p.readsLoad(1) && !readable(src1, dst, bytes, low, high)
                || p.readsLoad(2) && !readable(src2, dst, bytes, low, high)) {
            return 0;
        }
        int d = (int) (dst - low);
        int s0 = p.readsLoad(0) ? (int) (src0 - low) : 0;
        int s1 = p.readsLoad(1) ? (int) (src1 - low) : 0;
        int s2 = p.readsLoad(2) ? (int) (src2 - low) : 0;
        VectorRowRoutine row = compiled.row();
        if (lead > 0) {
            // thread order is kept: the leading threads store before the vectors' threads load
            row.runScalar(array, 0, lead, d, s0, s1, s2, u0, u1, u2);
        }
        int skip = 4 * lead;
        row.run(array, done - lead, d + skip, s0 + skip, s1 + skip, s2 + skip, u0, u1, u2);
        return done;
    }

    /**
     * Offset of a {@code byte[]}'s first element from the array's start in memory. G1 places a large
     * array (a session's memory, beyond half a heap region) at the start of a region, so its element
     * {@code i} lies at host address {@code region + ARRAY_BASE + i}: with the 16-byte header of
     * compressed class pointers, every buffer-aligned vector of a kernel would straddle two cache lines.
     */
    private static final long ARRAY_BASE = arrayBase();

    private static long arrayBase() {
        try {
            return sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET; // jdk.unsupported: present in every JDK this runs on
        } catch (LinkageError e) {
            return 16; // HotSpot's with compressed class pointers: only the vectors' alignment depends on it
        }
    }

    /** Bytes per vector (a power of two, at most a cache line for AVX-512), or 4 when vectors are off. */
    private static final int VECTOR_BYTES = 4 * Math.max(1, LANES);

    /**
     * Rows of at least this many threads align their vectors ({@link #leadingThreads}): they stream
     * from memory, where a vector across two cache lines costs. A block's row (at most 1,024 threads)
     * keeps its vectors from thread 0: its data is mostly in the caches, where a straddling vector costs
     * little, and every row would pay the leading threads' call.
     */
    static final int ALIGN_MIN_THREADS = 4096;

    /**
     * Threads a row runs one by one before its vectors, so that the vectors' stores start at a
     * multiple of their size in host memory (where the array starts at a region, as above; anywhere
     * else the alignment is as good as chance, as it was without this): none when the destination's
     * floats are not 4-byte aligned there, or the row is shorter than {@link #ALIGN_MIN_THREADS}. A 16M
     * saxpy's vectors straddled cache lines on every load and store: 3.36 ms with one worker, 3.02
     * aligned (bench/RESULTS.md).
     */
    static int leadingThreads(long index, int count) {
        long host = ARRAY_BASE + index;
        if (count < ALIGN_MIN_THREADS || (host & 3) != 0) {
            return 0;
        }
        return (int) ((-host & (VECTOR_BYTES - 1)) >>> 2);
    }

    /** Whether {@code [address, address + bytes)} lies within {@code [low, high)}, without overflow. */
    private static boolean inside(long address, long bytes, long low, long high) {
        return address >= low && address <= high - bytes;
    }

    /**
     * Whether a source may be read in vectors while the destination is written: it must lie inside
     * the memory, and not below the destination while overlapping it.
     *
     * <p>Why that suffices: in thread order, thread t reads {@code [src+4t, src+4t+4)} after threads
     * 0..t-1 stored {@code [dst+4t', dst+4t'+4)}; in vector order it reads after the stores of the
     * earlier vectors only, and before those of its own vector (a routine loads all its sources
     * before its store). The two orders agree when no earlier thread of the same vector stored bytes
     * that thread t reads. If {@code src >= dst}, every byte thread t reads is at or above
     * {@code dst + 4t}, above everything threads t' &lt; t stored ({@code < dst + 4t' + 4 <= dst + 4t}).
     * If {@code src + 4*done <= dst}, no thread reads anything any thread stores. Otherwise the
     * source starts below the destination and overlaps it: thread t reads bytes that the thread about
     * {@code (dst - src) / 4} before it stored, and when that thread is in the same vector, vector
     * order reads the old bytes (VectorRowsTest shows it). A distance of a whole vector or more would
     * be safe as well; the rule keeps to the simple case, and the row's scalar loop runs the rest.
     */
    private static boolean readable(long src, long dst, long bytes, long low, long high) {
        return inside(src, bytes, low, high) && (src >= dst || src + bytes <= dst);
    }

    /**
     * The routine for {@code program} of the kind {@code accumulating} says ({@link VectorAccumulate}'s
     * or these rows'), compiled and warmed up if it is new, or null when it is invalid, the cache is
     * full or its routine failed.
     */
    static Compiled compiled(boolean accumulating, long program) {
        int slot = (int) (program ^ program >>> 29 ^ program >>> 47 ^ (accumulating ? 0x2AA : 0)) & (TABLE.length - 1);
        Compiled c = TABLE[slot];
        if (c == null || c.program().code() != program || c.program().accumulating() != accumulating) {
            c = ROUTINES.get(new Key(accumulating, program));
            if (c == null) {
                c = compileOnce(accumulating, program);
                if (c == null) {
                    return null;
                }
            }
            if (TABLE[slot] == null) {
                TABLE[slot] = c; // a record's final fields: safe to read through this unsynchronized slot
            }
        }
        return c.routine() == null ? null : c;
    }

    /**
     * Runs a new program's rows on scratch memory until HotSpot has compiled them ({@link #WARM_CALLS}),
     * with the rows' own checks, so those and the call into the routine are compiled too (interpreted,
     * they cost a row more than the vectors save).
     */
    private static void warm(Compiled c) {
        if (c.program().accumulating()) {
            VectorAccumulate.warm(c, WARM_CALLS);
            return;
        }
        long start = System.nanoTime();
        int n = 4 * LANES;
        FlatMemory scratch = new FlatMemory(1, 1, 0);
        for (int i = 0; i < WARM_CALLS; i++) {
            if (run(c, scratch, n, 0, 4 * n, 8 * n, 12 * n, 1.5f, -2f, 0.25f) != n) {
                throw new IllegalStateException("the warm-up's rows were refused");
            }
            if ((i & 7) == 0) {
                // the scalar twin too: a long row's leading threads call it once a launch, and interpreted
                // its float accesses cost microseconds (one call in eight: 12,500 calls of 15 threads
                // bring it to C2 and add little to the warm-up)
                c.row().runScalar(scratch.bytes(), 0, LANES - 1, 0, 4 * n, 8 * n, 12 * n, 1.5f, -2f, 0.25f);
            }
        }
        log.debug("vector row program {} warmed up in {} ms", Long.toHexString(c.program().code()),
                (System.nanoTime() - start) / 1_000_000);
    }

    /**
     * Whether rows with {@code program} run as vectors, compiling and warming its routine if it is new
     * (what a row's first call does; for tests and for compiling ahead of launches).
     */
    static boolean ready(long program) {
        return LANES != 0 && compiled(false, program) != null;
    }

    /** {@link #ready(long)} for an accumulating row's program ({@link VectorAccumulate}). */
    static boolean readyToAccumulate(long program) {
        return LANES != 0 && compiled(true, program) != null;
    }

    private static synchronized Compiled compileOnce(boolean accumulating, long program) {
        Key key = new Key(accumulating, program);
        Compiled c = ROUTINES.get(key);
        if (c != null) {
            return c;
        }
        if (ROUTINES.size() >= MAX_PROGRAMS) {
            return null;
        }
        VectorRowProgram p = VectorRowProgram.parse(program, accumulating);
        if (p == null) {
            return null; // not cached: a valid kernel never passes one, so its cost does not matter
        }
        try {
            c = new Compiled(p, accumulating ? VectorAccumulateCompiler.compile(p, LANES) : VectorRowCompiler.compile(p, LANES));
            warm(c);
        } catch (IllegalStateException | LinkageError e) {
            // a JVM whose Vector API links differently than JDK 17's: scalar rows are still right
            log.warn("vector row program {} ({}) stays scalar: {}", Long.toHexString(program),
                    accumulating ? "accumulating" : "plain", e.toString(), e);
            c = new Compiled(p, null);
        }
        ROUTINES.put(key, c);
        return c;
    }

    /** The vector length when every condition of the class comment holds, else 0. */
    private static int detectLanes() {
        if ("false".equalsIgnoreCase(System.getProperty(PROPERTY)) || "off".equalsIgnoreCase(System.getenv(ENVIRONMENT))
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
            return 0;
        }
        try {
            Class<?> vector = Class.forName("jdk.incubator.vector.FloatVector");
            Class<?> species = Class.forName("jdk.incubator.vector.VectorSpecies");
            vector.getMethod("fromByteArray", species, byte[].class, int.class, ByteOrder.class);
            vector.getMethod("intoByteArray", byte[].class, int.class, ByteOrder.class);
            Object preferred = vector.getField("SPECIES_PREFERRED").get(null);
            Method length = species.getMethod("length");
            int lanes = (int) length.invoke(preferred);
            // one float per vector is no vector (a JVM without a SIMD unit); the mask needs a power of 2
            return lanes >= 2 && Integer.bitCount(lanes) == 1 ? lanes : 0;
        } catch (ReflectiveOperationException | LinkageError e) {
            return 0;
        }
    }
}
