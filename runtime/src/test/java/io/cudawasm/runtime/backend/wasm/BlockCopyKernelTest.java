package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.bits;
import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.functionText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Block copies ({@code BlockCopyAbi}): a block whose every row copies elements (or a constant, where
 * a condition bounding the thread indices fails) hands the whole block to the host in one call and
 * leaves the memory the threads one by one leave: against Java references, against a back end whose
 * rows stay on the kernel's own code, and against the memcheck build (which has no fast rows); with
 * partial tiles, pitched rows, every element size, and with sources past the memory, wrapping indices
 * and overlapping stores, which the host declines, so they fault or alias exactly as the threads do.
 */
class BlockCopyKernelTest {
    private static final String KERNELS = """
            // a tile transpose: threads outside the matrix store -1 (a fill whose bytes differ)
            __global__ void transpose(const float* in, float* out, int w, int h) {
                __shared__ float tile[32][33];
                int x = blockIdx.x * blockDim.x + threadIdx.x;
                int y = blockIdx.y * blockDim.y + threadIdx.y;
                tile[threadIdx.y][threadIdx.x] = x < w && y < h ? in[y * w + x] : -1.0f;
                __syncthreads();
                int ox = blockIdx.y * blockDim.y + threadIdx.x;
                int oy = blockIdx.x * blockDim.x + threadIdx.y;
                if (ox < h && oy < w) out[oy * h + ox] = tile[threadIdx.x][threadIdx.y];
            }
            // a reduction's load: one row a block, ints
            __global__ void load_sum(const int* in, int* out, int n) {
                __shared__ int s[256];
                int tid = threadIdx.x;
                int i = blockIdx.x * blockDim.x + tid;
                s[tid] = i < n ? in[i] : 0;
                __syncthreads();
                if (tid == 0) {
                    int sum = 0;
                    for (int k = 0; k < blockDim.x; k++) sum += s[k] * (k + 1);
                    out[blockIdx.x] = sum;
                }
            }
            // a plain copy of a pitched array's rows, no condition
            __global__ void pitched(const float* in, float* out, int pitch) {
                __shared__ float s[16][20];
                s[threadIdx.y][threadIdx.x] = in[(blockIdx.x * blockDim.y + threadIdx.y) * pitch + threadIdx.x];
                __syncthreads();
                out[(blockIdx.x * blockDim.y + threadIdx.y) * blockDim.x + threadIdx.x] = s[blockDim.y - 1 - threadIdx.y][threadIdx.x];
            }
            // doubles, the condition negated (the load on the false side), a window [lo, n)
            __global__ void window(const double* in, double* out, int n, int lo) {
                __shared__ double s[64];
                int t = threadIdx.x;
                int i = blockIdx.x * blockDim.x + t;
                s[t] = i >= n || i < lo ? 2.5 : in[i];
                __syncthreads();
                out[i] = s[blockDim.x - 1 - t];
            }
            // shorts and bytes: element sizes 2 and 1, rows stepping with threadIdx.y
            __global__ void narrow(const short* a, const unsigned char* b, short* oa, unsigned char* ob, int w, int h) {
                __shared__ short sa[8][32];
                __shared__ unsigned char sb[8][32];
                int x = threadIdx.x;
                int y = blockIdx.x * blockDim.y + threadIdx.y;
                sa[threadIdx.y][x] = y < h && x < w ? a[y * w + x] : (short) 0x1234;
                __syncthreads();
                sb[threadIdx.y][x] = y < h && x < w ? b[y * w + x] : (unsigned char) 7;
                __syncthreads();
                oa[y * 32 + x] = sa[threadIdx.y][x];
                ob[y * 32 + x] = sb[threadIdx.y][x];
            }
            // a source offset by a parameter: past the memory's end, or an index that wraps
            __global__ void shifted(const float* in, float* out, int off, int n) {
                __shared__ float s[256];
                int t = threadIdx.x;
                int i = blockIdx.x * blockDim.x + t;
                s[t] = i < n ? in[i + off] : 0.0f;
                __syncthreads();
                out[i] = s[t];
            }
            // a store whose source is another thread's destination: the order of threads matters
            __global__ void smear(float* data, int d, int n) {
                int i = blockIdx.x * blockDim.x + threadIdx.x;
                data[i + 64] = i < n ? data[i + 64 + d] : 0.0f;
            }
            """;

