package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Thread block clusters of more than one block (sm_90) on the CPU path: the blocks of a cluster run
 * at the same time, {@code cluster.sync()} holds each until all have reached it, and distributed
 * shared memory ({@code map_shared_rank}) reaches the other blocks' shared memory. Checked against
 * Java references of what each block reads from the others; a rank outside the cluster, a block
 * that ends while others wait for it, and shapes CUDA refuses end the launch with a clear error.
 */
class ClusterTest {
    static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            // Each block fills its shared array, then reads the array of the next block of its cluster.
            __global__ void __cluster_dims__(2, 2, 1) neighbours(int *out)
            {
                __shared__ int mine[64];
                cg::cluster_group cluster = cg::this_cluster();
                unsigned rank = cluster.block_rank();
                int block = blockIdx.x + gridDim.x * blockIdx.y;
                mine[threadIdx.x] = block * 1000 + threadIdx.x;
                cluster.sync();
                int *theirs = cluster.map_shared_rank(mine, (rank + 1) % cluster.num_blocks());
                int seen = theirs[(threadIdx.x + 1) % blockDim.x];
                // nobody leaves while another block may still read its shared memory
                cluster.sync();
                out[block * blockDim.x + threadIdx.x] = seen;
            }

            // A histogram whose bins are spread over the shared memory of the cluster's blocks.
            __global__ void histogram(const int *values, int n, int *bins, int binsPerBlock)
            {
                extern __shared__ int part[];
                cg::cluster_group cluster = cg::this_cluster();
                for (int b = threadIdx.x; b < binsPerBlock; b += blockDim.x) part[b] = 0;
                cluster.sync();
                int all = binsPerBlock * cluster.num_blocks();
                for (int i = blockIdx.x * blockDim.x + threadIdx.x; i < n; i += blockDim.x * gridDim.x) {
                    int bin = values[i] % all;
                    int *owner = cluster.map_shared_rank(part, bin / binsPerBlock);
                    atomicAdd(owner + bin % binsPerBlock, 1);
                }
                cluster.sync();
                for (int b = threadIdx.x; b < binsPerBlock; b += blockDim.x) {
                    atomicAdd(&bins[cluster.block_rank() * binsPerBlock + b], part[b]);
                }
            }

            // What a block knows about its cluster, through cooperative groups and the sm_90 intrinsics.
            __global__ void shape(unsigned *out)
            {
                __shared__ int x;
                cg::cluster_group cluster = cg::this_cluster();
                if (threadIdx.x == 0) {
                    unsigned block = blockIdx.x + gridDim.x * (blockIdx.y + gridDim.y * blockIdx.z);
                    unsigned *o = out + block * 12;
                    dim3 d = cluster.dim_blocks();
                    dim3 in = cluster.block_index();
                    dim3 c = __clusterIdx();
                    o[0] = cluster.block_rank();
                    o[1] = cluster.num_blocks();
                    o[2] = d.x * 100 + d.y * 10 + d.z;
                    o[3] = in.x * 100 + in.y * 10 + in.z;
                    o[4] = c.x * 100 + c.y * 10 + c.z;
                    o[5] = __clusterRelativeBlockRank();
                    o[6] = __clusterSizeInBlocks();
                    o[7] = cluster.query_shared_rank(cluster.map_shared_rank(&x, (o[0] + 1) % o[1]));
                    o[8] = cluster.thread_rank();
                    o[9] = cluster.num_threads();
                    o[10] = cluster.dim_threads().x;
                    o[11] = __clusterDim().x;
                }
                cluster.sync();
            }

            __global__ void badRank(int *out, int rank)
            {
                __shared__ int s[4];
                cg::cluster_group cluster = cg::this_cluster();
                s[threadIdx.x % 4] = 1;
                cluster.sync();
                out[blockIdx.x] = *cluster.map_shared_rank(&s[0], rank);
                cluster.sync();
            }

            __global__ void leavesEarly(int *out)
            {
                if (cg::this_cluster().block_rank() == 1) {
                    return;
                }
                cg::this_cluster().sync();
                out[blockIdx.x] = 1;
            }

