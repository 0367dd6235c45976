package io.cudawasm.runtime.language;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.cudawasm.kernels.CompileRequest;
import io.cudawasm.kernels.KernelCompiler;
import io.cudawasm.kernels.source.CompileException;
import io.cudawasm.runtime.launch.Dim3;
import io.cudawasm.runtime.launch.LaunchConfig;
import io.cudawasm.runtime.launch.LaunchException;
import io.cudawasm.runtime.launch.LaunchOptions;
import io.cudawasm.runtime.memory.DeviceBuffer;
import io.cudawasm.runtime.ptx.Nvcc;
import io.cudawasm.runtime.testing.KernelHarness;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * sm_90's multicast bulk copies ({@code cp.async.bulk...multicast::cluster}) as nvcc emits them for
 * libcu++'s {@code cuda::ptx::cp_async_bulk(..., ctaMask)} (which needs {@code compute_90a}): each
 * block of a cluster copies its part of a row into every block's tile, and block 0 one more piece
 * into the blocks of a mask; each block waits on its own mbarrier for the bytes it expects, which
 * come from the other blocks' threads. Checked against a Java reference on the WebAssembly path
 * (clusters of more than one block run there only), through nvcc's PTX and from the CUDA source
 * (whose cuda::ptx mbarrier waits count the bytes in a file that multicasts).
 */
class MulticastCopyTest {
    static final String SOURCE = """
            #include <cuda/ptx>
            #include <cooperative_groups.h>
            namespace cg = cooperative_groups;
            namespace ptx = cuda::ptx;

            __global__ void multicast(const int *in, int *out, unsigned short mask)
            {
                __shared__ __align__(16) int tile[256];
                __shared__ __align__(16) int extra[64];
                __shared__ uint64_t bar;
                cg::cluster_group cluster = cg::this_cluster();
                unsigned rank = cluster.block_rank();
                unsigned n = cluster.num_blocks();
                const int *row = in + (blockIdx.x / n) * 320;
                for (int i = threadIdx.x; i < 64; i += blockDim.x) extra[i] = -1;
                if (threadIdx.x == 0) {
                    ptx::mbarrier_init(&bar, blockDim.x);
                    ptx::fence_mbarrier_init(ptx::sem_release, ptx::scope_cluster);
                }
                // every block's barrier is ready before any block copies into it
                cluster.sync();
                unsigned expected = sizeof(tile) + (((mask >> rank) & 1) ? sizeof(extra) : 0);
                uint64_t state;
                if (threadIdx.x == 0) {
                    state = ptx::mbarrier_arrive_expect_tx(ptx::sem_release, ptx::scope_cta, ptx::space_shared, &bar,
                                                           expected);
                    unsigned part = sizeof(tile) / n;
                    ptx::cp_async_bulk(ptx::space_cluster, ptx::space_global, (char *)tile + rank * part,
                                       (const char *)row + rank * part, part, &bar, (uint16_t)((1u << n) - 1));
                    if (rank == 0) {
                        ptx::cp_async_bulk(ptx::space_cluster, ptx::space_global, extra, row + 256, sizeof(extra), &bar,
                                           mask);
                    }
                } else {
                    state = ptx::mbarrier_arrive(&bar);
                }
                while (!ptx::mbarrier_try_wait(&bar, state)) {
                }
                for (int i = threadIdx.x; i < 320; i += blockDim.x) {
                    out[blockIdx.x * 320 + i] = i < 256 ? tile[i] : extra[i - 256];
                }
                // nobody leaves while another block may still copy into its shared memory
                cluster.sync();
            }

            // Rounds through one tile and one mbarrier: in round k every block multicasts its part of row k to
            // the whole cluster and waits on phase k & 1; a cluster barrier keeps the next round's copies
            // from landing before every block has read the tile.
            __global__ void rounds(const int *in, int *out, int count)
            {
                __shared__ __align__(16) int tile[128];
                __shared__ uint64_t bar;
                cg::cluster_group cluster = cg::this_cluster();
                unsigned rank = cluster.block_rank();
                unsigned n = cluster.num_blocks();
                const int *rows = in + (blockIdx.x / n) * count * 128;
                if (threadIdx.x == 0) {
                    ptx::mbarrier_init(&bar, blockDim.x);
                    ptx::fence_mbarrier_init(ptx::sem_release, ptx::scope_cluster);
                }
                cluster.sync();
                int acc = 0;
                for (int k = 0; k < count; k++) {
                    if (threadIdx.x == 0) {
                        ptx::mbarrier_arrive_expect_tx(ptx::sem_release, ptx::scope_cta, ptx::space_shared, &bar,
                                                       sizeof(tile));
                        unsigned part = sizeof(tile) / n;
                        ptx::cp_async_bulk(ptx::space_cluster, ptx::space_global, (char *)tile + rank * part,
                                           (const char *)(rows + k * 128) + rank * part, part, &bar,
                                           (uint16_t)((1u << n) - 1));
                    } else {
                        ptx::mbarrier_arrive(&bar);
                    }
                    while (!ptx::mbarrier_try_wait_parity(&bar, k & 1)) {
                    }
                    acc += tile[threadIdx.x] * (k + 1);
                    cluster.sync();
                }
                out[blockIdx.x * blockDim.x + threadIdx.x] = acc;
            }
            """;

