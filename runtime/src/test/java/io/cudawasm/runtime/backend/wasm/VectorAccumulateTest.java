package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.kernels.abi.VectorAccumulateAbi.BROADCAST0;
import static io.cudawasm.kernels.abi.VectorAccumulateAbi.BROADCAST1;
import static io.cudawasm.kernels.abi.VectorAccumulateAbi.BROADCAST2;
import static io.cudawasm.kernels.abi.VectorAccumulateAbi.MAX_WORK;
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
import static io.cudawasm.runtime.backend.wasm.VectorRowsTest.program;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.dylibso.chicory.runtime.Memory;
import io.cudawasm.kernels.abi.KernelAbi;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * {@link VectorAccumulate} against a scalar reference that runs the same threads one by one, in
 * order, on a copy of the memory: the memories must agree bit for bit (NaN payloads included, except
 * where an operation met two NaNs), and every refusal must leave the memory untouched.
 */
class VectorAccumulateTest {
    private static final int GUARD = Memory.PAGE_SIZE;
    /** The lowest address the rows accept: the kernels' guard, whatever the memory's. */
    private static final long LOW = Math.max(KernelAbi.GUARD_BYTES, GUARD);
    /** Three pages with a one-page guard: valid addresses are [LOW, END). */
    private static final long END = 3L * Memory.PAGE_SIZE;
    private static final int L = VectorRows.lanes();
    /** The tiled matmul's term: As[ty][k] (the row's one float) times Bs[k][tx] (the thread's). */
    private static final long TILED = program(BROADCAST0, LOAD1, MUL);
    /** The plain matmul's term: A[row*K + k] times B[k*N + col]. */
    private static final long PLAIN = program(BROADCAST0, LOAD1, MUL);
    private static final long DOT = program(LOAD0, LOAD1, MUL);

    /** One row's arguments (the program aside), as the kernel passes them. */
    private record Row(int count, int trips, long in, long out, int stride, float initial, long[] src, long[] step,
            float[] u, int rows, long rowStride, long[] rowStep) {
        Row(int count, int trips, long in, long out, int stride, float initial, long src0, long step0, long src1,
                long step1) {
            this(count, trips, in, out, stride, initial, new long[] {src0, src1, 0}, new long[] {step0, step1, 0},
                    new float[] {0.5f, -3f, 7e-39f}, 1, 0, new long[3]);
        }

        Row(int count, int trips, long in, long out, int stride, float initial, long[] src, long[] step, float[] u) {
            this(count, trips, in, out, stride, initial, src, step, u, 1, 0, new long[3]);
        }

        Row with(int count, int trips) {
            return new Row(count, trips, in, out, stride, initial, src, step, u, rows, rowStride, rowStep);
        }

        /** The same row repeated over {@code rows} rows, {@code rowStride} and {@code rowStep} apart. */
        Row rows(int rows, long rowStride, long... rowStep) {
            return new Row(count, trips, in, out, stride, initial, src, step, u, rows, rowStride, rowStep);
        }

        @Override
        public String toString() {
            return "count " + count + " trips " + trips + " in " + in + " out " + out + " stride " + stride + " initial "
                    + initial + " src " + java.util.Arrays.toString(src) + " step " + java.util.Arrays.toString(step)
                    + (rows == 1 ? "" : " rows " + rows + " row stride " + rowStride + " row steps "
                            + java.util.Arrays.toString(rowStep));
        }
    }

    @Test
    void theTestJvmHasVectors() {
        assertTrue(VectorRows.available(), "accumulating rows need the vector API: " + Runtime.version());
        assertTrue(L >= 4 && Integer.bitCount(L) == 1, "lanes " + L);
    }

    @Test
    void tiledMatmulFramesAccumulateInPlace() {
        // As and Bs 16x16 floats in shared memory; each thread's sum in its frame, frames 16 bytes apart
        // growing downward; rows of 15 threads (what the compiler hands over) and of 16
        long as = LOW + 4096;
        long bs = LOW + 8192;
        long frame = LOW + 60000;
        int seed = 0;
        for (int count : new int[] {15, 16, 1, 2 * L - 1}) {
            for (int ty = 0; ty < 16; ty += 5) {
                FlatMemory memory = memory(seed++);
                check(memory, TILED, new Row(count, 16, frame, frame, -16, 0, as + 64L * ty, 4, bs, 64), count);
            }
        }
    }

