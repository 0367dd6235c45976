package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.kernels.abi.VectorRowAbi.ADD;
import static io.cudawasm.kernels.abi.VectorRowAbi.DIV;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD0;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD1;
import static io.cudawasm.kernels.abi.VectorRowAbi.LOAD2;
import static io.cudawasm.kernels.abi.VectorRowAbi.MUL;
import static io.cudawasm.kernels.abi.VectorRowAbi.SUB;
import static io.cudawasm.kernels.abi.VectorRowAbi.UNIFORM0;
import static io.cudawasm.kernels.abi.VectorRowAbi.UNIFORM1;
import static io.cudawasm.kernels.abi.VectorRowAbi.UNIFORM2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.dylibso.chicory.runtime.Memory;
import io.cudawasm.runtime.testing.ChildOutput;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.time.Duration;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link VectorRows} against a scalar reference that runs the same threads one by one, in order, on
 * a copy of the memory: the memories must agree bit for bit, NaN payloads included, and every
 * refusal must leave the memory untouched.
 */
class VectorRowsTest {
    private static final int GUARD = Memory.PAGE_SIZE;
    /** Three pages with a one-page guard: valid addresses are [GUARD, 3 pages). */
    private static final long END = 3L * Memory.PAGE_SIZE;
    private static final int L = VectorRows.lanes();
    private static final long SAXPY = program(UNIFORM0, LOAD0, MUL, LOAD1, ADD);
    private static final long SUM = program(LOAD0, LOAD1, ADD);

    /** Float bit patterns arithmetic treats specially, mixed into every memory's random data. */
    static final int[] SPECIAL = {
        0x7fc00000, 0x7fc12345, 0xffc54321, 0x7f800001, 0xff8abcde, // quiet and signalling NaNs with payloads
        0x7f800000, 0xff800000, // infinities
        0x00000001, 0x807fffff, 0x00400000, 0x80000010, // denormals
        0x00000000, 0x80000000, // zeros
        0x7f7fffff, 0xff7fffff, 0x00800000, 0x3f800000, // largest, smallest normal, one
    };

