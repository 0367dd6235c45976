package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.CheckedRun;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Cooperative groups' grid_group without its sync (issue 18, item 6): samples take
 * {@code cg::this_grid()} for grid-stride loops over {@code grid.thread_rank()} and
 * {@code grid.size()}, which CUDA defines for any launch, and its shape ({@code block_index},
 * {@code dim_blocks}, {@code thread_index}, {@code dim_threads}). Checked over a three-dimensional grid of
 * three-dimensional blocks on the WebAssembly path, on OpenCL (PoCL) and through nvcc's PTX, against
 * ranks computed here the way CUDA's helpers define them (blocks in x, then y, then z). The grid's
 * sync is {@link GridSyncTest}'s.
 */
class GridGroupTest {
    private static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            __global__ void ranks(unsigned long long *who, unsigned long long *counts, unsigned *shape, int *twice,
                                  const int *in, int n)
            {
                cg::grid_group grid = cg::this_grid();
                unsigned long long r = grid.thread_rank();
                // each thread leaves its coordinates at its rank: a wrong rank shows as a wrong or missing entry
                who[r] = ((unsigned long long)blockIdx.z << 40) | ((unsigned long long)blockIdx.y << 32)
                        | (blockIdx.x << 24) | (threadIdx.z << 16) | (threadIdx.y << 8) | threadIdx.x;
                counts[4 * r] = grid.size();
                counts[4 * r + 1] = grid.num_blocks();
                counts[4 * r + 2] = grid.block_rank();
                counts[4 * r + 3] = grid.is_valid() ? 1 : 2;
                uint3 threads = grid.dim_threads(); // dim3 and uint3 convert into each other, as in CUDA
                dim3 d[5] = {grid.block_index(), grid.dim_blocks(), grid.thread_index(), threads, grid.group_dim()};
                for (int k = 0; k < 5; k++) {
                    shape[15 * r + 3 * k] = d[k].x;
                    shape[15 * r + 3 * k + 1] = d[k].y;
                    shape[15 * r + 3 * k + 2] = d[k].z;
                }
                for (int i = grid.thread_rank(); i < n; i += grid.size()) {
                    twice[i] = 2 * in[i] + 1;
                }
            }
            """;

    @Test
    void ranksAndSizeOverAMultiBlockGridMatchCudasDefinitionOnEveryPath() {
        Dim3 grid = new Dim3(3, 2, 2);
        Dim3 block = new Dim3(8, 4, 2);
        int threads = (int) (grid.total() * block.total());
        long[] who = new long[threads];
        long[] counts = new long[4 * threads];
        int[] shape = new int[15 * threads];
        for (int bz = 0; bz < grid.z(); bz++) {
            for (int by = 0; by < grid.y(); by++) {
                for (int bx = 0; bx < grid.x(); bx++) {
                    long blockRank = ((long) bz * grid.y() + by) * grid.x() + bx;
                    for (int tz = 0; tz < block.z(); tz++) {
                        for (int ty = 0; ty < block.y(); ty++) {
                            for (int tx = 0; tx < block.x(); tx++) {
                                int rank = (int) (blockRank * block.total() + ((long) tz * block.y() + ty) * block.x() + tx);
                                who[rank] = ((long) bz << 40) | ((long) by << 32) | ((long) bx << 24) | (tz << 16)
                                        | (ty << 8) | tx;
                                counts[4 * rank] = threads;
                                counts[4 * rank + 1] = grid.total();
                                counts[4 * rank + 2] = blockRank;
                                counts[4 * rank + 3] = 2; // not a cooperative launch
                                int[][] d = {{bx, by, bz}, {grid.x(), grid.y(), grid.z()},
                                    {bx * block.x() + tx, by * block.y() + ty, bz * block.z() + tz},
                                    {grid.x() * block.x(), grid.y() * block.y(), grid.z() * block.z()},
                                    {grid.x(), grid.y(), grid.z()}};
                                for (int k = 0; k < 5; k++) {
                                    System.arraycopy(d[k], 0, shape, 15 * rank + 3 * k, 3);
                                }
                            }
                        }
                    }
                }
            }
        }
        int n = 5 * threads + 17; // each thread takes five or six turns of the grid-stride loop
        int[] in = new int[n];
        int[] twice = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = i * 7 - 1000;
            twice[i] = 2 * in[i] + 1;
        }
        AllPaths.check(CaseBuilder.of("grid_group_ranks", "grid.cu", SOURCE).kernel("ranks").launch(grid, block)
                .out("who", new long[threads], who).out("counts", new long[4 * threads], counts)
                .out("shape", new int[15 * threads], shape)
                .out("twice", new int[n], twice).in("in", in).scalar(n).build(), EnumSet.allOf(AllPaths.Path.class), "");
    }

    @Test
    void whatAGridGroupCannotDoIsRefusedAtItsPosition() {
        String head = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int *out) {
                    cg::grid_group grid = cg::this_grid();
                """;
        refused(head + "    auto t = cg::tiled_partition(grid, 32);\n}\n", 5, 33,
                "tiled_partition partitions a thread_block or a tile, not a grid_group");
        refused(head + "    out[0] = grid.cluster_rank();\n}\n", 5, 31, "grid_group member 'cluster_rank()' is not supported");
    }

    /**
     * nvcc's own grid_group reads the driver's grid workspace from {@code %envreg1/2}; a kernel whose
     * {@code grid.sync()} spins on it is launched cooperatively, so through PTX it runs past the
     * barrier with {@code is_valid()} true ({@link GridSyncPtxTest} has the rest).
     */
    @Test
    void gridSyncThroughPtxRunsInACooperativeLaunch() {
        String source = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int *out) {
                    cg::grid_group grid = cg::this_grid();
                    out[grid.thread_rank()] = grid.is_valid() ? 1 : 2;
                    grid.sync();
                    out[(grid.thread_rank() + 32) % grid.size()] += 3;
                }
                """;
        String ptx = Nvcc.ptx(source, AllPaths.PTX_CONFIG, List.of());
        int[] expected = new int[64];
        java.util.Arrays.fill(expected, 4);
        KernelCase c = CaseBuilder.of("grid_sync_ptx", "sync.cu", source).kernel("k").launch(Dim3.of(2), Dim3.of(32))
                .out("out", new int[64], expected).build();
        CheckedRun.BackendRun r = CheckedRun.run(KernelHarness.backend(2),
                AllPaths.compile(CompileRequest.of("sync.ptx", ptx)), c.launch());
        assertNull(r.failure(), () -> "the launch failed: " + r.failure());
        assertTrue(c.againstReference(r).stream().allMatch(b -> b.passed()), () -> c.againstReference(r).toString());
    }

    private static void refused(String source, int line, int column, String message) {
        CompileException e = AllPaths.refuses(source, message);
        assertEquals("refused.cu", e.first().file(), e.getMessage());
        assertEquals(line, e.first().line(), e.getMessage() + "\n" + source);
        assertEquals(column, e.first().column(), e.getMessage() + "\n" + source);
    }
}
