package io.cudawasm.runtime.backend.wasm;

import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.bits;
import static io.cudawasm.runtime.backend.wasm.VectorRowKernelTest.functionText;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Vector trees ({@code VectorTreeAbi}): a shared-memory tree reduction's halving loop runs as one host
 * call per block and leaves the bits the threads one by one leave, against Java references of the
 * same order of operations, the back end whose rows stay on the kernel's code, and the memcheck build;
 * blocks of every size from 1 to 1024 threads (steps of fewer threads than a vector included), signed
 * and unsigned counters, {@code s >>= 1} and {@code s /= 2}, other programs; and the loops the host
 * declines (overlapping steps, two-dimensional blocks, a destination past the memory) run as before.
 */
class VectorTreeKernelTest {
    private static final String KERNELS = """
            __global__ void tree_sum(const float* in, float* out, int n) {
                extern __shared__ float s[];
                unsigned tid = threadIdx.x;
                unsigned i = blockIdx.x * blockDim.x + tid;
                s[tid] = i < n ? in[i] : 0.0f;
                __syncthreads();
                for (unsigned st = blockDim.x / 2; st > 0; st >>= 1) {
                    if (tid < st) s[tid] += s[tid + st];
                    __syncthreads();
                }
                if (tid == 0) out[blockIdx.x] = s[0];
            }
            // a signed counter halved by division, from a start of the caller's, another program
            __global__ void tree_mixed(float* data, float* out, int start, float w) {
                __shared__ float s[1024];
                int tid = threadIdx.x;
                s[tid] = data[blockIdx.x * blockDim.x + tid];
                __syncthreads();
                for (int st = start; st > 0; st /= 2) {
                    if (tid < st) s[tid] = (s[tid] - s[tid + st]) * w + s[tid + st] / 3.0f;
                    __syncthreads();
                }
                data[blockIdx.x * blockDim.x + tid] = s[tid];
            }
            // steps that overlap themselves: thread t reads what thread t + 1 stores
            __global__ void tree_overlap(float* data, int start) {
                __shared__ float s[256];
                int tid = threadIdx.x;
                s[tid] = data[tid];
                __syncthreads();
                for (int st = start; st > 0; st >>= 1) {
                    if (tid < st) s[tid] = s[tid] + s[tid + 1];
                    __syncthreads();
                }
                data[tid] = s[tid];
            }
            """;

    @Test
    void treeLoopsCallTheHost() {
        try (KernelHarness h = KernelHarness.of(KERNELS, 1)) {
            String text = h.compiled().wasm().text();
            for (String k : new String[] {"tree_sum", "tree_mixed", "tree_overlap"}) {
                assertTrue(functionText(text, k).contains("call $env.__cw_vector_tree"), k);
            }
        }
    }