    private static final Nvcc.Config SM90A = new Nvcc.Config("compute_90a", false);

    private static KernelHarness viaSource() {
        return KernelHarness.of(AllPaths.compile(CompileRequest.of("multicast.cu", SOURCE)), 2);
    }

    private static KernelHarness viaPtx() {
        String ptx = Nvcc.ptx(SOURCE, SM90A, List.of());
        assertTrue(ptx.contains(".multicast::cluster"), "nvcc made no multicast");
        return KernelHarness.of(AllPaths.compile(CompileRequest.of("multicast.ptx", ptx)), 2);
    }

    /** What block b of clusters of {@code n} reads: its cluster's row, and the extra piece where the mask names it. */
    static int[] reference(int[] in, int blocks, int n, int mask) {
        int[] out = new int[blocks * 320];
        for (int b = 0; b < blocks; b++) {
            int row = b / n * 320;
            for (int i = 0; i < 320; i++) {
                out[b * 320 + i] = i < 256 || (mask >> (b % n) & 1) != 0 ? in[row + i] : -1;
            }
        }
        return out;
    }

    @Test
    void everyBlockInTheMaskGetsTheBytesBeforeItsWaitEnds() {
        everyBlockInTheMaskGetsTheBytes(viaPtx());
    }

    /** The same from the CUDA source: the file multicasts, so its cuda::ptx mbarrier waits count the bytes. */
    @Test
    void everyBlockInTheMaskGetsTheBytesFromTheSource() {
        everyBlockInTheMaskGetsTheBytes(viaSource());
    }

    private static void everyBlockInTheMaskGetsTheBytes(KernelHarness harness) {
        int blocks = 16;
        int[] in = new SplittableRandom(7).ints(blocks * 320L, -1_000_000, 1_000_000).toArray();
        try (KernelHarness h = harness) {
            DeviceBuffer input = h.buffer(in);
            for (int n : new int[] {4, 2, 8, 1}) {
                for (int mask : new int[] {(1 << n) - 1, 0b0101 & ((1 << n) - 1), 1}) {
                    DeviceBuffer out = h.buffer(new int[blocks * 320]);
                    h.launch("multicast", new LaunchConfig(Dim3.of(blocks), Dim3.of(64), 0, Dim3.of(n)),
                            LaunchOptions.DEFAULT, input, out, (short) mask);
                    assertArrayEquals(reference(in, blocks, n, mask), h.ints(out), "cluster " + n + ", mask " + mask);
                }
            }
        }
    }

    /** The transaction counts of one mbarrier over many phases: each round's wait ends when its bytes have landed. */
    @Test
    void roundsOfMulticastsThroughOneMbarrierSeeEachRoundsBytes() {
        roundsSeeEachRoundsBytes(viaPtx());
    }

    @Test
    void roundsOfMulticastsFromTheSourceSeeEachRoundsBytes() {
        roundsSeeEachRoundsBytes(viaSource());
    }

    private static void roundsSeeEachRoundsBytes(KernelHarness harness) {
        int blocks = 16;
        int count = 12;
        int[] in = new SplittableRandom(3).ints(blocks * count * 128L, -1000, 1000).toArray();
        try (KernelHarness h = harness) {
            DeviceBuffer input = h.buffer(in);
            for (int n : new int[] {2, 4, 8}) {
                int[] expected = new int[blocks * 128];
                for (int b = 0; b < blocks; b++) {
                    for (int t = 0; t < 128; t++) {
                        for (int k = 0; k < count; k++) {
                            expected[b * 128 + t] += in[(b / n * count + k) * 128 + t] * (k + 1);
                        }
                    }
                }
                DeviceBuffer out = h.buffer(new int[blocks * 128]);
                h.launch("rounds", new LaunchConfig(Dim3.of(blocks), Dim3.of(128), 0, Dim3.of(n)), LaunchOptions.DEFAULT,
                        input, out, count);
                assertArrayEquals(expected, h.ints(out), "cluster " + n);
            }
        }
    }