            __global__ void spins(int *flag)
            {
                if (cg::this_cluster().block_rank() == 0) {
                    while (flag[0] == 0) {
                        flag[1] += 1;
                    }
                }
                cg::this_cluster().sync();
            }
            """;

    /** The kernels as nvcc compiles them for sm_90: mapa, getctarank, barrier.cluster and the %cluster registers. */
    static KernelHarness viaPtx() {
        return KernelHarness.of(AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("cluster.ptx",
                io.cudawasm.runtime.ptx.Nvcc.ptx(SOURCE, new io.cudawasm.runtime.ptx.Nvcc.Config("compute_90", false),
                        java.util.List.of()))), 2);
    }

    @Test
    void nvccsClusterCodeRunsThroughPtx() {
        try (KernelHarness h = viaPtx()) {
            // .reqnctapercluster 2, 2, 1 from __cluster_dims__
            DeviceBuffer out = h.buffer(new int[16 * 64]);
            h.launch("neighbours", new LaunchConfig(new Dim3(4, 4, 1), Dim3.of(64), 0), LaunchOptions.DEFAULT, out);
            assertArrayEquals(io.cudawasm.runtime.backend.check.ClusterCases.neighboursReference(4, 4, 64, 2, 2), h.ints(out));
            DeviceBuffer shape = h.buffer(new int[16 * 12]);
            h.launch("shape", new LaunchConfig(new Dim3(4, 2, 2), Dim3.of(32), 0, new Dim3(2, 1, 2)), LaunchOptions.DEFAULT,
                    shape);
            int[] got = h.ints(shape);
            // block (3, 1, 1): rank 1 + 2 * 1 in its cluster (1, 1, 0)
            assertArrayEquals(new int[] {3, 4, 212, 101, 110, 3, 4, 0, 96, 128, 64, 2},
                    java.util.Arrays.copyOfRange(got, 15 * 12, 16 * 12));
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("badRank",
                    new LaunchConfig(Dim3.of(8), Dim3.of(4), 0, Dim3.of(4)), LaunchOptions.DEFAULT, out, 4));
            assertTrue(e.getMessage().contains("map_shared_rank: the rank is not a block"), e.getMessage());
        }
        int[] values = new int[5000];
        for (int i = 0; i < values.length; i++) {
            values[i] = i * 7919 % 4099;
        }
        int[] expected = new int[4 * 32];
        for (int v : values) {
            expected[v % expected.length]++;
        }
        try (KernelHarness h = viaPtx()) {
            DeviceBuffer in = h.buffer(values);
            DeviceBuffer bins = h.buffer(new int[expected.length]);
            h.launch("histogram", new LaunchConfig(Dim3.of(8), Dim3.of(64), 32 * 4, Dim3.of(4)), LaunchOptions.DEFAULT,
                    in, values.length, bins, 32);
            assertArrayEquals(expected, h.ints(bins));
        }
    }

    /**
     * The CUDA back end's cluster code checked for what it does: its CUDA C ({@code __cluster_dims__},
     * {@code __cluster_map_shared_rank}, {@code __cluster_barrier_arrive/wait}, {@code __clusterDim()})
     * through nvcc for sm_90, run on the CPU path, gives the reference results.
     */
    @Test
    void theCudaBackEndsClusterCodeGivesTheReferenceResultsThroughItsPtx() {
        io.cudawasm.kernels.cuda.CudaProgram program = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of(
                "cluster.cu", SOURCE)).cuda();
        assertTrue(program.source().contains("__cluster_dims__(2, 2, 1)") && program.source().contains(
                "__cluster_map_shared_rank"), program.source());
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(program, "compute_90");
        try (KernelHarness h = KernelHarness.of(io.cudawasm.kernels.KernelCompiler.compile(
                io.cudawasm.kernels.CompileRequest.of("cluster_cuda.ptx", ptx)), 2)) {
            DeviceBuffer out = h.buffer(new int[16 * 64]);
            h.launch("neighbours", new LaunchConfig(new Dim3(4, 4, 1), Dim3.of(64), 0), LaunchOptions.DEFAULT, out);
            assertArrayEquals(io.cudawasm.runtime.backend.check.ClusterCases.neighboursReference(4, 4, 64, 2, 2), h.ints(out));
            DeviceBuffer shape = h.buffer(new int[16 * 12]);
            h.launch("shape", new LaunchConfig(new Dim3(4, 2, 2), Dim3.of(32), 0, new Dim3(2, 1, 2)), LaunchOptions.DEFAULT,
                    shape);
            assertArrayEquals(new int[] {3, 4, 212, 101, 110, 3, 4, 0, 96, 128, 64, 2},
                    java.util.Arrays.copyOfRange(h.ints(shape), 15 * 12, 16 * 12));
        }
    }

    /**
     * OpenCL runs clusters of one block (a work-group reaches no other's local memory): the cluster
     * calls then mean the block itself, and a launch with larger clusters is refused by name.
     */
    @Test
    void openClRunsClustersOfOneAndRefusesLargerOnes() {
        io.cudawasm.kernels.CompileResult compiled = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("cluster.cu",
                SOURCE));
        try (var session = io.cudawasm.runtime.backend.opencl.OpenClTestDevice.backend().open(compiled)) {
            DeviceBuffer out = session.allocate(4L * 16 * 12);
            session.launch("shape", new LaunchConfig(new Dim3(4, 2, 2), Dim3.of(32), 0), java.util.List.of(
                    io.cudawasm.runtime.launch.KernelArg.of(out)), LaunchOptions.DEFAULT);
            int[] got = new int[16 * 12];
            java.nio.ByteBuffer.wrap(session.read(out, 0, 4 * 16 * 12)).order(java.nio.ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(got);
            assertArrayEquals(new int[] {0, 1, 111, 0, 311, 0, 1, 0, 0, 32, 32, 1},
                    java.util.Arrays.copyOfRange(got, 15 * 12, 16 * 12));
            LaunchException e = assertThrows(LaunchException.class, () -> session.launch("neighbours",
                    new LaunchConfig(new Dim3(4, 4, 1), Dim3.of(64), 0), java.util.List.of(
                            io.cudawasm.runtime.launch.KernelArg.of(out)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("not supported on the OpenCL back end"), e.getMessage());
        }
    }

    /** The cluster cases scripts/gpu-check.sh runs on CUDA (sm_90), here on the CPU path. */
    @Test
    void theGpuChecksClusterCasesMatchTheirReferencesOnTheCpuPath() {
        for (io.cudawasm.runtime.backend.check.KernelCase c : io.cudawasm.runtime.backend.check.ClusterCases.all()) {
            AllPaths.check(c, java.util.EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.PTX), "",
                    new io.cudawasm.runtime.ptx.Nvcc.Config("compute_90", false));
        }
    }

    @Test
    void eachBlockReadsTheSharedMemoryOfAnotherBlockOfItsCluster() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            int gx = 4;
            int gy = 4;
            int threads = 64;
            DeviceBuffer out = h.buffer(new int[gx * gy * threads]);
            h.launch("neighbours", new LaunchConfig(new Dim3(gx, gy, 1), Dim3.of(threads), 0), LaunchOptions.DEFAULT, out);
            assertArrayEquals(io.cudawasm.runtime.backend.check.ClusterCases.neighboursReference(gx, gy, threads, 2, 2), h.ints(out));
        }
    }

    @Test
    void aHistogramSpreadOverTheClustersSharedMemoryCountsEveryValue() {
        int n = 20_000;
        int[] values = new int[n];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < n; i++) {
            values[i] = random.nextInt(1 << 20);
        }
        for (int cluster : new int[] {1, 2, 4, 8}) {
            int binsPerBlock = 96;
            int all = binsPerBlock * cluster;
            // the grid-stride loop gives each value to one cluster, which counts it in one block's bins
            int[] expected = new int[all];
            for (int v : values) {
                expected[v % all]++;
            }
            int grid = 3 * cluster;
            int threads = 128;
            try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
                DeviceBuffer in = h.buffer(values);
                DeviceBuffer bins = h.buffer(new int[all]);
                h.launch("histogram", new LaunchConfig(Dim3.of(grid), Dim3.of(threads), binsPerBlock * 4,
                        Dim3.of(cluster)), LaunchOptions.DEFAULT, in, n, bins, binsPerBlock);
                assertArrayEquals(expected, h.ints(bins), "clusters of " + cluster);
            }
        }
    }

    @Test
    void aBlockKnowsItsPlaceInItsCluster() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            Dim3 grid = new Dim3(4, 2, 2);
            Dim3 cluster = new Dim3(2, 1, 2);
            int blocks = (int) grid.total();
            DeviceBuffer out = h.buffer(new int[blocks * 12]);
            h.launch("shape", new LaunchConfig(grid, Dim3.of(32), 0, cluster), LaunchOptions.DEFAULT, out);
            int[] got = h.ints(out);
            for (int z = 0; z < 2; z++) {
                for (int y = 0; y < 2; y++) {
                    for (int x = 0; x < 4; x++) {
                        int b = x + 4 * (y + 2 * z);
                        int rank = x % 2 + 2 * (z % 2);
                        int[] expected = {rank, 4, 212, (x % 2) * 100 + (z % 2), (x / 2) * 100 + y * 10 + z / 2, rank, 4,
                            (rank + 1) % 4, rank * 32, 128, 64, 2};
                        assertArrayEquals(expected, java.util.Arrays.copyOfRange(got, b * 12, b * 12 + 12), "block " + b);
                    }
                }
            }
            // without clusters every block is a cluster of one
            h.launch("shape", new LaunchConfig(grid, Dim3.of(32), 0), LaunchOptions.DEFAULT, out);
            int[] one = h.ints(out);
            assertArrayEquals(new int[] {0, 1, 111, 0, 100 * 3 + 10 + 1, 0, 1, 0, 0, 32, 32, 1},
                    java.util.Arrays.copyOfRange(one, 15 * 12, 16 * 12));
        }
    }

    @Test
    void aRankOutsideTheClusterStopsTheKernelAndTheWorkerGoesOn() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[8]);
            LaunchConfig config = new LaunchConfig(Dim3.of(8), Dim3.of(4), 0, Dim3.of(4));
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("badRank", config,
                    LaunchOptions.DEFAULT, out, 4));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("map_shared_rank: the rank is not a block of the caller's cluster"),
                    e.getMessage());
            h.launch("badRank", config, LaunchOptions.DEFAULT, out, 3);
            assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1}, h.ints(out));
        }
    }

    @Test
    void aBlockThatEndsWhileItsClusterWaitsForItFailsTheLaunch() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[8]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("leavesEarly",
                    new LaunchConfig(Dim3.of(8), Dim3.of(16), 0, Dim3.of(2)), LaunchOptions.DEFAULT, out));
            assertTrue(e.getMessage().contains("a block ended without reaching a cluster.sync()"), e.getMessage());
            noClusterThreadsLeft();
        }
    }

    @Test
    void theTimeLimitStopsBlocksThatWaitForTheirCluster() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer flag = h.buffer(new int[2]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("spins",
                    new LaunchConfig(Dim3.of(8), Dim3.of(8), 0, Dim3.of(4)),
                    LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(300)), flag));
            assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
            noClusterThreadsLeft();
        }
    }

    @Test
    void shapesCudaRefusesAreRefused() {
        try (KernelHarness h = KernelHarness.of(SOURCE, 2)) {
            DeviceBuffer out = h.buffer(new int[4096]);
            // the kernel declares 2x2x1
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("neighbours",
                    new LaunchConfig(new Dim3(4, 4, 1), Dim3.of(64), 0, Dim3.of(4)), LaunchOptions.DEFAULT, out));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("declares clusters of 2x2x1"), e.getMessage());
            // a grid of 3 blocks along x is no whole number of 2x2 clusters
            e = assertThrows(LaunchException.class, () -> h.launch("neighbours",
                    new LaunchConfig(new Dim3(3, 4, 1), Dim3.of(64), 0), LaunchOptions.DEFAULT, out));
            assertTrue(e.getMessage().contains("whole number of clusters"), e.getMessage());
            e = assertThrows(LaunchException.class, () -> h.launch("shape",
                    new LaunchConfig(Dim3.of(16), Dim3.of(32), 0, Dim3.of(16)), LaunchOptions.DEFAULT, out));
            assertTrue(e.getMessage().contains("at most 8 blocks"), e.getMessage());
            e = assertThrows(LaunchException.class, () -> h.launch("shape",
                    new LaunchConfig(Dim3.of(4), Dim3.of(32), 0, Dim3.of(2)), LaunchOptions.DEFAULT.withCooperative(true),
                    out));
            assertTrue(e.getMessage().contains("cooperative launch"), e.getMessage());
        }
        CompileException c = assertThrows(CompileException.class, () -> KernelHarness.of(
                "__global__ void __cluster_dims__(4, 4, 1) k(int *a) { a[0] = 1; }", 1));
        assertTrue(c.getMessage().contains("at most 8 blocks"), c.getMessage());
    }

    /** Every block thread of a cluster launch has ended: none is left waiting at a barrier. */
    static void noClusterThreadsLeft() {
        io.cudawasm.runtime.testing.Await.until(Duration.ofSeconds(5), "cluster block threads to end",
                () -> Thread.getAllStackTraces().keySet().stream()
                        .noneMatch(t -> t.getName().startsWith("cuda-wasm-cluster-")));
    }
}
