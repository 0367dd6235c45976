package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.dylibso.chicory.runtime.Memory;
import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * {@link BlockCopy} against a reference that runs the block's threads one by one, in order, on a copy
 * of the memory, as {@link BlockCopyAbi} defines them: the memories must agree byte for byte, and
 * every refusal must return 0 and leave the memory untouched.
 */
class BlockCopyTest {
    /** Three pages with a one-page guard: valid addresses are [LOW, END). */
    private static final long LOW = Math.max(KernelAbi.GUARD_BYTES, Memory.PAGE_SIZE);
    private static final long END = 3L * Memory.PAGE_SIZE;

    /** One store's arguments: {@code {dst, dstRow, src, srcRow, box, fill}}. */
    private static long[] store(long dst, long dstRow, long src, long srcRow, long box, long fill) {
        return new long[] {dst, dstRow, src, srcRow, box, fill};
    }

    private static FlatMemory memory(int seed) {
        FlatMemory m = new FlatMemory(3, 3, Memory.PAGE_SIZE);
        VectorRowsTest.fill(m, seed);
        return m;
    }

    private static int run(FlatMemory m, int columns, int rows, int size, long[]... stores) {
        long[][] s = new long[BlockCopyAbi.MAX_STORES][];
        for (int i = 0; i < s.length; i++) {
            s[i] = i < stores.length ? stores[i] : new long[6];
        }
        return BlockCopy.run(m, columns, rows, size, s[0][0], s[0][1], s[0][2], s[0][3], s[0][4], s[0][5], s[1][0],
                s[1][1], s[1][2], s[1][3], s[1][4], s[1][5], s[2][0], s[2][1], s[2][2], s[2][3], s[2][4], s[2][5],
                s[3][0], s[3][1], s[3][2], s[3][3], s[3][4], s[3][5]);
    }

    /** The threads one by one, each running every store in turn, as the ABI's pseudo-code says. */
    private static void reference(FlatMemory m, int columns, int rows, int size, long[]... stores) {
        byte[] a = m.bytes();
        int guard = m.guard();
        for (int y = 0; y < rows; y++) {
            for (int x = 0; x < columns; x++) {
                for (long[] s : stores) {
                    if (s[0] == 0) {
                        continue;
                    }
                    long box = s[4];
                    boolean inside = x >= (box & 0xFFFF) && x < (box >>> 16 & 0xFFFF) && y >= (box >>> 32 & 0xFFFF)
                            && y < (box >>> 48 & 0xFFFF);
                    int to = (int) (s[0] + s[1] * y + (long) size * x - guard);
                    for (int b = 0; b < size; b++) {
                        a[to + b] = inside ? a[(int) (s[2] + s[3] * y + (long) size * x - guard) + b] : (byte) (s[5] >>> 8 * b);
                    }
                }
            }
        }
    }

    /** Runs the call and the reference on two copies of one memory; asserts the call ran and both agree. */
    private static void agrees(String what, int columns, int rows, int size, long[]... stores) {
        FlatMemory got = memory(columns * 31 + rows);
        FlatMemory expected = memory(columns * 31 + rows);
        byte[] before = got.bytes().clone();
        assertEquals(columns * rows, run(got, columns, rows, size, stores), what);
        reference(expected, columns, rows, size, stores);
        assertArrayEquals(expected.bytes(), got.bytes(), what);
        assertFalse(Arrays.equals(before, got.bytes()), what + ": something moved");
    }

    /** Asserts the call refuses: returns 0 and leaves every byte as it was. */
    private static void refuses(String what, FlatMemory m, int columns, int rows, int size, long[]... stores) {
        byte[] before = m.bytes().clone();
        assertEquals(0, run(m, columns, rows, size, stores), what);
        assertArrayEquals(before, m.bytes(), what);
    }

    private static void refuses(String what, int columns, int rows, int size, long[]... stores) {
        refuses(what, memory(7), columns, rows, size, stores);
    }

    private static final long MINUS_ONE = Float.floatToRawIntBits(-1.0f) & 0xFFFF_FFFFL;

    @Test
    void tileLoadsWithPartialBoxesMatchTheThreadsOneByOne() {
        // the tiled matmul's two loads at an edge: A's rows from row 0, B's from row 2, stepping a row of N = 50 floats
        agrees("tiles", 16, 16, 4, store(LOW + 1000, 64, LOW + 20000, 200, BlockCopyAbi.box(0, 13, 0, 11), 0),
                store(LOW + 2100, 64, LOW + 40000, 200, BlockCopyAbi.box(3, 16, 2, 16), MINUS_ONE));
        agrees("whole block", 32, 8, 4, store(LOW + 1000, 132, LOW + 60000, 128, BlockCopyAbi.box(0, 32, 0, 8), 0));
        agrees("four stores", 8, 4, 4, store(LOW + 100, 32, LOW + 10000, 40, BlockCopyAbi.box(1, 7, 0, 4), 5),
                store(LOW + 300, 32, LOW + 20000, 40, BlockCopyAbi.box(0, 8, 1, 3), MINUS_ONE),
                store(LOW + 600, -32, LOW + 30000, -40, BlockCopyAbi.box(2, 2, 0, 4), 0),
                store(LOW + 700, 32, LOW + 40000, 0, BlockCopyAbi.box(0, 8, 0, 4), 0));
    }

