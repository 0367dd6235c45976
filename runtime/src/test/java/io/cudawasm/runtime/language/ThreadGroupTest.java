package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.backend.check.CaseBuilder;
import io.cudawasm.runtime.launch.Dim3;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@code cg::thread_group}, a group whose kind is known only at run time (as
 * {@code simpleCooperativeGroups} and {@code dxtc} pass one to their device functions): one
 * reduction function given a whole block, a tile, a tile of a size known only at run time and the
 * coalesced threads of a branch; the kind, size and rank of each as a function taking the group by
 * reference sees them (a grid too, which CUDA's thread_group holds without a kind outside a cooperative
 * launch); {@code tiled_partition} of a thread_group. Checked on the
 * WebAssembly path, on OpenCL (PoCL) and through nvcc's PTX (CUDA's own thread_group) against a
 * Java model of the same reduction.
 */
class ThreadGroupTest {
    private static final String SOURCE = """
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;

            // a tree reduction over whatever group it is given (ranks 0 .. size-1 use x[0 .. size-1])
            __device__ int sumOver(cg::thread_group g, int *x, int val)
            {
                int lane = g.thread_rank();
                for (int i = g.size() / 2; i > 0; i /= 2) {
                    x[lane] = val;
                    g.sync();
                    if (lane < i) val += x[lane + i];
                    g.sync();
                }
                return g.thread_rank() == 0 ? val : -1;
            }

            __device__ unsigned describe(const cg::thread_group &g)
            {
                return g.get_type() * 100000u + (unsigned)g.size() * 100u + (unsigned)cg::thread_rank(g);
            }

            __global__ void groups(const int *in, int *sums, unsigned *info, int n)
            {
                extern __shared__ int work[];
                cg::thread_block block = cg::this_thread_block();
                int t = block.thread_rank();
                int g = blockIdx.x * blockDim.x + t;
                int v = in[g];
                sums[4 * g] = sumOver(block, work, v);
                block.sync();
                cg::thread_block_tile<16> tile16 = cg::tiled_partition<16>(block);
                sums[4 * g + 1] = sumOver(tile16, work + (t - tile16.thread_rank()), v);
                block.sync();
                cg::thread_group dyn = cg::tiled_partition(block, n); // a size known at run time
                sums[4 * g + 2] = sumOver(dyn, work + (t - dyn.thread_rank()), v);
                cg::thread_group sub = cg::tiled_partition(dyn, n / 2);
                info[5 * g] = describe(block);
                info[5 * g + 1] = describe(dyn);
                info[5 * g + 2] = describe(sub);
                info[5 * g + 3] = describe(cg::this_grid());
                block.sync();
                int s = -2;
                unsigned d = 0;
                if (v % 3 == 0) {
                    cg::thread_group active = cg::coalesced_threads();
                    d = describe(active);
                    s = sumOver(active, work + 32 * (t / 32), v);
                }
                sums[4 * g + 3] = s;
                info[5 * g + 4] = d;
            }
            """;

    private static final int BLOCK = 64;
    private static final int BLOCKS = 2;
    private static final int N = 8;

