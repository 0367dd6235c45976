package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.CompileResult;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.opencl.OpenClTestDevice;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchFailure;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nvcc's own grid-wide synchronization, through PTX: {@code this_grid()} reads the driver's grid
 * workspace from {@code %envreg1/2}, and {@code grid.sync()} adds to a counter there
 * ({@code atom.add.release.gpu}) and spins ({@code ld.acquire.gpu}) until every block has arrived.
 * The CPU path runs that protocol as written: such a kernel is launched cooperatively (every block on
 * a thread of its own), the registers give a zeroed workspace, acquire loads are atomic loads. The
 * kernels are {@link GridSyncTest}'s (several syncs in a loop, {@code barrier_arrive/wait}, a block
 * that traps, one that returns early, one that spins) and one over a three-dimensional grid, compiled
 * by nvcc for compute_75 and compute_90, against the same Java references.
 */
class GridSyncPtxTest {
    private static final Nvcc.Config SM90 = new Nvcc.Config("compute_90", false);

    private static final String GRID3D = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            // Each thread publishes its rank, then (after the grid barrier) reads the value of the thread
            // one block further on in rank order, twice over: blocks span x, y and z.
            __global__ void shift3d(unsigned *a, unsigned *b, int rounds)
            {
                cg::grid_group grid = cg::this_grid();
                unsigned n = grid.size();
                unsigned i = grid.thread_rank();
                unsigned per = blockDim.x * blockDim.y * blockDim.z;
                a[i] = i * 7 + blockIdx.z;
                for (int r = 0; r < rounds; r++) {
                    grid.sync();
                    b[i] = a[(i + per) % n] + r;
                    grid.sync();
                    a[i] = b[i] * 3;
                }
            }