    @Test
    void everyElementSizeMatchesTheThreadsOneByOne() {
        long fill = 0x1122_3344_5566_7788L;
        for (int size : new int[] {1, 2, 4, 8}) {
            agrees("size " + size, 24, 3, size,
                    store(LOW + 4000, -24L * size - 8, LOW + 50000, 24L * size, BlockCopyAbi.box(5, 20, 1, 3), fill));
            agrees("size " + size + ", one row", 200, 1, size,
                    store(LOW + 4000, 0, LOW + 50000, 0, BlockCopyAbi.box(0, 150, 0, 1), 0));
            agrees("size " + size + ", constant alone", 16, 4, size,
                    store(LOW + 4000, 16L * size, 12345, 0, BlockCopyAbi.box(0, 0, 0, 0), fill));
        }
    }

    /** Sources only matter inside the box: outside it they may lie anywhere, even outside the memory. */
    @Test
    void sourcesOutsideTheBoxAreNeverRead() {
        // threads 8 and up of the row would read past the end, rows 2 and up below the guard
        agrees("past the end", 16, 1, 4, store(LOW + 100, 0, END - 32, 0, BlockCopyAbi.box(0, 8, 0, 1), 0));
        agrees("below the guard", 16, 4, 4, store(LOW + 100, 64, LOW + 5000, -100000, BlockCopyAbi.box(0, 16, 0, 1), 0));
        agrees("an empty box", 16, 4, 4, store(LOW + 100, 64, 1L << 60, 1L << 40, BlockCopyAbi.box(9, 3, 0, 4), 0));
        agrees("an empty row range", 16, 4, 4, store(LOW + 100, 64, -1, 0, BlockCopyAbi.box(0, 16, 4, 4), 0));
    }

    @Test
    void refusesWhatItCannotRunExactly() {
        long box = BlockCopyAbi.box(0, 16, 0, 4);
        long[] ok = store(LOW + 100, 64, LOW + 10000, 64, box, 0);
        assertEquals(64, run(memory(7), 16, 4, 4, ok));
        refuses("size 3", 16, 4, 3, ok);
        refuses("size 16", 16, 4, 16, ok);
        refuses("no columns", 0, 4, 4, ok);
        refuses("no rows", 16, 0, 4, ok);
        refuses("more threads than a block", 41, 25, 4, store(LOW + 100, 164, LOW + 10000, 164, 0, 0));
        refuses("a box beyond the columns", 16, 4, 4, store(LOW + 100, 64, LOW + 10000, 64, BlockCopyAbi.box(0, 17, 0, 4), 0));
        refuses("a box beyond the rows", 16, 4, 4, store(LOW + 100, 64, LOW + 10000, 64, BlockCopyAbi.box(0, 16, 0, 5), 0));
        refuses("a destination below the guard", 16, 4, 4, store(LOW - 4, 64, LOW + 10000, 64, box, 0));
        refuses("destination rows below the guard", 16, 4, 4, store(LOW + 100, -64, LOW + 10000, 64, box, 0));
        refuses("a destination past the end", 16, 4, 4, store(END - 200, 64, LOW + 10000, 64, box, 0));
        refuses("a read past the end", 16, 4, 4, store(LOW + 100, 64, END - 200, 64, box, 0));
        refuses("a read below the guard", 16, 4, 4, store(LOW + 100, 64, LOW + 50, -64, BlockCopyAbi.box(0, 16, 1, 4), 0));
        refuses("rows that overlap", 16, 4, 4, store(LOW + 100, 60, LOW + 10000, 64, box, 0));
        refuses("a source far away", 16, 4, 4, store(LOW + 100, 64, (1L << 41) + LOW, 64, box, 0));
        refuses("a row step far away", 16, 2, 4, store(LOW + 100, 1L << 32, LOW + 10000, 64, box, 0));
        refuses("its own source", 16, 4, 4, store(LOW + 100, 64, LOW + 104, 64, box, 0));
        refuses("its own source, below", 16, 4, 4, store(LOW + 104, 64, LOW + 100, 64, box, 0));
        refuses("another's source", 16, 4, 4, ok, store(LOW + 20000, 64, LOW + 100 + 250, 64, box, 0));
        refuses("another's destination", 16, 4, 4, ok, store(LOW + 100 + 252, 64, LOW + 30000, 64, box, 0));
        // the second store's destination lies in the first one's gaps, but the extents overlap: refused too
        refuses("interleaved rows", 16, 4, 4, store(LOW + 100, 128, LOW + 10000, 64, box, 0),
                store(LOW + 164, 128, LOW + 20000, 64, box, 0));
        FlatMemory off = memory(7);
        off.vectorRows(false);
        refuses("host rows off", off, 16, 4, 4, ok);
    }
}