    @Test
    void oneFunctionReducesOverBlocksTilesRunTimeTilesAndCoalescedThreads() {
        int threads = BLOCK * BLOCKS;
        SplittableRandom r = new SplittableRandom(11);
        int[] in = new int[threads];
        for (int i = 0; i < threads; i++) {
            in[i] = r.nextInt(100);
        }
        int[] sums = new int[4 * threads];
        int[] info = new int[5 * threads];
        for (int g = 0; g < threads; g++) {
            int t = g % BLOCK;
            int blockStart = g - t;
            sums[4 * g] = t == 0 ? treeSum(in, blockStart, BLOCK) : -1;
            sums[4 * g + 1] = t % 16 == 0 ? treeSum(in, g, 16) : -1;
            sums[4 * g + 2] = t % N == 0 ? treeSum(in, g, N) : -1;
            info[5 * g] = 4 * 100000 + BLOCK * 100 + t;
            info[5 * g + 1] = 100000 + N * 100 + t % N;
            info[5 * g + 2] = 100000 + N / 2 * 100 + t % (N / 2);
            // CUDA's thread_group keeps a grid's (null) workspace address where its kind is: kind, size and rank 0
            info[5 * g + 3] = 0;
            int warpStart = g - t % 32;
            if (in[g] % 3 == 0) {
                int[] members = java.util.stream.IntStream.range(warpStart, warpStart + 32)
                        .filter(i -> in[i] % 3 == 0).map(i -> in[i]).toArray();
                int rank = (int) java.util.stream.IntStream.range(warpStart, g).filter(i -> in[i] % 3 == 0).count();
                info[5 * g + 4] = 100000 + members.length * 100 + rank;
                sums[4 * g + 3] = rank == 0 ? treeSum(members, 0, members.length) : -1;
            } else {
                sums[4 * g + 3] = -2;
            }
        }
        AllPaths.check(CaseBuilder.of("thread_group_runtime_kinds", "groups.cu", SOURCE).kernel("groups")
                .launch(Dim3.of(BLOCKS), Dim3.of(BLOCK)).sharedBytes(BLOCK * 4).in("in", in)
                .out("sums", new int[4 * threads], sums).out("info", new int[5 * threads], info).scalar(N).build());
    }

    /** sumOver's result at rank 0: halving steps over ranks, as the kernel computes them (sizes that are not powers of two drop values). */
    private static int treeSum(int[] values, int from, int size) {
        int[] val = java.util.Arrays.copyOfRange(values, from, from + size);
        for (int i = size / 2; i > 0; i /= 2) {
            int[] x = val.clone();
            for (int lane = 0; lane < i; lane++) {
                val[lane] += x[lane + i];
            }
        }
        return val[0];
    }

    /** The emitted CUDA C dispatches on the kind as CUDA does (block barrier or warp barrier on the lanes); nvcc compiles it. */
    @Test
    void emittedCudaDispatchesOnTheKindAndNvccCompilesIt() {
        io.cudawasm.kernels.cuda.CudaProgram cuda = AllPaths.compile(io.cudawasm.kernels.CompileRequest.of("groups.cu",
                SOURCE)).cuda();
        org.junit.jupiter.api.Assertions.assertTrue(cuda.source().contains("__syncthreads()"), cuda.source());
        org.junit.jupiter.api.Assertions.assertTrue(cuda.source().matches("(?s).*__syncwarp\\(\\w+\\).*"), cuda.source());
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(cuda, "compute_75");
        org.junit.jupiter.api.Assertions.assertTrue(ptx.contains("bar.warp.sync")
                && java.util.regex.Pattern.compile("(bar|barrier)\\.sync\\s+0;").matcher(ptx).find(), ptx);
    }

    @Test
    void whatAThreadGroupDoesNotHaveIsRefusedByName() {
        String head = """
                #include <cooperative_groups.h>
                namespace cg = cooperative_groups;
                __global__ void k(int *out) {
                    cg::thread_group g = cg::this_thread_block();
                """;
        refused(head + "    out[0] = g.meta_group_rank();\n}\n", 5, 31, "'meta_group_rank' is not a member of cg::thread_group");
        refused(head + "    out[0] = cg::reduce(g, 1, cg::plus<int>());\n}\n", 5, 24,
                "cg::reduce needs a thread_block_tile (tiled_partition<32>(block)) or a coalesced group, not a thread_group");
        refused(head + "    auto t = cg::tiled_partition<4>(g);\n}\n", 5, 36,
                "tiled_partition<N> partitions a thread_block or a thread_block_tile, not a cg::thread_group");
    }

    private static void refused(String source, int line, int column, String message) {
        CompileException e = AllPaths.refuses(source, message);
        assertEquals(line, e.first().line(), e.getMessage());
        assertEquals(column, e.first().column(), e.getMessage());
    }
}
