package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.KernelArg;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.testing.Await;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;

/**
 * Grid-wide synchronization ({@code grid.sync()}, {@code cg::sync(grid)}, {@code barrier_arrive/wait}):
 * the CPU path launches a kernel that synchronizes its grid cooperatively, every block on a thread
 * of its own, so that each block runs up to the grid barrier and waits for all the others. Checked
 * against Java references where each phase reads what other blocks wrote in the phase before; a grid
 * larger than a cooperative launch allows, a block that traps in a phase, a block that skips a
 * barrier and a time limit while blocks wait all end the launch cleanly, with no thread left behind.
 * OpenCL has no barrier across work-groups: it runs such a kernel as one NDRange per phase.
 */
class GridSyncTest {
    static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            // Phase by phase, each thread reads what a thread of another block wrote before the barrier:
            // without the grid barrier the reads see old values.
            __global__ void rotate(int *a, int *b, int *sums, const int *rounds, int trapBlock)
            {
                cg::grid_group grid = cg::this_grid();
                int n = grid.size();
                int i = grid.thread_rank();
                a[i] = i;
                grid.sync();
                // a loop whose count the compiler cannot tell is the same for every thread
                for (int r = 0; r < rounds[0]; r++) {
                    b[i] = a[(i + blockDim.x + r) % n] * 3 + r;
                    if (blockIdx.x == trapBlock && r == 1) {
                        __trap();
                    }
                    cg::sync(grid);
                    a[i] = b[i] % 1000003;
                    cg::this_grid().sync();
                }
                // block 0 sums what every block left: the last phase of a multi-block reduction
                __shared__ int partial[64];
                partial[threadIdx.x] = a[i];
                __syncthreads();
                if (threadIdx.x == 0) {
                    int s = 0;
                    for (int t = 0; t < blockDim.x; t++) s += partial[t];
                    sums[blockIdx.x] = s;
                }
                auto token = grid.barrier_arrive();
                grid.barrier_wait(std::move(token)); // an rvalue, as CUDA's signature takes it
                if (grid.block_rank() == 0 && threadIdx.x == 0) {
                    int total = 0;
                    for (int k = 0; k < gridDim.x; k++) total += sums[k];
                    sums[gridDim.x] = total;
                }
            }

            __global__ void valid(int *out)
            {
                cg::grid_group grid = cg::this_grid();
                out[grid.thread_rank()] = grid.is_valid() ? 1 : 2;
            }

            __global__ void validAndSynced(int *out)
            {
                cg::grid_group grid = cg::this_grid();
                out[grid.thread_rank()] = 0;
                grid.sync();
                out[(grid.thread_rank() + 32) % grid.size()] += grid.is_valid() ? 1 : 2;
            }

            __global__ void skips(int *a)
            {
                if (blockIdx.x == 2) {
                    return;
                }
                a[blockIdx.x * blockDim.x + threadIdx.x] = 1;
                cg::this_grid().sync();
                a[blockIdx.x * blockDim.x + threadIdx.x] = 2;
            }