    /**
     * A block's rows in one call (the tiled matmul's compute region, 16 rows of 16 threads, and other
     * shapes): each row's broadcast source one row of As further, its frames a row of frames further.
     */
    @Test
    void blocksOfRowsRunSideBySide() {
        long as = LOW + 4096;
        long bs = LOW + 8192;
        long frame = LOW + 60000;
        int seed = 300;
        for (int count : new int[] {16, 15, 1, 2 * L - 1, 3 * L}) {
            for (int rows : new int[] {2, 3, 5, 16}) {
                Row block = new Row(count, 16, frame, frame, -16, 0, as, 4, bs, 64).rows(rows, -16L * count, 64, 0, 0);
                check(memory(seed++), TILED, block, rows * count);
                // the initial value, rows of a C matrix 256 bytes apart, A's rows 64 bytes apart
                Row plain = new Row(count, 7, -1, LOW + 40000, 4, 0f, as, 4, bs, 256).rows(rows, 4L * count + 4, 64, 0, 0);
                check(memory(seed++), PLAIN, plain, rows * count);
            }
        }
    }

    @Test
    void blocksRunWhollyOrNotAtAll() {
        long frame = LOW + 60000;
        Row block = new Row(16, 16, frame, frame, -16, 0, LOW + 4096, 4, LOW + 8192, 64);
        // rows whose stored floats could overlap: the row stride below a row's extent
        check(memory(400), TILED, block.rows(4, -16L * 15 - 3, 64, 0, 0), 0);
        check(memory(401), TILED, block.rows(4, 0, 64, 0, 0), 0);
        // the last row's frames below the memory's first valid address
        check(memory(402), TILED, block.rows(4, -20000, 64, 0, 0), 0);
        // a source's last row past the end: no partial block, though whole vectors of one row would run
        Row tail = new Row(2 * L - 1, 2, -1, LOW + 40000, 4, 0f, LOW + 1024, 4, END - 4L * (2 * L - 1) - 64, 0);
        check(memory(403), PLAIN, tail.rows(2, 4L * 2 * L, 0, 64, 0), 0);
        check(memory(404), PLAIN, tail.rows(2, 4L * 2 * L, 0, -64, 0), 2 * (2 * L - 1));
        // a row step beyond 2^31 - 1, and a second row stored over what the first one's last trips read
        check(memory(405), TILED, block.rows(2, -256, 1L << 31, 0, 0), 0);
        Row over = new Row(16, 20, -1, LOW + 8192 + 64 * 20, 4, 0f, LOW + 4096, 4, LOW + 8192, 64);
        check(memory(406), TILED, over, 16);
        check(memory(407), TILED, over.rows(2, 5000, 0, 64 * 20, 0), 0);
        // the work limit counts every row
        int trips = (int) (MAX_WORK / (16 * 4)) + 1;
        check(memory(408), TILED, new Row(16, trips, frame, frame, -16, 0, LOW + 4096, 0, LOW + 8192, 0)
                .rows(4, -256, 64, 0, 0), 0);
    }

    @Test
    void plainMatmulRowsStartFromTheInitialValue() {
        // C[row*N + col] = sum_k A[row*K + k] * B[k*N + col], N = 64 floats, K up to 20, every count and
        // trip count: the partial last vector computes extra lanes that are never stored
        long a = LOW + 1024;
        long b = LOW + 4096;
        long c = LOW + 40000;
        int seed = 100;
        for (int count = 1; count <= 3 * L + 1; count++) {
            for (int trips : new int[] {1, 2, 3, 7, 16, 20}) {
                check(memory(seed++), PLAIN, new Row(count, trips, -1, c, 4, 0f, a, 4, b, 256), count);
            }
        }
        for (int trips = 1; trips <= 20; trips++) {
            for (int count : new int[] {L - 1, L, L + 1}) {
                check(memory(seed++), PLAIN, new Row(count, trips, -1, c, 4, 0f, a, 4, b, 256), count);
            }
        }
    }

