package io.cudawasm.runtime.backend.wasm;

import io.cudawasm.kernels.abi.BlockCopyAbi;
import io.cudawasm.kernels.abi.KernelAbi;
import java.util.Arrays;

/**
 * The host side of {@code env.__cw_block_copy} ({@link BlockCopyAbi}): moves a block's stores row by
 * row with {@link System#arraycopy} and {@link Arrays#fill}, or nothing when it cannot promise the
 * memory ends up exactly as running the threads one by one would leave it.
 *
 * <p>Why store by store gives the threads' result: every check comes before any byte moves (so a
 * refusal leaves the memory as it was, and the rows' own loops then trap where the threads would);
 * no store reads bytes any store writes, and no two stores write the same bytes, so the order in
 * which the stores' bytes move cannot change what is read or what is left; a store's own rows do not
 * overlap, so its bytes are each written once. The extents compared are each store's bounding
 * interval (its first to its last byte): conservative, since a tile's rows leave gaps a source could
 * lie in, but tiles and their sources are separate arrays.
 */
final class BlockCopy {
    private BlockCopy() {}

    /**
     * Steps between rows beyond this either way are refused before any product is formed, and so are
     * addresses beyond {@link #MAX_ADDRESS}: the extents' arithmetic then stays far inside a
     * {@code long}. No memory of under 2 GiB holds two rows that far apart anyway.
     */
    private static final long MAX_ROW_STEP = Integer.MAX_VALUE;

    private static final long MAX_ADDRESS = 1L << 40;

    /**
     * Runs the block per {@link BlockCopyAbi}: returns {@code rows * columns} when it moved every
     * store, 0 (memory untouched) when it refused. Arguments are the kernel's values, taken as they are.
     */
    static int run(FlatMemory memory, int columns, int rows, int size, long dst0, long dstRow0, long src0, long srcRow0,
            long box0, long fill0, long dst1, long dstRow1, long src1, long srcRow1, long box1, long fill1, long dst2,
            long dstRow2, long src2, long srcRow2, long box2, long fill2, long dst3, long dstRow3, long src3, long srcRow3,
            long box3, long fill3) {
        if (!memory.vectorRows() || columns < 1 || rows < 1 || (long) columns * rows > BlockCopyAbi.MAX_THREADS
                || size != 1 && size != 2 && size != 4 && size != 8) {
            return 0;
        }
        long[][] stores = {{dst0, dstRow0, src0, srcRow0, box0, fill0}, {dst1, dstRow1, src1, srcRow1, box1, fill1},
            {dst2, dstRow2, src2, srcRow2, box2, fill2}, {dst3, dstRow3, src3, srcRow3, box3, fill3}};
        return run(memory, columns, rows, size, stores);
    }