    @Test
    void tileLoadsCallTheHost() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 1)) {
            String text = h.compiled().wasm().text();
            for (String k : new String[] {"transpose", "load_sum", "window", "narrow", "shifted", "smear"}) {
                assertTrue(functionText(text, k).contains("call $env.__cw_block_copy"), k);
            }
            // a row of one plain copy stays a memory.copy a row, which costs less to set up
            assertFalse(functionText(text, "pitched").contains("call $env.__cw_block_copy"));
            assertTrue(functionText(text, "pitched").contains("memory.copy"));
        }
    }

    private static float[] floats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextInt(10) == 0 ? Float.intBitsToFloat(r.nextInt()) : r.nextFloat() * 100 - 50; // NaN payloads too
        }
        return v;
    }

    @Test
    void transposedTilesMatchTheThreadsOneByOne() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 2)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            assertTrue(((WasmSession) vector.session()).vectorRowsOn());
            for (int[] shape : new int[][] {{32, 32, 16}, {50, 37, 16}, {7, 100, 8}, {33, 5, 32}, {4, 4, 4}}) {
                int w = shape[0];
                int h = shape[1];
                int b = shape[2];
                float[] in = floats(w * h, w * 31L + h);
                float[] expected = new float[w * h];
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        expected[x * h + y] = in[y * w + x];
                    }
                }
                LaunchConfig config = LaunchConfig.of(new Dim3((w + b - 1) / b, (h + b - 1) / b, 1), new Dim3(b, b, 1));
                HostRowBuilds.agree(vector, scalar, bits(expected), w + "x" + h + " blocks of " + b, (k, options) -> {
                    DeviceBuffer out = k.buffer(new float[w * h]);
                    k.launch("transpose", config, options, k.buffer(in), out, w, h);
                    return bits(k.floats(out));
                });
            }
        }
    }

    @Test
    void rowLoadsOfEverySizeMatchTheThreadsOneByOne() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 2)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            Random r = new Random(5);
            for (int block : new int[] {16, 17, 64, 256}) {
                int n = 3 * block + 5;
                int blocks = (n + block - 1) / block;
                int[] in = r.ints(n).toArray();
                int[] sums = new int[blocks];
                for (int g = 0; g < blocks; g++) {
                    for (int k = 0; k < block; k++) {
                        int i = g * block + k;
                        sums[g] += (i < n ? in[i] : 0) * (k + 1);
                    }
                }
                HostRowBuilds.agree(vector, scalar, sums, "load_sum " + block, (k, options) -> {
                    DeviceBuffer out = k.buffer(new int[blocks]);
                    k.launch("load_sum", LaunchConfig.of(Dim3.of(blocks), Dim3.of(block)), options, k.buffer(in), out, n);
                    return k.ints(out);
                });
                if (block > 64) {
                    continue;
                }
                int lo = block / 3;
                double[] d = r.doubles(blocks * block).map(v -> v * 1e3).toArray();
                d[1] = Double.longBitsToDouble(0x7FF8_0000_0000_1234L);
                long[] expected = new long[blocks * block];
                for (int g = 0; g < blocks; g++) {
                    for (int t = 0; t < block; t++) {
                        int i = g * block + block - 1 - t;
                        expected[g * block + t] = Double.doubleToRawLongBits(i >= n || i < lo ? 2.5 : d[i]);
                    }
                }
                HostRowBuilds.agree(vector, scalar, expected, "window " + block, (k, options) -> {
                    DeviceBuffer out = k.buffer(new double[blocks * block]);
                    k.launch("window", LaunchConfig.of(Dim3.of(blocks), Dim3.of(block)), options, k.buffer(d), out, n, lo);
                    return Arrays.stream(k.doubles(out)).mapToLong(Double::doubleToRawLongBits).toArray();
                });
            }
        }
    }

    @Test
    void pitchedAndNarrowRowsMatchTheThreadsOneByOne() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 2)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            int pitch = 23;
            int rows = 4 * 8;
            float[] in = floats(rows * pitch, 9);
            float[] expected = new float[rows * 16];
            for (int g = 0; g < 4; g++) {
                for (int y = 0; y < 8; y++) {
                    for (int x = 0; x < 16; x++) {
                        expected[(g * 8 + y) * 16 + x] = in[(g * 8 + 7 - y) * pitch + x];
                    }
                }
            }
            HostRowBuilds.agree(vector, scalar, bits(expected), "pitched", (k, options) -> {
                DeviceBuffer out = k.buffer(new float[rows * 16]);
                k.launch("pitched", LaunchConfig.of(Dim3.of(4), new Dim3(16, 8, 1)), options, k.buffer(in), out, pitch);
                return bits(k.floats(out));
            });
            int w = 29;
            int h = 21;
            Random r = new Random(3);
            byte[] a = new byte[2 * w * h];
            byte[] b = new byte[w * h];
            r.nextBytes(a);
            r.nextBytes(b);
            int blocks = (h + 7) / 8;
            byte[] expectedBytes = new byte[blocks * 8 * 32 * 3];
            for (int y = 0; y < blocks * 8; y++) {
                for (int x = 0; x < 32; x++) {
                    boolean inside = y < h && x < w;
                    int o = y * 32 + x;
                    expectedBytes[2 * o] = inside ? a[2 * (y * w + x)] : 0x34;
                    expectedBytes[2 * o + 1] = inside ? a[2 * (y * w + x) + 1] : 0x12;
                    expectedBytes[blocks * 8 * 32 * 2 + o] = inside ? b[y * w + x] : 7;
                }
            }
            HostRowBuilds.agree(vector, scalar, expectedBytes, "narrow", (k, options) -> {
                DeviceBuffer oa = k.buffer(new byte[blocks * 8 * 32 * 2]);
                DeviceBuffer ob = k.buffer(new byte[blocks * 8 * 32]);
                k.launch("narrow", LaunchConfig.of(Dim3.of(blocks), new Dim3(32, 8, 1)), options, k.buffer(a), k.buffer(b),
                        oa, ob, w, h);
                byte[] both = Arrays.copyOf(k.read(oa), blocks * 8 * 32 * 3);
                System.arraycopy(k.read(ob), 0, both, blocks * 8 * 32 * 2, blocks * 8 * 32);
                return both;
            });
        }
    }

    /**
     * A source whose reads run past the end of the memory, or whose index wraps past INT_MAX: the host
     * declines, and the launch fails as on the back end whose rows stay scalar, at the same thread and
     * with the same report, after the same stores.
     */
    @Test
    void badSourcesFaultAsTheThreadsOneByOneDo() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            for (String kind : new String[] {"past the end", "wrapping", "below the guard"}) {
                List<String> reports = new ArrayList<>();
                for (KernelHarness h : List.of(vector, scalar)) {
                    DeviceBuffer in = h.buffer(new float[64]);
                    DeviceBuffer out = h.buffer(new float[64]);
                    int off = switch (kind) {
                        // thread 40 is the first to read past the end of the memory
                        case "past the end" -> (int) ((((WasmSession) h.session()).memoryBytes() - in.address()) / 4) - 40;
                        case "wrapping" -> Integer.MAX_VALUE - 20;
                        default -> -(int) (in.address() / 4) - 8;
                    };
                    LaunchException e = assertThrows(LaunchException.class,
                            () -> h.launch("shifted", Dim3.of(1), Dim3.of(64), in, out, off, 64),
                            kind + (h == vector ? " vector" : " scalar"));
                    assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), kind + ": " + e.getMessage());
                    reports.add(e.location().threadIdx() + " " + e.getMessage());
                }
                assertEquals(reports.get(1), reports.get(0), kind);
            }
            // in bounds, the same kernel copies on the host; threads past n read nothing
            float[] in = floats(300, 4);
            DeviceBuffer out = vector.buffer(new float[256]);
            vector.launch("shifted", Dim3.of(1), Dim3.of(256), vector.buffer(in), out, 44, 200);
            float[] expected = new float[256];
            System.arraycopy(in, 44, expected, 0, 200);
            assertArrayEquals(bits(expected), bits(vector.floats(out)));
        }
    }

    /**
     * Destinations that overlap the source by a float either way: the host declines (the threads read
     * what earlier threads stored, or not) and the result is the threads' one by one.
     */
    @Test
    void overlappingCopiesKeepTheThreadsOrder() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            float[] data = floats(512, 8);
            for (int d : new int[] {-1, 1, -64, 64, 0}) {
                int n = 200;
                float[] expected = data.clone();
                for (int g = 0; g < 4; g++) {
                    for (int t = 0; t < 64; t++) {
                        int i = g * 64 + t;
                        expected[i + 64] = i < n ? expected[i + 64 + d] : 0.0f;
                    }
                }
                HostRowBuilds.agree(vector, scalar, bits(expected), "d " + d, (k, options) -> {
                    DeviceBuffer buf = k.buffer(data);
                    k.launch("smear", LaunchConfig.of(Dim3.of(4), Dim3.of(64)), options, buf, d, n);
                    return bits(k.floats(buf));
                });
            }
        }
    }
}