            __global__ void trapsUnlessCooperative(int *out)
            {
                if (!cg::this_grid().is_valid()) {
                    __trap();
                }
                out[blockIdx.x * blockDim.x + threadIdx.x] = 5;
            }
            """;

    private static CompileResult viaPtx(String source, Nvcc.Config config) {
        return AllPaths.compile(CompileRequest.of("grid_sync.ptx", Nvcc.ptx(source, config, List.of())));
    }

    @Test
    void syncsInALoopMatchTheReferenceUpToTheCooperativeLimit() {
        AllPaths.check(GridSyncTest.rotateCase(8, 5), EnumSet.of(AllPaths.Path.PTX), "");
        AllPaths.check(GridSyncTest.rotateCase(5, 2), EnumSet.of(AllPaths.Path.PTX), "", SM90);
        // the largest grid a cooperative launch allows on two workers: 32 blocks per worker
        AllPaths.check(GridSyncTest.rotateCase(64, 3), EnumSet.of(AllPaths.Path.PTX), "");
    }

    /**
     * 64 block threads on two cores: the first blocks at the barrier spin on the counter while the
     * last still compute. The host backs a spinning reader off ({@code SpinBackoff}), so the launch
     * takes about as long as the source path's blocking barrier (tens of milliseconds here); without
     * it, it took 17 to 34 seconds.
     */
    @Test
    void blocksSpinningAtTheBarrierLeaveTheCoresToTheBlocksTheyWaitFor() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            int blocks = 64;
            int rounds = 20;
            DeviceBuffer a = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer b = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer sums = h.buffer(new int[blocks + 1]);
            DeviceBuffer r = h.buffer(new int[] {rounds});
            LaunchConfig config = new LaunchConfig(Dim3.of(blocks), Dim3.of(GridSyncTest.BLOCK), 0);
            for (int i = 0; i < 3; i++) { // compiled by the JIT after the first
                h.launch("rotate", config, LaunchOptions.DEFAULT.withTimeLimit(Duration.ofSeconds(10)), a, b, sums, r, -1);
            }
            assertArrayEquals(GridSyncTest.reference(blocks, rounds)[2], h.ints(sums));
        }
    }

    @Test
    void twoAndThreeDimensionalGridsSynchronizeEveryBlock() {
        for (Dim3[] shape : new Dim3[][] {{new Dim3(3, 2, 1), new Dim3(8, 4, 1)}, {new Dim3(2, 3, 2), new Dim3(4, 2, 3)}}) {
            int blocks = shape[0].x() * shape[0].y() * shape[0].z();
            int per = shape[1].x() * shape[1].y() * shape[1].z();
            int n = blocks * per;
            int rounds = 3;
            int[] a = new int[n];
            int[] b = new int[n];
            for (int i = 0; i < n; i++) {
                a[i] = i * 7 + i / (per * shape[0].x() * shape[0].y()); // blockIdx.z: ranks go x, then y, then z
            }
            for (int r = 0; r < rounds; r++) {
                for (int i = 0; i < n; i++) {
                    b[i] = a[(i + per) % n] + r;
                }
                for (int i = 0; i < n; i++) {
                    a[i] = b[i] * 3;
                }
            }
            AllPaths.check(CaseBuilder.of("grid_sync_3d", "grid3d.cu", GRID3D).kernel("shift3d").launch(shape[0], shape[1])
                    .out("a", new int[n], a).out("b", new int[n], b).scalar(rounds).build(), EnumSet.of(AllPaths.Path.PTX), "");
        }
    }

    @Test
    void isValidIsTrueInACooperativeLaunchOnlyAndNvccsTrapSaysWhy() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            DeviceBuffer out = h.buffer(new int[4 * 32]);
            LaunchConfig config = new LaunchConfig(Dim3.of(4), Dim3.of(32), 0);
            h.launch("valid", config, LaunchOptions.DEFAULT, out);
            assertArrayEquals(GridSyncTest.filled(128, 2), h.ints(out));
            h.launch("valid", config, LaunchOptions.DEFAULT.withCooperative(true), out);
            assertArrayEquals(GridSyncTest.filled(128, 1), h.ints(out));
            // nvcc's grid.sync() makes the kernel cooperative without being asked
            h.launch("validAndSynced", config, LaunchOptions.DEFAULT, out);
            assertArrayEquals(GridSyncTest.filled(128, 1), h.ints(out));
        }
        try (KernelHarness h = KernelHarness.of(viaPtx(GRID3D, AllPaths.PTX_CONFIG), 2)) {
            DeviceBuffer out = h.buffer(new int[2 * 32]);
            LaunchConfig config = new LaunchConfig(Dim3.of(2), Dim3.of(32), 0);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("trapsUnlessCooperative", config,
                    LaunchOptions.DEFAULT, out));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("outside a cooperative launch") && e.getMessage().contains("%envreg1/2"),
                    e.getMessage());
            h.launch("trapsUnlessCooperative", config, LaunchOptions.DEFAULT.withCooperative(true), out);
            assertArrayEquals(GridSyncTest.filled(64, 5), h.ints(out));
        }
    }

    @Test
    void aGridLargerThanACooperativeLaunchAllowsIsRefusedBeforeItRuns() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            int blocks = 65;
            DeviceBuffer a = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer b = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer sums = h.buffer(new int[blocks + 1]);
            DeviceBuffer rounds = h.buffer(new int[] {1});
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("rotate", Dim3.of(blocks),
                    Dim3.of(GridSyncTest.BLOCK), a, b, sums, rounds, -1));
            assertEquals(LaunchFailure.INVALID_LAUNCH, e.failure());
            assertTrue(e.getMessage().contains("needs a cooperative launch") && e.getMessage().contains("at most 64 blocks")
                    && e.getMessage().contains("cudaErrorCooperativeLaunchTooLarge"), e.getMessage());
        }
    }

    @Test
    void aBlockThatTrapsStopsTheBlocksSpinningOnTheCounter() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            int blocks = 16;
            DeviceBuffer a = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer b = h.buffer(new int[blocks * GridSyncTest.BLOCK]);
            DeviceBuffer sums = h.buffer(new int[blocks + 1]);
            DeviceBuffer rounds = h.buffer(new int[] {4});
            // a time limit far above what the launch needs: reaching it would mean the others spun on
            LaunchOptions limited = LaunchOptions.DEFAULT.withTimeLimit(Duration.ofSeconds(60));
            LaunchConfig config = new LaunchConfig(Dim3.of(blocks), Dim3.of(GridSyncTest.BLOCK), 0);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("rotate", config, limited, a, b, sums,
                    rounds, 5));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("__trap()"), e.getMessage());
            GridSyncTest.noBlockThreadsLeft();
            // the next launch starts from a fresh workspace
            h.launch("rotate", config, limited, a, b, sums, rounds, -1);
            assertArrayEquals(GridSyncTest.reference(blocks, 4)[2], h.ints(sums));
            // and under memcheck, whose module variant spins on the same workspace
            h.session().write(sums, 0, new byte[4 * (blocks + 1)]);
            h.launch("rotate", config, limited.withMemcheck(true), a, b, sums, rounds, -1);
            assertArrayEquals(GridSyncTest.reference(blocks, 4)[2], h.ints(sums));
        }
    }

    @Test
    void aBlockThatReturnsBeforeTheBarrierFailsTheLaunchInsteadOfHanging() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            DeviceBuffer a = h.buffer(new int[8 * 32]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("skips", new LaunchConfig(Dim3.of(8),
                    Dim3.of(32), 0), LaunchOptions.DEFAULT.withTimeLimit(Duration.ofSeconds(60)), a));
            assertEquals(LaunchFailure.TRAP, e.failure(), e.getMessage());
            assertTrue(e.getMessage().contains("ended without reaching a grid.sync()"), e.getMessage());
            GridSyncTest.noBlockThreadsLeft();
        }
    }

    @Test
    void theTimeLimitStopsASpinningBlockAndTheBlocksSpinningOnTheCounter() {
        try (KernelHarness h = KernelHarness.of(viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG), 2)) {
            DeviceBuffer a = h.buffer(new int[4]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("spins",
                    new LaunchConfig(Dim3.of(12), Dim3.of(32), 0), LaunchOptions.DEFAULT.withTimeLimit(
                            Duration.ofMillis(300)), a, 12));
            assertEquals(LaunchFailure.TIMEOUT, e.failure(), e.getMessage());
            GridSyncTest.noBlockThreadsLeft();
        }
    }

    /**
     * The CUDA back end runs nvcc's grid barrier as written: its C keeps the spin on the workspace
     * counter, the kernel is marked for a cooperative launch, and CudaSession zeroes the workspace
     * before each launch. Checked without a GPU: nvcc's PTX of that C runs on the CPU path's
     * cooperative launch (which gives the workspace symbol a zeroed block) with the reference results.
     */
    @Test
    void theCudaBackEndRunsNvccsGridBarrierAsWritten() {
        CompileResult compiled = viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG);
        io.cudawasm.kernels.cuda.CudaProgram program = compiled.cuda();
        assertTrue(program.kernels().stream().filter(k -> k.sourceName().startsWith("rotate")).allMatch(
                io.cudawasm.kernels.cuda.CudaProgram.Kernel::gridSync), program.kernels().toString());
        assertTrue(program.source().contains(io.cudawasm.kernels.abi.KernelAbi.GRID_WORKSPACE_SYMBOL), program.source());
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(program, "compute_75");
        io.cudawasm.runtime.backend.check.KernelCase c = GridSyncTest.rotateCase(8, 3);
        io.cudawasm.runtime.backend.check.CheckedRun.BackendRun run = io.cudawasm.runtime.backend.check.CheckedRun.run(
                KernelHarness.backend(2), io.cudawasm.kernels.KernelCompiler.compile(CompileRequest.of("cuda_grid.ptx",
                        ptx)), c.launch());
        org.junit.jupiter.api.Assertions.assertNull(run.failure(), () -> String.valueOf(run.failure()));
        assertTrue(c.againstReference(run).stream().allMatch(io.cudawasm.runtime.backend.check.BufferComparison::passed),
                () -> c.againstReference(run).toString());
    }

    @Test
    void openClRefusesNvccsGridSynchronizationByName() {
        CompileResult compiled = viaPtx(GridSyncTest.SOURCE, AllPaths.PTX_CONFIG);
        CompileException e = assertThrows(CompileException.class, () -> OpenClTestDevice.backend().open(compiled));
        assertTrue(e.getMessage().contains("grid-wide synchronization (grid.sync(), which nvcc's PTX does through the "
                + "grid workspace at %envreg1/2) is not supported on the OpenCL C back end"), e.getMessage());
        assertEquals("grid_sync.ptx", e.first().file());
    }
}