    /**
     * Hand-written PTX in a module that multicasts: the block's own plain bulk copy and a
     * {@code complete_tx} by hand count for its mbarrier as the multicast bytes do, against two
     * {@code expect_tx}; {@code test_wait.parity} waits for all of them (a byte not counted would
     * keep the wait spinning until the time limit).
     */
    @Test
    void everyFormOfTheTransactionCountsInAModuleThatMulticasts() {
        String ptx = """
                .version 8.0
                .target sm_90a
                .address_size 64
                .visible .entry counts(.param .u64 in, .param .u64 out)
                .reqnctapercluster 2, 1, 1
                {
                    .reg .pred %p<3>;
                    .reg .b32 %r<12>;
                    .reg .b64 %rd<12>;
                    .reg .b16 %rs<2>;
                    .shared .align 16 .b8 tile[256];
                    .shared .align 16 .b8 mine[64];
                    .shared .align 8 .b64 bar;
                    ld.param.u64 %rd1, [in];
                    ld.param.u64 %rd2, [out];
                    cvta.to.global.u64 %rd1, %rd1;
                    cvta.to.global.u64 %rd2, %rd2;
                    mov.u32 %r1, %tid.x;
                    mov.u32 %r2, %cluster_ctarank;
                    mov.u32 %r3, %ctaid.x;
                    mov.u32 %r4, bar;
                    mov.u32 %r5, %ntid.x;
                    setp.ne.u32 %p1, %r1, 0;
                    @%p1 bra INITIALIZED;
                    mbarrier.init.shared.b64 [%r4], %r5;
                INITIALIZED:
                    barrier.cluster.arrive;
                    barrier.cluster.wait;
                    @%p1 bra ARRIVE;
                    mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%r4], 320;
                    mbarrier.expect_tx.relaxed.cta.shared::cta.b64 [%r4], 16;
                    // rank r's half of the cluster's 256 bytes, to both blocks
                    shr.u32 %r6, %r3, 1;
                    mul.wide.u32 %rd3, %r6, 384;
                    add.s64 %rd4, %rd1, %rd3;
                    mul.wide.u32 %rd5, %r2, 128;
                    add.s64 %rd6, %rd4, %rd5;
                    mov.u32 %r7, tile;
                    cvt.u32.u64 %r8, %rd5;
                    add.u32 %r7, %r7, %r8;
                    mov.u16 %rs1, 3;
                    cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster [%r7], [%rd6], 128, [%r4], %rs1;
                    // the block's own 64 bytes, after the cluster's 256
                    add.s64 %rd7, %rd4, 256;
                    mul.wide.u32 %rd8, %r2, 64;
                    add.s64 %rd7, %rd7, %rd8;
                    mov.u32 %r9, mine;
                    cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes [%r9], [%rd7], 64, [%r4];
                    mbarrier.complete_tx.relaxed.cta.shared::cta.b64 [%r4], 16;
                ARRIVE:
                    mbarrier.arrive.shared.b64 %rd9, [%r4];
                WAIT:
                    mbarrier.test_wait.parity.shared.b64 %p2, [%r4], 0;
                    @!%p2 bra WAIT;
                    shl.b32 %r10, %r1, 2;
                    mov.u32 %r7, tile;
                    add.u32 %r7, %r7, %r10;
                    ld.shared.u32 %r11, [%r7];
                    and.b32 %r10, %r10, 63;
                    mov.u32 %r9, mine;
                    add.u32 %r9, %r9, %r10;
                    ld.shared.u32 %r10, [%r9];
                    add.u32 %r11, %r11, %r10;
                    mad.lo.u32 %r6, %r3, %r5, %r1;
                    mul.wide.u32 %rd10, %r6, 4;
                    add.s64 %rd11, %rd2, %rd10;
                    st.global.u32 [%rd11], %r11;
                    barrier.cluster.arrive;
                    barrier.cluster.wait;
                    ret;
                }
                """;
        int blocks = 6;
        int[] in = new SplittableRandom(13).ints(blocks / 2 * 96L, -50_000, 50_000).toArray();
        int[] expected = new int[blocks * 64];
        for (int b = 0; b < blocks; b++) {
            int base = b / 2 * 96;
            for (int t = 0; t < 64; t++) {
                // mine: the 16 words at 64 + 16 * rank of the cluster's 96
                expected[b * 64 + t] = in[base + t] + in[base + 64 + 16 * (b % 2) + t % 16];
            }
        }
        try (KernelHarness h = KernelHarness.of(AllPaths.compile(CompileRequest.of("counts.ptx", ptx)), 2)) {
            DeviceBuffer input = h.buffer(in);
            DeviceBuffer out = h.buffer(new int[blocks * 64]);
            h.launch("counts", new LaunchConfig(Dim3.of(blocks), Dim3.of(64), 0), LaunchOptions.DEFAULT.withTimeLimit(
                    java.time.Duration.ofSeconds(20)), input, out);
            assertArrayEquals(expected, h.ints(out));
        }
    }