    /** Fails at the first byte where {@code actual} differs from {@code expected} (the memory's array, {@code guard} below it). */
    static void assertSameBytes(String what, byte[] expected, byte[] actual, int guard) {
        for (int i = 0; i < expected.length; i++) {
            if (expected[i] != actual[i]) {
                int word = i & ~3;
                fail(what + ": byte at address " + (i + guard) + " is " + actual[i] + ", expected " + expected[i]
                        + " (word " + Integer.toHexString(ByteBuffer.wrap(actual, word, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                        + " vs " + Integer.toHexString(ByteBuffer.wrap(expected, word, 4).order(ByteOrder.LITTLE_ENDIAN).getInt())
                        + ")");
            }
        }
    }

    /** Packs symbols, the first in the lowest four bits, as the compiler does. */
    static long program(int... symbols) {
        long code = 0;
        for (int i = symbols.length - 1; i >= 0; i--) {
            code = code << 4 | symbols[i];
        }
        return code;
    }

    @Test
    void theTestJvmHasVectors() {
        assertTrue(ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent(),
                "the runtime's surefire argLine must add jdk.incubator.vector, or these tests test nothing");
        assertTrue(VectorRows.available(), "vector rows need JDK 17 or 18 with jdk.incubator.vector; this is "
                + Runtime.version());
        assertTrue(L >= 4 && Integer.bitCount(L) == 1, "lanes " + L);
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, -1, Integer.MIN_VALUE, 1024})
    void saxpyRunsWholeVectorsOfAnyCount(int shape) {
        // count 0, 1, L-1, L, L+1, 255, 1024, with y and x far apart; shape picks the random data
        for (int count : new int[] {0, 1, L - 1, L, L + 1, 255, 1024}) {
            FlatMemory memory = memory(shape ^ count);
            long x = GUARD + 4096;
            long y = GUARD + 32768;
            check(memory, SAXPY, count, y, x, y, 0, 1.5f, 0, 0, true);
        }
    }

    @Test
    void everyAlignmentOfTheDestinationGivesTheThreadsResults() {
        // a long row's threads before the first vector-aligned store run one by one: at every offset in a
        // vector (and at odd ones, where none do), the memory ends up as the threads one by one leave it
        int n = VectorRows.ALIGN_MIN_THREADS;
        for (int offset = 0; offset <= 4 * L + 3; offset++) {
            long y = GUARD + 32768 + offset;
            check(memory(offset), SAXPY, n + 5, y, GUARD + 4096 + offset, y, 0, -0.5f, 0, 0, true);
            check(memory(offset + 100), SUM, n + L - 1, y, y + 4, y + 8, 0, 0, 0, 0, true);
            assertEquals(n - 1 & -L, VectorRows.run(memory(offset), SUM, n - 1, y, y + 4, y + 8, 0, 0, 0, 0),
                    "a shorter row runs whole vectors from its start");
        }
    }

    @Test
    void longRowsKeepToTheMemory() {
        // the aligned path of a long row: its leading threads and vectors together stay inside the memory,
        // and anything that would reach past it (or wraps, or lies below the guard) leaves memory untouched
        int n = VectorRows.ALIGN_MIN_THREADS + 20;
        check(memory(1), SUM, n, END - 4L * n, GUARD, GUARD + 4096, 0, 0, 0, 0, true); // ends at the end
        for (long bad : new long[] {END - 4L * L, END - 1, END, GUARD - 4, -4, Long.MIN_VALUE, Long.MAX_VALUE,
            (1L << 32) + GUARD}) {
            check(memory(2), SUM, n, bad, GUARD, GUARD + 4096, 0, 0, 0, 0, false);
            check(memory(3), SUM, n, GUARD + 32768, bad, GUARD, 0, 0, 0, 0, false);
        }
        // a source one float too long for the threads that run: refused
        long past = END - 4L * expectedDone(GUARD, GUARD + 32768, n) + 4;
        check(memory(4), SUM, n, GUARD + 32768, past, GUARD, 0, 0, 0, 0, false);
        check(memory(5), SUM, n, GUARD + 32768, past - 4, GUARD, 0, 0, 0, 0, true);
    }

    @Test
    void saxpyWithSpecialScales() {
        for (float a : new float[] {0f, -0f, Float.NaN, Float.intBitsToFloat(0x7fc0beef), Float.POSITIVE_INFINITY,
            Float.MIN_VALUE, -Float.MAX_VALUE}) {
            FlatMemory memory = memory(Float.floatToRawIntBits(a));
            check(memory, SAXPY, 256, GUARD + 8192, GUARD, GUARD + 8192, 0, a, 0, 0, true);
        }
    }

    @Test
    void treeStepsReadTheirOwnUpperHalf() {
        // s[t] += s[t + st], st = 128 .. 1, as the block reduction's tree: steps below a vector are refused
        FlatMemory memory = memory(7);
        long s = GUARD + 2048;
        for (int st = 128; st > 0; st >>= 1) {
            check(memory, SUM, st, s, s, s + 4L * st, 0, 0, 0, 0, true);
        }
    }

    @Test
    void everyOperationKeepsItsOperandOrder() {
        List<long[]> programs = List.of(
                new long[] {program(LOAD0, LOAD1, SUB)}, new long[] {program(LOAD1, LOAD0, SUB)},
                new long[] {program(LOAD0, LOAD1, DIV)}, new long[] {program(LOAD1, LOAD0, DIV)},
                new long[] {program(LOAD0, LOAD1, MUL)}, new long[] {program(LOAD0, LOAD1, ADD)},
                new long[] {program(UNIFORM0, LOAD0, DIV)}, new long[] {program(LOAD0, UNIFORM1, SUB)},
                new long[] {program(LOAD0, LOAD1, LOAD2, MUL, ADD)}, new long[] {program(LOAD0, LOAD1, ADD, LOAD2, DIV)},
                new long[] {program(LOAD2)}, new long[] {program(UNIFORM2)},
                new long[] {program(UNIFORM0, UNIFORM1, UNIFORM2, MUL, SUB)},
                new long[] {program(LOAD0, LOAD0, MUL, LOAD0, SUB)},
                // fifteen symbols, the deepest stack a program can have (eight values)
                new long[] {program(LOAD0, LOAD1, LOAD2, UNIFORM0, UNIFORM1, UNIFORM2, LOAD0, LOAD1,
                        ADD, SUB, MUL, DIV, ADD, SUB, MUL)});
        int seed = 0;
        for (long[] p : programs) {
            FlatMemory memory = memory(seed++);
            check(memory, p[0], 300, GUARD + 40000, GUARD, GUARD + 10000, GUARD + 20002, 0.75f,
                    Float.intBitsToFloat(0x00000003), -3e38f, true);
        }
    }

    @Test
    void sourcesAtOrAboveTheDestinationRun() {
        long d = GUARD + 4000;
        check(memory(1), SUM, 512, d, d, d, 0, 0, 0, 0, true); // in place
        check(memory(2), SUM, 512, d, d + 4, d + 8, 0, 0, 0, 0, true); // each thread reads its successors
        check(memory(3), SUM, 512, d, d + 2, d + 6, 0, 0, 0, 0, true); // half a float above: unaligned
        check(memory(4), program(LOAD0, LOAD1, SUB), 512, d + 1, d + 3, d + 1, 0, 0, 0, 0, true); // odd addresses
    }

    @Test
    void aSourceBelowTheDestinationRunsOnlyWhenDisjoint() {
        long d = GUARD + 8000;
        int done = expectedDone(GUARD, d, 512); // the threads of 512 that run
        for (long below : new long[] {4, 2, 1, 4L * L, 4L * done - 4, 4L * done - 1}) {
            check(memory((int) below), SUM, 512, d, d - below, d, 0, 0, 0, 0, false);
            check(memory((int) below), SUM, 512, d, d, d - below, 0, 0, 0, 0, false);
        }
        check(memory(5), SUM, 512, d, d - 4L * done, d, 0, 0, 0, 0, true); // ends exactly at the destination
        check(memory(6), SUM, 512, d, d - 4L * done - 100, d + 64, 0, 0, 0, 0, true);
        // only whole vectors run: a source that would overlap the last, partial vector's threads is fine
        assertEquals(done, expectedDone(GUARD, d, done + 3));
        check(memory(7), SUM, done + 3, d, d - 4L * done, d, 0, 0, 0, 0, true);
    }

    @Test
    void theRefusedOverlapWouldGoWrong() {
        // what the overlap rule prevents: s[t] = s[t-1] + s[t] in vectors reads the old s[t-1] for all
        // but each vector's first thread, where one by one every thread reads its neighbour's new value
        long d = GUARD + 4096;
        FlatMemory memory = memory(11);
        byte[] expected = memory.bytes().clone();
        reference(expected, GUARD, SUM, 64, d, new long[] {d - 4, d, 0}, new float[3]);
        VectorRowCompiler.compile(VectorRowProgram.parse(SUM), L)
                .run(memory.bytes(), 64, (int) d - GUARD, (int) d - 4 - GUARD, (int) d - GUARD, 0, 0, 0, 0);
        assertTrue(!java.util.Arrays.equals(expected, memory.bytes()), "vector order agreed with thread order");
        check(memory(11), SUM, 64, d, d - 4, d, 0, 0, 0, 0, false);
    }

    /** A back end made without vector rows (WasmBackend's vectorRows false) keeps its rows scalar. */
    @Test
    void aMemoryWithoutVectorRowsRunsNothing() {
        FlatMemory off = memory(7);
        off.vectorRows(false);
        check(off, SUM, 1024, GUARD + 4096, GUARD + 8192, GUARD + 12288, 0, 0, 0, 0, false);
        check(memory(7), SUM, 1024, GUARD + 4096, GUARD + 8192, GUARD + 12288, 0, 0, 0, 0, true);
    }

    @Test
    void negativeCountsRunNothing() {
        for (int count : new int[] {-1, -L, Integer.MIN_VALUE}) {
            check(memory(count), SUM, count, GUARD + 4096, GUARD + 8192, GUARD + 12288, 0, 0, 0, 0, false);
        }
    }

    @Test
    void rangesMustLieInsideTheMemory() {
        int n = 64;
        long last = END - 4L * n; // the last range of n floats
        check(memory(1), SUM, n, last, GUARD, GUARD + 256, 0, 0, 0, 0, true); // the destination ends at the end
        check(memory(2), SUM, n, GUARD, GUARD + 512, last, 0, 0, 0, 0, true); // a source ends at the end
        check(memory(3), SUM, n, GUARD + 1, GUARD + 512, GUARD + 1024, 0, 0, 0, 0, true);
        long[] outside = {last + 1, GUARD - 1, GUARD - 4L * n, 0, -4, -4L * n, Long.MIN_VALUE, Long.MAX_VALUE,
            Long.MAX_VALUE - 4L * n + 1, 1L << 32, (1L << 32) + GUARD, (1L << 32) + GUARD + 4096, -(1L << 32) + GUARD,
            END, END + 4096};
        long dst = hostAligned(GUARD, GUARD + 4096); // all n threads run there: a source one byte too long is refused
        for (long bad : outside) {
            check(memory(4), SUM, n, bad, GUARD, GUARD + 4096, 0, 0, 0, 0, false);
            check(memory(5), SUM, n, dst, bad, GUARD + 8192, 0, 0, 0, 0, false);
            check(memory(6), SUM, n, dst, GUARD + 8192, bad, 0, 0, 0, 0, false);
        }
        // a source the program does not read is not a range: anything goes
        check(memory(7), program(LOAD0, UNIFORM0, MUL), n, GUARD + 4096, GUARD + 8192, -1, Long.MIN_VALUE, 2, 0, 0, true);
        check(memory(8), program(LOAD2), n, GUARD + 4096, Long.MAX_VALUE, -7, GUARD, 0, 0, 0, true);
    }

    @Test
    void aMemoryWithoutGuardStartsAtZero() {
        FlatMemory memory = new FlatMemory(1, 1, 0);
        fill(memory, 9);
        check(memory, SUM, 64, 0, 256, 512, 0, 0, 0, 0, true);
        check(memory, SUM, 64, -4, 256, 512, 0, 0, 0, 0, false);
        check(memory, SUM, 64, Memory.PAGE_SIZE - 256, 0, 512, 0, 0, 0, 0, true);
        check(memory, SUM, 64, Memory.PAGE_SIZE - 255, 0, 512, 0, 0, 0, 0, false);
    }

    @Test
    void invalidProgramsAreRefused() {
        long[] invalid = {
            0, // END first: no value
            program(LOAD0, ADD), // underflow
            program(ADD), program(UNIFORM0, SUB, LOAD0),
            program(LOAD0, LOAD1), // two values left
            program(LOAD0, LOAD1, LOAD2, ADD),
            program(LOAD0, 11), program(LOAD0, LOAD1, 12), program(13), program(LOAD0, 14, ADD), program(LOAD0, LOAD0, 15),
            program(LOAD0, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0), // 16 symbols
            -1L, 0x1111_1111_1111_1111L, // sixteen symbols, no end
            program(LOAD0) | 0xA0L << 4, // LOAD0 END, then more: after the end only zeros
            program(LOAD0) | 1L << 63,
        };
        for (long p : invalid) {
            assertNull(VectorRowProgram.parse(p), Long.toHexString(p));
            check(memory(3), p, 256, GUARD + 4096, GUARD + 8192, GUARD + 12288, GUARD + 16384, 1, 2, 3, false);
        }
        // the valid neighbours of those: the limits are where the ABI puts them
        assertNotNull(VectorRowProgram.parse(program(LOAD0, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD,
                LOAD0, ADD, LOAD0, ADD, LOAD0, ADD)));
        assertEquals(new VectorRowProgram(SAXPY, false, 5, 0b011, 0, 0b001), VectorRowProgram.parse(SAXPY));
    }

    @Test
    void thePropertyTurnsVectorsOffInAJvmOfItsOwn() throws Exception {
        assertEquals("result available=false done=0", child("off", "-D" + VectorRows.PROPERTY + "=false"));
    }

    @Test
    void theProgramCacheIsBounded() throws Exception {
        // few warm-up calls: 256 routines at the default would take the child seconds; the bound is one
        // over both kinds of row (VectorAccumulate's too)
        assertEquals("result compiled=" + VectorRows.MAX_PROGRAMS + " new=0 old=64 accumulating new=0 old=64",
                child("cache", "-D" + VectorRows.WARM_CALLS_PROPERTY + "=100"));
    }

    @Test
    void workersShareRoutines() throws Exception {
        // two workers race to compile and run the same new programs; each checks its own memory
        long[] programs = {program(LOAD1, LOAD0, SUB, UNIFORM1, MUL), program(UNIFORM2, LOAD0, LOAD1, DIV, DIV)};
        Thread[] workers = new Thread[2];
        Throwable[] failures = new Throwable[2];
        for (int w = 0; w < 2; w++) {
            int worker = w;
            workers[w] = new Thread(() -> {
                try {
                    for (int round = 0; round < 20; round++) {
                        check(memory(worker * 100 + round), programs[(worker + round) % 2], 1000, GUARD + 8192,
                                GUARD, GUARD + 4096, 0, 1, 2, 3, true);
                    }
                } catch (Throwable e) {
                    failures[worker] = e;
                }
            });
            workers[w].start();
        }
        for (int w = 0; w < 2; w++) {
            workers[w].join(Duration.ofMinutes(1).toMillis());
            assertTrue(!workers[w].isAlive(), "worker " + w + " still running");
            if (failures[w] != null) {
                throw new AssertionError("worker " + w, failures[w]);
            }
        }
    }

    /**
     * The threads a row that runs does: in a long row whose destination's floats are 4-byte aligned in
     * host memory, those before the first one at a multiple of a vector's bytes there, one by one (a
     * large array starts at a G1 region; its elements {@code ARRAY_BYTE_BASE_OFFSET} bytes on), then
     * whole vectors; only whole vectors from the row's start otherwise.
     */
    /** The first address from {@code address} on whose float starts a vector in host memory (see {@link #expectedDone}). */
    static long hostAligned(int guard, long address) {
        long host = sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + address - guard;
        return address + Math.floorMod(-host, 4L * Math.max(1, L)); // L is 0 where vectors are off
    }

    private static int expectedDone(int guard, long dst, int count) {
        long host = sun.misc.Unsafe.ARRAY_BYTE_BASE_OFFSET + dst - guard;
        int lead = 0;
        while (count >= VectorRows.ALIGN_MIN_THREADS && host % 4 == 0 && (host + 4L * lead) % (4L * L) != 0) {
            lead++;
        }
        return lead + (count - lead) / L * L;
    }

    /**
     * Runs the row through {@link VectorRows}, expects it to run ({@link #expectedDone} threads) or
     * refuse (none), and compares the memory with a copy of it on which the reference ran the same
     * threads one by one.
     */
    private static void check(FlatMemory memory, long program, int count, long dst, long src0, long src1, long src2,
            float u0, float u1, float u2, boolean runs) {
        int expectedDone = runs ? expectedDone(memory.guard(), dst, count) : 0;
        byte[] expected = memory.bytes().clone();
        int done = VectorRows.run(memory, program, count, dst, src0, src1, src2, u0, u1, u2);
        String what = "program " + Long.toHexString(program) + " count " + count + " dst " + dst + " src " + src0
                + ", " + src1 + ", " + src2;
        assertEquals(expectedDone, done, what);
        BitSet onlyNaN = reference(expected, memory.guard(), program, done, dst, new long[] {src0, src1, src2},
                new float[] {u0, u1, u2});
        byte[] actual = memory.bytes();
        ByteBuffer actualWords = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        for (int t = onlyNaN.nextSetBit(0); t >= 0; t = onlyNaN.nextSetBit(t + 1)) {
            int index = Math.toIntExact(dst + 4L * t - memory.guard());
            assertTrue(Float.isNaN(Float.intBitsToFloat(actualWords.getInt(index))), what + ": thread " + t + " gave no NaN");
            System.arraycopy(actual, index, expected, index, 4);
        }
        assertSameBytes(what, expected, actual, memory.guard());
    }

    /**
     * Threads 0 .. threads-1 one by one, each evaluating the postfix program on scalar floats. Returns
     * the threads whose result is only known to be a NaN: an operation met two NaNs, and which one's
     * payload survives is up to the machine code, not to IEEE 754, Wasm or the JVM (HotSpot's
     * interpreter keeps the second operand's, its C2 code the first's: the scalar row itself changes
     * as it warms up). Everywhere else the bits must agree, NaN payloads included.
     */
    private static BitSet reference(byte[] memory, int guard, long program, int threads, long dst, long[] src, float[] u) {
        ByteBuffer m = ByteBuffer.wrap(memory).order(ByteOrder.LITTLE_ENDIAN);
        float[] stack = new float[16];
        BitSet onlyNaN = new BitSet();
        for (int t = 0; t < threads; t++) {
            int sp = 0;
            for (int i = 0; i < 16; i++) {
                int symbol = (int) (program >>> (4 * i)) & 0xF;
                if (symbol == 0) {
                    break;
                }
                if (symbol <= LOAD2) {
                    stack[sp++] = Float.intBitsToFloat(m.getInt(Math.toIntExact(src[symbol - LOAD0] + 4L * t - guard)));
                } else if (symbol <= UNIFORM2) {
                    stack[sp++] = u[symbol - UNIFORM0];
                } else {
                    float b = stack[--sp];
                    float a = stack[--sp];
                    if (Float.isNaN(a) && Float.isNaN(b)) {
                        onlyNaN.set(t);
                    }
                    stack[sp++] = switch (symbol) {
                        case ADD -> a + b;
                        case SUB -> a - b;
                        case MUL -> a * b;
                        case DIV -> a / b;
                        default -> throw new IllegalStateException("symbol " + symbol);
                    };
                }
            }
            m.putInt(Math.toIntExact(dst + 4L * t - guard), Float.floatToRawIntBits(stack[0]));
        }
        return onlyNaN;
    }

    /** Three pages with a one-page guard, filled with random floats and special values. */
    private static FlatMemory memory(int seed) {
        FlatMemory memory = new FlatMemory(3, 3, GUARD);
        fill(memory, seed);
        return memory;
    }

    static void fill(FlatMemory memory, int seed) {
        Random random = new Random(seed);
        ByteBuffer m = ByteBuffer.wrap(memory.bytes()).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i + 4 <= m.capacity(); i += 4) {
            int kind = random.nextInt(4);
            m.putInt(i, switch (kind) {
                case 0 -> SPECIAL[random.nextInt(SPECIAL.length)];
                case 1 -> random.nextInt(); // any bits: NaNs, denormals and all
                default -> Float.floatToRawIntBits((random.nextFloat() - 0.5f) * (1 << random.nextInt(40)));
            });
        }
    }

    /** Runs {@link VectorRowsChild} in a JVM with the vector module and {@code flags}; its result line. */
    private static String child(String mode, String... flags) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx96m", "-XX:+UseSerialGC", "--add-modules", "jdk.incubator.vector"));
        command.addAll(List.of(flags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), VectorRowsChild.class.getName(), mode));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        ChildOutput output = new ChildOutput("vector rows " + mode, process);
        try {
            String line = output.awaitLine(s -> s.startsWith("result"), "starting with result", Duration.ofMinutes(2));
            assertEquals(0, output.awaitExit(Duration.ofMinutes(1)), output.transcript());
            return line;
        } finally {
            process.destroyForcibly();
        }
    }
}
