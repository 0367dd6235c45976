package io.cudawasm.runtime.backend.wasm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.Index3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * A fast thread row whose threads each copy one element ({@code dst[i] = src[i]}, contiguous) runs
 * as one {@code memory.copy} where that is certainly the same as the threads one by one, and leaves
 * exactly the bytes the thread loop leaves: for every element size, for overlapping ranges in both
 * directions (at element and at byte distances, where a forward copy element by element and a
 * memmove differ), for rows the guard cuts, and for rows that run past either end of the memory,
 * which still fault at the thread they always faulted at, after the threads before it wrote.
 */
class RowCopyTest {
    private static final String COPIES = """
            #define COPY(T, name) \\
            __global__ void name(char* base, int d, int s, int n) { \\
                int i = blockIdx.x * blockDim.x + threadIdx.x; \\
                if (i < n) ((T*) (base + d))[i] = ((const T*) (base + s))[i]; \\
            }
            COPY(char, copy1)
            COPY(short, copy2)
            COPY(float, copy4)
            COPY(double, copy8)
            COPY(long long, copy8i)
            __global__ void plusZero(float* dst, const float* src, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) dst[i] = src[i] + 0.0f;
            }
            __global__ void rows(float* dst, const float* src, int w) {
                int x = blockIdx.x * blockDim.x + threadIdx.x;
                int y = blockIdx.y * blockDim.y + threadIdx.y;
                dst[y * w + x] = src[y * w + x];
            }
            __global__ void staged(const float* in, float* out) {
                extern __shared__ float s[];
                unsigned tid = threadIdx.x;
                s[tid] = in[blockIdx.x * blockDim.x + tid];
                __syncthreads();
                out[blockIdx.x * blockDim.x + tid] = s[blockDim.x - 1 - tid];
            }
            __global__ void pointers(int** dst, int* const* src) {
                dst[threadIdx.x] = src[threadIdx.x];
            }
            __global__ void from(float* dst, const float* src, int off) {
                int t = threadIdx.x;
                dst[t] = src[t + off];
            }
            __global__ void into(float* dst, const float* src, int off) {
                int t = threadIdx.x;
                dst[t + off] = src[t];
            }
            """;

    private static final String[] KERNELS = {"copy1", "copy2", "copy4", "copy8", "copy8i"};
    private static final int[] SIZES = {1, 2, 4, 8, 8};

    /** The WAT of a kernel's functions (its runner and its regions). */
    private static String functionText(KernelHarness h, String kernel) {
        StringBuilder b = new StringBuilder();
        for (String f : h.compiled().wasm().text().split("\\(func ")) {
            if (f.startsWith("$" + kernel + " ") || f.startsWith("$" + kernel + "$")) {
                b.append(f);
            }
        }
        return b.toString();
    }

    @Test
    void copyRowsBecomeBulkCopiesAndOthersDoNot() {
        try (KernelHarness h = KernelHarness.of(COPIES, 1)) {
            for (String k : new String[] {"copy1", "copy2", "copy4", "copy8", "copy8i", "rows", "staged", "from", "into"}) {
                assertTrue(functionText(h, k).contains("memory.copy"), k);
            }
            assertFalse(functionText(h, "plusZero").contains("memory.copy"));
            assertFalse(functionText(h, "pointers").contains("memory.copy"));
        }
    }