    @Test
    void aMaskNamingABlockOutsideTheClusterStopsTheKernel() {
        List<String> lines = Nvcc.ptx(SOURCE, SM90A, List.of()).lines().toList();
        int second = java.util.stream.IntStream.range(0, lines.size()).filter(i -> lines.get(i).contains("multicast::cluster"))
                .skip(1).findFirst().orElseThrow() + 1;
        try (KernelHarness h = viaPtx()) {
            DeviceBuffer input = h.buffer(new int[8 * 320]);
            DeviceBuffer out = h.buffer(new int[8 * 320]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("multicast",
                    new LaunchConfig(Dim3.of(8), Dim3.of(64), 0, Dim3.of(4)), LaunchOptions.DEFAULT, input, out,
                    (short) 0b10001));
            // block 0's mask names rank 4 of a cluster of 4
            assertTrue(e.getMessage().contains("the rank is not a block of the caller's cluster")
                    && e.getMessage().contains("multicast.ptx:" + second + ")"), e.getMessage());
        }
    }

    /** The source's multicast as the CUDA back end emits it (each rank's copy and count through mapa) compiles with nvcc. */
    @Test
    void theEmittedCudaOfTheSourcesMulticastCompilesWithNvcc() {
        String ptx = new io.cudawasm.runtime.backend.cuda.PtxCompiler(null).compileWithNvcc(
                AllPaths.compile(CompileRequest.of("multicast.cu", SOURCE)).cuda(), "compute_90");
        assertTrue(ptx.contains("mapa") && ptx.contains("atom."), ptx);
    }

    /** From the source, a mask naming a block outside the cluster stops the kernel too. */
    @Test
    void aMaskNamingABlockOutsideTheClusterStopsTheSourcesKernel() {
        try (KernelHarness h = viaSource()) {
            DeviceBuffer input = h.buffer(new int[8 * 320]);
            DeviceBuffer out = h.buffer(new int[8 * 320]);
            LaunchException e = assertThrows(LaunchException.class, () -> h.launch("multicast",
                    new LaunchConfig(Dim3.of(8), Dim3.of(64), 0, Dim3.of(4)), LaunchOptions.DEFAULT, input, out,
                    (short) 0b10001));
            assertTrue(e.getMessage().contains("the rank is not a block of the caller's cluster"), e.getMessage());
        }
    }

    /**
     * In a file that multicasts, the mbarrier waits count transaction bytes, which cuda::barrier's
     * bulk copies do not keep: they are refused by name there.
     */
    @Test
    void copiesThatKeepNoTransactionCountsAreRefusedInAFileThatMulticasts() {
        String src = SOURCE.replace("#include <cuda/ptx>", "#include <cuda/ptx>\n#include <cuda/barrier>") + """
                __global__ void mixed(const int *in, int *out)
                {
                    __shared__ __align__(16) int tile[64];
                    __shared__ cuda::barrier<cuda::thread_scope_block> bar;
                    if (threadIdx.x == 0) init(&bar, blockDim.x);
                    __syncthreads();
                    if (threadIdx.x == 0) cuda::device::memcpy_async_tx(tile, in, cuda::aligned_size_t<16>(256), bar);
                    out[threadIdx.x] = tile[threadIdx.x];
                }
                """;
        CompileException e = AllPaths.refuses(src, "'memcpy_async_tx' in a file that multicasts bulk copies");
        assertEquals(src.lines().toList().indexOf(src.lines().filter(l -> l.contains("memcpy_async_tx")).findFirst()
                .orElseThrow()) + 1, e.first().line(), e.getMessage());
    }

    /**
     * A multicast written in inline PTX: the file multicasts (its parser saw the instruction), so
     * the snippet's copies and the cuda::ptx mbarrier waits count the same transaction bytes.
     */
    @Test
    void everyBlockInTheMaskGetsTheBytesFromInlinePtx() {
        String inline = SOURCE.replace("namespace ptx = cuda::ptx;\n", """
                namespace ptx = cuda::ptx;
                __device__ void mc(void *dst, const void *src, unsigned size, uint64_t *bar, unsigned short mask)
                {
                    asm volatile("cp.async.bulk.shared::cluster.global.mbarrier::complete_tx::bytes.multicast::cluster"
                                 " [%0], [%1], %2, [%3], %4;"
                                 :: "r"((unsigned)__cvta_generic_to_shared(dst)), "l"(src), "r"(size),
                                    "r"((unsigned)__cvta_generic_to_shared(bar)), "h"(mask) : "memory");
                }
                """).replace("ptx::cp_async_bulk(ptx::space_cluster, ptx::space_global, ", "mc(");
        assertTrue(inline.contains("mc(extra") && !inline.contains("ptx::cp_async_bulk("), inline);
        everyBlockInTheMaskGetsTheBytes(KernelHarness.of(AllPaths.compile(CompileRequest.of("inline.cu", inline)), 2));
    }
}