    @Test
    void specialStartValuesAndUniforms() {
        long program = program(LOAD0, UNIFORM0, MUL, BROADCAST1, ADD);
        int seed = 200;
        for (int bits : VectorRowsTest.SPECIAL) {
            float x = Float.intBitsToFloat(bits);
            Row row = new Row(37, 5, -1, LOW + 30000, 8, x, new long[] {LOW + 2000, LOW + 9000, 0},
                    new long[] {-12, 4, 0}, new float[] {x, 0, 0});
            check(memory(seed++), program, row, 37);
            // start values from memory full of special values, elsewhere, stride -8
            check(memory(seed++), program, new Row(37, 5, LOW + 50000, LOW + 30000, -8, 0, row.src(), row.step(),
                    row.u()), 37);
        }
    }

    @Test
    void everyOperationKeepsItsOperandOrder() {
        List<Long> programs = List.of(program(LOAD0, LOAD1, SUB), program(LOAD1, LOAD0, SUB),
                program(LOAD0, LOAD1, DIV), program(LOAD1, LOAD0, DIV), program(BROADCAST0, LOAD1, DIV),
                program(LOAD1, BROADCAST0, DIV), program(BROADCAST2, BROADCAST1, SUB), program(LOAD2),
                program(BROADCAST1), program(UNIFORM2), program(UNIFORM0, UNIFORM1, UNIFORM2, MUL, SUB),
                program(LOAD0, BROADCAST0, MUL, LOAD0, SUB), // one source both loaded and broadcast
                program(LOAD0, LOAD1, LOAD2, UNIFORM0, UNIFORM1, UNIFORM2, BROADCAST0, BROADCAST1,
                        ADD, SUB, MUL, DIV, ADD, SUB, MUL)); // fifteen symbols, eight values deep
        int seed = 300;
        for (long p : programs) {
            Row row = new Row(50, 9, LOW + 70000, LOW + 70000, -12, 0, new long[] {LOW + 100, LOW + 20002, LOW + 40001},
                    new long[] {36, -4, 1}, new float[] {0.75f, Float.intBitsToFloat(3), -3e38f});
            check(memory(seed++), p, row, 50);
            check(memory(seed++), p, new Row(50, 9, -1, LOW + 120001, 5, 1.25f, row.src(), row.step(), row.u()), 50);
        }
    }

    @Test
    void theLastVectorsExtraLanesMustReadInsideTheMemory() {
        // a loaded source whose row ends exactly at the memory's end: the padded vector would read past it
        for (int count : new int[] {L - 1, 2 * L - 3}) {
            int expected = count & -L; // whole vectors only, or nothing
            long b = END - 4L * count;
            check(memory(count), DOT, new Row(count, 1, -1, LOW + 4096, 4, 0, LOW + 8192, 0, b, 0), expected);
            check(memory(count), DOT, new Row(count, 1, -1, LOW + 4096, 4, 0, LOW + 8192, 0, b - 4L * (L - 1), 0), count);
        }
        // the same over trips: the last trip's floats end at the memory's end
        check(memory(9), DOT, new Row(L + 1, 4, -1, LOW + 4096, 4, 0, LOW + 8192, 4, END - 4L * (L + 1) - 300, 100), L);
        // a broadcast source reads one float whatever the count
        check(memory(10), TILED, new Row(L - 1, 3, -1, LOW + 4096, 4, 0, END - 12, 4, LOW + 8192, 64), L - 1);
        check(memory(11), TILED, new Row(L - 1, 3, -1, LOW + 4096, 4, 0, END - 11, 4, LOW + 8192, 64), 0);
    }