    private static float[] floats(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (r.nextFloat() - 0.5f) * (float) Math.pow(2, r.nextInt(30) - 15);
        }
        return v;
    }

    @Test
    void sumsOfEveryBlockSizeMatchTheThreadsOneByOne() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 2)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            for (int block : new int[] {1, 2, 3, 8, 16, 17, 31, 32, 48, 64, 100, 128, 256, 512, 1024}) {
                int n = 3 * block - 1;
                int blocks = (n + block - 1) / block;
                float[] in = floats(n, block);
                float[] expected = new float[blocks];
                for (int g = 0; g < blocks; g++) {
                    float[] s = new float[block];
                    for (int t = 0; t < block; t++) {
                        s[t] = g * block + t < n ? in[g * block + t] : 0.0f;
                    }
                    for (int st = block / 2; st > 0; st >>= 1) {
                        for (int t = 0; t < st; t++) {
                            s[t] += s[t + st];
                        }
                    }
                    expected[g] = s[0];
                }
                HostRowBuilds.agree(vector, scalar, bits(expected), "block " + block, (h, options) -> {
                    DeviceBuffer out = h.buffer(new float[blocks]);
                    h.launch("tree_sum", new LaunchConfig(Dim3.of(blocks), Dim3.of(block), 4 * block), options,
                            h.buffer(in), out, n);
                    return bits(h.floats(out));
                });
            }
        }
    }

    /** The whole shared array after the loop (not just s[0]): every step's stores, exactly the threads'. */
    @Test
    void otherProgramsAndStartsMatchTheThreadsOneByOne() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 2)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            float w = 0.75f;
            for (int[] shape : new int[][] {{256, 128}, {256, 100}, {64, 31}, {1024, 512}, {40, 20}, {256, 0}, {256, -4}}) {
                int block = shape[0];
                int start = shape[1];
                float[] data = floats(4 * block, block + start);
                float[] expected = data.clone();
                for (int g = 0; g < 4; g++) {
                    float[] s = new float[block];
                    System.arraycopy(data, g * block, s, 0, block);
                    for (int st = start; st > 0; st /= 2) {
                        for (int t = 0; t < Math.min(st, block); t++) {
                            s[t] = (s[t] - s[t + st]) * w + s[t + st] / 3.0f;
                        }
                    }
                    System.arraycopy(s, 0, expected, g * block, block);
                }
                HostRowBuilds.agree(vector, scalar, bits(expected), "block " + block + " start " + start, (h, options) -> {
                    DeviceBuffer buf = h.buffer(data);
                    DeviceBuffer out = h.buffer(new float[4]);
                    h.launch("tree_mixed", LaunchConfig.of(Dim3.of(4), Dim3.of(block)), options, buf, out, start, w);
                    return bits(h.floats(buf));
                });
            }
        }
    }

    /**
     * Steps whose threads read what the next thread stores (the host declines: the vector order would
     * read the old floats), and the same kernel in a two-dimensional block (the host's indices assume
     * one row): the loop runs as before, with the threads' results.
     */
    @Test
    void loopsTheHostDeclinesRunAsBefore() {
        try (HostRowBuilds builds = HostRowBuilds.of(KERNELS, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            float[] data = floats(256, 5);
            float[] s = data.clone();
            for (int st = 64; st > 0; st >>= 1) {
                for (int t = 0; t < st; t++) {
                    s[t] = s[t] + s[t + 1];
                }
            }
            HostRowBuilds.agree(vector, scalar, bits(s), "overlap", (h, options) -> {
                DeviceBuffer buf = h.buffer(data);
                h.launch("tree_overlap", LaunchConfig.of(Dim3.of(1), Dim3.of(256)), options, buf, 64);
                return bits(h.floats(buf));
            });
            // 16 x 4 threads: every row loads the same 16 floats, runs each step on them in turn (racing on
            // one array on a GPU; one row after the other here) and stores them back: the host declines
            float[] in = floats(64, 6);
            float[] tree = java.util.Arrays.copyOf(in, 16);
            for (int st = 8; st > 0; st /= 2) {
                for (int row = 0; row < 4; row++) {
                    for (int t = 0; t < st; t++) {
                        tree[t] = (tree[t] - tree[t + st]) * 0.5f + tree[t + st] / 3.0f;
                    }
                }
            }
            float[] expected = in.clone();
            System.arraycopy(tree, 0, expected, 0, 16);
            for (KernelHarness h : List.of(vector, scalar)) {
                DeviceBuffer buf = h.buffer(in);
                h.launch("tree_mixed", LaunchConfig.of(Dim3.of(1), new Dim3(16, 4, 1)), LaunchOptions.DEFAULT, buf,
                        h.buffer(new float[1]), 8, 0.5f);
                assertArrayEquals(bits(expected), bits(h.floats(buf)), "two-dimensional block");
            }
        }
    }

    /** A destination past the end of the memory: the host declines and the loop faults as the threads do. */
    @Test
    void aTreePastTheMemoryFaultsAsTheThreadsDo() {
        String source = """
                __global__ void far_tree(float* p, int off) {
                    int tid = threadIdx.x;
                    for (int st = 128; st > 0; st >>= 1) {
                        if (tid < st) p[off + tid] += p[off + tid + st];
                        __syncthreads();
                    }
                }
                """;
        try (HostRowBuilds builds = HostRowBuilds.of(source, 1)) {
            KernelHarness vector = builds.vector();
            KernelHarness scalar = builds.scalar();
            assertTrue(functionText(vector.compiled().wasm().text(), "far_tree").contains("call $env.__cw_vector_tree"));
            List<String> reports = new ArrayList<>();
            for (KernelHarness h : List.of(vector, scalar)) {
                DeviceBuffer p = h.buffer(new float[256]);
                long end = ((WasmSession) h.session()).memoryBytes();
                int off = (int) ((end - p.address()) / 4) - 200; // the first step's sources run past the end
                LaunchException e = assertThrows(LaunchException.class,
                        () -> h.launch("far_tree", Dim3.of(1), Dim3.of(256), p, off));
                assertEquals(LaunchFailure.OUT_OF_BOUNDS, e.failure(), e.getMessage());
                reports.add(e.location().threadIdx() + " " + e.getMessage());
            }
            assertEquals(reports.get(1), reports.get(0));
        }
    }
}
