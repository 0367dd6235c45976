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
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Fast rows of float arithmetic hand their threads to the host's vector routines
 * ({@code VectorRowAbi}) and leave exactly the bits the threads one by one leave: against a Java loop
 * over the threads in order and against the memcheck build (which has no fast rows), on values with
 * NaN payloads, infinities, subnormals and signed zeros, for row lengths that are and are not
 * multiples of the vector width, for sources overlapping the destination at every distance, and for
 * rows that run past the memory, which still fault at their first bad thread after the threads before
 * it stored.
 */
class VectorRowKernelTest {
    private static final String KERNELS = """
            __global__ void saxpy(int n, float a, const float* x, float* y) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) y[i] = a * x[i] + y[i];
            }
            __global__ void mixed(int n, float a, float b, const float* x, const float* y, const float* z, float* out) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) out[i] = (x[i] - a) / (y[i] * b + z[i]) + 0.5f;
            }
            __global__ void square(float* x, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) x[i] = x[i] * x[i] - 1.0f;
            }
            __global__ void shifted(char* base, int d, int s, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) ((float*) (base + d))[i] = ((const float*) (base + s))[i] * 2.0f + 1.0f;
            }
            __global__ void reduce(const float* in, float* out) {
                extern __shared__ float s[];
                unsigned tid = threadIdx.x;
                s[tid] = in[blockIdx.x * blockDim.x + tid];
                __syncthreads();
                for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {
                    if (tid < st) s[tid] += s[tid + st];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = s[0];
            }
            __global__ void into(float* dst, const float* src, int off) {
                int t = threadIdx.x;
                dst[t + off] = src[t] + 1.0f;
            }
            __global__ void from(float* dst, const float* src, int off) {
                int t = threadIdx.x;
                dst[t] = src[t + off];
            }
            __global__ void notVector(float* dst, const float* src, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                if (i < n) dst[i] = src[i] * (float) i;
            }
            """;

    /** NaNs with payloads of both kinds, infinities, subnormals, signed zeros and extremes, as raw bits. */
    private static final int[] NAN = {0x7F800001, 0x7FC01234, 0xFFC00007};
    private static final int[] INFINITE = {0x7F800000, 0xFF800000};
    private static final int[] FINITE = {0x00000001, 0x807FFFFF, 0x00000000, 0x80000000, 0x3F800000, 0x7F7FFFFF};