    @Test
    void addressesMustLieInsideTheMemory() {
        Row good = new Row(20, 3, LOW + 10000, LOW + 20000, 4, 0, LOW + 30000, 4, LOW + 40000, 64);
        check(memory(1), TILED, good, 20);
        long[] outside = {LOW - 4, LOW - 1, GUARD - 4, 0, -4, Long.MIN_VALUE, Long.MAX_VALUE, Long.MAX_VALUE - 3,
            END - 3, END, END + 4096, 1L << 32, (1L << 32) + LOW + 4096, -(1L << 32) + LOW + 4096};
        for (long bad : outside) {
            check(memory(2), TILED, new Row(20, 3, good.in(), bad, 4, 0, good.src()[0], 4, good.src()[1], 64), 0);
            check(memory(3), TILED, new Row(20, 3, good.in(), bad, -16, 0, good.src()[0], 4, good.src()[1], 64), 0);
            if (bad >= 0) { // negative: the initial value
                check(memory(4), TILED, new Row(20, 3, bad, good.out(), 4, 0, good.src()[0], 4, good.src()[1], 64), 0);
            }
            check(memory(5), TILED, new Row(20, 3, -1, good.out(), 4, 0, bad, 4, good.src()[1], 64), 0);
            check(memory(6), TILED, new Row(20, 3, -1, good.out(), 4, 0, good.src()[0], 4, bad, 64), 0);
        }
        // the far end of a range: the last thread's float, the last trip's source
        check(memory(7), TILED, new Row(20, 3, -1, END - 4 * 20, 4, 0, LOW, 4, LOW + 4096, 64), 20);
        check(memory(7), TILED, new Row(20, 3, -1, END - 4 * 20 + 1, 4, 0, LOW, 4, LOW + 4096, 64), 0);
        check(memory(8), TILED, new Row(20, 3, -1, LOW + 16 * 19, -16, 0, LOW + 4096, 4, LOW + 8192, 64), 20);
        check(memory(8), TILED, new Row(20, 3, -1, LOW + 16 * 19 - 1, -16, 0, LOW + 4096, 4, LOW + 8192, 64), 0);
        check(memory(9), TILED, new Row(20, 3, LOW + 16 * 19 - 1, LOW + 30000, -16, 0, LOW + 4096, 4, LOW + 8192, 64), 0);
        check(memory(10), TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, END - 12, 4, LOW + 8192, 64), 20);
        check(memory(10), TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, END - 11, 4, LOW + 8192, 64), 0);
        check(memory(11), TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, LOW + 8, -4, LOW + 8192, 64), 20);
        check(memory(11), TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, LOW + 7, -4, LOW + 8192, 64), 0);
        // a memory without a guard page still refuses the kernels' guard
        FlatMemory unguarded = new FlatMemory(3, 3, 0);
        VectorRowsTest.fill(unguarded, 12);
        check(unguarded, TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, LOW, 4, LOW + 8192, 64), 20);
        check(unguarded, TILED, new Row(20, 3, -1, 4096, 4, 0, LOW, 4, LOW + 8192, 64), 0);
        check(unguarded, TILED, new Row(20, 3, -1, LOW + 4096, 4, 0, LOW - 4, 4, LOW + 8192, 64), 0);
    }

    @Test
    void stepsMayBeAnythingAndAreTakenAsTheyAre() {
        long[] huge = {Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE / 2, (1L << 31) + 4, -(1L << 31) - 4, 1L << 31,
            -(1L << 31), 1L << 40, -(1L << 40), 1L << 32, END};
        for (long step : huge) {
            check(memory(1), TILED, new Row(20, 2, -1, LOW + 4096, 4, 0, LOW + 8192, step, LOW + 12288, 64), 0);
            check(memory(2), TILED, new Row(20, 2, -1, LOW + 4096, 4, 0, LOW + 8192, 4, LOW + 12288, step), 0);
            // one trip never takes a step
            check(memory(3), TILED, new Row(20, 1, -1, LOW + 4096, 4, 0, LOW + 8192, step, LOW + 12288, step), 20);
        }
        // negative and zero steps that stay inside run
        check(memory(4), TILED, new Row(20, 5, -1, LOW + 4096, 4, 0, LOW + 8192, -64, LOW + 30000, -256), 20);
        check(memory(5), TILED, new Row(20, 5, -1, LOW + 4096, 4, 0, LOW + 8192, 0, LOW + 30000, 0), 20);
        // a step that leaves the memory on the last trip only
        check(memory(6), TILED, new Row(20, 5, -1, LOW + 4096, 4, 0, LOW + 8192, 4, LOW + 30000, (END - LOW) / 4), 0);
    }

    @Test
    void storesMustNotOverlapWhatTheThreadsRead() {
        long out = LOW + 20000;
        // a loaded source overlapping the stored floats at its last trip only
        check(memory(1), DOT, new Row(20, 4, -1, out, 4, 0, LOW + 4096, 0, out - 300, 100), 0);
        check(memory(2), DOT, new Row(20, 4, -1, out, 4, 0, LOW + 4096, 0, out - 300 - 4 * 20, 100), 20); // just below
        // a broadcast source at the last thread's float, or just past it
        check(memory(3), TILED, new Row(20, 4, -1, out, 4, 0, out + 4 * 19 - 12, 4, LOW + 8192, 64), 0);
        check(memory(4), TILED, new Row(20, 4, -1, out, 4, 0, out + 4 * 20, 4, LOW + 8192, 64), 20);
        // in the frame case, the frames against a source
        check(memory(5), TILED, new Row(20, 4, out, out, -16, 0, out - 16 * 10, 4, LOW + 8192, 64), 0);
        // start values overlapping the stored floats without being them
        for (long in : new long[] {out + 4, out - 4, out + 2, out + 4 * 19, out - 4 * 19}) {
            check(memory(6), TILED, new Row(20, 4, in, out, 4, 0, LOW + 4096, 4, LOW + 8192, 64), 0);
        }
        check(memory(7), TILED, new Row(20, 4, out + 4 * 20, out, 4, 0, LOW + 4096, 4, LOW + 8192, 64), 20);
        check(memory(8), TILED, new Row(20, 4, out - 4 * 20, out, 4, 0, LOW + 4096, 4, LOW + 8192, 64), 20);
        // the source the program does not read may be anything
        check(memory(9), program(LOAD1, LOAD1, MUL), new Row(20, 4, -1, out, 4, 0, out, Long.MIN_VALUE, LOW + 8192, 64), 20);
    }

    @Test
    void theRefusedOverlapsWouldGoWrong() {
        // what the overlap rules prevent: start values one float below the stored ones, or a source
        // there; one by one, thread t reads thread t-1's result, all at once every thread the old value
        long out = LOW + 20000;
        VectorAccumulateRoutine routine = VectorAccumulateCompiler.compile(VectorRowProgram.parse(DOT, true), L);
        for (Row row : List.of(new Row(32, 2, out - 4, out, 4, 0, LOW + 4096, 4, LOW + 8192, 64),
                new Row(32, 2, -1, out, 4, 1, LOW + 4096, 4, out - 4, 0))) {
            FlatMemory memory = memory(21);
            byte[] oneByOne = memory.bytes().clone();
            reference(oneByOne, GUARD, DOT, 32, row);
            byte[] allAtOnce = memory.bytes().clone();
            ByteBuffer m = ByteBuffer.wrap(allAtOnce).order(ByteOrder.LITTLE_ENDIAN);
            float[] values = new float[32];
            for (int t = 0; t < 32; t++) {
                values[t] = row.in() < 0 ? row.initial() : m.getFloat((int) (row.in() - GUARD) + 4 * t);
            }
            routine.run(allAtOnce, values, 32, 1, 2, (int) (row.src()[0] - GUARD), (int) row.step()[0], 0,
                    (int) (row.src()[1] - GUARD), (int) row.step()[1], 0, 0, 0, 0, 0, 0, 0);
            for (int t = 0; t < 32; t++) {
                m.putFloat((int) (out - GUARD) + 4 * t, values[t]);
            }
            assertTrue(!java.util.Arrays.equals(oneByOne, allAtOnce), "all at once agreed with one by one: " + row);
            check(memory(21), DOT, row, 0);
        }
    }

    @Test
    void strideCountTripsAndWorkLimits() {
        for (int stride : new int[] {-3, -2, -1, 0, 1, 2, 3, Integer.MIN_VALUE, Integer.MAX_VALUE}) {
            check(memory(1), TILED, new Row(20, 3, -1, LOW + 60000, stride, 0, LOW + 4096, 4, LOW + 8192, 64), 0);
        }
        check(memory(2), TILED, new Row(20, 3, -1, LOW + 60000, -4, 0, LOW + 4096, 4, LOW + 8192, 64), 20);
        check(memory(2), TILED, new Row(20, 3, -1, LOW + 20000, 1000, 0, LOW + 4096, 4, LOW + 8192, 64), 20);
        Row row = new Row(20, 3, -1, LOW + 60000, 4, 0, LOW + 4096, 4, LOW + 8192, 64);
        for (int bad : new int[] {0, -1, Integer.MIN_VALUE}) {
            check(memory(3), TILED, row.with(bad, 3), 0);
            check(memory(4), TILED, row.with(20, bad), 0);
        }
        // the work cap: MAX_WORK terms run, one more row of them does not, nor a product past an int
        Row big = new Row(1024, (int) (MAX_WORK / 1024), -1, LOW + 60000, 4, 0, LOW + 4096, 0, LOW + 8192, 0);
        check(memory(5), DOT, big, 1024);
        check(memory(6), DOT, big.with(1024, (int) (MAX_WORK / 1024) + 1), 0);
        check(memory(7), DOT, big.with(1025, (int) (MAX_WORK / 1024)), 0);
        check(memory(8), DOT, big.with(1 << 20, 1 << 20), 0);
        check(memory(8), DOT, big.with(Integer.MAX_VALUE, Integer.MAX_VALUE), 0);
    }

    @Test
    void invalidProgramsAreRefused() {
        long[] invalid = {
            0, program(LOAD0, ADD), program(ADD), program(LOAD0, LOAD1), program(BROADCAST0, BROADCAST1),
            program(LOAD0, 14, ADD), program(LOAD0, LOAD0, 15), program(BROADCAST0) | 1L << 63, -1L,
            program(LOAD0, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0, ADD, LOAD0),
        };
        Row row = new Row(20, 3, -1, LOW + 60000, 4, 0, LOW + 4096, 4, LOW + 8192, 64);
        for (long p : invalid) {
            assertNull(VectorRowProgram.parse(p, true), Long.toHexString(p));
            check(memory(1), p, row, 0);
        }
        assertEquals(new VectorRowProgram(TILED, true, 3, 0b010, 0b001, 0), VectorRowProgram.parse(TILED, true));
    }

    @Test
    void broadcastsAreNoSymbolOfPlainVectorRows() {
        // a valid accumulating program is not a vector row program: the plain rows refuse it
        FlatMemory memory = memory(1);
        byte[] before = memory.bytes().clone();
        for (long p : new long[] {TILED, program(BROADCAST2), program(LOAD0, BROADCAST1, ADD)}) {
            assertNotNull(VectorRowProgram.parse(p, true), Long.toHexString(p));
            assertNull(VectorRowProgram.parse(p), Long.toHexString(p));
            assertEquals(0, VectorRows.run(memory, p, 256, LOW + 4096, LOW + 8192, LOW + 12288, LOW + 16384, 1, 2, 3));
            assertTrue(java.util.Arrays.equals(before, memory.bytes()), "memory changed");
        }
        // and one code valid as both runs as each (the cache keeps the kinds apart)
        long both = program(LOAD0, LOAD1, MUL);
        check(memory(2), both, new Row(64, 3, -1, LOW + 60000, 4, 0, LOW + 4096, 4, LOW + 8192, 64), 64);
        FlatMemory plain = memory(3);
        long dst = VectorRowsTest.hostAligned(plain.guard(), LOW + 40000); // all 64 run as vectors from there
        assertEquals(64, VectorRows.run(plain, both, 64, dst, LOW + 4096, LOW + 8192, 0, 0, 0, 0));
        check(memory(4), both, new Row(64, 3, -1, LOW + 60000, 4, 0, LOW + 4096, 4, LOW + 8192, 64), 64);
    }

    @Test
    void aMemoryWithoutVectorRowsRunsNothing() {
        FlatMemory off = memory(7);
        off.vectorRows(false);
        Row row = new Row(20, 3, -1, LOW + 60000, 4, 0, LOW + 4096, 4, LOW + 8192, 64);
        check(off, TILED, row, 0);
        check(memory(7), TILED, row, 20);
    }

    /**
     * Runs the row through {@link VectorAccumulate}, expects {@code expectedDone}, and compares the
     * memory with a copy on which the reference ran the same threads one by one.
     */
    private static void check(FlatMemory memory, long program, Row row, int expectedDone) {
        byte[] expected = memory.bytes().clone();
        int done = VectorAccumulate.run(memory, program, row.count(), row.rows(), row.trips(), row.in(), row.out(),
                row.stride(), row.rowStride(), row.initial(), row.src()[0], row.step()[0], row.rowStep()[0], row.src()[1],
                row.step()[1], row.rowStep()[1], row.src()[2], row.step()[2], row.rowStep()[2], row.u()[0], row.u()[1],
                row.u()[2]);
        String what = "program " + Long.toHexString(program) + " " + row;
        assertEquals(expectedDone, done, what);
        BitSet onlyNaN = reference(expected, memory.guard(), program, done, row);
        byte[] actual = memory.bytes();
        ByteBuffer actualWords = ByteBuffer.wrap(actual).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = onlyNaN.nextSetBit(0); i >= 0; i = onlyNaN.nextSetBit(i + 1)) {
            int t = i % row.count();
            int index = Math.toIntExact(row.out() + row.rowStride() * (i / row.count()) + (long) row.stride() * t
                    - memory.guard());
            assertTrue(Float.isNaN(Float.intBitsToFloat(actualWords.getInt(index))), what + ": thread " + t + " gave no NaN");
            System.arraycopy(actual, index, expected, index, 4);
        }
        VectorRowsTest.assertSameBytes(what, expected, actual, memory.guard());
    }

    /**
     * Threads 0 .. threads-1 one by one as the ABI states them, each adding its terms in order.
     * Returns the threads whose result is only known to be a NaN (an operation met two NaNs: which
     * payload survives is the machine's choice; VectorRowsTest explains).
     */
    private static BitSet reference(byte[] memory, int guard, long program, int threads, Row row) {
        ByteBuffer m = ByteBuffer.wrap(memory).order(ByteOrder.LITTLE_ENDIAN);
        float[] stack = new float[16];
        BitSet onlyNaN = new BitSet();
        for (int i = 0; i < threads; i++) { // row after row, thread after thread
            int r = i / row.count();
            int t = i % row.count();
            float a = row.in() < 0 ? row.initial() : Float.intBitsToFloat(m.getInt(Math.toIntExact(
                    row.in() + row.rowStride() * r + (long) row.stride() * t - guard)));
            for (int j = 0; j < row.trips(); j++) {
                int sp = 0;
                for (int s = 0; s < 16; s++) {
                    int symbol = (int) (program >>> (4 * s)) & 0xF;
                    if (symbol == 0) {
                        break;
                    }
                    if (symbol <= LOAD2) {
                        int k = symbol - LOAD0;
                        stack[sp++] = Float.intBitsToFloat(m.getInt(Math.toIntExact(
                                row.src()[k] + row.rowStep()[k] * r + 4L * t + row.step()[k] * j - guard)));
                    } else if (symbol <= UNIFORM2) {
                        stack[sp++] = row.u()[symbol - UNIFORM0];
                    } else if (symbol >= BROADCAST0) {
                        int k = symbol - BROADCAST0;
                        stack[sp++] = Float.intBitsToFloat(m.getInt(Math.toIntExact(
                                row.src()[k] + row.rowStep()[k] * r + row.step()[k] * j - guard)));
                    } else {
                        float y = stack[--sp];
                        float x = stack[--sp];
                        stack[sp++] = apply(symbol, x, y, onlyNaN, i);
                    }
                }
                a = apply(ADD, a, stack[0], onlyNaN, i);
            }
            m.putInt(Math.toIntExact(row.out() + row.rowStride() * r + (long) row.stride() * t - guard),
                    Float.floatToRawIntBits(a));
        }
        return onlyNaN;
    }

    private static float apply(int symbol, float x, float y, BitSet onlyNaN, int thread) {
        if (Float.isNaN(x) && Float.isNaN(y)) {
            onlyNaN.set(thread);
        }
        return switch (symbol) {
            case ADD -> x + y;
            case SUB -> x - y;
            case MUL -> x * y;
            case DIV -> x / y;
            default -> throw new IllegalStateException("symbol " + symbol);
        };
    }

    /** Three pages with a one-page guard, filled with random floats and special values. */
    private static FlatMemory memory(int seed) {
        FlatMemory memory = new FlatMemory(3, 3, GUARD);
        VectorRowsTest.fill(memory, seed);
        return memory;
    }
}