            __global__ void spins(int *a, int blocks)
            {
                if (blockIdx.x == 0) {
                    while (a[0] >= 0) {
                        a[1] += 1;
                    }
                }
                cg::this_grid().sync();
                a[2] = blocks;
            }
            """;

    static final int BLOCK = 64;

    /** What {@code rotate} leaves in a, and the per-block and total sums. */
    static int[][] reference(int blocks, int rounds) {
        int n = blocks * BLOCK;
        int[][] ab = io.cudawasm.runtime.backend.check.CooperativeCases.rotated(n, BLOCK, rounds);
        int[] a = ab[0];
        int[] b = ab[1];
        int[] sums = new int[blocks + 1];
        for (int i = 0; i < n; i++) {
            sums[i / BLOCK] += a[i];
        }
        for (int k = 0; k < blocks; k++) {
            sums[blocks] += sums[k];
        }
        return new int[][] {a, b, sums};
    }

    static KernelCase rotateCase(int blocks, int rounds) {
        int[][] ref = reference(blocks, rounds);
        int n = blocks * BLOCK;
        return CaseBuilder.of("grid_sync_rotate", "grid_sync.cu", SOURCE).kernel("rotate")
                .launch(Dim3.of(blocks), Dim3.of(BLOCK)).out("a", new int[n], ref[0]).out("b", new int[n], ref[1])
                .out("sums", new int[blocks + 1], ref[2]).in("rounds", new int[] {rounds}).scalar(-1).build();
    }

    @Test
    void phasesSeeWhatOtherBlocksWroteBeforeEachGridBarrier() {
        AllPaths.check(rotateCase(8, 5), EnumSet.of(AllPaths.Path.WASM), "");
        // the largest grid a cooperative launch allows on two workers: 32 blocks per worker
        AllPaths.check(rotateCase(64, 3), EnumSet.of(AllPaths.Path.WASM), "");
    }

    @Test
    void aGridLargerThanACooperativeLaunchAllowsIsRefused() {
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2), AllPaths.compile(request()),
                rotateCase(65, 1).launch());
        assertNotNull(r.failure(), "a cooperative launch of 65 blocks on two workers ran");
        LaunchException e = assertInstanceOf(r.failure());
        assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
        assertTrue(e.getMessage().contains("at most 64 blocks of this kernel at once") && e.getMessage().contains("has 65")
                && e.getMessage().contains("cudaErrorCooperativeLaunchTooLarge"), e.getMessage());
    }

    @Test
    void isValidIsTrueInACooperativeLaunchOnly() {
        try (KernelHarness h = KernelHarness.of(request(), 2)) {
            DeviceBuffer out = h.buffer(new int[4 * 32]);
            LaunchConfig config = new LaunchConfig(Dim3.of(4), Dim3.of(32), 0);
            h.launch("valid", config, LaunchOptions.DEFAULT, out);
            assertArrayEquals(filled(128, 2), h.ints(out));
            h.launch("valid", config, LaunchOptions.DEFAULT.withCooperative(true), out);
            assertArrayEquals(filled(128, 1), h.ints(out));
            // a kernel that synchronizes its grid is launched cooperatively without being asked
            h.launch("validAndSynced", config, LaunchOptions.DEFAULT, out);
            assertArrayEquals(filled(128, 1), h.ints(out));
            // and a cooperative launch is bounded even when the kernel does not synchronize its grid
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("valid", new LaunchConfig(Dim3.of(65),
                    Dim3.of(1), 0), LaunchOptions.DEFAULT.withCooperative(true), out));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("launched cooperatively") && e.getMessage().contains("at most 64"),
                    e.getMessage());
        }
    }

    static int[] filled(int n, int v) {
        int[] a = new int[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    @Test
    void aBlockThatTrapsInAPhaseEndsTheLaunchAndReleasesTheOthers() {
        try (KernelHarness h = KernelHarness.of(request(), 2)) {
            int blocks = 16;
            DeviceBuffer a = h.buffer(new int[blocks * BLOCK]);
            DeviceBuffer b = h.buffer(new int[blocks * BLOCK]);
            DeviceBuffer sums = h.buffer(new int[blocks + 1]);
            DeviceBuffer rounds = h.buffer(new int[] {4});
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("rotate", Dim3.of(blocks),
                    Dim3.of(BLOCK), a, b, sums, rounds, 5));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("__trap()"), e.getMessage());
            noBlockThreadsLeft();
            // the session still launches: the same kernel, no block trapping
            h.launch("rotate", Dim3.of(blocks), Dim3.of(BLOCK), a, b, sums, rounds, -1);
            assertArrayEquals(reference(blocks, 4)[2], h.ints(sums));
            // and under memcheck, whose module variant has the same grid barriers
            h.session().write(sums, 0, new byte[4 * (blocks + 1)]);
            h.launch("rotate", new LaunchConfig(Dim3.of(blocks), Dim3.of(BLOCK), 0),
                    LaunchOptions.DEFAULT.withMemcheck(true), a, b, sums, rounds, -1);
            assertArrayEquals(reference(blocks, 4)[2], h.ints(sums));
        }
    }

    @Test
    void aBlockThatSkipsTheGridBarrierFailsTheLaunchInsteadOfHanging() {
        try (KernelHarness h = KernelHarness.of(request(), 2)) {
            DeviceBuffer a = h.buffer(new int[8 * 32]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("skips", Dim3.of(8), Dim3.of(32), a));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("ended without reaching a grid.sync()"), e.getMessage());
            noBlockThreadsLeft();
        }
    }

    @Test
    void theTimeLimitStopsASpinningBlockAndTheBlocksWaitingForIt() {
        try (KernelHarness h = KernelHarness.of(request(), 2)) {
            DeviceBuffer a = h.buffer(new int[4]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("spins",
                    new LaunchConfig(Dim3.of(12), Dim3.of(32), 0), LaunchOptions.DEFAULT.withTimeLimit(
                            Duration.ofMillis(300)), a, 12));
            assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
            noBlockThreadsLeft();
        }
    }

    @Test
    void blocksWhoseStacksAndSharedMemoryExceedTheCooperativeBudgetAreRefused() {
        try (KernelHarness h = KernelHarness.of(request(), 2)) {
            DeviceBuffer out = h.buffer(new int[32]);
            // 16 MiB of dynamic shared memory per block: 256 MiB hold fewer than 16 of them
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("valid", new LaunchConfig(Dim3.of(16),
                    Dim3.of(2), 16 << 20), LaunchOptions.DEFAULT.withCooperative(true), out));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("at most 15 blocks of this kernel at once"), e.getMessage());
        }
    }

    /**
     * OpenCL runs a grid-synchronizing kernel as one NDRange per phase, each thread's locals and each
     * block's shared memory kept between them: the same results, and no limit of resident blocks.
     */
    @Test
    void openClRunsTheGridPhaseByPhase() {
        AllPaths.check(rotateCase(8, 5), EnumSet.of(AllPaths.Path.OPENCL), "");
        AllPaths.check(rotateCase(200, 3), EnumSet.of(AllPaths.Path.OPENCL), "");
    }

    @Test
    void onOpenClATrapInAPhaseOrABlockThatSkipsTheBarrierFailsTheLaunch() {
        CompileResult compiled = AllPaths.compile(request());
        try (var session = OpenClTestDevice.backend().open(compiled)) {
            int blocks = 16;
            DeviceBuffer a = session.allocate(4L * blocks * BLOCK);
            DeviceBuffer b = session.allocate(4L * blocks * BLOCK);
            DeviceBuffer sums = session.allocate(4L * (blocks + 1));
            DeviceBuffer rounds = session.allocate(4);
            session.write(rounds, 0, new byte[] {4, 0, 0, 0});
            LaunchException e = assertThrows(LaunchException.class, () -> session.launch("rotate",
                    LaunchConfig.of(Dim3.of(blocks), Dim3.of(BLOCK)), java.util.List.of(KernelArg.of(a), KernelArg.of(b),
                    KernelArg.of(sums), KernelArg.of(rounds), KernelArg.of(5)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("__trap()"), e.getMessage());
            LaunchException skipped = assertThrows(LaunchException.class, () -> session.launch("skips",
                    LaunchConfig.of(Dim3.of(8), Dim3.of(32)), java.util.List.of(KernelArg.of(a)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.TRAP, skipped.failure(), skipped.getMessage());
            assertTrue(skipped.getMessage().contains("ended without reaching a grid.sync()"), skipped.getMessage());
            // the session still launches
            session.launch("rotate", LaunchConfig.of(Dim3.of(blocks), Dim3.of(BLOCK)), java.util.List.of(KernelArg.of(a),
                    KernelArg.of(b), KernelArg.of(sums), KernelArg.of(rounds), KernelArg.of(-1)), LaunchOptions.DEFAULT);
            assertArrayEquals(reference(blocks, 4)[2], io.cudawasm.runtime.testing.HostArrays.ints(session.read(sums, 0, 4 * (blocks + 1))));
            // is_valid() is true in a phased launch
            DeviceBuffer out = session.allocate(4L * 128);
            session.launch("validAndSynced", LaunchConfig.of(Dim3.of(4), Dim3.of(32)), java.util.List.of(KernelArg.of(out)),
                    LaunchOptions.DEFAULT);
            assertArrayEquals(filled(128, 1), io.cudawasm.runtime.testing.HostArrays.ints(session.read(out, 0, 4 * 128)));
            // every thread's locals and every block's shared memory are kept between phases: bounded
            LaunchException big = assertThrows(LaunchException.class, () -> session.launch("rotate",
                    LaunchConfig.of(Dim3.of(1 << 20), Dim3.of(BLOCK)), java.util.List.of(KernelArg.of(a), KernelArg.of(b),
                    KernelArg.of(sums), KernelArg.of(rounds), KernelArg.of(-1)), LaunchOptions.DEFAULT));
            assertEquals(LaunchFailure.INVALID_LAUNCH, big.failure(), big.getMessage());
            assertTrue(big.getMessage().contains("exceeds"), big.getMessage());
        }
    }

    /** A kernel that synchronizes its grid forever: on OpenCL every phase is a launch, and the time limit ends them. */
    @Test
    void onOpenClTheTimeLimitStopsAKernelThatSynchronizesForever() {
        String source = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void forever(int *a) {
                    cg::grid_group g = cg::this_grid();
                    for (;;) {
                        a[g.thread_rank()] += 1;
                        g.sync();
                    }
                }
                """;
        CompileResult compiled = AllPaths.compile(CompileRequest.of("forever.cu", source));
        try (var session = OpenClTestDevice.backend().open(compiled)) {
            DeviceBuffer a = session.allocate(4L * 4 * 32);
            long started = System.nanoTime();
            LaunchException e = assertThrows(LaunchException.class, () -> session.launch("forever",
                    LaunchConfig.of(Dim3.of(4), Dim3.of(32)), java.util.List.of(KernelArg.of(a)),
                    LaunchOptions.DEFAULT.withTimeLimit(Duration.ofMillis(300))));
            assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(20).toNanos(), "stopped soon after its limit");
            // phases ran until the limit, which stopped the last one between its slices of blocks: every
            // thread ran as many phases as the others or one fewer
            int[] counts = io.cudawasm.runtime.testing.HostArrays.ints(session.read(a, 0, 4 * 4 * 32));
            int most = java.util.Arrays.stream(counts).max().orElseThrow();
            assertTrue(most > 1 && java.util.Arrays.stream(counts).allMatch(c -> c == most || c == most - 1),
                    java.util.Arrays.toString(counts));
        }
    }

    /** A grid barrier in a device function: the call is inlined into the kernel, which then ends its phase there. */
    @Test
    void aGridBarrierInADeviceFunctionRunsOnEveryPath() {
        String source = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __device__ int exchange(int *a, int v) {
                    cg::grid_group g = cg::this_grid();
                    a[g.thread_rank()] = v;
                    g.sync();
                    return a[(g.thread_rank() + 37) % g.size()];
                }
                __global__ void k(int *a, int *out) {
                    int v = blockIdx.x * 1000 + threadIdx.x;
                    for (int r = 0; r < 3; r++) {
                        v = exchange(a, v + r);
                        cg::this_grid().sync();
                    }
                    out[cg::this_grid().thread_rank()] = v;
                }
                """;
        int blocks = 6;
        int n = blocks * 32;
        int[] v = new int[n];
        for (int i = 0; i < n; i++) {
            v[i] = i / 32 * 1000 + i % 32;
        }
        int[] a = new int[n];
        for (int r = 0; r < 3; r++) {
            for (int i = 0; i < n; i++) {
                a[i] = v[i] + r;
            }
            for (int i = 0; i < n; i++) {
                v[i] = a[(i + 37) % n];
            }
        }
        KernelCase c = CaseBuilder.of("grid_sync_in_call", "nested_sync.cu", source).kernel("k")
                .launch(Dim3.of(blocks), Dim3.of(32)).out("a", new int[n], a).out("out", new int[n], v).build();
        AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
    }

    private static CompileRequest request() {
        return CompileRequest.of("grid_sync.cu", SOURCE);
    }

    private static LaunchException assertInstanceOf(Throwable t) {
        assertTrue(t instanceof LaunchException, () -> "not a LaunchException: " + t);
        return (LaunchException) t;
    }

    /** Every block thread of the failed launch has ended (they are daemon threads named for their block). */
    static void noBlockThreadsLeft() {
        Await.until(Duration.ofSeconds(10), "the grid's block threads to end", () -> Thread.getAllStackTraces()
                .keySet().stream().noneMatch(t -> t.getName().startsWith("cuda-wasm-grid-block-") && t.isAlive()));
    }
}
