package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.cuda.CudaProgram;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.backend.check.KernelCase;
import io.cudawasm.runtime.backend.cuda.PtxCompiler;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.ptx.Nvcc;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Cooperative-groups tiles of more than 32 threads ({@code tiled_partition<64 … 1024>(block)}), with
 * what CUDA gives them: {@code sync} (a barrier over the tile's threads), ranks and sizes, the meta
 * group, {@code shfl}, {@code any}, {@code all}, {@code cg::reduce} and the scans. Checked on the
 * WebAssembly path and on OpenCL (PoCL) against Java references over several tile and block shapes
 * (a three-dimensional block too); tiles that sync while others of the block do not; nvcc's PTX for
 * such tiles waits in a loop on shared memory for the other warps, which stops the kernel with a
 * trap and a compile warning naming it; the
 * CUDA C the compiler emits syncs with CUDA's own tile barrier, and nvcc compiles it for sm_80.
 */
class LargeTilesTest {
    private static final String BASICS = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            __global__ void basics(const int *in, int *out)
            {
                __shared__ cg::block_tile_memory<1024> scratch; // what CUDA needs before sm_80: accepted
                cg::thread_block block = cg::this_thread_block(scratch);
                cg::thread_block_tile<TILE, cg::thread_block> tile = cg::tiled_partition<TILE>(block);
                __shared__ int buf[1024];
                int t = block.thread_rank();
                int g = (blockIdx.x * block.size() + t);
                int v = in[g];
                buf[t] = v;
                tile.sync();
                int r = tile.thread_rank();
                int *o = out + 4 * g;
                o[0] = buf[t - r + (r + 1) % TILE] + 1000 * tile.meta_group_rank();
                o[1] = tile.shfl(v * 3, (r + 5) % TILE);
                o[2] = (int)tile.num_threads() * 10000 + (int)tile.meta_group_size() * 100 + (int)tile.size() / TILE;
                o[3] = r;
            }
            """;

    private static final String COLLECTIVES = """
            #include <cooperative_groups.h>
            #include <cooperative_groups/reduce.h>
            #include <cooperative_groups/scan.h>
            namespace cg = cooperative_groups;

            __global__ void collectives(const int *in, int *out, float *fout)
            {
                cg::thread_block block = cg::this_thread_block();
                cg::thread_block_tile<TILE> tile = cg::tiled_partition<TILE>(block);
                int g = blockIdx.x * block.size() + block.thread_rank();
                int v = in[g];
                int *o = out + 5 * g;
                o[0] = cg::reduce(tile, v, cg::plus<int>());
                o[1] = cg::reduce(tile, v, cg::greater<int>());
                o[2] = tile.any(v == 7) + 2 * tile.all(v >= 0) + 4 * tile.all(v > 3);
                o[3] = cg::inclusive_scan(tile, v);
                o[4] = cg::exclusive_scan(tile, v, cg::bit_xor<int>());
                fout[g] = cg::reduce(tile, v * 0.1f + 1e-3f * g, cg::plus<float>());
            }
            """;

    private record Shape(int tile, Dim3 block, int blocks) {
        int threads() {
            return block.x() * block.y() * block.z();
        }
    }

    private static final List<Shape> SHAPES = List.of(new Shape(64, Dim3.of(256), 2), new Shape(128, new Dim3(32, 4, 2), 2),
            new Shape(256, Dim3.of(512), 2), new Shape(1024, Dim3.of(1024), 1));

    private static int[] input(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        int[] in = new int[n];
        for (int i = 0; i < n; i++) {
            in[i] = r.nextInt(10); // values 0..9: some tiles hold a 7, some hold none
        }
        in[5] = 7;
        return in;
    }

    @Test
    void ranksSyncAndShuffleOfTilesOfUpTo1024Threads() {
        for (Shape s : SHAPES) {
            int n = s.blocks() * s.threads();
            int[] in = input(n, s.tile());
            int[] out = new int[4 * n];
            int tile = s.tile();
            for (int g = 0; g < n; g++) {
                int r = g % tile;
                int base = g - r;
                int t = g % s.threads();
                out[4 * g] = in[base + (r + 1) % tile] + 1000 * (t / tile);
                out[4 * g + 1] = 3 * in[base + (r + 5) % tile];
                out[4 * g + 2] = tile * 10000 + s.threads() / tile * 100 + 1;
                out[4 * g + 3] = r;
            }
            KernelCase c = CaseBuilder.of("large_tile_basics_" + tile, "basics.cu", BASICS).defines(Map.of("TILE",
                    Integer.toString(tile))).kernel("basics").launch(Dim3.of(s.blocks()), s.block()).in("in", in)
                    .out("out", new int[4 * n], out).build();
            AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
        }
    }

    @Test
    void reductionsVotesAndScansOverTilesOfUpTo1024Threads() {
        for (Shape s : SHAPES) {
            int n = s.blocks() * s.threads();
            int[] in = input(n, 7 + s.tile());
            int tile = s.tile();
            int[] out = new int[5 * n];
            float[] fout = new float[n];
            for (int base = 0; base < n; base += tile) {
                int sum = 0;
                int max = Integer.MIN_VALUE;
                boolean any7 = false;
                boolean allNonNegative = true;
                boolean allAbove3 = true;
                for (int i = base; i < base + tile; i++) {
                    sum += in[i];
                    max = Math.max(max, in[i]);
                    any7 |= in[i] == 7;
                    allNonNegative &= in[i] >= 0;
                    allAbove3 &= in[i] > 3;
                }
                float fsum = floatReduce(in, base, tile);
                int inclusive = 0;
                int exclusive = 0;
                for (int i = base; i < base + tile; i++) {
                    inclusive += in[i];
                    out[5 * i] = sum;
                    out[5 * i + 1] = max;
                    out[5 * i + 2] = (any7 ? 1 : 0) + (allNonNegative ? 2 : 0) + (allAbove3 ? 4 : 0);
                    out[5 * i + 3] = inclusive;
                    out[5 * i + 4] = exclusive;
                    exclusive ^= in[i];
                    fout[i] = fsum;
                }
            }
            KernelCase c = CaseBuilder.of("large_tile_collectives_" + tile, "collectives.cu", COLLECTIVES)
                    .defines(Map.of("TILE", Integer.toString(tile))).kernel("collectives")
                    .launch(Dim3.of(s.blocks()), s.block()).in("in", in).out("out", new int[5 * n], out)
                    .out("fout", new float[n], fout).build();
            AllPaths.check(c, EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
        }
    }

    /**
     * The float sum in the order the lowering promises: a butterfly over each warp's lanes (all lanes
     * end with the same value), then the warps' sums combined as a butterfly over the warps would.
     */
    private static float floatReduce(int[] in, int base, int tile) {
        int warps = tile / 32;
        float[] w = new float[warps];
        for (int k = 0; k < warps; k++) {
            float[] lanes = new float[32];
            for (int l = 0; l < 32; l++) {
                int g = base + 32 * k + l;
                lanes[l] = in[g] * 0.1f + 1e-3f * g;
            }
            for (int d = 16; d > 0; d /= 2) {
                float[] next = new float[32];
                for (int l = 0; l < 32; l++) {
                    next[l] = lanes[l] + lanes[l ^ d];
                }
                lanes = next;
            }
            w[k] = lanes[0];
        }
        for (int d = warps / 2; d > 0; d /= 2) {
            for (int i = 0; i < d; i++) {
                w[i] = w[i] + w[i + d];
            }
        }
        return w[0];
    }

    /** A tile of a tile is numbered within its parent (CUDA's meta group), also once held as a thread_group. */
    @Test
    void tilesOfTilesAreNumberedWithinTheirParent() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __global__ void nested(unsigned *out)
                {
                    cg::thread_block block = cg::this_thread_block();
                    cg::thread_block_tile<256> t256 = cg::tiled_partition<256>(block);
                    auto t64 = cg::tiled_partition<64>(t256);
                    cg::thread_block_tile<8> t8 = cg::tiled_partition<8>(cg::tiled_partition<32>(block));
                    cg::thread_group g = t8;
                    unsigned *o = out + 4 * (blockIdx.x * blockDim.x + threadIdx.x);
                    o[0] = t256.meta_group_rank() * 100 + t256.meta_group_size();
                    o[1] = t64.meta_group_rank() * 100 + t64.meta_group_size();
                    o[2] = t8.meta_group_rank() * 100 + t8.meta_group_size() + 1000 * t8.thread_rank();
                    o[3] = g.thread_rank() + 10 * g.size();
                }
                """;
        int block = 512;
        int n = 2 * block;
        int[] out = new int[4 * n];
        for (int g = 0; g < n; g++) {
            int t = g % block;
            out[4 * g] = t / 256 * 100 + 2;
            out[4 * g + 1] = t % 256 / 64 * 100 + 4;
            out[4 * g + 2] = t % 32 / 8 * 100 + 4 + 1000 * (t % 8);
            out[4 * g + 3] = t % 8 + 80;
        }
        AllPaths.check(CaseBuilder.of("nested_tiles", "nested.cu", src).kernel("nested").launch(Dim3.of(2), Dim3.of(block))
                .out("out", new int[4 * n], out).build());
    }

    /** Only the even tiles sync (and exchange): the odd ones go on without them, as on a GPU. */
    @Test
    void tilesSyncWhileOtherTilesOfTheBlockDoNot() {
        String src = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;

                __global__ void someTiles(const int *in, int *out)
                {
                    cg::thread_block_tile<64> tile = cg::tiled_partition<64>(cg::this_thread_block());
                    __shared__ int buf[512];
                    int t = threadIdx.x;
                    int v = in[blockIdx.x * blockDim.x + t];
                    int r = tile.thread_rank();
                    if (tile.meta_group_rank() % 2 == 0) {
                        buf[t] = v;
                        tile.sync();
                        v = buf[t - r + (63 - r)];
                        tile.sync();
                        buf[t] = v * 2;
                        tile.sync();
                        v += buf[t - r + (r + 1) % 64];
                    } else {
                        v = -v;
                    }
                    out[blockIdx.x * blockDim.x + t] = v;
                }
                """;
        int block = 448; // seven tiles: the last even one has no odd neighbour
        int n = 2 * block;
        int[] in = input(n, 99);
        int[] out = new int[n];
        for (int g = 0; g < n; g++) {
            int t = g % block;
            int r = t % 64;
            int base = g - r;
            if (t / 64 % 2 == 0) {
                int mirrored = in[base + 63 - r];
                int next = (r + 1) % 64;
                out[g] = mirrored + 2 * in[base + 63 - next];
            } else {
                out[g] = -in[g];
            }
        }
        AllPaths.check(CaseBuilder.of("large_tiles_diverging", "some.cu", src).kernel("someTiles")
                .launch(Dim3.of(2), Dim3.of(block)).in("in", in).out("out", new int[n], out).build(),
                EnumSet.of(AllPaths.Path.WASM, AllPaths.Path.OPENCL), "");
    }

    /** CUDA's own barrier over the tile in the emitted CUDA C; nvcc compiles it for sm_80 and refuses older targets by name. */
    @Test
    void emittedCudaSyncsWithCudasTileBarrier() {
        CompileRequest request = CompileRequest.of("basics.cu", BASICS).withDefines(Map.of("TILE", "128"));
        CudaProgram cuda = AllPaths.compile(request).cuda();
        assertTrue(cuda.source().contains("cw_tile_sync<128"), cuda.source());
        assertTrue(cuda.source().contains("#include <cooperative_groups.h>"), cuda.source());
        String ptx = new PtxCompiler(null).compileWithNvcc(cuda, "compute_80");
        assertTrue(ptx.contains(".entry basics"), ptx);
        RuntimeException old = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                () -> new PtxCompiler(null).compileWithNvcc(cuda, "compute_75"));
        assertTrue(old.getMessage().contains("tiles of more than 32 threads need sm_80 or later"), old.getMessage());
    }

    /**
     * nvcc makes a large tile's sync a loop that waits on shared memory until the tile's other warps
     * arrive; where a block's threads run one region at a time that loop never ends. The PTX still
     * compiles (a module's other kernels run), with a warning naming the instruction, and the kernel
     * stops at that loop with a trap instead of hanging.
     */
    @Test
    void nvccsSpinningTileBarrierStopsTheKernelByNameOnThePtxPath() {
        String ptx = Nvcc.ptx(BASICS, AllPaths.PTX_CONFIG, List.of("-DTILE=64"));
        io.cudawasm.kernels.CompileResult compiled = AllPaths.compile(CompileRequest.of("basics.ptx", ptx));
        assertTrue(compiled.warnings().stream().anyMatch(w -> w.message().contains("'ld.acquire.cta.u32' waits in a "
                + "loop for other threads of the block") && w.message().contains("'basics' stops here with a trap")),
                compiled.warnings().toString());
        int n = 256;
        KernelCase c = CaseBuilder.of("large_tile_ptx", "basics.ptx", ptx).kernel("basics").launch(Dim3.of(1),
                Dim3.of(n)).in("in", new int[n]).out("out", new int[4 * n], null).build();
        io.cudawasm.runtime.backend.check.CheckedRun.BackendRun r = io.cudawasm.runtime.backend.check.CheckedRun.run(
                io.cudawasm.runtime.testing.KernelHarness.backend(2), compiled, c.launch());
        assertTrue(r.failure() != null && r.failure().getMessage().contains("__trap()"),
                () -> "expected the launch to stop at the trap: " + r.failure());
    }

    @Test
    void whatCudaDoesNotGiveLargeTilesIsRefusedByName() {
        String head = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int *out) {
                    cg::thread_block_tile<64> t = cg::tiled_partition<64>(cg::this_thread_block());
                """;
        refused(head + "    out[0] = t.shfl_down(1, 1);\n}\n", 5, 25,
                "'shfl_down' is not a member of thread_block_tile<64>: CUDA gives tiles of more than 32 threads");
        refused(head + "    out[0] = t.ballot(1);\n}\n", 5, 22, "'ballot' is not a member of thread_block_tile<64>");
        refused(head + "    out[0] = t.match_any(1);\n}\n", 5, 25, "'match_any' is not a member of thread_block_tile<64>");
        refused(head + "    cg::thread_group g = t;\n}\n", 5, 26,
                "a thread_block_tile<64> does not convert to cg::thread_group");
        refused(head + "    auto c = cg::binary_partition(t, out[0] > 0);\n}\n", 5, 34,
                "'binary_partition' partitions a coalesced group or a thread_block_tile (of up to 32 threads), not a "
                        + "thread_block_tile<64>");
        refused(head + "    auto s = cg::tiled_partition<128>(t);\n}\n", 5, 38,
                "a tile must be smaller than the tile it partitions");
        refused(head + "    auto s = cg::tiled_partition<2048>(cg::this_thread_block());\n}\n", 5, 39,
                "tile size must be a power of two up to 1024 (got 2048)");
        refused(head + "    auto s = cg::tiled_partition(cg::this_thread_block(), 64);\n}\n", 5, 59,
                "tiled_partition(group, n) makes tiles of a power of two up to 32 threads (CUDA stops the kernel for "
                        + "n = 64)");
        refused(head + "    cg::thread_block_tile<96> s = t;\n}\n", 5, 5, "thread_block_tile size must be a power of two");
    }

    private static void refused(String source, int line, int column, String message) {
        CompileException e = AllPaths.refuses(source, message);
        assertEquals(line, e.first().line(), e.getMessage());
        assertEquals(column, e.first().column(), e.getMessage());
    }
}