    /** {@link #run} with the stores as {@code {dst, dstRow, src, srcRow, box, fill}}, counts and size checked. */
    private static int run(FlatMemory memory, int columns, int rows, int size, long[][] stores) {
        byte[] array = memory.bytes(); // read once: the bounds below are this array's
        int guard = memory.guard();
        long low = Math.max(KernelAbi.GUARD_BYTES, guard);
        long high = guard + (long) array.length;
        int rowBytes = columns * size;
        int n = 0;
        Store[] planned = new Store[BlockCopyAbi.MAX_STORES];
        for (long[] s : stores) {
            if (s[0] == 0) {
                continue;
            }
            Store store = Store.of(s, columns, rows, rowBytes, size, low, high);
            if (store == null) {
                return 0;
            }
            planned[n++] = store;
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                Store a = planned[i];
                Store b = planned[j];
                if (b.reads() && overlaps(a.low(), a.high(), b.readLow(), b.readHigh())
                        || i < j && overlaps(a.low(), a.high(), b.low(), b.high())) {
                    return 0;
                }
            }
        }
        // every address below was checked to lie in [low, high): as array indices (address - guard) they fit an int
        for (int i = 0; i < n; i++) {
            Store s = planned[i];
            for (int y = 0; y < rows; y++) {
                int row = (int) (s.dst() + s.dstRow() * y - guard);
                if (y < s.ylo() || y >= s.yhi() || s.xlo() >= s.xhi()) {
                    fill(array, row, columns, size, s.fill());
                    continue;
                }
                fill(array, row, s.xlo(), size, s.fill());
                int from = (int) (s.src() + s.srcRow() * y + (long) size * s.xlo() - guard);
                System.arraycopy(array, from, array, row + size * s.xlo(), size * (s.xhi() - s.xlo()));
                fill(array, row + size * s.xhi(), columns - s.xhi(), size, s.fill());
            }
        }
        return rows * columns;
    }

    /**
     * One store, checked: its destination's extent {@code [low, high)} and, where its box holds a
     * thread, the extent of the bytes it reads {@code [readLow, readHigh)}; box bounds clamped to an
     * empty box where either pair is empty.
     */
    private record Store(long dst, long dstRow, long src, long srcRow, int xlo, int xhi, int ylo, int yhi, long fill,
            long low, long high, long readLow, long readHigh) {
        boolean reads() {
            return xlo < xhi && ylo < yhi;
        }

        /** The store {@code s} ({@code {dst, dstRow, src, srcRow, box, fill}}), or null when it must be refused. */
        static Store of(long[] s, int columns, int rows, int rowBytes, int size, long low, long high) {
            long dst = s[0];
            long dstRow = rows > 1 ? s[1] : 0;
            long src = s[2];
            long srcRow = rows > 1 ? s[3] : 0;
            long box = s[4];
            int xlo = (int) (box & 0xFFFF);
            int xhi = (int) (box >>> 16 & 0xFFFF);
            int ylo = (int) (box >>> 32 & 0xFFFF);
            int yhi = (int) (box >>> 48 & 0xFFFF);
            if (xlo > columns || xhi > columns || ylo > rows || yhi > rows || dst < low || dst > high
                    || Math.abs(dstRow) > MAX_ROW_STEP || rows > 1 && Math.abs(dstRow) < rowBytes) {
                return null;
            }
            long[] written = extent(dst, dstRow, rows, rowBytes);
            if (written[0] < low || written[1] > high) {
                return null;
            }
            if (xlo >= xhi || ylo >= yhi) {
                return new Store(dst, dstRow, src, srcRow, 0, 0, 0, 0, s[5], written[0], written[1], 0, 0);
            }
            if (Math.abs(src) > MAX_ADDRESS || Math.abs(srcRow) > MAX_ROW_STEP) {
                return null;
            }
            long[] read = extent(src + srcRow * ylo + (long) size * xlo, srcRow, yhi - ylo, (xhi - xlo) * size);
            if (read[0] < low || read[1] > high) {
                return null;
            }
            return new Store(dst, dstRow, src, srcRow, xlo, xhi, ylo, yhi, s[5], written[0], written[1], read[0], read[1]);
        }
    }

    /** {@code [lowest, highest)} byte of {@code rows} rows of {@code bytes} bytes, {@code step} apart, from {@code first}. */
    private static long[] extent(long first, long step, int rows, long bytes) {
        long last = first + step * (rows - 1);
        return new long[] {Math.min(first, last), Math.max(first, last) + bytes};
    }

    private static boolean overlaps(long low1, long high1, long low2, long high2) {
        return low1 < high2 && low2 < high1;
    }

    /** {@code count} elements of {@code size} bytes from {@code index}, each the low bytes of {@code bits}, little-endian. */
    private static void fill(byte[] array, int index, int count, int size, long bits) {
        if (count <= 0) {
            return;
        }
        boolean bytewise = true;
        for (int b = 1; b < size; b++) {
            bytewise &= (byte) (bits >>> 8 * b) == (byte) bits;
        }
        if (bytewise) {
            Arrays.fill(array, index, index + count * size, (byte) bits);
            return;
        }
        for (int e = 0; e < count; e++) {
            for (int b = 0; b < size; b++) {
                array[index + e * size + b] = (byte) (bits >>> 8 * b);
            }
        }
    }
}