    /** Pointers are not copied as bytes: a loaded pointer whose high half is set still faults, at its thread. */
    @Test
    void pointerRowsStillCheckEveryPointer() {
        try (KernelHarness h = KernelHarness.of(COPIES, 1)) {
            DeviceBuffer target = h.buffer(new int[4]);
            long[] pointers = new long[16];
            Arrays.fill(pointers, target.address());
            DeviceBuffer dst = h.buffer(new long[16]);
            h.launch("pointers", Dim3.of(1), Dim3.of(16), dst, h.buffer(pointers));
            assertArrayEquals(pointers, h.longs(dst));
            pointers[6] |= 1L << 40;
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("pointers", Dim3.of(1), Dim3.of(16), dst, h.buffer(pointers)));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
        }
    }

    /**
     * Every element size and guard, the destination below, on, above and far from the source, at whole
     * and at partial elements: the same bytes as a forward loop over the threads in Java, and as the
     * memcheck build (which has no fast rows).
     */
    @Test
    void overlappingCopiesLeaveWhatTheThreadsOneByOneLeave() {
        byte[] pattern = new byte[8192];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) (i * 31 + 7);
        }
        int s = 2048;
        try (KernelHarness h = KernelHarness.of(COPIES, 1)) {
            for (int k = 0; k < KERNELS.length; k++) {
                int size = SIZES[k];
                for (int shift : new int[] {-1000, -9, -8, -5, -4, -1, 0, 1, 2, 3, 4, 5, 8, 9, 1000}) {
                    for (int[] shape : new int[][] {{1, 1, 1}, {2, 3, 5}, {4, 64, 200}, {2, 256, 512}, {3, 96, 1}}) {
                        int grid = shape[0];
                        int block = shape[1];
                        int n = shape[2];
                        byte[] expected = pattern.clone();
                        byte[] element = new byte[size];
                        for (int i = 0; i < Math.min(n, grid * block); i++) { // a load, then a store
                            System.arraycopy(expected, s + i * size, element, 0, size);
                            System.arraycopy(element, 0, expected, s + shift + i * size, size);
                        }
                        String at = KERNELS[k] + " shift " + shift + " grid " + grid + " block " + block + " n " + n;
                        byte[][] got = new byte[2][];
                        for (int pass = 0; pass < 2; pass++) {
                            DeviceBuffer b = h.buffer(pattern);
                            h.launch(KERNELS[k], LaunchConfig.of(Dim3.of(grid), Dim3.of(block)),
                                    LaunchOptions.DEFAULT.withMemcheck(pass == 1), b, s + shift, s, n);
                            got[pass] = h.read(b);
                        }
                        assertArrayEquals(expected, got[0], at);
                        assertArrayEquals(expected, got[1], at + " (memcheck)");
                    }
                }
            }
        }
    }

    @Test
    void rowsOfTwoDimensionalBlocksAndSharedMemoryStagesCopyExactBits() {
        try (KernelHarness h = KernelHarness.of(COPIES, 2)) {
            int w = 64;
            int[] bits = new int[w * 32];
            for (int i = 0; i < bits.length; i++) {
                // signalling and quiet NaNs with payloads among ordinary values: a copy keeps every bit
                bits[i] = i % 5 == 0 ? 0x7F800001 + i : i % 5 == 1 ? 0xFFC00000 | i : Float.floatToRawIntBits(i * 0.75f);
            }
            DeviceBuffer src = h.buffer(bits);
            DeviceBuffer dst = h.buffer(new int[bits.length]);
            h.launch("rows", new Dim3(2, 8, 1), new Dim3(32, 4, 1), dst, src, w);
            assertArrayEquals(bits, h.ints(dst));
            DeviceBuffer out = h.buffer(new int[bits.length]);
            int block = 256;
            h.launch("staged", new LaunchConfig(Dim3.of(bits.length / block), Dim3.of(block), block * 4),
                    LaunchOptions.DEFAULT, src, out);
            int[] expected = new int[bits.length];
            for (int b = 0; b < bits.length / block; b++) {
                for (int t = 0; t < block; t++) {
                    expected[b * block + t] = bits[b * block + block - 1 - t];
                }
            }
            assertArrayEquals(expected, h.ints(out));
        }
    }

    /**
     * A row that reads or writes past the end of the memory faults at its first thread there, as the
     * thread loop does, after the threads before it copied their elements (a bulk copy of the row
     * would have faulted before copying any); a row that ends exactly at the end, or starts exactly
     * at the guard's end, runs through. (The fault's thread is what the launch's memcheck re-run of
     * the failed block finds; the bytes copied are the fast row's.)
     */
    @Test
    void rowsPastTheMemoryFaultAtTheirFirstBadThreadAfterTheOthersCopied() {
        try (KernelHarness h = KernelHarness.of(COPIES, 1)) {
            WasmSession session = (WasmSession) h.session();
            float[] values = new float[32];
            for (int i = 0; i < values.length; i++) {
                values[i] = 100 + i;
            }
            DeviceBuffer src = h.buffer(values);
            float[] sentinel = new float[32];
            Arrays.fill(sentinel, -7f);
            DeviceBuffer dst = h.buffer(sentinel);
            // every buffer first: a new one moves the worker regions that the memory's last bytes belong to
            DeviceBuffer back = h.buffer(sentinel);
            DeviceBuffer partial = h.buffer(sentinel);
            DeviceBuffer none = h.buffer(sentinel);
            // and a first fault: its report (a memcheck run of the launch) takes memory of its own
            assertThrows(LaunchException.class, () -> h.launch("from", Dim3.of(1), Dim3.of(32), back, src, 1 << 28));
            long end = session.memoryBytes();
            int toEnd = (int) ((end - dst.address()) / 4); // dst[toEnd] is the first float past the memory
            // threads 0..9 write the memory's last 40 bytes, thread 10 is the first past it
            LaunchException write = assertThrows(LaunchException.class,
                    () -> h.launch("into", Dim3.of(1), Dim3.of(32), dst, src, toEnd - 10));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, write.failure());
            assertEquals(new Index3(10, 0, 0), write.location().threadIdx(), write.getMessage());
            assertEquals(end, session.memoryBytes());
            // read them back with a row that ends exactly at the end of the memory (a bulk copy)
            h.launch("from", Dim3.of(1), Dim3.of(10), back, dst, toEnd - 10);
            float[] expected = sentinel.clone();
            System.arraycopy(values, 0, expected, 0, 10);
            assertArrayEquals(expected, h.floats(back));
            // the same last bytes read by 32 threads: threads 0..9 copy, thread 10 faults
            LaunchException read = assertThrows(LaunchException.class,
                    () -> h.launch("from", Dim3.of(1), Dim3.of(32), partial, dst, toEnd - 10));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, read.failure());
            assertEquals(new Index3(10, 0, 0), read.location().threadIdx(), read.getMessage());
            // what the memory's last bytes hold now is the worker regions' business (the fault's memcheck run
            // lays them out again); that the threads before the fault copied and none after it did is ours
            float[] copied = h.floats(partial);
            for (int t = 0; t < 32; t++) {
                assertEquals(t >= 10, copied[t] == -7f, "thread " + t + ": " + Arrays.toString(copied));
            }
            // a row that starts in the guard below address 65536 faults at its first thread, having copied nothing
            int toGuard = (int) ((65536 - src.address()) / 4);
            LaunchException low = assertThrows(LaunchException.class,
                    () -> h.launch("from", Dim3.of(1), Dim3.of(32), none, src, toGuard - 2));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, low.failure());
            assertEquals(new Index3(0, 0, 0), low.location().threadIdx(), low.getMessage());
            assertArrayEquals(sentinel, h.floats(none));
            // from exactly the guard's end, the row runs through (the module's first static bytes)
            h.launch("from", Dim3.of(1), Dim3.of(32), none, src, toGuard);
        }
    }
}