    /**
     * Ordinary values with the corner cases of the given kinds among them. Where an operation meets two
     * NaNs, which payload comes out is not fixed (IEEE 754 leaves it open, and HotSpot's interpreter and
     * its compiled code pick differently for the same scalar loop), so the data keeps NaNs to one
     * operand of each operation; a NaN meeting a number keeps its payload, bit for bit.
     */
    private static float[] values(int n, long seed, int[]... kinds) {
        int[] corners = Arrays.stream(kinds).flatMapToInt(Arrays::stream).toArray();
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(6) == 0 ? Float.intBitsToFloat(corners[r.nextInt(corners.length)])
                    : (r.nextFloat() - 0.5f) * (float) Math.pow(2, r.nextInt(60) - 30);
        }
        return v;
    }

    /** The harness, with every vector row program of its module ready (compiled and warmed up). */
    private static KernelHarness harness(int workers) {
        KernelHarness h = KernelHarness.of(KERNELS, workers);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("if \\$vector\\d+\\s+i64\\.const (-?\\d+)")
                .matcher(h.compiled().wasm().text());
        int programs = 0;
        while (m.find()) {
            assertTrue(VectorRows.ready(Long.parseLong(m.group(1))), m.group());
            programs++;
        }
        assertTrue(programs >= 6, "vector rows in the module: " + programs);
        return h;
    }

    static int[] bits(float[] f) {
        int[] b = new int[f.length];
        for (int i = 0; i < f.length; i++) {
            b[i] = Float.floatToRawIntBits(f[i]);
        }
        return b;
    }

    private static int[] bits(KernelHarness h, DeviceBuffer b) {
        return bits(h.floats(b));
    }

    @Test
    void floatRowsCallTheHostAndOthersDoNot() {
        try (KernelHarness h = harness(1)) {
            String text = h.compiled().wasm().text();
            for (String k : new String[] {"saxpy", "mixed", "square", "shifted", "reduce", "into"}) {
                assertTrue(functionText(text, k).contains("call $env.__cw_vector_row"), k);
            }
            // a thread's own index in the value is not a row-wide value
            assertFalse(functionText(text, "notVector").contains("__cw_vector_row"));
        }
    }

    /**
     * The same saxpy on a back end whose rows stay scalar ({@code WasmBackend(workers, interpreter,
     * false)}) and on one with vector rows: both give the Java loop's bits, NaN payloads included.
     */
    @Test
    void vectorAndScalarBackEndsGiveTheSameBits() {
        try (KernelHarness vector = harness(1); WasmBackend scalarBackend = new WasmBackend(1, false, false);
                KernelHarness scalar = KernelHarness.of(vector.compiled(), scalarBackend)) {
            // saxpy's program: a, x[i], *, y[i], + (a the first row-wide value, x the first source)
            long program = 0x72914L;
            assertTrue(functionText(vector.compiled().wasm().text(), "saxpy").contains("i64.const " + program));
            // the test JVM has the module (the runtime's surefire configuration adds it)
            assertTrue(VectorRows.available());
            assertTrue(((WasmSession) vector.session()).vectorRowsOn());
            assertFalse(((WasmSession) scalar.session()).vectorRowsOn());
            int n = 4096;
            float[] x = values(n, 1, NAN, INFINITE, FINITE);
            float[] y = values(n, 2, INFINITE, FINITE);
            float[] expected = new float[n];
            for (int i = 0; i < n; i++) {
                expected[i] = 2f * x[i] + y[i];
            }
            for (KernelHarness h : List.of(vector, scalar)) {
                DeviceBuffer dy = h.buffer(y);
                h.launch("saxpy", Dim3.of(n / 256), Dim3.of(256), n, 2f, h.buffer(x), dy);
                assertArrayEquals(bits(expected), bits(h, dy), h == vector ? "vector rows" : "scalar rows");
            }
        }
    }

    @Test
    void rowsGiveTheBitsOfTheThreadsOneByOne() {
        try (KernelHarness h = harness(2)) {
            for (int block : new int[] {32, 100, 256, 1024}) {
                for (int n : new int[] {1, 17, 1000, 4099}) {
                    int grid = (n + block - 1) / block;
                    // NaNs in x only; no infinities in z, so y * b + z is never a NaN to meet x's
                    float[] x = values(n, n * 31L + block, NAN, INFINITE, FINITE);
                    float[] y = values(n, n * 17L + block, INFINITE, FINITE);
                    float[] z = values(n, n * 13L + block, FINITE);
                    float a = -1.75f;
                    float b = 3.0e-3f;
                    float[] saxpy = new float[n];
                    float[] mixed = new float[n];
                    float[] square = new float[n];
                    for (int i = 0; i < n; i++) {
                        saxpy[i] = a * x[i] + y[i];
                        mixed[i] = (x[i] - a) / (y[i] * b + z[i]) + 0.5f;
                        square[i] = x[i] * x[i] - 1.0f;
                    }
                    String at = "block " + block + " n " + n;
                    for (boolean memcheck : new boolean[] {false, true}) {
                        LaunchConfig config = LaunchConfig.of(Dim3.of(grid), Dim3.of(block));
                        LaunchOptions options = LaunchOptions.DEFAULT.withMemcheck(memcheck);
                        DeviceBuffer dy = h.buffer(y);
                        h.launch("saxpy", config, options, n, a, h.buffer(x), dy);
                        assertArrayEquals(bits(saxpy), bits(h, dy), "saxpy " + at);
                        DeviceBuffer out = h.buffer(new float[n]);
                        h.launch("mixed", config, options, n, a, b, h.buffer(x), h.buffer(y), h.buffer(z), out);
                        assertArrayEquals(bits(mixed), bits(h, out), "mixed " + at);
                        DeviceBuffer dx = h.buffer(x);
                        h.launch("square", config, options, dx, n);
                        assertArrayEquals(bits(square), bits(h, dx), "square " + at);
                    }
                }
            }
        }
    }

    /** The tree's rows read above what they write, in place: every step as the threads one by one. */
    @Test
    void sharedMemoryTreesGiveTheBitsOfTheSequentialTree() {
        try (KernelHarness h = harness(2)) {
            for (int block : new int[] {32, 64, 256, 1024}) {
                int blocks = 37;
                float[] in = values(block * blocks, block, INFINITE, FINITE); // inf - inf makes NaNs of one payload
                float[] expected = new float[blocks];
                for (int g = 0; g < blocks; g++) {
                    float[] s = Arrays.copyOfRange(in, g * block, (g + 1) * block);
                    for (int st = block / 2; st > 0; st >>= 1) {
                        for (int t = 0; t < st; t++) {
                            s[t] += s[t + st];
                        }
                    }
                    expected[g] = s[0];
                }
                DeviceBuffer out = h.buffer(new float[blocks]);
                h.launch("reduce", new LaunchConfig(Dim3.of(blocks), Dim3.of(block), block * 4), LaunchOptions.DEFAULT,
                        h.buffer(in), out);
                assertArrayEquals(bits(expected), bits(h, out), "block " + block);
            }
        }
    }

    /**
     * A source at any distance from the destination, at whole and at partial floats: a source below the
     * destination that overlaps it reads what earlier threads stored, which the host declines and the
     * loop does; every other case the host may run.
     */
    @Test
    void overlappingSourcesGiveTheBitsOfTheThreadsOneByOne() {
        byte[] pattern = new byte[16384];
        ByteBuffer init = ByteBuffer.wrap(pattern).order(ByteOrder.LITTLE_ENDIAN);
        float[] v = values(pattern.length / 4, 99, NAN, INFINITE, FINITE);
        for (float f : v) {
            init.putFloat(f);
        }
        int s = 4096;
        try (KernelHarness h = harness(1)) {
            for (int shift : new int[] {-1000, -64, -9, -8, -5, -4, -2, -1, 0, 1, 2, 3, 4, 5, 8, 60, 64, 1000}) {
                for (int[] shape : new int[][] {{1, 17, 17}, {2, 256, 500}, {4, 96, 384}, {1, 1024, 1024}}) {
                    int grid = shape[0];
                    int block = shape[1];
                    int n = shape[2];
                    ByteBuffer expected = ByteBuffer.wrap(pattern.clone()).order(ByteOrder.LITTLE_ENDIAN);
                    for (int i = 0; i < Math.min(n, grid * block); i++) { // a load, then a store
                        expected.putFloat(s + shift + 4 * i, expected.getFloat(s + 4 * i) * 2.0f + 1.0f);
                    }
                    String at = "shift " + shift + " grid " + grid + " block " + block + " n " + n;
                    for (boolean memcheck : new boolean[] {false, true}) {
                        DeviceBuffer b = h.buffer(pattern);
                        h.launch("shifted", LaunchConfig.of(Dim3.of(grid), Dim3.of(block)),
                                LaunchOptions.DEFAULT.withMemcheck(memcheck), b, s + shift, s, n);
                        assertArrayEquals(expected.array(), h.read(b), at + (memcheck ? " (memcheck)" : ""));
                    }
                }
            }
        }
    }

    /**
     * A row whose stores run past the end of the memory faults at its first thread there, after the
     * threads before it stored, as the thread loop does (the host declines the whole row).
     */
    @Test
    void rowsPastTheMemoryFaultAtTheirFirstBadThreadAfterTheOthersStored() {
        try (KernelHarness h = harness(1)) {
            WasmSession session = (WasmSession) h.session();
            float[] values = new float[64];
            for (int i = 0; i < values.length; i++) {
                values[i] = 100 + i;
            }
            DeviceBuffer src = h.buffer(values);
            float[] sentinel = new float[64];
            Arrays.fill(sentinel, -7f);
            DeviceBuffer dst = h.buffer(sentinel);
            // every buffer first: a new one moves the worker regions that the memory's last bytes belong to
            DeviceBuffer back = h.buffer(sentinel);
            // and a first fault: its report (a memcheck run of the launch) takes memory of its own
            assertThrows(LaunchException.class, () -> h.launch("into", Dim3.of(1), Dim3.of(64), dst, src, 1 << 28));
            long end = session.memoryBytes();
            int toEnd = (int) ((end - dst.address()) / 4); // dst[toEnd] is the first float past the memory
            // a row of 64: threads 0..9 store the memory's last 40 bytes (the worker's own stack, which the
            // fault's memcheck run counts as live), thread 10 is the first past it; the host declines the row
            LaunchException e = assertThrows(LaunchException.class,
                    () -> h.launch("into", Dim3.of(1), Dim3.of(64), dst, src, toEnd - 10));
            assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure());
            assertEquals(new Index3(10, 0, 0), e.location().threadIdx(), e.getMessage());
            assertEquals(end, session.memoryBytes());
            h.launch("from", Dim3.of(1), Dim3.of(10), back, dst, toEnd - 10);
            float[] expected = sentinel.clone();
            for (int t = 0; t < 10; t++) {
                expected[t] = values[t] + 1.0f;
            }
            assertArrayEquals(expected, h.floats(back));
        }
    }

    /** The WAT of a kernel's functions (its runner and its regions). */
    static String functionText(String text, String kernel) {
        StringBuilder b = new StringBuilder();
        for (String f : text.split("\\(func ")) {
            if (f.startsWith("$" + kernel + " ") || f.startsWith("$" + kernel + "$")) {
                b.append(f);
            }
        }
        return b.toString();
    }
}
